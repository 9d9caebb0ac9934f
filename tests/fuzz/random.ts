/**
 * A small seeded PRNG (mulberry32) so that every fuzz run is reproducible:
 * the same seed gives the same inputs on every runtime.
 *
 * @module
 */

/**
 * Random choices drawn from one 32-bit seed.
 *
 * @example
 * ```ts
 * import { Random } from "./random.ts";
 * const random = new Random(42);
 * random.int(10); // 0..9, the same on every run with seed 42
 * ```
 */
export class Random {
  #state: number;

  /** A generator whose whole sequence is fixed by `seed`. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The next 32-bit unsigned integer (mulberry32). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in `[0, bound)`; 0 when `bound` ≤ 1. */
  int(bound: number): number {
    return bound <= 1 ? 0 : this.next() % bound;
  }

  /** An integer in `[low, high]`. */
  range(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/**
 * The seed of input number `index` of a run seeded with `seed`: each input
 * gets its own generator, so one input can be replayed alone.
 *
 * @example
 * ```ts
 * import { inputSeed, Random } from "./random.ts";
 * const random = new Random(inputSeed(1, 500)); // input 500 of a run with seed 1
 * ```
 */
export function inputSeed(seed: number, index: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}
