/**
 * Numbers for the benchmark: a constant-memory latency histogram and the
 * median of runs.
 *
 * A histogram instead of a list of samples: a pipelined run completes
 * millions of requests, and storing each latency would grow the very RSS the
 * benchmark reports.
 *
 * @module
 */

/** Buckets grow by 1%: a percentile is off by at most 1%. */
const growth = Math.log(1.01);
/** Enough buckets for 1 µs to 1,000 s. */
const bucketCount = Math.ceil(Math.log(1e9) / growth) + 1;

/**
 * Latencies in log-spaced buckets (1% wide, from 1 µs).
 *
 * @example
 * ```ts
 * import { LatencyHistogram } from "./stats.ts";
 * const histogram = new LatencyHistogram();
 * histogram.record(0.25);
 * histogram.percentile(0.5); // ≈ 0.25 (ms)
 * ```
 */
export class LatencyHistogram {
  #counts = new Uint32Array(bucketCount);
  #total = 0;

  /** Number of recorded latencies. */
  get count(): number {
    return this.#total;
  }

  /** Record one latency in milliseconds. */
  record(milliseconds: number): void {
    const micros = milliseconds * 1000;
    const index = micros <= 1 ? 0 : Math.min(bucketCount - 1, Math.floor(Math.log(micros) / growth));
    this.#counts[index]++;
    this.#total++;
  }

  /** Forget every recorded latency (the end of a warmup). */
  reset(): void {
    this.#counts.fill(0);
    this.#total = 0;
  }

  /** The latency (ms) below which a fraction `p` (0..1) of the recorded ones fall; 0 when empty. */
  percentile(p: number): number {
    if (this.#total === 0) return 0;
    const rank = Math.max(1, Math.ceil(p * this.#total));
    let seen = 0;
    for (let index = 0; index < bucketCount; index++) {
      seen += this.#counts[index];
      if (seen >= rank) return Math.exp((index + 0.5) * growth) / 1000;
    }
    return Math.exp(bucketCount * growth) / 1000;
  }
}

/**
 * The median of some numbers (the mean of the middle two for an even count); NaN when empty.
 *
 * @example
 * ```ts
 * import { median } from "./stats.ts";
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
