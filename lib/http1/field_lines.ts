/**
 * Field sections (RFC 9112 §5, RFC 9110 §5): finding where a section ends in
 * a byte stream and parsing its lines into a flat `[name, value, ...]` list.
 * Shared by the response head and the trailer section of a chunked body.
 *
 * @module
 */
import { HeaderTooLargeError, ParseError } from "../errors.ts";
import { fieldText } from "./latin1.ts";
import { TCHAR } from "./tokens.ts";

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

/**
 * Size limits of a field section.
 *
 * @example
 * ```ts
 * import type { FieldLimits } from "./field_lines.ts";
 * const limits: FieldLimits = { maxHeaderSize: 65536, maxHeaderCount: 200, maxLineLength: 16384 };
 * ```
 */
export interface FieldLimits {
  /** Bytes of the whole section, line ends included. */
  maxHeaderSize: number;
  /** Field lines in the section. */
  maxHeaderCount: number;
  /** Bytes of one line, its CRLF not counted. */
  maxLineLength: number;
}

/**
 * The index of the first LF in `buf[from, to)`, or -1. Bytes at and past `to`
 * are never read: in a connection's reusable buffer they are stale, and a
 * search that ran on into them could cost the whole buffer on every read (a
 * peer sending one byte at a time would make each read scan 64 KiB).
 *
 * @example
 * ```ts
 * import { indexOfLf } from "./field_lines.ts";
 * const bytes = new TextEncoder().encode("ab\ncd\n");
 * indexOfLf(bytes, 0, 2); // -1: the LF at 2 is outside [0, 2)
 * indexOfLf(bytes, 0, 7); // 2
 * ```
 */
export function indexOfLf(buf: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (buf[i] === LF) return i;
  return -1;
}

/**
 * Find the empty line that ends a field section in `buf[start, end)`;
 * `what` names the section in error messages. See `findHeadEnd` in
 * `response_head.ts` for the contract.
 *
 * @example
 * ```ts
 * import { findSectionEnd } from "./field_lines.ts";
 * const bytes = new TextEncoder().encode("a: 1\r\n\r\nrest");
 * const limits = { maxHeaderSize: 1024, maxHeaderCount: 10, maxLineLength: 100 };
 * findSectionEnd(bytes, 0, bytes.length, 0, limits, "trailer section"); // 8
 * ```
 */
export function findSectionEnd(
  buf: Uint8Array,
  start: number,
  end: number,
  resumeFrom: number,
  limits: FieldLimits,
  what: string,
): number {
  let lineStart = start;
  let from = start;
  if (resumeFrom > start) {
    // The bytes before resumeFrom were scanned by an earlier call; only the
    // line it left unfinished has to be found again.
    from = Math.min(resumeFrom, end);
    const lastLf = buf.subarray(start, from).lastIndexOf(LF);
    if (lastLf !== -1) lineStart = start + lastLf + 1;
  }
  // A section whose final LF lies at or past this index is too large anyway.
  const limit = Math.min(end, start + limits.maxHeaderSize);
  while (from < limit) {
    const lf = indexOfLf(buf, from, limit);
    if (lf === -1) break;
    // RFC 9112 §2.2: a recipient may accept a bare LF as a line terminator.
    const contentEnd = lf > lineStart && buf[lf - 1] === CR ? lf - 1 : lf;
    if (contentEnd === lineStart) return lf + 1;
    if (contentEnd - lineStart > limits.maxLineLength) {
      throw new HeaderTooLargeError(`a line of the ${what} is longer than ${limits.maxLineLength} bytes`);
    }
    lineStart = from = lf + 1;
  }
  if (end - start > limits.maxHeaderSize) {
    throw new HeaderTooLargeError(`the ${what} is larger than ${limits.maxHeaderSize} bytes`);
  }
  // The unfinished line may end with the CR of its CRLF, hence the + 1.
  if (end - lineStart > limits.maxLineLength + 1) {
    throw new HeaderTooLargeError(`a line of the ${what} is longer than ${limits.maxLineLength} bytes`);
  }
  return -1;
}

/**
 * Parse the field lines of `section` from `from` up to its final empty line,
 * pushing `name, value` pairs onto `fields` (names as received, values with
 * OWS trimmed). NUL and bare CR are refused wherever they are.
 *
 * @example
 * ```ts
 * import { parseFieldLines } from "./field_lines.ts";
 * const fields: string[] = [];
 * const limits = { maxHeaderSize: 1024, maxHeaderCount: 10, maxLineLength: 100 };
 * parseFieldLines(new TextEncoder().encode("A: 1 \r\n\r\n"), 0, limits, fields, "trailer section");
 * fields; // ["A", "1"]
 * ```
 */
export function parseFieldLines(
  section: Uint8Array,
  from: number,
  limits: FieldLimits,
  fields: string[],
  what: string,
): void {
  const length = section.length;
  let count = 0;
  let lineStart = from;
  while (lineStart < length) {
    const lf = section.indexOf(LF, lineStart);
    if (lf === -1) break;
    const contentEnd = lf > lineStart && section[lf - 1] === CR ? lf - 1 : lf;
    if (contentEnd === lineStart) {
      if (lf + 1 === length) return;
      throw new ParseError(`an empty line inside the ${what}`);
    }
    if (contentEnd - lineStart > limits.maxLineLength) {
      throw new HeaderTooLargeError(`a line of the ${what} is longer than ${limits.maxLineLength} bytes`);
    }
    if (++count > limits.maxHeaderCount) {
      throw new HeaderTooLargeError(`the ${what} has more than ${limits.maxHeaderCount} fields`);
    }
    parseFieldLine(section, lineStart, contentEnd, fields, what);
    lineStart = lf + 1;
  }
  throw new ParseError(`the ${what} does not end with an empty line`);
}

/** One `field-name ":" OWS field-value OWS` line (RFC 9112 §5). */
function parseFieldLine(
  section: Uint8Array,
  lineStart: number,
  lineEnd: number,
  fields: string[],
  what: string,
) {
  const first = section[lineStart];
  if (first === SP || first === HTAB) {
    // RFC 9112 §5.2 allows rejecting obs-fold; unfolding invites disagreement with other parsers.
    throw new ParseError(`obsolete line folding in the ${what}`);
  }
  let colon = lineStart;
  while (colon < lineEnd && TCHAR[section[colon]] === 1) colon++;
  if (colon === lineEnd || section[colon] !== COLON) {
    const byte = section[colon];
    if (byte === SP || byte === HTAB) {
      // RFC 9112 §5.1: no whitespace between the field name and the colon.
      throw new ParseError(`whitespace before the colon of a field in the ${what}`);
    }
    throw new ParseError(`invalid field name in the ${what}`);
  }
  if (colon === lineStart) throw new ParseError(`empty field name in the ${what}`);
  let valueStart = colon + 1;
  while (valueStart < lineEnd && (section[valueStart] === SP || section[valueStart] === HTAB)) valueStart++;
  let valueEnd = lineEnd;
  while (valueEnd > valueStart && (section[valueEnd - 1] === SP || section[valueEnd - 1] === HTAB)) {
    valueEnd--;
  }
  // The name is a token, so it holds no NUL or CR; OWS is SP or HTAB: the
  // value is the only span left to check, and fieldText checks it.
  fields.push(fieldText(section, lineStart, colon, what), fieldText(section, valueStart, valueEnd, what));
}
