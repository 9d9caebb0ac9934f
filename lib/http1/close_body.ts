/**
 * A close-delimited body (RFC 9112 §6.3 rule 8): every byte is data until the
 * server closes the connection.
 *
 * @module
 */
import type { BodyDecoder } from "./body.ts";

/**
 * Decoder of a body that ends when the connection closes.
 *
 * @example
 * ```ts
 * import { CloseBodyDecoder } from "./close_body.ts";
 * const decoder = new CloseBodyDecoder();
 * decoder.step(new Uint8Array(10), 0, 10); // 10: all of it is data
 * decoder.end(); // the peer closed: the body is complete
 * decoder.done; // true
 * ```
 */
export class CloseBodyDecoder implements BodyDecoder {
  dataStart = 0;
  dataEnd = 0;
  done = false;
  readonly remaining = -1;
  readonly trailers: string[] = [];

  /** Hand out all of `buf[start, end)` as data. */
  step(_buf: Uint8Array, start: number, end: number): number {
    this.dataStart = start;
    if (this.done) {
      this.dataEnd = start;
      return 0;
    }
    this.dataEnd = end;
    return end - start;
  }

  /** The connection closed: that is the end of the body. */
  end(): void {
    this.done = true;
  }
}
