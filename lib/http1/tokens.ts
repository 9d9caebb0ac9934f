/**
 * Byte classes of HTTP/1.1 syntax as 256-entry lookup tables, so that a
 * character check is one array read instead of a chain of comparisons.
 *
 * @module
 */

/** Build a table with 1 at every byte `allowed` accepts. */
function byteTable(allowed: (byte: number) => boolean): Uint8Array {
  const table = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte++) table[byte] = allowed(byte) ? 1 : 0;
  return table;
}

const TOKEN_PUNCTUATION = "!#$%&'*+-.^_`|~";

/**
 * `tchar` of RFC 9110 §5.6.2: the characters of a token (method, header name,
 * transfer coding). `TCHAR[byte]` is 1 for a tchar, else 0.
 *
 * @example
 * ```ts
 * import { TCHAR } from "./tokens.ts";
 * TCHAR["a".charCodeAt(0)]; // 1
 * TCHAR[":".charCodeAt(0)]; // 0
 * ```
 */
export const TCHAR: Uint8Array = byteTable((byte) =>
  (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) ||
  TOKEN_PUNCTUATION.includes(String.fromCharCode(byte))
);

/**
 * Visible ASCII (VCHAR without obs-text, RFC 5234 B.1): 0x21-0x7E. The bytes a
 * request-target may contain (RFC 9112 §3.2: it is a URI, already percent-encoded).
 *
 * @example
 * ```ts
 * import { VISIBLE_ASCII } from "./tokens.ts";
 * VISIBLE_ASCII[0x20]; // 0: space is not visible
 * ```
 */
export const VISIBLE_ASCII: Uint8Array = byteTable((byte) => byte >= 0x21 && byte <= 0x7e);

/**
 * The value of a hex digit (RFC 5234 HEXDIG, either case), or 255 for any
 * other byte.
 *
 * @example
 * ```ts
 * import { HEX_VALUE } from "./tokens.ts";
 * HEX_VALUE["f".charCodeAt(0)]; // 15
 * ```
 */
export const HEX_VALUE: Uint8Array = (() => {
  const table = new Uint8Array(256).fill(255);
  for (let digit = 0; digit < 10; digit++) table[0x30 + digit] = digit;
  for (let digit = 0; digit < 6; digit++) table[0x41 + digit] = table[0x61 + digit] = 10 + digit;
  return table;
})();

/**
 * Whether `text[start, end)` equals `lower` ignoring ASCII case, where `lower`
 * is an all-lowercase literal. No lowercased copy is made.
 *
 * @example
 * ```ts
 * import { equalsLowercase } from "./tokens.ts";
 * equalsLowercase("Content-Length", 0, 14, "content-length"); // true
 * ```
 */
export function equalsLowercase(text: string, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let code = text.charCodeAt(start + i);
    if (code >= 0x41 && code <= 0x5a) code |= 0x20;
    if (code !== lower.charCodeAt(i)) return false;
  }
  return true;
}
