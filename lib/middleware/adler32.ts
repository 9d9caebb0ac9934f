/**
 * Adler-32 (RFC 1950 §8.2), the checksum at the end of a zlib stream. The
 * decompression middleware checks it itself because not every runtime's
 * `DecompressionStream("deflate")` does (Deno accepts a truncated stream).
 *
 * @module
 */

/** Largest prime below 2^16 (RFC 1950 §8.2). */
const MOD = 65521;
/**
 * Bytes summed before reducing modulo MOD: small enough that both sums stay
 * small integers (under 2^30), which JavaScript engines keep unboxed.
 */
const BATCH = 2048;

/**
 * A running Adler-32 checksum.
 *
 * @example
 * ```ts
 * import { Adler32 } from "./adler32.ts";
 * const sum = new Adler32();
 * sum.update(new TextEncoder().encode("Wikipedia"));
 * sum.value; // 0x11e60398
 * ```
 */
export class Adler32 {
  #a = 1;
  #b = 0;

  /** Add bytes to the checksum. */
  update(bytes: Uint8Array): void {
    let a = this.#a;
    let b = this.#b;
    let i = 0;
    while (i < bytes.length) {
      const end = Math.min(i + BATCH, bytes.length);
      for (; i < end; i++) {
        a += bytes[i];
        b += a;
      }
      a %= MOD;
      b %= MOD;
    }
    this.#a = a;
    this.#b = b;
  }

  /** The checksum of every byte added so far, as an unsigned 32-bit number. */
  get value(): number {
    return ((this.#b << 16) | this.#a) >>> 0;
  }
}
