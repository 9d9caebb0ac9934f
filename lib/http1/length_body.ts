/**
 * A body of known length (Content-Length, RFC 9112 §6.3 rule 6): the next
 * `length` bytes, then the next response.
 *
 * @module
 */
import { BodyTruncatedError } from "../errors.ts";
import type { BodyDecoder } from "./body.ts";

/**
 * Decoder of a Content-Length body; length 0 is done at once.
 *
 * @example
 * ```ts
 * import { LengthBodyDecoder } from "./length_body.ts";
 * const decoder = new LengthBodyDecoder(3);
 * decoder.step(new Uint8Array([1, 2, 3, 4]), 0, 4); // 3: data is [0, 3)
 * decoder.done; // true
 * ```
 */
export class LengthBodyDecoder implements BodyDecoder {
  dataStart = 0;
  dataEnd = 0;
  done: boolean;
  remaining: number;
  readonly trailers: string[] = [];
  private readonly length: number;

  /** A decoder for a body of `length` bytes. */
  constructor(length: number) {
    this.length = length;
    this.remaining = length;
    this.done = length === 0;
  }

  /** Hand out up to `remaining` bytes of `buf[start, end)` as data. */
  step(_buf: Uint8Array, start: number, end: number): number {
    const taken = Math.min(end - start, this.remaining);
    this.dataStart = start;
    this.dataEnd = start + taken;
    this.remaining -= taken;
    if (this.remaining === 0) this.done = true;
    return taken;
  }

  /** The connection closed: an error unless every byte arrived. */
  end(): void {
    if (this.done) return;
    throw new BodyTruncatedError(
      `the connection closed after ${this.length - this.remaining} of ${this.length} body bytes`,
    );
  }
}
