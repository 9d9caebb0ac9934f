/**
 * Cookie paths: the request path as cookies see it, default-path and
 * path-match (RFC 6265 §5.1.4).
 *
 * @example
 * ```ts
 * import { defaultPath, pathMatch } from "./path.ts";
 * defaultPath("/docs/page.html"); // "/docs"
 * pathMatch("/docs/page.html", "/docs"); // true
 * pathMatch("/docsearch", "/docs"); // false
 * ```
 * @module
 */

/** RFC 3986 §2.3 unreserved characters: ALPHA / DIGIT / "-" / "." / "_" / "~". */
const unreservedEscape = /%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[DEde]|5[Ff]|7[Ee])/g;

/**
 * The path of a request URL (without query or fragment) as cookies match it.
 * Percent-escapes of unreserved characters are decoded (`/f%6Fo` becomes
 * `/foo`): RFC 3986 §6.2.2.2 makes the two forms the same URI, and browsers
 * that normalize URLs this way send `/foo` cookies to both. Other escapes
 * (`%2F`, `%20`) are kept as they are. Cookie Path attributes are not decoded.
 *
 * @example
 * ```ts
 * import { requestPath } from "./path.ts";
 * requestPath(new URL("http://example.com/f%6Fo/a%20b?q=1")); // "/foo/a%20b"
 * ```
 */
export function requestPath(url: URL): string {
  return url.pathname.replace(
    unreservedEscape,
    (escape) => String.fromCharCode(parseInt(escape.slice(1), 16)),
  );
}

/**
 * RFC 6265 §5.1.4 default-path: the directory of the request path, up to but
 * not including its right-most `/`; `/` when there is no directory.
 *
 * @example
 * ```ts
 * import { defaultPath } from "./path.ts";
 * defaultPath("/a/b/c"); // "/a/b"
 * defaultPath("/a"); // "/"
 * defaultPath(""); // "/"
 * ```
 */
export function defaultPath(uriPath: string): string {
  if (!uriPath.startsWith("/")) return "/";
  const last = uriPath.lastIndexOf("/");
  return last === 0 ? "/" : uriPath.slice(0, last);
}

/**
 * RFC 6265 §5.1.4 path-match: the paths are equal, or `cookiePath` is a
 * prefix of `path` that ends with `/` or is followed by `/` in `path`.
 *
 * @example
 * ```ts
 * import { pathMatch } from "./path.ts";
 * pathMatch("/a/b", "/a"); // true
 * pathMatch("/a/b", "/a/"); // true
 * pathMatch("/ab", "/a"); // false
 * ```
 */
export function pathMatch(path: string, cookiePath: string): boolean {
  if (path === cookiePath) return true;
  if (!path.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || path.charCodeAt(cookiePath.length) === 0x2f;
}
