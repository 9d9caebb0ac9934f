/**
 * Host names for cookies: the canonical request host (RFC 6265 §5.1.2) and
 * domain matching (§5.1.3).
 *
 * @example
 * ```ts
 * import { canonicalHost, domainMatch } from "./domain.ts";
 * const host = canonicalHost(new URL("http://WWW.Example.com:8080/")); // "www.example.com"
 * domainMatch(host, "example.com"); // true
 * ```
 * @module
 */

/**
 * The canonicalized host name of a URL (RFC 6265 §5.1.2): the WHATWG URL
 * parser already lowercases it, converts Unicode labels to punycode and
 * writes IPv4 addresses in dotted decimal. The port is dropped (cookies do not
 * isolate by port) and a trailing dot is kept: `example.com.` is another host
 * name than `example.com`, as in browsers. IPv6 addresses keep their brackets.
 *
 * @example
 * ```ts
 * import { canonicalHost } from "./domain.ts";
 * canonicalHost(new URL("http://hoMe.eXaMplE.org:8888/x")); // "home.example.org"
 * canonicalHost(new URL("http://[::1]:80/")); // "[::1]"
 * ```
 */
export function canonicalHost(url: URL): string {
  return url.hostname;
}

/**
 * Whether a canonical host is an IP address (IPv4 dotted decimal, or IPv6 in
 * brackets, as `URL.hostname` gives them) rather than a host name.
 *
 * @example
 * ```ts
 * import { isIpAddress } from "./domain.ts";
 * isIpAddress("127.0.0.1"); // true
 * isIpAddress("[::1]"); // true
 * isIpAddress("localhost"); // false
 * ```
 */
export function isIpAddress(host: string): boolean {
  return host.startsWith("[") || /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * RFC 6265 §5.1.3 domain-match: `host` equals `domain`, or `host` is a host
 * name (not an IP address) that ends with `.` + `domain`. Both are expected in
 * canonical (lowercase) form.
 *
 * @example
 * ```ts
 * import { domainMatch } from "./domain.ts";
 * domainMatch("www.example.com", "example.com"); // true
 * domainMatch("badexample.com", "example.com"); // false
 * domainMatch("10.0.0.1", "0.0.1"); // false: IP addresses only match exactly
 * ```
 */
export function domainMatch(host: string, domain: string): boolean {
  if (host === domain) return true;
  return host.length > domain.length && host.endsWith(domain) &&
    host.charCodeAt(host.length - domain.length - 1) === 0x2e && !isIpAddress(host);
}

/**
 * The domains whose cookies may be sent to `host`: the host itself and, for a
 * host name, every parent domain (`a.b.c`, `b.c`, `c`). An IP address only
 * matches itself.
 *
 * @example
 * ```ts
 * import { candidateDomains } from "./domain.ts";
 * candidateDomains("www.example.com"); // ["www.example.com", "example.com", "com"]
 * ```
 */
export function candidateDomains(host: string): string[] {
  if (isIpAddress(host)) return [host];
  const domains = [host];
  for (let dot = host.indexOf("."); dot >= 0 && dot < host.length - 1; dot = host.indexOf(".", dot + 1)) {
    domains.push(host.slice(dot + 1));
  }
  return domains;
}
