/**
 * Debug levels, after the Lua original's client / protocol / stream levels,
 * plus one per middleware and one for errors.
 *
 * @module
 */
import { InvalidRequestError } from "../errors.ts";

/**
 * Every debug level.
 *
 * @example
 * ```ts
 * import { debugLevels } from "../../mod.ts";
 * console.log(debugLevels.join(",")); // "pool,protocol,stream,cookies,cache,redirect,retry,errors"
 * ```
 */
export const debugLevels = [
  "pool",
  "protocol",
  "stream",
  "cookies",
  "cache",
  "redirect",
  "retry",
  "errors",
] as const;

/**
 * One debug level.
 *
 * @example
 * ```ts
 * import { Client, type DebugLevel } from "../../mod.ts";
 * const levels: DebugLevel[] = ["pool", "redirect"];
 * await using client = new Client({ debug: levels });
 * ```
 */
export type DebugLevel = typeof debugLevels[number];

/**
 * `true` (all levels), a comma-separated string (`"pool,protocol"`), or a list of levels.
 *
 * @example
 * ```ts
 * import { Client, type DebugOption } from "../../mod.ts";
 * const debug: DebugOption = "protocol,stream";
 * await using client = new Client({ debug });
 * ```
 */
export type DebugOption = boolean | string | readonly DebugLevel[];

/**
 * One flag per level: checked before any debug string is built.
 *
 * @example
 * ```ts
 * import type { DebugFlags } from "../../mod.ts";
 * const onlyPool: DebugFlags = {
 *   pool: true,
 *   protocol: false,
 *   stream: false,
 *   cookies: false,
 *   cache: false,
 *   redirect: false,
 *   retry: false,
 *   errors: false,
 * };
 * ```
 */
export type DebugFlags = { readonly [K in DebugLevel]: boolean };

/**
 * Parse a debug option into flags; `null` when every level is off.
 * Throws `InvalidRequestError` for an unknown level name.
 *
 * @example
 * ```ts
 * import { parseDebugLevels } from "./levels.ts";
 * parseDebugLevels("pool,stream")?.stream; // true
 * parseDebugLevels(false); // null
 * ```
 */
export function parseDebugLevels(option: DebugOption | undefined): DebugFlags | null {
  if (option === undefined || option === false || option === "") return null;
  const names: readonly string[] = option === true
    ? debugLevels
    : typeof option === "string"
    ? option.split(",").map((name) => name.trim()).filter((name) => name !== "")
    : option;
  const flags = Object.fromEntries(debugLevels.map((level) => [level, false])) as Record<DebugLevel, boolean>;
  for (const name of names) {
    if (name === "all") {
      for (const level of debugLevels) flags[level] = true;
      continue;
    }
    if (!(debugLevels as readonly string[]).includes(name)) {
      throw new InvalidRequestError(`unknown debug level "${name}" (levels: ${debugLevels.join(", ")}, all)`);
    }
    flags[name as DebugLevel] = true;
  }
  return flags;
}
