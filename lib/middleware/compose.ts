/**
 * Middleware: `(request, next) => Promise<HttpResponse>`, composed once per
 * client, outermost first.
 *
 * @module
 */
import type { ClientRequest } from "../request.ts";
import type { HttpResponse } from "../response.ts";

/**
 * Sends a request and resolves with its response.
 *
 * @example
 * ```ts
 * import type { Handler, Middleware } from "../../mod.ts";
 * const timing: Middleware = async (request, next: Handler) => {
 *   const start = Date.now();
 *   const response = await next(request);
 *   console.log(request.url.href, Date.now() - start, "ms to the response head");
 *   return response;
 * };
 * ```
 */
export type Handler = (request: ClientRequest) => Promise<HttpResponse>;

/**
 * One concern wrapped around the rest of the chain: it may change the
 * request, call `next` zero or more times, and change the response.
 *
 * @example
 * ```ts
 * import type { Middleware } from "../../mod.ts";
 * const userAgent: Middleware = (request, next) => {
 *   request.headers.push(["user-agent", "my-crawler/1.0"]);
 *   return next(request);
 * };
 * ```
 */
export type Middleware = (request: ClientRequest, next: Handler) => Promise<HttpResponse>;

/**
 * Compose middleware around a terminal handler; `middleware[0]` is outermost.
 * Every handler returns a promise: a layer's synchronous throw becomes a rejection.
 *
 * @example
 * ```ts
 * import { compose } from "./compose.ts";
 * const handler = compose([], (request) => Promise.reject(new Error(request.url.href)));
 * ```
 */
export function compose(middleware: readonly Middleware[], terminal: Handler): Handler {
  let handler = terminal;
  for (let i = middleware.length - 1; i >= 0; i--) {
    const layer = middleware[i];
    const next = handler;
    // A layer that throws instead of rejecting (one that is not async) still
    // hands a rejected promise to the layer around it.
    handler = (request) => {
      try {
        return layer(request, next);
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }
  return handler;
}
