/**
 * Which name a TLS connection checks the certificate against, and which name
 * it may send as SNI.
 *
 * @module
 */
import type { ConnectOptions } from "./types.ts";

const ipv4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/**
 * Whether `host` is an IP address literal (IPv4 dotted quad or IPv6) rather
 * than a DNS name.
 *
 * @example
 * ```ts
 * import { isIpAddress } from "./server_name.ts";
 * console.log(isIpAddress("127.0.0.1"), isIpAddress("::1"), isIpAddress("localhost")); // true true false
 * ```
 */
export function isIpAddress(host: string): boolean {
  // A DNS name never contains ":", an IPv6 literal always does.
  return host.includes(":") || ipv4.test(host);
}

/**
 * The name the server certificate must be valid for: `tls.serverName`, else the host.
 *
 * @example
 * ```ts
 * import { verifiedName } from "./server_name.ts";
 * console.log(verifiedName({ host: "127.0.0.1", port: 443, tls: { serverName: "a.test" } })); // "a.test"
 * ```
 */
export function verifiedName(options: ConnectOptions): string {
  return options.tls?.serverName ?? options.host;
}

/**
 * The SNI name to send, or `undefined` for none: RFC 6066 §3 forbids literal
 * IP addresses in the server_name extension.
 *
 * @example
 * ```ts
 * import { sniName } from "./server_name.ts";
 * console.log(sniName({ host: "127.0.0.1", port: 443, tls: {} })); // undefined
 * ```
 */
export function sniName(options: ConnectOptions): string | undefined {
  const name = verifiedName(options);
  return isIpAddress(name) ? undefined : name;
}
