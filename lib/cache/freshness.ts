/**
 * May a stored response be served for a request, and if not, how to
 * revalidate it (RFC 9111 §4, §4.2, §4.3.1, §5.2; RFC 5861).
 *
 * @module
 */
import { currentAge } from "./age.ts";
import { type CacheControl, parseCacheControl } from "./cache_control.ts";
import { freshnessLifetime, type FreshnessOptions } from "./freshness_lifetime.ts";
import type { CachedResponseMeta } from "./response_meta.ts";
import { firstField, joinedField } from "./stored_fields.ts";

/** The validators to send in a conditional request (RFC 9111 §4.3.1). */
export interface ConditionalHeaders {
  /** Value for If-None-Match: the stored ETag. */
  ifNoneMatch?: string;
  /** Value for If-Modified-Since: the stored Last-Modified. */
  ifModifiedSince?: string;
}

/**
 * What to do with a stored response for a request:
 * - `fresh`: serve it.
 * - `stale-ok`: serve it although stale, because the request's `max-stale`
 *   or the response's `stale-while-revalidate` allows it; when
 *   `revalidateInBackground` is set (stale-while-revalidate), also send a
 *   conditional request with `headers` and update the entry from its answer.
 * - `revalidate`: send the request with `headers` added. A 304 answer
 *   updates the entry (`updateFrom304`) and the entry is served; any other
 *   answer is used (and may replace the entry). `headers` is empty when the
 *   entry has no validator but is kept for `staleIfError`: if the request
 *   fails or the answer's status passes `isStaleIfErrorStatus`, the stale
 *   entry may be served instead (RFC 5861 §4).
 * - `miss`: the entry is of no use for this request: send it unchanged.
 */
export type FreshnessDecision =
  | { kind: "fresh" }
  | { kind: "stale-ok"; revalidateInBackground: boolean; headers: ConditionalHeaders }
  | { kind: "revalidate"; headers: ConditionalHeaders; staleIfError: boolean }
  | { kind: "miss" };

/** Options of {@link freshness}. */
export interface FreshnessDecisionOptions extends FreshnessOptions {
  /** The current time, epoch ms. */
  now: number;
  /**
   * Honour the response's `stale-while-revalidate` (default true). A cache
   * that does not revalidate in the background turns it off, and a stale
   * response is then revalidated before it is served.
   */
  staleWhileRevalidate?: boolean;
}

/**
 * Decide how a stored response (whose Vary values already match) may answer
 * a request with these header fields, at `options.now`:
 * - fresh means `current_age < freshness_lifetime` (§4.2), within the
 *   request's `max-age` (§5.2.1.1) and leaving at least `min-fresh` (§5.2.1.3);
 * - `no-cache` in the request (or `Pragma: no-cache` without Cache-Control,
 *   RFC 9111 §5.4) or in the response forces revalidation (§5.2.1.4,
 *   §5.2.2.4; a qualified `no-cache="field"` is treated as unqualified, which
 *   §5.2.2.4 allows);
 * - a stale response is served only without `must-revalidate` or `no-cache`
 *   in the response (§5.2.2.2): within the response's
 *   `stale-while-revalidate` window (not when the request has `max-age` or
 *   `min-fresh`: the client asked for a fresh one), or within the request's
 *   `max-stale`;
 * - `stale-if-error` (request, else response) is reported on `revalidate`;
 *   `must-revalidate` and `no-cache` responses never get it, nor does a
 *   request with `no-cache` unless it carries `stale-if-error` itself.
 *
 * `proxy-revalidate` and `s-maxage` concern shared caches and are ignored;
 * `immutable` does not override the request's own directives. `only-if-cached`
 * is for the caller: see {@link onlyIfCached}.
 *
 * @example
 * ```ts
 * import { freshness } from "./freshness.ts";
 * const meta = {
 *   status: 200, statusText: "OK", requestTime: 0, responseTime: 0, varyValues: {},
 *   headers: [["date", "Thu, 01 Jan 1970 00:00:00 GMT"], ["cache-control", "max-age=60"], ["etag", '"v1"']] as [
 *     string,
 *     string,
 *   ][],
 * };
 * freshness(meta, new Headers(), { now: 30_000 }); // { kind: "fresh" }
 * freshness(meta, new Headers(), { now: 90_000 }); // { kind: "revalidate", headers: { ifNoneMatch: '"v1"' }, staleIfError: false }
 * ```
 */
export function freshness(
  meta: CachedResponseMeta,
  requestHeaders: Headers,
  options: FreshnessDecisionOptions,
): FreshnessDecision {
  const request = requestDirectives(requestHeaders);
  const response = parseCacheControl(joinedField(meta.headers, "cache-control"));
  const lifetime = freshnessLifetime(meta, options);
  const age = currentAge(meta, options.now);
  const headers = conditionalHeaders(meta);
  const mustValidate = request.noCache || response.noCache;
  const withinRequestMaxAge = request.maxAge === undefined || age <= request.maxAge * 1000;
  const minFresh = (request.minFresh ?? 0) * 1000;

  if (!mustValidate && withinRequestMaxAge && lifetime > age && lifetime - age >= minFresh) {
    return { kind: "fresh" };
  }

  const staleness = age - lifetime;
  const mayServeStale = !mustValidate && !response.mustRevalidate && withinRequestMaxAge && staleness >= 0;
  if (mayServeStale) {
    const wantsFresh = request.maxAge !== undefined || request.minFresh !== undefined;
    if (
      !wantsFresh && options.staleWhileRevalidate !== false && response.staleWhileRevalidate !== undefined &&
      staleness <= response.staleWhileRevalidate * 1000
    ) {
      return { kind: "stale-ok", revalidateInBackground: true, headers };
    }
    if (request.maxStale !== undefined && staleness <= request.maxStale * 1000) {
      return { kind: "stale-ok", revalidateInBackground: false, headers };
    }
  }

  const staleIfErrorWindow = request.staleIfError ?? response.staleIfError;
  const staleIfError = staleIfErrorWindow !== undefined && staleness <= staleIfErrorWindow * 1000 &&
    !response.mustRevalidate && !response.noCache && (!request.noCache || request.staleIfError !== undefined);
  if (headers.ifNoneMatch === undefined && headers.ifModifiedSince === undefined && !staleIfError) {
    return { kind: "miss" };
  }
  return { kind: "revalidate", headers, staleIfError };
}

/**
 * Whether the request has `only-if-cached` (RFC 9111 §5.2.1.7): the caller
 * must then answer from the cache (a `fresh` or `stale-ok` decision) or with
 * a 504 (Gateway Timeout), never contact the origin.
 *
 * @example
 * ```ts
 * import { onlyIfCached } from "./freshness.ts";
 * onlyIfCached(new Headers({ "cache-control": "only-if-cached, max-stale" })); // true
 * ```
 */
export function onlyIfCached(requestHeaders: Headers): boolean {
  return parseCacheControl(requestHeaders.get("cache-control")).onlyIfCached;
}

/**
 * Whether an answer to a revalidation counts as an error for
 * `stale-if-error`: 500, 502, 503 or 504 (RFC 5861 §4).
 *
 * @example
 * ```ts
 * import { isStaleIfErrorStatus } from "./freshness.ts";
 * isStaleIfErrorStatus(503); // true
 * isStaleIfErrorStatus(404); // false
 * ```
 */
export function isStaleIfErrorStatus(status: number): boolean {
  return status === 500 || status === 502 || status === 503 || status === 504;
}

/**
 * The conditional request fields for a stored response (RFC 9111 §4.3.1):
 * If-None-Match from its ETag, If-Modified-Since from its Last-Modified.
 *
 * @example
 * ```ts
 * import { conditionalHeaders } from "./freshness.ts";
 * const meta = {
 *   status: 200, statusText: "OK", requestTime: 0, responseTime: 0, varyValues: {},
 *   headers: [["etag", 'W/"7"']] as [string, string][],
 * };
 * conditionalHeaders(meta); // { ifNoneMatch: 'W/"7"' }
 * ```
 */
export function conditionalHeaders(meta: CachedResponseMeta): ConditionalHeaders {
  const headers: ConditionalHeaders = {};
  const etag = firstField(meta.headers, "etag");
  const lastModified = firstField(meta.headers, "last-modified");
  if (etag !== null) headers.ifNoneMatch = etag;
  if (lastModified !== null) headers.ifModifiedSince = lastModified;
  return headers;
}

function requestDirectives(requestHeaders: Headers): CacheControl {
  const value = requestHeaders.get("cache-control");
  if (value !== null) return parseCacheControl(value);
  // RFC 9111 §5.4 deprecates Pragma, but a client that sends `Pragma: no-cache`
  // alone still means it (RFC 7234 §5.4 required honouring it).
  const pragma = parseCacheControl(requestHeaders.get("pragma"));
  return parseCacheControl(pragma.noCache ? "no-cache" : null);
}
