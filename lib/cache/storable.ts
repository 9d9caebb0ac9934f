/**
 * May a response be stored at all? (RFC 9111 §3, for a private cache.)
 *
 * @module
 */
import { parseCacheControl } from "./cache_control.ts";
import type { CachedRequest } from "./response_meta.ts";
import { parseVary } from "./vary.ts";

// RFC 9110 §15.1: status codes whose responses may get a heuristic freshness lifetime.
// 206 is among them, but partial content is never stored here (no range support).
const heuristicallyCacheable = new Set([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]);

// Final status codes defined by RFC 9110 §15 whose caching rules this cache
// follows; `must-understand` (RFC 9111 §5.2.2.3) allows storing only these.
// 206 (ranges) and 304 (an update, not a response to store) are left out.
// deno-fmt-ignore
const understoodStatuses = new Set([
  200, 201, 202, 203, 204, 205,
  300, 301, 302, 303, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 426,
  500, 501, 502, 503, 504, 505,
]);

/**
 * Whether a status code is heuristically cacheable (RFC 9110 §15.1) in this
 * cache: 200, 203, 204, 300, 301, 308, 404, 405, 410, 414 and 501 (206 is
 * not, because partial content is never stored).
 *
 * @example
 * ```ts
 * import { isHeuristicallyCacheable } from "./storable.ts";
 * isHeuristicallyCacheable(404); // true
 * isHeuristicallyCacheable(302); // false
 * ```
 */
export function isHeuristicallyCacheable(status: number): boolean {
  return heuristicallyCacheable.has(status);
}

/** The parts of a response {@link isStorable} looks at. */
export interface StorableResponse {
  /** The status code. */
  status: number;
  /** The response header fields. */
  headers: Headers;
}

/**
 * Whether a private cache may store a response (RFC 9111 §3):
 * - the request method is GET (HEAD requests are served from a stored GET);
 * - the status is final, and neither 206 (partial content is not stored) nor
 *   304 (it updates a stored response, see `updateFrom304`);
 * - no `no-store` in the request or the response, unless the response has
 *   `must-understand` and an understood status (§5.2.2.3);
 * - not `Vary: *` (§4.1: it could never be served, so storing it only wastes space);
 * - a request with Authorization only when the response has `public`,
 *   `must-revalidate` or `s-maxage` (§3.5). That rule is written for shared
 *   caches, but the cache key does not include credentials and one client may
 *   act for several accounts, so it is applied here too;
 * - and the response has explicit freshness (`max-age`, Expires), is marked
 *   `public` or `private`, or has a heuristically cacheable status.
 *
 * @example
 * ```ts
 * import { isStorable } from "./storable.ts";
 * const request = { method: "GET", url: "http://example.com/", headers: new Headers() };
 * isStorable(request, { status: 200, headers: new Headers() }); // true
 * isStorable(request, { status: 302, headers: new Headers() }); // false: no freshness information
 * isStorable(request, { status: 200, headers: new Headers({ "cache-control": "no-store" }) }); // false
 * ```
 */
export function isStorable(request: CachedRequest, response: StorableResponse): boolean {
  const { status, headers } = response;
  if (request.method !== "GET") return false;
  if (status < 200 || status > 999 || status === 206 || status === 304) return false;
  if (parseCacheControl(request.headers.get("cache-control")).noStore) return false;
  const directives = parseCacheControl(headers.get("cache-control"));
  if (directives.mustUnderstand) {
    if (!understoodStatuses.has(status)) return false;
  } else if (directives.noStore) {
    return false;
  }
  if (parseVary(headers.get("vary")).includes("*")) return false;
  if (
    request.headers.has("authorization") &&
    !(directives.public || directives.mustRevalidate || directives.sMaxAge !== undefined)
  ) {
    return false;
  }
  return directives.public || directives.private || directives.maxAge !== undefined ||
    headers.has("expires") ||
    isHeuristicallyCacheable(status);
}
