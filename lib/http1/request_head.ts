/**
 * Serializing a request head (RFC 9112 §3, §5) and the request body's chunk
 * framing (RFC 9112 §7.1). Every string is validated before it is written, so
 * a caller's header can never inject a line; output is latin1, one byte per
 * character.
 *
 * @module
 */
import { InvalidHeaderError, InvalidRequestError } from "../errors.ts";
import { smallBytes } from "./small_bytes.ts";
import { equalsLowercase } from "./tokens.ts";

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;

// Validation by regular expression: the engines compile these to machine
// code, several times faster than a JavaScript loop over the characters.
/** A token (RFC 9110 §5.6.2): one or more tchar. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** One or more visible ASCII characters (request-target). */
const VISIBLE = /^[\x21-\x7e]+$/;
/** One or more visible ASCII characters but "/" (host). */
const VISIBLE_NO_SLASH = /^[\x21-\x2e\x30-\x7e]+$/;
/** What a field value may not hold: NUL, CR, LF (RFC 9110 §5.5), or a character without a latin1 byte. */
const FORBIDDEN_IN_VALUE = /[\0\r\n\u0100-\uffff]/;
/** Leading and trailing SP/HTAB. */
const EDGE_SPACES = /^[ \t]+|[ \t]+$/g;

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
  return TOKEN.test(text);
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
  if (FORBIDDEN_IN_VALUE.test(value)) throw invalidValue(name);
  return trimSpaces(value);
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
  if (!VISIBLE.test(target)) {
    throw new InvalidRequestError(`invalid request-target ${JSON.stringify(target)}`);
  }
}

/** `value` without leading and trailing SP/HTAB (most values have none: returned as is). */
function trimSpaces(value: string): string {
  const last = value.length - 1;
  if (last < 0) return value;
  const first = value.charCodeAt(0);
  const end = value.charCodeAt(last);
  if (first !== SP && first !== HTAB && end !== SP && end !== HTAB) return value;
  return value.replace(EDGE_SPACES, "");
}

function invalidValue(name: string): InvalidHeaderError {
  return new InvalidHeaderError(`invalid character in the value of header ${JSON.stringify(name)}`);
}

function validateHost(host: string): void {
  // uri-host (RFC 3986 §3.2.2) with an optional port: visible ASCII, never a path.
  if (!VISIBLE_NO_SLASH.test(host)) {
    throw new InvalidRequestError(`invalid host ${JSON.stringify(host)}`);
  }
}

/** Names the client layer writes itself (RFC 9112 §3.2, §6); a caller's copy would conflict. */
const RESERVED_NAMES = ["host", "content-length", "transfer-encoding"];
/** Fields that carry credentials: never kept in the field line cache (their values change often anyway). */
const CREDENTIAL_NAMES = ["cookie", "authorization", "proxy-authorization"];

/** Whether `name` is one of `lowered`, compared case-insensitively. */
function nameIn(name: string, lowered: readonly string[]): boolean {
  for (const candidate of lowered) {
    if (candidate.length === name.length && equalsLowercase(name, 0, name.length, candidate)) return true;
  }
  return false;
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

  // method SP target " HTTP/1.1\r\nHost: " host CRLF, the field lines, the framing line, CRLF.
  let size = method.length + target.length + host.length + 20 + framingLine.length + 2;
  const lines = headers.length === 0 ? NO_LINES : new Array<Uint8Array>(headers.length);
  for (let i = 0; i < headers.length; i++) {
    const line = fieldLineBytes(headers[i][0], headers[i][1]);
    lines[i] = line;
    size += line.length;
  }
  const out = smallBytes(size);
  let at = writeLatin1(out, 0, method);
  out[at++] = SP;
  at = writeLatin1(out, at, target);
  at = writeLatin1(out, at, " HTTP/1.1\r\nHost: ");
  at = writeLatin1(out, at, host);
  out[at++] = CR;
  out[at++] = LF;
  for (let i = 0; i < lines.length; i++) {
    // A loop, not `out.set()`: for lines this short the call costs more than the copy.
    const line = lines[i];
    for (let j = 0; j < line.length; j++) out[at++] = line[j];
  }
  at = writeLatin1(out, at, framingLine);
  out[at++] = CR;
  out[at] = LF;
  return out;
}

const NO_LINES: Uint8Array[] = [];

/** Write `text`, already validated (every character at most 0xFF), one byte per character. */
function writeLatin1(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

/**
 * Validated field lines (`name: value` CRLF, as bytes) by name, then value. A
 * crawler sends the same few fields on every request (User-Agent,
 * Accept-Encoding, ...): each is validated and encoded once. Only short lines
 * are kept, never credentials, and the whole cache is dropped when full, so it
 * stays small.
 */
const fieldLines = new Map<string, Map<string, Uint8Array>>();
let fieldLineCount = 0;
const MAX_FIELD_LINES = 512;
const MAX_CACHED_LINE = 256;

function fieldLineBytes(name: string, value: string): Uint8Array {
  const byValue = fieldLines.get(name);
  const cached = byValue?.get(value);
  if (cached !== undefined) return cached;
  validateHeaderName(name);
  if (nameIn(name, RESERVED_NAMES)) {
    throw new InvalidRequestError(`the ${name} header is set by the client, not in headers`);
  }
  const text = `${name}: ${validateHeaderValue(name, value)}\r\n`;
  const line = latin1Bytes(text);
  if (text.length <= MAX_CACHED_LINE && !nameIn(name, CREDENTIAL_NAMES)) {
    if (fieldLineCount === MAX_FIELD_LINES) {
      fieldLines.clear();
      fieldLineCount = 0;
    }
    if (byValue === undefined || fieldLineCount === 0) fieldLines.set(name, new Map([[value, line]]));
    else byValue.set(value, line);
    fieldLineCount++;
  }
  return line;
}

/** Bytes of `text`, already validated (every character at most 0xFF), one per character. */
function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  writeLatin1(bytes, 0, text);
  return bytes;
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
export const CRLF: Uint8Array = latin1Bytes("\r\n");

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
export const LAST_CHUNK: Uint8Array = latin1Bytes("0\r\n\r\n");

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
  return latin1Bytes(`${size.toString(16)}\r\n`);
}
