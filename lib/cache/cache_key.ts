/**
 * The primary cache key (RFC 9111 §2): the request method and target URI.
 *
 * @module
 */

/**
 * The URL a cache keys on: parsed and serialized (so `HTTP://Example.com:80/`
 * and `http://example.com/` are one key) with the fragment removed, since it
 * is never sent (RFC 9110 §4.2.5). A string that does not parse is only cut
 * at `#`. Never throws.
 *
 * @example
 * ```ts
 * import { keyUrl } from "./cache_key.ts";
 * keyUrl("HTTP://Example.com:80/a#top"); // "http://example.com/a"
 * ```
 */
export function keyUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.hash = "";
    return parsed.href;
  } catch {
    const hash = url.indexOf("#");
    return hash === -1 ? url : url.slice(0, hash);
  }
}

/**
 * The primary cache key of a request: its URL without fragment for GET and
 * HEAD (a HEAD is answered from the stored GET, RFC 9110 §9.3.2), the method
 * and URL for any other method.
 *
 * @example
 * ```ts
 * import { cacheKey } from "./cache_key.ts";
 * cacheKey("GET", "http://example.com/a#b"); // "http://example.com/a"
 * cacheKey("HEAD", "http://example.com/a"); // "http://example.com/a"
 * cacheKey("POST", "http://example.com/a"); // "POST http://example.com/a"
 * ```
 */
export function cacheKey(method: string, url: string): string {
  const target = keyUrl(url);
  return method === "GET" || method === "HEAD" ? target : `${method} ${target}`;
}
