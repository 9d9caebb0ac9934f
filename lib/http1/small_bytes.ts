/**
 * Short-lived small byte arrays (request heads, batches of them) carved from
 * shared slabs. V8 (Node, Deno) allocates every `Uint8Array` over 64 bytes
 * outside its heap, which costs 0.4-0.7 µs each; a view on a slab that
 * already exists costs about 0.05 µs. A slab is freed by the garbage
 * collector once no view on it is left, so a view must never be handed to a
 * caller who could keep it or use its `.buffer` as its own.
 *
 * @module
 */

const SLAB_SIZE = 16 * 1024;
/** Larger arrays are allocated on their own: they would waste much of a slab. */
const MAX_CARVED = 2 * 1024;

let slab = new ArrayBuffer(SLAB_SIZE);
let used = 0;

/**
 * A zero-filled array of `size` bytes for internal use (see the module note).
 *
 * @example
 * ```ts
 * import { smallBytes } from "./small_bytes.ts";
 * const head = smallBytes(120);
 * head.length; // 120
 * ```
 */
export function smallBytes(size: number): Uint8Array {
  if (size > MAX_CARVED) return new Uint8Array(size);
  if (used + size > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    used = 0;
  }
  const bytes = new Uint8Array(slab, used, size);
  // Keep every view 8-byte aligned.
  used += (size + 7) & ~7;
  return bytes;
}
