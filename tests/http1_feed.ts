/**
 * Test helpers for lib/http1/: play the part of a connection that feeds the
 * sans-I/O codec arbitrary splits of a byte stream, the way socket reads would.
 *
 * Every call gets a fresh buffer where the unconsumed bytes sit at an offset
 * and the bytes past `end` are LF, so a codec that remembers absolute indexes
 * or reads past `end` fails the tests.
 * @module
 */
import { createBodyDecoder } from "../lib/http1/body.ts";
import type { BodyDecoder, BodyLimits } from "../lib/http1/body.ts";
import { findHeadEnd, isInterim, parseResponseHead, responseFraming } from "../lib/http1/response_head.ts";
import type { HeadLimits, ResponseHead } from "../lib/http1/response_head.ts";

/** Generous limits for tests that are not about limits. */
export const testLimits: HeadLimits & BodyLimits = {
  maxHeaderSize: 65536,
  maxHeaderCount: 100,
  maxLineLength: 8192,
};

/** A latin1 string as bytes (one byte per character). */
export function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/** Bytes as a latin1 string. */
export function text(data: Uint8Array): string {
  let result = "";
  for (const byte of data) result += String.fromCharCode(byte);
  return result;
}

/** `wire` cut into pieces of `size` bytes. */
export function piecesOf(wire: Uint8Array, size: number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < wire.length; at += size) pieces.push(wire.subarray(at, at + size));
  return pieces;
}

/** `wire` cut in two at `at`. */
export function splitAt(wire: Uint8Array, at: number): Uint8Array[] {
  return [wire.subarray(0, at), wire.subarray(at)];
}

const OFFSET = 3;
const LF = 0x0a;

/** Pending bytes in a fresh buffer at OFFSET, with LF before and after them. */
function staged(pending: Uint8Array): Uint8Array {
  const buf = new Uint8Array(OFFSET + pending.length + 8).fill(LF);
  buf.set(pending, OFFSET);
  return buf;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** What a body decoder produced from a stream. */
export interface FedBody {
  /** The body data, concatenated. */
  data: string;
  /** Bytes of the stream that belonged to the body. */
  consumed: number;
  /** The decoder, to look at `done` and `trailers`. */
  decoder: BodyDecoder;
}

/** Feed `pieces` to `decoder` as a connection would, stopping when the body is done. */
export function feedBody(decoder: BodyDecoder, pieces: Uint8Array[]): FedBody {
  let pending: Uint8Array = new Uint8Array(0);
  let consumed = 0;
  let data = "";
  for (const piece of pieces) {
    if (decoder.done) break;
    pending = concat(pending, piece);
    const buf = staged(pending);
    const end = OFFSET + pending.length;
    let start = OFFSET;
    while (start < end && !decoder.done) {
      const n = decoder.step(buf, start, end);
      data += text(buf.subarray(decoder.dataStart, decoder.dataEnd));
      if (n === 0) break;
      start += n;
    }
    consumed += start - OFFSET;
    pending = pending.slice(start - OFFSET);
  }
  return { data, consumed, decoder };
}

/** One response read from a stream: its head, body and trailers. */
export interface ReadResponse {
  head: ResponseHead;
  body: string;
  trailers: string[];
}

/**
 * Read every response from `pieces` as a client connection would: find and
 * parse each head (resuming the scan when more bytes arrive), skip interim
 * responses, decode the body, and go on with the next response in the same
 * bytes. `methods` are the methods of the pipelined requests, in order.
 * A close-delimited body ends with the stream.
 */
export function readResponses(
  pieces: Uint8Array[],
  methods: string[],
  limits: HeadLimits & BodyLimits = testLimits,
): ReadResponse[] {
  const responses: ReadResponse[] = [];
  let pending: Uint8Array = new Uint8Array(0);
  let scanned = 0;
  let head: ResponseHead | null = null;
  let decoder: BodyDecoder | null = null;
  let body = "";
  const finish = () => {
    responses.push({ head: head as ResponseHead, body, trailers: (decoder as BodyDecoder).trailers });
    head = null;
    decoder = null;
    body = "";
  };
  for (const piece of pieces) {
    pending = concat(pending, piece);
    const buf = staged(pending);
    const end = OFFSET + pending.length;
    let start = OFFSET;
    while (start < end) {
      if (decoder === null) {
        const headEnd = findHeadEnd(buf, start, end, start + scanned, limits);
        if (headEnd === -1) {
          scanned = end - start;
          break;
        }
        scanned = 0;
        const parsed = parseResponseHead(buf, start, headEnd, limits);
        start = headEnd;
        if (isInterim(parsed)) continue;
        head = parsed;
        decoder = createBodyDecoder(responseFraming(parsed, methods[responses.length]), limits);
      }
      const current: BodyDecoder = decoder;
      if (!current.done) {
        const n = current.step(buf, start, end);
        body += text(buf.subarray(current.dataStart, current.dataEnd));
        if (n === 0) break;
        start += n;
      }
      if (current.done) finish();
    }
    pending = pending.slice(start - OFFSET);
  }
  if (decoder !== null) {
    (decoder as BodyDecoder).end();
    finish();
  }
  if (pending.length > 0) throw new Error(`${pending.length} bytes left after the last response`);
  return responses;
}
