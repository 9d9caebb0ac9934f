/**
 * The outermost middleware (DESIGN.md order: debug, redirect, retry, cookies,
 * cache, decompress, pool): every failed request, with its cause chain, goes
 * to the `errors` debug level. When that level is off it is one check and a
 * direct call, with no promise added.
 *
 * @module
 */
import { describeError, errorCode } from "../debug/describe_error.ts";
import type { Middleware } from "./compose.ts";

/**
 * Report a request's failure to the `errors` level (then fail as before).
 *
 * @example
 * ```ts
 * import { Client } from "../../mod.ts";
 * // Built in: a client with `debug: "errors"` prints every failed request.
 * await using client = new Client({ debug: "errors" });
 * await client.request({ url: "http://127.0.0.1:1/" }).catch(() => {});
 * ```
 */
export const errorsDebugMiddleware: Middleware = (request, next) => {
  const debug = request.debug;
  if (!debug?.flags.errors) return next(request);
  return next(request).catch((error: unknown) => {
    debug.emit("errors", "failed", {}, `${request.method} ${request.url.href}: ${describeError(error)}`, {
      code: errorCode(error),
      url: request.url.href,
    });
    throw error;
  });
};
