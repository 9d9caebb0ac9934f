/**
 * A `BodySource` that decodes another one through the runtime's
 * `DecompressionStream`, pulled: compressed bytes are read from the inner
 * source only when the caller asks for decoded bytes, a few KiB at a time, so
 * memory stays bounded whatever the compression ratio (a decompression bomb
 * stops at the size limit after producing little more than the limit).
 *
 * @module
 */
import { type BodySource, bytesSource } from "../body_source.ts";
import { inflateWhole } from "../runtime/inflate.ts";
import { AbortError, BodyTooLargeError, DecompressError, HttpClientError } from "../errors.ts";
import { Adler32 } from "./adler32.ts";

/**
 * Compressed bytes given to the decoder per step. Deflate expands at most
 * about 1032 times, and some runtimes (Deno) emit a step's whole output as
 * one chunk: 16 KiB in means at most about 16 MiB out at once.
 */
const INPUT_CHUNK = 16 * 1024;

/**
 * A whole body read at once (`bytes()`, `text()`, `json()`) whose compressed
 * length is known and at most this is decoded in one zlib call (much faster
 * than a stream pass)...
 */
const WHOLE_INPUT_LIMIT = 1024 * 1024;
/** ...producing at most this much at once; a larger output goes the streamed way. */
const WHOLE_OUTPUT_LIMIT = 32 * 1024 * 1024;

const EMPTY = new Uint8Array(0);

/** What a feed step resolves with, to tell it apart from a decoder read in a race. */
const FED = Symbol("fed");

/** Options of a {@link DecodingSource}. */
export interface DecodingOptions {
  /**
   * The `DecompressionStream` format. `"deflate"` means HTTP's deflate
   * coding: zlib-wrapped as RFC 9110 §8.4.1.2 says, or raw deflate as some
   * servers send it, told apart by the first two bytes.
   */
  format: string;
  /** The content coding's name, for error messages. */
  coding: string;
  /** Decoded bytes allowed; past it reads fail with `BodyTooLargeError`. */
  limit: number;
}

/**
 * Whether two bytes are a zlib header (RFC 1950 §2.2): compression method 8
 * (deflate), a window of at most 32 KiB, and a check value making the
 * 16-bit big-endian number a multiple of 31.
 */
function isZlibHeader(first: number, second: number): boolean {
  return (first & 0x0f) === 8 && first >> 4 <= 7 && ((first << 8) | second) % 31 === 0;
}

/**
 * Decodes an inner body source. Errors of the inner source (socket, wire
 * size limit, abort) pass through unchanged; corrupt or truncated compressed
 * data fails with `DecompressError`, never with a short body; more than
 * `limit` decoded bytes fail with `BodyTooLargeError`. An empty body decodes
 * to an empty body (no decoder is started: HEAD, 204 and empty 200 answers).
 *
 * @example
 * ```ts
 * import { bytesSource, readSource } from "../body_source.ts";
 * import { DecodingSource } from "./decoding_source.ts";
 * const gzipped = new Uint8Array(await new Response(
 *   new Blob(["hello"]).stream().pipeThrough(new CompressionStream("gzip")),
 * ).arrayBuffer());
 * const source = new DecodingSource(bytesSource(gzipped), { format: "gzip", coding: "gzip", limit: 1024 });
 * new TextDecoder().decode(await readSource(source, 1024)); // "hello"
 * ```
 */
export class DecodingSource implements BodySource {
  /** The decoded length is not known in advance. */
  readonly length = null;
  #inner: BodySource;
  #wholeTried = false;
  readonly #options: DecodingOptions;
  #writer: WritableStreamDefaultWriter<BufferSource> | undefined;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  /** Input read while choosing the decoder; written first. */
  #first: Uint8Array<ArrayBuffer> | null = null;
  /** Decoded bytes not yet handed out. */
  #output: Uint8Array = EMPTY;
  #decoded = 0;
  /** The decoder read in flight, if any (at most one). */
  #reading: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  /** The feed step in flight, if any (at most one: input is never read ahead further). */
  #feeding: Promise<typeof FED> | null = null;
  #inputEnded = false;
  #ended = false;
  #closed = false;
  #error: unknown = undefined;
  /** zlib streams: Adler-32 of the output, compared with the stream's last four bytes. */
  #checksum: Adler32 | null = null;
  #tail = new Uint8Array(4);
  #tailLength = 0;

  /** Decode `inner` with the given format, at most `limit` decoded bytes. */
  constructor(inner: BodySource, options: DecodingOptions) {
    this.#inner = inner;
    this.#options = options;
  }

  /** Fill `into` with decoded bytes; 0 once the body has ended. */
  async read(into: Uint8Array): Promise<number> {
    if (!(await this.#produce())) return 0;
    const count = Math.min(into.length, this.#output.length);
    into.set(this.#output.subarray(0, count));
    this.#output = this.#output.subarray(count);
    return count;
  }

  /** The next decoded piece, handed over whole (no copy), or null at the end. */
  async next(): Promise<Uint8Array | null> {
    if (!this.#wholeTried) {
      this.#wholeTried = true;
      const whole = await this.#decodeWhole();
      if (whole !== undefined) return whole;
    }
    if (!(await this.#produce())) return null;
    const piece = this.#output;
    this.#output = EMPTY;
    return piece;
  }

  /** Decode until some output is waiting; false at the end of the body. */
  async #produce(): Promise<boolean> {
    try {
      while (this.#output.length === 0) {
        if (this.#error !== undefined) throw this.#error;
        if (this.#ended) return false;
        if (this.#reader === undefined) await this.#open();
        else await this.#step();
      }
    } catch (error) {
      throw this.#fail(error);
    }
    return true;
  }

  /** Stop decoding and cancel the inner source (frees or closes the connection). */
  cancel(reason?: unknown): void {
    this.#error ??= reason ?? new AbortError("response body cancelled");
    this.#teardown(reason);
  }

  /**
   * Decode a small body of known length in one zlib call. Undefined when it
   * does not apply (unknown or large length, a format zlib lacks here, or an
   * output over the one-call cap below the limit): the streamed way goes on,
   * over the input already read.
   */
  async #decodeWhole(): Promise<Uint8Array | null | undefined> {
    const length = this.#inner.length;
    if (length === null || length > WHOLE_INPUT_LIMIT || this.#reader !== undefined || this.#ended) {
      return undefined;
    }
    const input = new Uint8Array(length);
    let size = 0;
    try {
      while (size < length) {
        const count = await this.#inner.read(input.subarray(size));
        if (count === 0) break;
        size += count;
      }
    } catch (error) {
      throw this.#fail(error);
    }
    if (size === 0) {
      this.#ended = true;
      return null;
    }
    let format = this.#options.format;
    if (format === "deflate" && !(size >= 2 && isZlibHeader(input[0], input[1]))) format = "deflate-raw";
    const cap = Math.min(this.#options.limit, WHOLE_OUTPUT_LIMIT);
    const output = inflateWhole(format, input.subarray(0, size), cap);
    if (output === "corrupt") {
      throw this.#fail(new DecompressError(`corrupt or truncated ${this.#options.coding} data`));
    }
    if (output === "too-large" && cap === this.#options.limit) {
      throw this.#fail(new BodyTooLargeError(this.#options.limit));
    }
    if (output === null || output === "too-large") {
      this.#inner = bytesSource(input.subarray(0, size));
      return undefined;
    }
    this.#decoded = output.length;
    this.#ended = true;
    return output;
  }

  /** Read the first input, pick the decoder (sniffing deflate), start it. */
  async #open(): Promise<void> {
    const first = new Uint8Array(INPUT_CHUNK);
    let size = 0;
    while (size < 2) {
      const count = await this.#inner.read(first.subarray(size));
      if (count === 0) break;
      size += count;
    }
    if (size === 0) {
      this.#ended = true;
      return;
    }
    let format = this.#options.format;
    if (format === "deflate") {
      // Fewer than two bytes cannot be raw deflate worth decoding either: the
      // zlib path fails them on the checksum.
      if (size < 2 || isZlibHeader(first[0], first[1])) this.#checksum = new Adler32();
      else format = "deflate-raw";
    }
    const stream = new DecompressionStream(format as CompressionFormat);
    this.#writer = stream.writable.getWriter();
    this.#reader = stream.readable.getReader();
    this.#first = first.subarray(0, size);
  }

  /**
   * One step: wait for decoded output, feeding one input chunk meanwhile if
   * none is in flight. Whichever finishes first ends the step.
   */
  async #step(): Promise<void> {
    if (this.#reading === null) {
      const reading = (this.#reader as ReadableStreamDefaultReader<Uint8Array>).read();
      // Handled here so that a decoder error while a feed wins the race is not unhandled.
      reading.catch(() => {});
      this.#reading = reading;
    }
    if (this.#feeding === null && !this.#inputEnded) this.#feeding = this.#feed();
    const result = this.#feeding === null
      ? await this.#reading
      : await Promise.race([this.#reading, this.#feeding]);
    if (result === FED) {
      this.#feeding = null;
      return;
    }
    this.#reading = null;
    if (result.done) {
      this.#verify();
      this.#ended = true;
      return;
    }
    this.#take(result.value);
  }

  /** Read one chunk of input and write it to the decoder (or close it at the end). Never rejects. */
  async #feed(): Promise<typeof FED> {
    const writer = this.#writer as WritableStreamDefaultWriter<BufferSource>;
    let chunk: Uint8Array<ArrayBuffer>;
    if (this.#first !== null) {
      chunk = this.#first;
      this.#first = null;
    } else {
      const buffer = new Uint8Array(INPUT_CHUNK);
      let count: number;
      try {
        count = await this.#inner.read(buffer);
      } catch (error) {
        this.#error ??= error;
        return FED;
      }
      if (count === 0) {
        this.#inputEnded = true;
        try {
          await writer.close();
        } catch (error) {
          this.#error ??= this.#decodeError(error);
        }
        return FED;
      }
      chunk = buffer.subarray(0, count);
    }
    if (this.#checksum !== null) this.#keepTail(chunk);
    try {
      await writer.write(chunk);
    } catch (error) {
      this.#error ??= this.#decodeError(error);
    }
    return FED;
  }

  #take(chunk: Uint8Array): void {
    this.#decoded += chunk.length;
    if (this.#decoded > this.#options.limit) throw new BodyTooLargeError(this.#options.limit);
    this.#checksum?.update(chunk);
    this.#output = chunk;
  }

  /** Keep the last four input bytes: a complete zlib stream ends with its Adler-32. */
  #keepTail(chunk: Uint8Array): void {
    if (chunk.length >= 4) {
      this.#tail.set(chunk.subarray(chunk.length - 4));
      this.#tailLength = 4;
      return;
    }
    const kept = Math.min(this.#tailLength, 4 - chunk.length);
    this.#tail.copyWithin(0, this.#tailLength - kept, this.#tailLength);
    this.#tail.set(chunk, kept);
    this.#tailLength = kept + chunk.length;
  }

  /** RFC 1950 §2.2: ADLER32, most significant byte first, closes the stream. */
  #verify(): void {
    if (this.#checksum === null) return;
    const tail = this.#tail;
    const expected = ((tail[0] << 24) | (tail[1] << 16) | (tail[2] << 8) | tail[3]) >>> 0;
    if (this.#tailLength < 4 || expected !== this.#checksum.value) {
      throw new DecompressError(`truncated or corrupt ${this.#options.coding} data (Adler-32 mismatch)`);
    }
  }

  #decodeError(error: unknown): HttpClientError {
    if (error instanceof HttpClientError) return error;
    const detail = error instanceof Error ? `: ${error.message}` : "";
    return new DecompressError(`corrupt or truncated ${this.#options.coding} data${detail}`, {
      cause: error,
    });
  }

  /** Record the first error, release everything, and return the error to throw. */
  #fail(error: unknown): unknown {
    this.#error ??= this.#decodeError(error);
    this.#teardown(this.#error);
    return this.#error;
  }

  /** Release the decoder and the inner source, once. */
  #teardown(reason: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ended = true;
    this.#output = EMPTY;
    this.#first = null;
    this.#reader?.cancel(reason).catch(() => {});
    this.#writer?.abort(reason).catch(() => {});
    this.#inner.cancel(reason);
  }
}
