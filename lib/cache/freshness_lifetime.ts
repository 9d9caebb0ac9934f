/**
 * How long a stored response stays fresh (RFC 9111 §4.2.1, §4.2.2).
 *
 * @module
 */
import { defaultLimits } from "../limits.ts";
import { dateValue } from "./age.ts";
import { parseCacheControl } from "./cache_control.ts";
import { parseHttpDate } from "./http_date.ts";
import type { CachedResponseMeta } from "./response_meta.ts";
import { isHeuristicallyCacheable } from "./storable.ts";
import { firstField, joinedField } from "./stored_fields.ts";

/** Options of the freshness computations. */
export interface FreshnessOptions {
  /** Cap of a heuristic freshness lifetime in ms (default `defaultLimits.cacheHeuristicMaxAge`, 24 h). */
  heuristicMaxAge?: number;
}

// RFC 9111 §4.2.2: "a typical setting of this fraction might be 10%".
const heuristicFraction = 0.1;

/**
 * The freshness lifetime of a stored response in ms (RFC 9111 §4.2.1), first
 * rule that applies:
 * 1. `max-age` (`s-maxage` is for shared caches and ignored; an invalid
 *    `max-age` gives 0, stale);
 * 2. Expires minus Date (an invalid Expires, such as `0`, gives 0: §5.3);
 * 3. a heuristic (§4.2.2), only for heuristically cacheable status codes or
 *    responses marked `public`/`private`: 10% of the time between
 *    Last-Modified and Date, at most `heuristicMaxAge`;
 * 4. otherwise 0.
 *
 * @example
 * ```ts
 * import { freshnessLifetime } from "./freshness_lifetime.ts";
 * const meta = {
 *   status: 200, statusText: "OK", requestTime: 0, responseTime: 0, varyValues: {},
 *   headers: [["cache-control", "max-age=60"]] as [string, string][],
 * };
 * freshnessLifetime(meta); // 60000
 * ```
 */
export function freshnessLifetime(meta: CachedResponseMeta, options: FreshnessOptions = {}): number {
  const directives = parseCacheControl(joinedField(meta.headers, "cache-control"));
  if (directives.maxAge !== undefined) return directives.maxAge * 1000;
  const date = dateValue(meta);
  const expiresField = firstField(meta.headers, "expires");
  if (expiresField !== null) {
    const expires = parseHttpDate(expiresField, meta.responseTime);
    return expires === null ? 0 : Math.max(0, expires - date);
  }
  if (!isHeuristicallyCacheable(meta.status) && !directives.public && !directives.private) return 0;
  const lastModified = parseHttpDate(firstField(meta.headers, "last-modified"), meta.responseTime);
  if (lastModified === null || lastModified >= date) return 0;
  const cap = options.heuristicMaxAge ?? defaultLimits.cacheHeuristicMaxAge;
  return Math.min(Math.floor((date - lastModified) * heuristicFraction), cap);
}
