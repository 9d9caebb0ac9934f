/**
 * Serializing a request head (RFC 9112 §3, §5) and the request body's chunk
 * framing (RFC 9112 §7.1). Every string is validated before it is written, so
 * a caller's header can never inject a line; output is latin1, one byte per
 * character.
 *
 * @module
 */
import { InvalidHeaderError, InvalidRequestError } from "../errors.ts";
import { equalsLowercase, TCHAR, VISIBLE_ASCII } from "./tokens.ts";

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;
const SLASH = 0x2f;

/**
 * How a request body is framed; `serializeRequestHead` writes the matching header.
 *
 * @example
 * ```ts
 * import type { BodyFraming } from "./request_head.ts";
 * const framing: BodyFraming = { kind: "chunked" }; // Transfer-Encoding: chunked
 * ```
 */
export type BodyFraming = { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" };

/**
 * Everything `serializeRequestHead` writes.
 *
 * @example
 * ```ts
 * import type { RequestHeadInit } from "./request_head.ts";
 * const init: RequestHeadInit = {
 *   method: "GET",
 *   target: "/",
 *   host: "example.com",
 *   headers: [["Accept", "*\/*"]],
 *   framing: { kind: "none" },
 * };
 * ```
 */
export interface RequestHeadInit {
  /** Method token, e.g. `"GET"` (case-sensitive, RFC 9110 §9.1). */
  method: string;
  /** request-target: origin-form `"/path?q"`, `"*"` for OPTIONS, or absolute-form. */
  target: string;
  /** Host header value, e.g. `"example.com"`, `"example.com:8080"`, `"[::1]:8080"`. */
  host: string;
  /** The caller's header fields in order, names as given; no Host or framing fields. */
  headers: ReadonlyArray<readonly [string, string]>;
  /** none → no framing field; length → `Content-Length: N`; chunked → `Transfer-Encoding: chunked`. */
  framing: BodyFraming;
}

/**
 * Whether `text` is a token (RFC 9110 §5.6.2): one or more tchar.
 *
 * @example
 * ```ts
 * import { isTokenString } from "./request_head.ts";
 * isTokenString("X-Trace"); // true
 * isTokenString("bad name"); // false
 * ```
 */
export function isTokenString(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff || TCHAR[code] === 0) return false;
  }
  return true;
}

/**
 * Throw `InvalidHeaderError` unless `name` is a token (RFC 9110 §5.1).
 *
 * @example
 * ```ts
 * import { validateHeaderName } from "./request_head.ts";
 * validateHeaderName("Accept"); // ok
 * try {
 *   validateHeaderName("Bad:Name");
 * } catch (error) {
 *   console.log(error); // InvalidHeaderError
 * }
 * ```
 */
export function validateHeaderName(name: string): void {
  if (!isTokenString(name)) throw new InvalidHeaderError(`invalid header name ${JSON.stringify(name)}`);
}

/**
 * Validate a header value and return it with leading and trailing SP/HTAB
 * removed, as fetch's `Headers` normalizes values. NUL, CR and LF are refused
 * (they would end or corrupt the line, RFC 9110 §5.5), and so is any
 * character above 0xFF (it has no latin1 byte). Other characters are sent as
 * given, like fetch does.
 *
 * @example
 * ```ts
 * import { validateHeaderValue } from "./request_head.ts";
 * validateHeaderValue("Accept", "  text/html "); // "text/html"
 * try {
 *   validateHeaderValue("Accept", "a\r\nInjected: 1");
 * } catch (error) {
 *   console.log(error); // InvalidHeaderError
 * }
 * ```
 */
export function validateHeaderValue(name: string, value: string): string {
  let first = 0;
  let last = value.length;
  while (first < last && isWhitespace(value.charCodeAt(first))) first++;
  while (last > first && isWhitespace(value.charCodeAt(last - 1))) last--;
  for (let i = first; i < last; i++) {
    if (!isValueChar(value.charCodeAt(i))) throw invalidValue(name);
  }
  return first === 0 && last === value.length ? value : value.slice(first, last);
}

/**
 * Throw `InvalidRequestError` unless `method` is a token (RFC 9110 §9.1).
 *
 * @example
 * ```ts
 * import { validateMethod } from "./request_head.ts";
 * validateMethod("PATCH"); // ok
 * try {
 *   validateMethod("GET /");
 * } catch (error) {
 *   console.log(error); // InvalidRequestError
 * }
 * ```
 */
export function validateMethod(method: string): void {
  if (!isTokenString(method)) throw new InvalidRequestError(`invalid method ${JSON.stringify(method)}`);
}

/**
 * Throw `InvalidRequestError` unless `target` is a non-empty run of visible
 * ASCII (0x21-0x7E): a request-target is a URI, already percent-encoded
 * (RFC 9112 §3.2), so a space, a control character or non-ASCII means the
 * caller skipped encoding, and sending it could split the request line.
 *
 * @example
 * ```ts
 * import { validateRequestTarget } from "./request_head.ts";
 * validateRequestTarget("/search?q=a%20b"); // ok
 * try {
 *   validateRequestTarget("/a b");
 * } catch (error) {
 *   console.log(error); // InvalidRequestError
 * }
 * ```
 */
export function validateRequestTarget(target: string): void {
  if (target.length === 0 || !allIn(target, VISIBLE_ASCII, -1)) {
    throw new InvalidRequestError(`invalid request-target ${JSON.stringify(target)}`);
  }
}

function isWhitespace(code: number): boolean {
  return code === SP || code === HTAB;
}

function isValueChar(code: number): boolean {
  return code !== 0 && code !== CR && code !== LF && code <= 0xff;
}

function invalidValue(name: string): InvalidHeaderError {
  return new InvalidHeaderError(`invalid character in the value of header ${JSON.stringify(name)}`);
}

/** Every character of `text` is allowed by `table`, and none is `excluded`. */
function allIn(text: string, table: Uint8Array, excluded: number): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff || table[code] === 0 || code === excluded) return false;
  }
  return true;
}

function validateHost(host: string): void {
  // uri-host (RFC 3986 §3.2.2) with an optional port: visible ASCII, never a path.
  if (host.length === 0 || !allIn(host, VISIBLE_ASCII, SLASH)) {
    throw new InvalidRequestError(`invalid host ${JSON.stringify(host)}`);
  }
}

/** Names the client layer writes itself (RFC 9112 §3.2, §6); a caller's copy would conflict. */
function isReservedName(name: string): boolean {
  switch (name.length) {
    case 4:
      return equalsLowercase(name, 0, 4, "host");
    case 14:
      return equalsLowercase(name, 0, 14, "content-length");
    case 17:
      return equalsLowercase(name, 0, 17, "transfer-encoding");
    default:
      return false;
  }
}

/** A scratch buffer that grew past this for one huge head is dropped after it. */
const MAX_KEPT_SCRATCH = 64 * 1024;
let scratch: Uint8Array = new Uint8Array(4096);

/** `out` with room for `extra` more bytes after `used`: the same array, or a larger copy. */
function reserve(out: Uint8Array, used: number, extra: number): Uint8Array {
  if (used + extra <= out.length) return out;
  let size = out.length * 2;
  while (size < used + extra) size *= 2;
  const larger = new Uint8Array(size);
  larger.set(out.subarray(0, used));
  return larger;
}

/** Write `text`, already known to be latin1, one byte per character. */
function writeLatin1(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

/** Write a header value without its leading and trailing SP/HTAB; -1 for a forbidden character. */
function writeTrimmedValue(out: Uint8Array, at: number, value: string): number {
  let i = 0;
  while (i < value.length && isWhitespace(value.charCodeAt(i))) i++;
  let end = at;
  for (; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (!isValueChar(code)) return -1;
    out[at++] = code;
    if (!isWhitespace(code)) end = at;
  }
  return end;
}

/**
 * Serialize a request head: request line, `Host`, the caller's fields in
 * order, the framing field, and the empty line. Everything is validated
 * before the bytes are returned; header values are trimmed of SP/HTAB.
 *
 * Throws `InvalidRequestError` for the method, target, host, framing, or a
 * caller's `Host`/`Content-Length`/`Transfer-Encoding` field (the client
 * layer owns those), and `InvalidHeaderError` for other header names and values.
 *
 * @example
 * ```ts
 * import { serializeRequestHead } from "./request_head.ts";
 * const bytes = serializeRequestHead({
 *   method: "POST",
 *   target: "/submit",
 *   host: "example.com",
 *   headers: [["Content-Type", "text/plain"]],
 *   framing: { kind: "length", length: 5 },
 * });
 * new TextDecoder().decode(bytes);
 * // "POST /submit HTTP/1.1\r\nHost: example.com\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
 * ```
 */
export function serializeRequestHead(init: RequestHeadInit): Uint8Array {
  const { method, target, host, headers, framing } = init;
  validateMethod(method);
  validateRequestTarget(target);
  validateHost(host);
  let framingLine: string;
  if (framing.kind === "none") {
    framingLine = "";
  } else if (framing.kind === "chunked") {
    framingLine = "Transfer-Encoding: chunked\r\n";
  } else if (framing.kind === "length" && Number.isSafeInteger(framing.length) && framing.length >= 0) {
    framingLine = `Content-Length: ${framing.length}\r\n`;
  } else {
    throw new InvalidRequestError(`invalid body framing ${JSON.stringify(framing)}`);
  }

  // method SP target " HTTP/1.1\r\nHost: " host "\r\n"
  let out = reserve(scratch, 0, method.length + target.length + host.length + 23);
  let at = writeLatin1(out, 0, method);
  out[at++] = SP;
  at = writeLatin1(out, at, target);
  at = writeLatin1(out, at, " HTTP/1.1\r\nHost: ");
  at = writeLatin1(out, at, host);
  out[at++] = CR;
  out[at++] = LF;
  for (let i = 0; i < headers.length; i++) {
    const field = headers[i];
    const name = field[0];
    const value = field[1];
    validateHeaderName(name);
    if (isReservedName(name)) {
      throw new InvalidRequestError(`the ${name} header is set by the client, not in headers`);
    }
    out = reserve(out, at, name.length + value.length + 4);
    at = writeLatin1(out, at, name);
    out[at++] = COLON;
    out[at++] = SP;
    at = writeTrimmedValue(out, at, value);
    if (at === -1) throw invalidValue(name);
    out[at++] = CR;
    out[at++] = LF;
  }
  out = reserve(out, at, framingLine.length + 2);
  at = writeLatin1(out, at, framingLine);
  out[at++] = CR;
  out[at++] = LF;
  if (out.length <= MAX_KEPT_SCRATCH) scratch = out;
  return out.slice(0, at);
}

/** Bytes of `text`, which is ASCII. */
function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/**
 * The line ending of HTTP/1.1, to write after each chunk's data.
 * Shared: do not modify it.
 *
 * @example
 * ```ts
 * import { CRLF } from "./request_head.ts";
 * CRLF; // Uint8Array [13, 10]
 * ```
 */
export const CRLF: Uint8Array = asciiBytes("\r\n");

/**
 * The last chunk and the empty trailer section that end a chunked body
 * (RFC 9112 §7.1). Shared: do not modify it.
 *
 * @example
 * ```ts
 * import { LAST_CHUNK } from "./request_head.ts";
 * new TextDecoder().decode(LAST_CHUNK); // "0\r\n\r\n"
 * ```
 */
export const LAST_CHUNK: Uint8Array = asciiBytes("0\r\n\r\n");

/**
 * The chunk-size line written before `size` bytes of chunk data: hex size and
 * CRLF (RFC 9112 §7.1). `size` must be a positive safe integer: an empty
 * chunk would be read as the last chunk and end the body early, so empty
 * pieces of a body are skipped, never framed.
 *
 * @example
 * ```ts
 * import { chunkHeader, CRLF } from "./request_head.ts";
 * const data = new TextEncoder().encode("hello world, 26 bytes long");
 * const wire = [chunkHeader(data.length), data, CRLF]; // "1a\r\n" + data + "\r\n"
 * ```
 */
export function chunkHeader(size: number): Uint8Array {
  if (!Number.isSafeInteger(size) || size <= 0) {
    throw new InvalidRequestError(`invalid chunk size ${size}: a chunk must hold at least one byte`);
  }
  return asciiBytes(`${size.toString(16)}\r\n`);
}
