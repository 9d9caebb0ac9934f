/**
 * Response body decoders (RFC 9112 §6, §7): one per framing, all with the
 * same step interface, created by {@link createBodyDecoder}.
 *
 * @module
 */
import { ChunkedBodyDecoder } from "./chunked_body.ts";
import { CloseBodyDecoder } from "./close_body.ts";
import { LengthBodyDecoder } from "./length_body.ts";
import type { ResponseFraming } from "./response_head.ts";

/**
 * Limits of a chunked body's size lines and trailer section (`defaultLimits` has the defaults).
 *
 * @example
 * ```ts
 * import type { BodyLimits } from "./body.ts";
 * import { defaultLimits } from "../limits.ts";
 * const limits: BodyLimits = defaultLimits;
 * ```
 */
export interface BodyLimits {
  /** Bytes of a chunk-size line (extensions included) or a trailer line, CRLF not counted. */
  maxLineLength: number;
  /** Bytes of the trailer section. */
  maxHeaderSize: number;
  /** Fields in the trailer section. */
  maxHeaderCount: number;
}

/**
 * Decodes one response body from the bytes a caller feeds it. Sans-I/O: it
 * never copies or keeps bytes; data is handed out as a span of the caller's
 * buffer.
 *
 * @example
 * ```ts
 * import { createBodyDecoder } from "./body.ts";
 * const decoder = createBodyDecoder({ kind: "chunked" }, {
 *   maxLineLength: 16384, maxHeaderSize: 65536, maxHeaderCount: 200,
 * });
 * const buf = new TextEncoder().encode("5\r\nhello\r\n0\r\n\r\nHTTP/1.1 ...");
 * let start = 0;
 * while (start < buf.length && !decoder.done) {
 *   const n = decoder.step(buf, start, buf.length);
 *   if (decoder.dataEnd > decoder.dataStart) console.log(buf.subarray(decoder.dataStart, decoder.dataEnd));
 *   if (n === 0) break; // needs more bytes: keep buf[start, end) and read more behind it
 *   start += n;
 * }
 * // decoder.done; start is the index of the next response
 * ```
 */
export interface BodyDecoder {
  /**
   * Decode from `buf[start, end)` and return the number of bytes consumed.
   * After the call, `buf[dataStart, dataEnd)` is the body data found in this
   * step (empty when `dataStart === dataEnd`). At most one contiguous data
   * span per call. Consuming 0 bytes means more bytes are needed: call again
   * with the same unconsumed bytes and more behind them.
   */
  step(buf: Uint8Array, start: number, end: number): number;
  /** Start of the data span of the last step. */
  dataStart: number;
  /** End of the data span of the last step. */
  dataEnd: number;
  /** The body is complete; bytes after it belong to the next response. */
  readonly done: boolean;
  /** Body bytes still expected when known (length bodies, inside a chunk's data); -1 when unknown. */
  readonly remaining: number;
  /** Trailer fields of a chunked body (flat `[name, value, ...]`); empty for others. */
  readonly trailers: string[];
  /**
   * The peer closed the connection: a close-delimited body completes; any
   * other incomplete body throws `BodyTruncatedError`.
   */
  end(): void;
}

/**
 * The decoder for a response's framing (from `responseFraming`). Framing
 * `none` gives a decoder that is done at once.
 *
 * @example
 * ```ts
 * import { createBodyDecoder } from "./body.ts";
 * const limits = { maxLineLength: 16384, maxHeaderSize: 65536, maxHeaderCount: 200 };
 * const decoder = createBodyDecoder({ kind: "length", length: 5 }, limits);
 * const buf = new TextEncoder().encode("helloHTTP/1.1 ...");
 * decoder.step(buf, 0, buf.length); // 5
 * decoder.done; // true
 * ```
 */
export function createBodyDecoder(framing: ResponseFraming, limits: BodyLimits): BodyDecoder {
  switch (framing.kind) {
    case "none":
      return new LengthBodyDecoder(0);
    case "length":
      return new LengthBodyDecoder(framing.length);
    case "chunked":
      return new ChunkedBodyDecoder(limits);
    case "close":
      return new CloseBodyDecoder();
  }
}
