/**
 * Pick the transport of the runtime this code runs on, once; or one by name,
 * e.g. to force node:net on Deno or Bun.
 *
 * @module
 */
import { InvalidRequestError } from "../errors.ts";
import { bunTransport, isBunRuntime } from "./bun.ts";
import { denoTransport, isDenoRuntime } from "./deno.ts";
import { nodeTransport } from "./node.ts";
import type { Transport, TransportName } from "./types.ts";

/**
 * The names of the transports that work here: `"node"` everywhere (Deno and
 * Bun implement node:net), plus `"deno"` on Deno and `"bun"` on Bun, the
 * native one first.
 *
 * @example
 * ```ts
 * import { availableTransports } from "./detect.ts";
 * console.log(availableTransports()); // e.g. ["deno", "node"] on Deno
 * ```
 */
export function availableTransports(): TransportName[] {
  if (isDenoRuntime()) return ["deno", "node"];
  if (isBunRuntime()) return ["bun", "node"];
  return ["node"];
}

/**
 * The native transport of this runtime: Deno's, Bun's, else node:net.
 *
 * @example
 * ```ts
 * import { detectTransport } from "./detect.ts";
 * console.log(detectTransport().name); // "deno", "bun" or "node"
 * ```
 */
export function detectTransport(): Transport {
  return transportByName(availableTransports()[0]);
}

const transports: Record<TransportName, Transport> = {
  deno: denoTransport,
  bun: bunTransport,
  node: nodeTransport,
};

/**
 * The transport of that name; throws `InvalidRequestError` when it does not
 * exist on this runtime (e.g. `"deno"` on Node) or the name is unknown.
 *
 * @example
 * ```ts
 * import { transportByName } from "./detect.ts";
 * const transport = transportByName("node"); // works on every runtime
 * console.log(transport.name); // "node"
 * ```
 */
export function transportByName(name: TransportName): Transport {
  if (!availableTransports().includes(name)) {
    throw new InvalidRequestError(`the ${String(name)} transport is not available on this runtime`);
  }
  return transports[name];
}
