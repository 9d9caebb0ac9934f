/**
 * Bytes to string, one character per byte (ISO-8859-1), the way HTTP/1.1
 * field values are read (RFC 9110 §5.5: obs-text is opaque data).
 *
 * `TextDecoder("latin1")` is not usable: the Encoding Standard maps that label
 * to windows-1252, which turns 0x80-0x9F into other characters. Building the
 * string in JavaScript costs more than the parse itself, so recent strings are
 * interned: header names and most values repeat from one response to the
 * next, and comparing bytes with a cached string is cheaper than building it.
 *
 * @module
 */
import { ParseError } from "../errors.ts";

/** Slots of the intern cache (a power of two: the slot is a masked hash). */
const INTERN_SLOTS = 1024;
/** Longer strings are decoded without the cache: they rarely repeat. */
const MAX_INTERNED_LENGTH = 256;
/** `String.fromCharCode.apply` takes one argument per byte; engines cap argument counts. */
const APPLY_CHUNK = 4096;

const interned: string[] = new Array<string>(INTERN_SLOTS).fill("");

function decode(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= APPLY_CHUNK) {
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  let text = "";
  for (let at = start; at < end; at += APPLY_CHUNK) {
    const stop = Math.min(end, at + APPLY_CHUNK);
    text += String.fromCharCode.apply(null, bytes.subarray(at, stop) as unknown as number[]);
  }
  return text;
}

/**
 * The string of `bytes[start, end)`, one character per byte, uncached: for
 * error messages and other cold paths.
 *
 * @example
 * ```ts
 * import { latin1String } from "./latin1.ts";
 * latin1String(new Uint8Array([0x63, 0x61, 0x66, 0xe9]), 0, 4); // "café"
 * ```
 */
export function latin1String(bytes: Uint8Array, start: number, end: number): string {
  return decode(bytes, start, end);
}

/**
 * The text of a field name, field value or reason phrase at `bytes[start, end)`,
 * one character per byte. Throws `ParseError` when it holds a NUL or a CR
 * (RFC 9110 §5.5, RFC 9112 §2.2: parsers that disagree on them are what
 * request smuggling is made of). `what` names the section in the message.
 *
 * Only checked strings enter the cache, so a cache hit needs no check: the
 * common case costs one comparison of bytes with a string.
 *
 * @example
 * ```ts
 * import { fieldText } from "./latin1.ts";
 * fieldText(new TextEncoder().encode("text/html"), 0, 9, "response head"); // "text/html"
 * ```
 */
export function fieldText(bytes: Uint8Array, start: number, end: number, what: string): string {
  const length = end - start;
  if (length === 0) return "";
  const slot = (length * 31 + bytes[start] * 7 + bytes[start + (length >> 1)] * 3 + bytes[end - 1]) &
    (INTERN_SLOTS - 1);
  if (length <= MAX_INTERNED_LENGTH) {
    const cached = interned[slot];
    if (cached.length === length) {
      let i = 0;
      while (i < length && cached.charCodeAt(i) === bytes[start + i]) i++;
      if (i === length) return cached;
    }
  }
  const text = decode(bytes, start, end);
  if (text.indexOf("\0") !== -1) throw new ParseError(`NUL byte in the ${what}`);
  if (text.indexOf("\r") !== -1) throw new ParseError(`CR not followed by LF in the ${what}`);
  if (length <= MAX_INTERNED_LENGTH) interned[slot] = text;
  return text;
}
