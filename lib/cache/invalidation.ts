/**
 * Which stored responses an unsafe request makes obsolete (RFC 9111 §4.4).
 *
 * @module
 */
import { keyUrl } from "./cache_key.ts";

// RFC 9110 §9.2.1: the safe methods; every other method, known or not, is treated as unsafe.
const safeMethods = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/** The parts of a request {@link invalidatedUrls} looks at. */
export interface InvalidatingRequest {
  /** The method. */
  method: string;
  /** The absolute request URL. */
  url: string;
}

/** The parts of a response {@link invalidatedUrls} looks at. */
export interface InvalidatingResponse {
  /** The status code. */
  status: number;
  /** The response header fields. */
  headers: Headers;
}

/**
 * The URLs whose stored responses must be dropped after a response (RFC 9111
 * §4.4): for an unsafe method answered with a non-error status (2xx or 3xx),
 * the request URL, plus the URLs in Location and Content-Location when they
 * have the request URL's origin (another origin could otherwise be made to
 * lose its entries). Each URL is returned without fragment, so it is also
 * its GET cache key. Empty for safe methods and error statuses.
 *
 * @example
 * ```ts
 * import { invalidatedUrls } from "./invalidation.ts";
 * invalidatedUrls(
 *   { method: "POST", url: "http://example.com/items" },
 *   { status: 201, headers: new Headers({ location: "/items/7", "content-location": "http://other.example/x" }) },
 * ); // ["http://example.com/items", "http://example.com/items/7"]
 * ```
 */
export function invalidatedUrls(request: InvalidatingRequest, response: InvalidatingResponse): string[] {
  if (safeMethods.has(request.method)) return [];
  if (response.status < 200 || response.status >= 400) return [];
  const urls = new Set([keyUrl(request.url)]);
  const origin = httpOrigin(request.url);
  if (origin === null) return [...urls];
  for (const name of ["location", "content-location"]) {
    const value = response.headers.get(name);
    if (value === null) continue;
    const target = resolve(value, request.url);
    if (target !== null && httpOrigin(target) === origin) urls.add(keyUrl(target));
  }
  return [...urls];
}

function resolve(reference: string, base: string): string | null {
  try {
    return new URL(reference, base).href;
  } catch {
    return null;
  }
}

/** The origin of an http(s) URL; `null` for other schemes, whose origins are opaque. */
function httpOrigin(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : null;
  } catch {
    return null;
  }
}
