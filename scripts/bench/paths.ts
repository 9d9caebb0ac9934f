/**
 * Paths the benchmark needs, found the same way whether it runs from
 * `scripts/` (Deno, Bun) or compiled from `build/bench/scripts/` (Node).
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository root: the nearest folder above this file with a `deno.json`.
 *
 * @example
 * ```ts
 * import { repoRoot } from "./paths.ts";
 * console.log(repoRoot());
 * ```
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "deno.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("deno.json not found above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

/**
 * A PEM file of the test certificates (`tests/fixtures/tls/<name>.pem`).
 *
 * @example
 * ```ts
 * import { tlsFixture } from "./paths.ts";
 * const ca = tlsFixture("ca");
 * ```
 */
export function tlsFixture(name: "ca" | "server" | "server-key"): string {
  return readFileSync(join(repoRoot(), "tests", "fixtures", "tls", `${name}.pem`), "utf8");
}
