/**
 * The response head of HTTP/1.1 (RFC 9112 §4, §5): finding its end in a byte
 * stream, parsing it, and the framing and connection rules that follow from it.
 * Sans-I/O: the caller owns the bytes and the socket.
 *
 * @module
 */
import { HeaderTooLargeError, ParseError } from "../errors.ts";
import { findSectionEnd, parseFieldLines } from "./field_lines.ts";
import { fieldText, latin1String } from "./latin1.ts";
import { equalsLowercase } from "./tokens.ts";

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** `HTTP/1.` as bytes: the only major version this parser speaks. */
const VERSION_PREFIX = [0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e];
/** `HTTP/1.1 200` is the shortest status line. */
const MIN_STATUS_LINE = 12;

/**
 * Size limits of a response head (`defaultLimits` has the defaults).
 *
 * @example
 * ```ts
 * import type { HeadLimits } from "./response_head.ts";
 * import { defaultLimits } from "../limits.ts";
 * const limits: HeadLimits = defaultLimits;
 * ```
 */
export interface HeadLimits {
  /** Bytes of the whole head: status line, field lines and line ends. */
  maxHeaderSize: number;
  /** Field lines in the head. */
  maxHeaderCount: number;
  /** Bytes of one line, its CRLF not counted. */
  maxLineLength: number;
}

/**
 * Scan `buf[start, end)` for the end of a response head (the empty line).
 * `resumeFrom` (≥ start) lets a caller that got more bytes continue the scan
 * where it stopped: pass the previous `end`. Returns the index just past the
 * head, or -1 when more bytes are needed.
 *
 * Throws `HeaderTooLargeError` when the head is (or can only become) larger
 * than `limits.maxHeaderSize`, or a line exceeds `limits.maxLineLength`.
 * Accepts CRLF and bare LF line ends (RFC 9112 §2.2).
 *
 * @example
 * ```ts
 * import { findHeadEnd } from "./response_head.ts";
 * const limits = { maxHeaderSize: 65536, maxHeaderCount: 200, maxLineLength: 16384 };
 * const bytes = new TextEncoder().encode("HTTP/1.1 204 No Content\r\n\r\n");
 * findHeadEnd(bytes, 0, 10, 0, limits); // -1: incomplete
 * findHeadEnd(bytes, 0, bytes.length, 10, limits); // 27
 * ```
 */
export function findHeadEnd(
  buf: Uint8Array,
  start: number,
  end: number,
  resumeFrom: number,
  limits: HeadLimits,
): number {
  return findSectionEnd(buf, start, end, resumeFrom, limits, "response head");
}

/**
 * A parsed response head.
 *
 * @example
 * ```ts
 * import { parseResponseHead, type ResponseHead } from "./response_head.ts";
 * const limits = { maxHeaderSize: 65536, maxHeaderCount: 200, maxLineLength: 16384 };
 * const bytes = new TextEncoder().encode("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
 * const head: ResponseHead = parseResponseHead(bytes, 0, bytes.length, limits);
 * head.rawHeaders; // ["Connection", "close"]
 * head.connectionClose; // true
 * ```
 */
export interface ResponseHead {
  /** The HTTP version; HTTP/1.2 to HTTP/1.9 are read as 1.1. */
  httpVersion: "1.0" | "1.1";
  /** Status code, 100-999. */
  status: number;
  /** Reason phrase, possibly empty. */
  statusText: string;
  /** Flat `[name, value, name, value, ...]`; names as received, values with OWS trimmed. */
  rawHeaders: string[];
  /** Parsed and validated Content-Length; null when absent. */
  contentLength: number | null;
  /** Transfer-Encoding ends with `chunked` (the only coding accepted). */
  chunked: boolean;
  /** A Transfer-Encoding field is present. */
  hasTransferEncoding: boolean;
  /** Connection has the `close` option. */
  connectionClose: boolean;
  /** Connection has the `keep-alive` option. */
  connectionKeepAlive: boolean;
  /** Seconds from `Keep-Alive: timeout=N`; null when absent or invalid. */
  keepAliveTimeout: number | null;
  /** From `Keep-Alive: max=N`; null when absent or invalid. */
  keepAliveMax: number | null;
  /** Raw Content-Encoding value (repeated fields joined with ", "); null when absent. */
  contentEncoding: string | null;
}

/**
 * Parse `buf[start, headEnd)`, where `headEnd` came from {@link findHeadEnd}.
 * Throws `ParseError` for bytes that are not a valid response head and
 * `HeaderTooLargeError` past a limit.
 *
 * @example
 * ```ts
 * import { parseResponseHead } from "./response_head.ts";
 * const limits = { maxHeaderSize: 65536, maxHeaderCount: 200, maxLineLength: 16384 };
 * const bytes = new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
 * const head = parseResponseHead(bytes, 0, 38, limits);
 * head.status; // 200
 * head.contentLength; // 5
 * ```
 */
export function parseResponseHead(
  buf: Uint8Array,
  start: number,
  headEnd: number,
  limits: HeadLimits,
): ResponseHead {
  if (headEnd - start > limits.maxHeaderSize) {
    throw new HeaderTooLargeError(`the response head is larger than ${limits.maxHeaderSize} bytes`);
  }
  const head = buf.subarray(start, headEnd);
  const lf = head.indexOf(LF);
  if (lf === -1) throw new ParseError("the response head has no complete status line");
  const lineEnd = lf > 0 && head[lf - 1] === CR ? lf - 1 : lf;
  if (lineEnd > limits.maxLineLength) {
    throw new HeaderTooLargeError(`the status line is longer than ${limits.maxLineLength} bytes`);
  }
  // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
  if (!isStatusLine(head, lineEnd)) {
    throw new ParseError(
      `invalid status line ${JSON.stringify(latin1String(head, 0, Math.min(lineEnd, 64)))}`,
    );
  }
  const rawHeaders: string[] = [];
  parseFieldLines(head, lf + 1, limits, rawHeaders, "response head");
  const result: ResponseHead = {
    httpVersion: head[7] === DIGIT_0 ? "1.0" : "1.1",
    status: (head[9] - DIGIT_0) * 100 + (head[10] - DIGIT_0) * 10 + (head[11] - DIGIT_0),
    statusText: fieldText(head, Math.min(MIN_STATUS_LINE + 1, lineEnd), lineEnd, "status line"),
    rawHeaders,
    contentLength: null,
    chunked: false,
    hasTransferEncoding: false,
    connectionClose: false,
    connectionKeepAlive: false,
    keepAliveTimeout: null,
    keepAliveMax: null,
    contentEncoding: null,
  };
  readFramingFields(result);
  return result;
}

function isDigit(byte: number): boolean {
  return byte >= DIGIT_0 && byte <= DIGIT_9;
}

function isStatusLine(head: Uint8Array, lineEnd: number): boolean {
  if (lineEnd < MIN_STATUS_LINE) return false;
  for (let i = 0; i < VERSION_PREFIX.length; i++) if (head[i] !== VERSION_PREFIX[i]) return false;
  return isDigit(head[7]) && head[8] === SP &&
    head[9] > DIGIT_0 && head[9] <= DIGIT_9 && isDigit(head[10]) && isDigit(head[11]) &&
    (lineEnd === MIN_STATUS_LINE || head[MIN_STATUS_LINE] === SP);
}

/**
 * Read the fields that decide framing and connection reuse. Names are told
 * apart by length first, so most fields cost one comparison.
 */
function readFramingFields(head: ResponseHead): void {
  const fields = head.rawHeaders;
  let chunkedSeen = false;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i];
    const value = fields[i + 1];
    switch (name.length) {
      case 10:
        if (equalsLowercase(name, 0, 10, "connection")) readConnection(head, value);
        else if (equalsLowercase(name, 0, 10, "keep-alive")) readKeepAlive(head, value);
        break;
      case 14:
        if (equalsLowercase(name, 0, 14, "content-length")) {
          head.contentLength = readContentLength(value, head.contentLength);
        }
        break;
      case 16:
        if (equalsLowercase(name, 0, 16, "content-encoding")) {
          head.contentEncoding = head.contentEncoding === null ? value : `${head.contentEncoding}, ${value}`;
        }
        break;
      case 17:
        if (equalsLowercase(name, 0, 17, "transfer-encoding")) {
          head.hasTransferEncoding = true;
          chunkedSeen = readTransferEncoding(value, chunkedSeen);
        }
        break;
    }
  }
  if (head.hasTransferEncoding) {
    if (!chunkedSeen) throw new ParseError("Transfer-Encoding without a transfer coding");
    // RFC 9112 §6.3 rule 3 lets Transfer-Encoding override Content-Length; a
    // message with both is a classic smuggling vector, so it is refused.
    if (head.contentLength !== null) throw new ParseError("both Content-Length and Transfer-Encoding");
    head.chunked = true;
  }
}

function skipWhitespace(text: string, from: number, to: number): number {
  while (from < to && (text.charCodeAt(from) === SP || text.charCodeAt(from) === HTAB)) from++;
  return from;
}

function trimWhitespaceEnd(text: string, from: number, to: number): number {
  while (to > from && (text.charCodeAt(to - 1) === SP || text.charCodeAt(to - 1) === HTAB)) to--;
  return to;
}

/** The end of the list element that starts at `from` (RFC 9110 §5.6.1: elements are comma-separated). */
function elementEnd(text: string, from: number): number {
  const comma = text.indexOf(",", from);
  return comma === -1 ? text.length : comma;
}

/**
 * RFC 9110 §8.6: 1*DIGIT; a list or repeated field of one same value may be
 * accepted as that value, differing values are an error.
 */
function readContentLength(value: string, previous: number | null): number {
  let result = previous;
  for (let from = 0; from <= value.length;) {
    const end = elementEnd(value, from);
    const first = skipWhitespace(value, from, end);
    const last = trimWhitespaceEnd(value, first, end);
    if (first === last) throw new ParseError("empty Content-Length");
    let length = 0;
    for (let i = first; i < last; i++) {
      const code = value.charCodeAt(i);
      if (code < DIGIT_0 || code > DIGIT_9) throw new ParseError("Content-Length is not a number");
      length = length * 10 + (code - DIGIT_0);
      if (length > Number.MAX_SAFE_INTEGER) throw new ParseError("Content-Length is too large");
    }
    if (result !== null && result !== length) throw new ParseError("differing Content-Length values");
    result = length;
    from = end + 1;
  }
  return result as number;
}

/**
 * Only `chunked` is accepted, once, as the last coding (RFC 9112 §6.1, §7):
 * this client implements no other transfer coding. Returns whether chunked
 * has been seen, given whether it had been seen in an earlier field.
 */
function readTransferEncoding(value: string, chunkedSeen: boolean): boolean {
  for (let from = 0; from <= value.length;) {
    const end = elementEnd(value, from);
    const first = skipWhitespace(value, from, end);
    const last = trimWhitespaceEnd(value, first, end);
    from = end + 1;
    // RFC 9110 §5.6.1: empty list elements are ignored.
    if (first === last) continue;
    if (chunkedSeen) throw new ParseError("chunked is not the last transfer coding, or appears twice");
    if (!equalsLowercase(value, first, last, "chunked")) {
      throw new ParseError(`unsupported transfer coding ${JSON.stringify(value.slice(first, last))}`);
    }
    chunkedSeen = true;
  }
  return chunkedSeen;
}

/** RFC 9110 §7.6.1: connection options, case-insensitive tokens. */
function readConnection(head: ResponseHead, value: string): void {
  for (let from = 0; from <= value.length;) {
    const end = elementEnd(value, from);
    const first = skipWhitespace(value, from, end);
    const last = trimWhitespaceEnd(value, first, end);
    if (equalsLowercase(value, first, last, "close")) head.connectionClose = true;
    else if (equalsLowercase(value, first, last, "keep-alive")) head.connectionKeepAlive = true;
    from = end + 1;
  }
}

/**
 * `Keep-Alive: timeout=5, max=100` (RFC 2068 §19.7.1.1, never standardized):
 * advisory, so malformed parameters are ignored instead of failing the
 * response. The first valid value of each parameter wins.
 */
function readKeepAlive(head: ResponseHead, value: string): void {
  for (let from = 0; from <= value.length;) {
    const end = elementEnd(value, from);
    const equals = value.indexOf("=", from);
    if (equals !== -1 && equals < end) {
      const nameEnd = trimWhitespaceEnd(value, from, equals);
      const nameStart = skipWhitespace(value, from, nameEnd);
      const number = parseParameterNumber(value, skipWhitespace(value, equals + 1, end), end);
      if (number !== null) {
        if (head.keepAliveTimeout === null && equalsLowercase(value, nameStart, nameEnd, "timeout")) {
          head.keepAliveTimeout = number;
        } else if (head.keepAliveMax === null && equalsLowercase(value, nameStart, nameEnd, "max")) {
          head.keepAliveMax = number;
        }
      }
    }
    from = end + 1;
  }
}

/** Digits, optionally quoted, then only whitespace; null for anything else. */
function parseParameterNumber(value: string, from: number, to: number): number | null {
  let last = trimWhitespaceEnd(value, from, to);
  if (last - from >= 2 && value.charCodeAt(from) === 0x22 && value.charCodeAt(last - 1) === 0x22) {
    from++;
    last--;
  }
  if (from === last) return null;
  let number = 0;
  for (let i = from; i < last; i++) {
    const code = value.charCodeAt(i);
    if (code < DIGIT_0 || code > DIGIT_9) return null;
    number = number * 10 + (code - DIGIT_0);
  }
  return Number.isSafeInteger(number) ? number : null;
}

/**
 * How the body of a response is delimited (RFC 9112 §6.3).
 *
 * @example
 * ```ts
 * import type { ResponseFraming } from "./response_head.ts";
 * const framing: ResponseFraming = { kind: "length", length: 5 };
 * ```
 */
export type ResponseFraming =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" }
  | { kind: "close" };

const NO_BODY: ResponseFraming = Object.freeze({ kind: "none" });
const CHUNKED: ResponseFraming = Object.freeze({ kind: "chunked" });
const CLOSE_DELIMITED: ResponseFraming = Object.freeze({ kind: "close" });

/**
 * RFC 9112 §6.3 for a response to `requestMethod`: a response to HEAD and a
 * 1xx, 204 or 304 response have no body (rule 1), nor has a 2xx to CONNECT
 * (rule 2); then chunked, then Content-Length, else the body runs until the
 * connection closes (rule 8).
 *
 * @example
 * ```ts
 * import { parseResponseHead, responseFraming } from "./response_head.ts";
 * const limits = { maxHeaderSize: 65536, maxHeaderCount: 200, maxLineLength: 16384 };
 * const bytes = new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
 * const head = parseResponseHead(bytes, 0, bytes.length, limits);
 * responseFraming(head, "GET"); // { kind: "length", length: 5 }
 * responseFraming(head, "HEAD"); // { kind: "none" }
 * ```
 */
export function responseFraming(head: ResponseHead, requestMethod: string): ResponseFraming {
  const status = head.status;
  if (requestMethod === "HEAD" || status < 200 || status === 204 || status === 304) return NO_BODY;
  if (requestMethod === "CONNECT" && status < 300) return NO_BODY;
  if (head.chunked) return CHUNKED;
  if (head.contentLength !== null) return { kind: "length", length: head.contentLength };
  return CLOSE_DELIMITED;
}

/**
 * A 1xx response other than 101 (RFC 9110 §15.2): an interim response to skip
 * while waiting for the final one. Its fields are not merged into the final
 * response.
 *
 * @example
 * ```ts
 * import { isInterim, parseResponseHead } from "./response_head.ts";
 * const limits = { maxHeaderSize: 65536, maxHeaderCount: 200, maxLineLength: 16384 };
 * const bytes = new TextEncoder().encode("HTTP/1.1 100 Continue\r\n\r\n");
 * isInterim(parseResponseHead(bytes, 0, bytes.length, limits)); // true
 * ```
 */
export function isInterim(head: ResponseHead): boolean {
  return head.status < 200 && head.status !== 101;
}

/**
 * May the connection be reused after this response? HTTP/1.1 without
 * `Connection: close`, or HTTP/1.0 with `Connection: keep-alive` (RFC 9112
 * §9.3). An HTTP/1.0 response with Transfer-Encoding never (RFC 9112 §6.1:
 * its framing is faulty). The caller also closes after a close-delimited body.
 *
 * @example
 * ```ts
 * import { keepsAlive, parseResponseHead } from "./response_head.ts";
 * const limits = { maxHeaderSize: 65536, maxHeaderCount: 200, maxLineLength: 16384 };
 * const bytes = new TextEncoder().encode("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n");
 * keepsAlive(parseResponseHead(bytes, 0, bytes.length, limits)); // true
 * ```
 */
export function keepsAlive(head: ResponseHead): boolean {
  if (head.connectionClose) return false;
  if (head.httpVersion === "1.1") return true;
  return head.connectionKeepAlive && !head.hasTransferEncoding;
}
