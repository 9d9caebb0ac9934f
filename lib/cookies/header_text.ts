/**
 * Cookie strings are text in the jar and UTF-8 bytes on the wire.
 *
 * HTTP/1.1 field values are read and written one character per byte (latin1,
 * RFC 9110 §5.5), so a `Set-Cookie` value arrives as a byte string, and the
 * request serializer refuses characters above 0xFF. RFC 6265 §4.1.1 limits
 * values to ASCII, but servers send UTF-8 (and §5.4 suggests decoding the
 * octets as UTF-8 to show them), and browsers' `cookies.txt` exports are UTF-8 text: keeping text
 * in the jar lets a value read from a server, a file or the caller's own
 * `setCookie()` go out as the same bytes. A value that is not valid UTF-8 is
 * read as latin1 and goes back out as the UTF-8 of those characters (such
 * values are rare).
 *
 * @module
 */

const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** Whether every character is ASCII (the common case: nothing to convert). */
function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) > 0x7f) return false;
  return true;
}

/**
 * The text of a header value read as bytes (one character per byte): decoded
 * as UTF-8 when the bytes are valid UTF-8, else kept as latin1 characters.
 * A string holding a character above 0xFF is already text and is returned as is.
 *
 * @example
 * ```ts
 * import { textFromHeaderValue } from "./header_text.ts";
 * textFromHeaderValue("lang=caf\u00c3\u00a9"); // "lang=café" (the bytes were UTF-8)
 * textFromHeaderValue("lang=caf\u00e9"); // "lang=café" (one latin1 byte, not UTF-8)
 * ```
 */
export function textFromHeaderValue(value: string): string {
  if (isAscii(value)) return value;
  const bytes = new Uint8Array(value.length);
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code > 0xff) return value;
    bytes[index] = code;
  }
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return value;
  }
}

/**
 * A header value (one character per byte) holding the UTF-8 bytes of `text`.
 *
 * @example
 * ```ts
 * import { headerValueFromText } from "./header_text.ts";
 * headerValueFromText("lang=café"); // "lang=caf\u00c3\u00a9"
 * headerValueFromText("a=1"); // "a=1"
 * ```
 */
export function headerValueFromText(text: string): string {
  if (isAscii(text)) return text;
  let value = "";
  for (const byte of utf8Encoder.encode(text)) value += String.fromCharCode(byte);
  return value;
}
