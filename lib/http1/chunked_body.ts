/**
 * The chunked transfer coding (RFC 9112 §7.1) as a state machine that can be
 * fed any split of the bytes, down to one byte per call.
 *
 * Partial lines: an incomplete chunk-size line or trailer section is not
 * consumed (the step returns the bytes before it), so the caller keeps those
 * bytes and calls again with more behind them. The decoder remembers how far
 * it already scanned, so a long line is not rescanned from its start, and it
 * throws `HeaderTooLargeError` as soon as an unfinished line is longer than
 * `maxLineLength` (or the trailer section larger than `maxHeaderSize`): the
 * caller never has to buffer more than the limits, whatever the peer sends.
 *
 * @module
 */
import { BodyTruncatedError, HeaderTooLargeError, ParseError } from "../errors.ts";
import type { BodyDecoder, BodyLimits } from "./body.ts";
import { findSectionEnd, indexOfLf, parseFieldLines } from "./field_lines.ts";
import { HEX_VALUE } from "./tokens.ts";

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
const SEMICOLON = 0x3b;
/** 16 hex digits reach 2^64; more is never a real chunk. */
const MAX_SIZE_DIGITS = 16;

/** Where the decoder is in the chunk grammar. */
const SIZE_LINE = 0;
const DATA = 1;
const DATA_CR = 2;
const DATA_LF = 3;
const TRAILERS = 4;
const DONE = 5;

/**
 * Decoder of a chunked body: hands out chunk data, checks the CRLF after each
 * chunk, ignores chunk extensions, and parses the trailer section into
 * `trailers` with the same rules and limits as a response head.
 *
 * @example
 * ```ts
 * import { ChunkedBodyDecoder } from "./chunked_body.ts";
 * const decoder = new ChunkedBodyDecoder({ maxLineLength: 16384, maxHeaderSize: 65536, maxHeaderCount: 200 });
 * const buf = new TextEncoder().encode("3\r\nabc\r\n0\r\nX-Sum: 1\r\n\r\n");
 * decoder.step(buf, 0, buf.length); // 6: the size line and "abc" at [3, 6)
 * decoder.step(buf, 6, buf.length); // 17: CRLF, last chunk, trailers
 * decoder.trailers; // ["X-Sum", "1"]
 * ```
 */
export class ChunkedBodyDecoder implements BodyDecoder {
  dataStart = 0;
  dataEnd = 0;
  done = false;
  readonly trailers: string[] = [];
  private readonly limits: BodyLimits;
  private state = SIZE_LINE;
  /** Data bytes left in the current chunk. */
  private chunkRemaining = 0;
  /** Bytes of an unfinished line that an earlier step already scanned. */
  private scanned = 0;
  /** Data bytes handed out so far, for the truncation message. */
  private received = 0;

  /** A decoder whose size lines and trailers are bounded by `limits`. */
  constructor(limits: BodyLimits) {
    this.limits = limits;
  }

  /** Bytes left in the current chunk's data; -1 outside chunk data. */
  get remaining(): number {
    return this.state === DATA ? this.chunkRemaining : -1;
  }

  /**
   * Consume control bytes (size lines, CRLFs, trailers) up to and including
   * one span of chunk data.
   */
  step(buf: Uint8Array, start: number, end: number): number {
    this.dataStart = this.dataEnd = start;
    let at = start;
    while (at < end) {
      switch (this.state) {
        case SIZE_LINE: {
          const next = this.readSizeLine(buf, at, end);
          if (next === -1) return at - start;
          at = next;
          break;
        }
        case DATA: {
          const taken = Math.min(end - at, this.chunkRemaining);
          this.dataStart = at;
          this.dataEnd = at + taken;
          this.chunkRemaining -= taken;
          this.received += taken;
          if (this.chunkRemaining === 0) this.state = DATA_CR;
          return at + taken - start;
        }
        case DATA_CR:
          // RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
          if (buf[at] !== CR) throw new ParseError("chunk data is not followed by CRLF");
          at++;
          this.state = DATA_LF;
          break;
        case DATA_LF:
          if (buf[at] !== LF) throw new ParseError("chunk data is not followed by CRLF");
          at++;
          this.state = SIZE_LINE;
          break;
        case TRAILERS: {
          const next = this.readTrailerSection(buf, at, end);
          if (next === -1) return at - start;
          this.state = DONE;
          this.done = true;
          return next - start;
        }
        default:
          return at - start;
      }
    }
    return at - start;
  }

  /** The connection closed before the last chunk and trailers arrived. */
  end(): void {
    if (this.done) return;
    const inChunk = this.state === DATA
      ? `, ${this.chunkRemaining} more bytes of the current chunk expected`
      : "";
    throw new BodyTruncatedError(
      `the connection closed inside a chunked body after ${this.received} body bytes${inChunk}`,
    );
  }

  /**
   * Parse `chunk-size [ chunk-ext ] CRLF` at `at`; return the index after it,
   * or -1 when the line is not complete yet.
   */
  private readSizeLine(buf: Uint8Array, at: number, end: number): number {
    const maxLineLength = this.limits.maxLineLength;
    const lf = indexOfLf(buf, at + this.scanned, end);
    if (lf === -1) {
      // The unfinished line may end with the CR of its CRLF, hence the + 1.
      if (end - at > maxLineLength + 1) {
        throw new HeaderTooLargeError(`a chunk-size line is longer than ${maxLineLength} bytes`);
      }
      this.scanned = end - at;
      return -1;
    }
    this.scanned = 0;
    // RFC 9112 §2.2: a bare LF is accepted as a line end.
    const lineEnd = lf > at && buf[lf - 1] === CR ? lf - 1 : lf;
    if (lineEnd - at > maxLineLength) {
      throw new HeaderTooLargeError(`a chunk-size line is longer than ${maxLineLength} bytes`);
    }
    let i = at;
    let size = 0;
    while (i < lineEnd && HEX_VALUE[buf[i]] !== 255) size = size * 16 + HEX_VALUE[buf[i++]];
    if (i === at) throw new ParseError("invalid chunk size: no hex digits");
    if (i - at > MAX_SIZE_DIGITS || size > Number.MAX_SAFE_INTEGER) {
      throw new ParseError("chunk size is too large");
    }
    // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ): ignored.
    while (i < lineEnd && (buf[i] === SP || buf[i] === HTAB)) i++;
    if (i < lineEnd) {
      if (buf[i] !== SEMICOLON) throw new ParseError("invalid chunk size");
      const extension = buf.subarray(i, lineEnd);
      if (extension.indexOf(CR) !== -1) throw new ParseError("CR not followed by LF in a chunk extension");
      if (extension.indexOf(0) !== -1) throw new ParseError("NUL byte in a chunk extension");
    }
    if (size === 0) {
      this.state = TRAILERS;
    } else {
      this.state = DATA;
      this.chunkRemaining = size;
    }
    return lf + 1;
  }

  /** Parse `trailer-section CRLF` at `at`; return the index after it, or -1 when incomplete. */
  private readTrailerSection(buf: Uint8Array, at: number, end: number): number {
    const sectionEnd = findSectionEnd(buf, at, end, at + this.scanned, this.limits, "trailer section");
    if (sectionEnd === -1) {
      this.scanned = end - at;
      return -1;
    }
    this.scanned = 0;
    // "\r\n" or "\n" alone: no trailer fields, the common case.
    if (sectionEnd - at > 2) {
      parseFieldLines(buf.subarray(at, sectionEnd), 0, this.limits, this.trailers, "trailer section");
    }
    return sectionEnd;
  }
}
