/**
 * Responses the cache answers with itself: a stored response (a hit, or one
 * just revalidated), and the 504 of an `only-if-cached` request it cannot
 * answer.
 *
 * @module
 */
import { bytesSource, emptySource } from "../body_source.ts";
import { ageHeaderValue } from "../cache/age.ts";
import type { CacheEntry } from "../cache/store.ts";
import type { ClientRequest } from "../request.ts";
import { type CacheStatus, HttpResponse, type Timings } from "../response.ts";

/** Options of {@link cachedResponse}. */
export interface CachedResponseOptions {
  /** `"hit"` (served without the server) or `"revalidated"` (the server answered 304). */
  fromCache: CacheStatus;
  /** The current time (epoch ms), for the Age field. */
  now: number;
  /** The client's `maxBodySize`, for `bytes()`, `text()` and `json()`. */
  maxBodySize: number;
}

/**
 * A response served from a stored entry, for `request`: the stored fields
 * with `Age` set to the entry's current age (RFC 9111 §5.1: a cache sends
 * Age with every stored response it serves) and `Content-Length` to the
 * stored body's length (stored fields may describe the body as it came over
 * the wire, before decoding). A HEAD request gets the head of the stored GET
 * and no body (RFC 9110 §9.3.2).
 *
 * @example
 * ```ts
 * import { cachedResponse } from "./cache_response.ts";
 * import { normalizeRequest } from "../request.ts";
 * const entry = {
 *   meta: {
 *     key: "http://example.com/", url: "http://example.com/", method: "GET",
 *     status: 200, statusText: "OK", headers: [["etag", '"v1"']] as [string, string][],
 *     requestTime: 0, responseTime: 0, varyValues: {},
 *   },
 *   body: new TextEncoder().encode("hello"),
 * };
 * const request = normalizeRequest({ url: "http://example.com/" });
 * const response = cachedResponse(entry, request, { fromCache: "hit", now: 5_000, maxBodySize: 1024 });
 * response.headers.get("age"); // "5"
 * await response.text(); // "hello"
 * ```
 */
export function cachedResponse(
  entry: CacheEntry,
  request: ClientRequest,
  options: CachedResponseOptions,
): HttpResponse {
  const { meta, body } = entry;
  const rawHeaders: string[] = [];
  for (const [name, value] of meta.headers) {
    if (name !== "age" && name !== "content-length") rawHeaders.push(name, value);
  }
  // RFC 9110 §8.6: no Content-Length in a 204.
  if (meta.status !== 204) rawHeaders.push("content-length", String(body.byteLength));
  rawHeaders.push("age", ageHeaderValue(meta, options.now));
  const response = new HttpResponse({
    status: meta.status,
    statusText: meta.statusText,
    httpVersion: "1.1",
    rawHeaders,
    request,
    body: request.method === "HEAD" ? emptySource : bytesSource(body),
    maxBodySize: options.maxBodySize,
    timings: requestTimings(request),
  });
  response.fromCache = options.fromCache;
  return response;
}

/**
 * The answer to an `only-if-cached` request the cache cannot serve: 504
 * (Gateway Timeout), as RFC 9111 §5.2.1.7 says, with an empty body. It did
 * not come from the cache, so `fromCache` is `"miss"`.
 *
 * @example
 * ```ts
 * import { gatewayTimeout } from "./cache_response.ts";
 * import { normalizeRequest } from "../request.ts";
 * const response = gatewayTimeout(normalizeRequest({ url: "http://example.com/" }), 1024);
 * response.status; // 504
 * ```
 */
export function gatewayTimeout(request: ClientRequest, maxBodySize: number): HttpResponse {
  return new HttpResponse({
    status: 504,
    statusText: "Gateway Timeout",
    httpVersion: "1.1",
    rawHeaders: ["content-length", "0"],
    request,
    body: emptySource,
    maxBodySize,
    timings: requestTimings(request),
  });
}

function requestTimings(request: ClientRequest): Timings {
  const timings = request.timings ?? { start: Date.now() };
  timings.done = Date.now() - timings.start;
  return timings;
}
