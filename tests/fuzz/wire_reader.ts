/**
 * Reads responses from a byte stream cut into pieces, driving lib/http1/ the
 * way `lib/pool/connection.ts` does: `findHeadEnd` resumed 3 bytes before
 * where the last scan stopped, interim responses skipped, body decoders
 * stepped over the buffered bytes, and body bytes read straight into the
 * caller's buffer when nothing is buffered and the decoder knows how many
 * follow. Each piece is staged in a fresh buffer at an offset with LF bytes
 * around it, so a codec that reads outside `[start, end)` or keeps indexes
 * across calls gives a different result.
 *
 * Besides the outcome, it checks the codec's contract as it goes and throws
 * `PropertyViolation` when it is broken: a step that consumes more than it
 * was given or hands out data outside what it consumed, more buffered bytes
 * than the limits allow, or more steps than the input can justify.
 *
 * @module
 */
import { HttpClientError, ParseError } from "../../lib/errors.ts";
import { type BodyDecoder, createBodyDecoder } from "../../lib/http1/body.ts";
import {
  findHeadEnd,
  type HeadLimits,
  isInterim,
  keepsAlive,
  parseResponseHead,
  responseFraming,
  type ResponseHead,
} from "../../lib/http1/response_head.ts";

/** A codec property was broken; `input` is set by the target that found it. */
export class PropertyViolation extends Error {
  /** The input, as a JSON string of its latin1 text, once known. */
  input?: string;
  /** Create a violation with what went wrong. */
  constructor(message: string) {
    super(message);
    this.name = "PropertyViolation";
  }
}

/** One response as the caller sees it. */
export interface WireResponse {
  version: string;
  status: number;
  statusText: string;
  headers: string[];
  /** Body bytes as latin1 text. */
  body: string;
  trailers: string[];
}

/** Every response read, then the code of the error that ended the stream, if any. */
export interface WireOutcome {
  responses: WireResponse[];
  error: string | null;
}

const OFFSET = 5;
const LF = 0x0a;

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let text = "";
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

function staged(pending: Uint8Array, piece: Uint8Array): Uint8Array {
  const buf = new Uint8Array(OFFSET + pending.length + piece.length + OFFSET).fill(LF);
  buf.set(pending, OFFSET);
  buf.set(piece, OFFSET + pending.length);
  return buf;
}

/** Reader state for one stream. */
class Reader {
  readonly responses: WireResponse[] = [];
  #methods: readonly string[];
  #limits: HeadLimits;
  #pending: Uint8Array = new Uint8Array(0);
  #scanned = 0;
  #head: ResponseHead | null = null;
  #decoder: BodyDecoder | null = null;
  #body = "";
  #keepAlive = true;
  /** A response said the connection closes after it: later bytes are never read. */
  stopped = false;
  #steps = 0;
  #budget: number;
  #maxBuffered: number;

  constructor(methods: readonly string[], limits: HeadLimits, totalBytes: number) {
    this.#methods = methods;
    this.#limits = limits;
    this.#budget = 4 * totalBytes + 16 + 4 * methods.length;
    this.#maxBuffered = Math.max(limits.maxHeaderSize, limits.maxLineLength + 1);
  }

  #tick(): void {
    if (++this.#steps > this.#budget) {
      throw new PropertyViolation(`more than ${this.#budget} parser steps: the reader loops`);
    }
  }

  /** One socket read delivered `piece`. */
  feed(piece: Uint8Array): void {
    if (this.stopped) return;
    const decoder = this.#decoder;
    if (decoder !== null && !decoder.done && this.#pending.length === 0 && decoder.remaining > 0) {
      // connection.ts reads straight into the caller's buffer: all of it is data.
      const count = Math.min(piece.length, decoder.remaining);
      const into = staged(new Uint8Array(0), piece.subarray(0, count));
      const consumed = decoder.step(into, OFFSET, OFFSET + count);
      if (consumed !== count || decoder.dataStart !== OFFSET || decoder.dataEnd !== OFFSET + count) {
        throw new PropertyViolation(`a direct read of ${count} body bytes consumed ${consumed}`);
      }
      this.#body += latin1(into, OFFSET, OFFSET + count);
      piece = piece.subarray(count);
      if (decoder.done) this.#finish();
      if (piece.length === 0) return;
    }
    this.#process(piece);
  }

  #process(piece: Uint8Array): void {
    const buf = staged(this.#pending, piece);
    const end = OFFSET + this.#pending.length + piece.length;
    let start = OFFSET;
    while (!this.stopped) {
      this.#tick();
      const decoder = this.#decoder;
      if (decoder === null) {
        if (start === end) break;
        if (this.responses.length >= this.#methods.length) {
          throw new ParseError("unexpected bytes after a response");
        }
        const resumeFrom = start + Math.max(0, this.#scanned - 3);
        const headEnd = findHeadEnd(buf, start, end, resumeFrom, this.#limits);
        if (headEnd === -1) {
          this.#scanned = end - start;
          break;
        }
        if (headEnd <= start || headEnd > end) throw new PropertyViolation(`findHeadEnd returned ${headEnd}`);
        this.#scanned = 0;
        const head = parseResponseHead(buf, start, headEnd, this.#limits);
        start = headEnd;
        if (isInterim(head)) continue;
        const framing = responseFraming(head, this.#methods[this.responses.length]);
        this.#head = head;
        this.#decoder = createBodyDecoder(framing, this.#limits);
        this.#keepAlive = keepsAlive(head) && framing.kind !== "close";
        continue;
      }
      if (decoder.done) {
        this.#finish();
        continue;
      }
      if (start === end) break;
      const consumed = decoder.step(buf, start, end);
      if (consumed < 0 || consumed > end - start) {
        throw new PropertyViolation(`a body step consumed ${consumed} of ${end - start} bytes`);
      }
      const { dataStart, dataEnd } = decoder;
      if (dataEnd > dataStart && (dataStart < start || dataEnd > start + consumed)) {
        throw new PropertyViolation(
          `body data [${dataStart}, ${dataEnd}) outside the consumed [${start}, ${start + consumed})`,
        );
      }
      if (dataEnd > dataStart) this.#body += latin1(buf, dataStart, dataEnd);
      start += consumed;
      if (consumed === 0 && !decoder.done) break;
    }
    this.#pending = buf.slice(start, end);
    if (!this.stopped && this.#pending.length > this.#maxBuffered) {
      throw new PropertyViolation(`${this.#pending.length} bytes buffered, more than the limits allow`);
    }
  }

  #finish(): void {
    const head = this.#head as ResponseHead;
    const decoder = this.#decoder as BodyDecoder;
    this.responses.push({
      version: head.httpVersion,
      status: head.status,
      statusText: head.statusText,
      headers: head.rawHeaders,
      body: this.#body,
      trailers: decoder.trailers,
    });
    this.#head = null;
    this.#decoder = null;
    this.#body = "";
    // connection.ts closes after a response that does not keep the connection alive.
    if (!this.#keepAlive) this.stopped = true;
  }

  /** The server closed the connection. */
  end(): void {
    if (this.stopped) return;
    const decoder = this.#decoder;
    if (decoder !== null) {
      // Only a close-delimited body is complete here (it took every byte).
      decoder.end();
      this.#finish();
      return;
    }
    if (this.#pending.length > 0) {
      throw this.responses.length >= this.#methods.length
        ? new ParseError("unexpected bytes after a response")
        : new ParseError("connection closed in the middle of a response head");
    }
  }
}

/**
 * Read the responses to `methods` (pipelined requests, in order) from
 * `pieces`, then the end of the stream. A typed error ends the outcome; any
 * other exception (a bug) propagates.
 *
 * @example
 * ```ts
 * import { readWire } from "./wire_reader.ts";
 * const wire = new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
 * readWire([wire.subarray(0, 7), wire.subarray(7)], ["GET"], {
 *   maxHeaderSize: 1024, maxHeaderCount: 10, maxLineLength: 256,
 * }); // { responses: [{ status: 200, body: "hi", ... }], error: null }
 * ```
 */
export function readWire(
  pieces: readonly Uint8Array[],
  methods: readonly string[],
  limits: HeadLimits,
): WireOutcome {
  let total = 0;
  for (const piece of pieces) total += piece.length;
  const reader = new Reader(methods, limits, total);
  try {
    for (const piece of pieces) if (piece.length > 0) reader.feed(piece);
    reader.end();
  } catch (error) {
    if (error instanceof HttpClientError) return { responses: reader.responses, error: error.code };
    throw error;
  }
  return { responses: reader.responses, error: null };
}
