/**
 * The fuzz loop shared by `scripts/fuzz.ts` and `tests/fuzz.test.ts`: input
 * `i` of a run with seed `s` is made by target `i % targets.length` from its
 * own generator seeded with `inputSeed(s, i)`, so any finding can be
 * replayed alone (`--seed s --start i --count 1`), on any runtime.
 *
 * @module
 */
import { inputSeed, Random } from "./random.ts";
import type { FuzzTarget } from "./targets.ts";
import { PropertyViolation } from "./wire_reader.ts";

/** What to run. */
export interface FuzzOptions {
  seed: number;
  /** Inputs to run (at most). */
  count: number;
  /** Seconds to run (at most). */
  seconds: number;
  /** Index of the first input (to replay one). */
  start?: number;
  targets: readonly FuzzTarget[];
  /** Only targets with this name run; the others' inputs are skipped, not counted. */
  only?: string;
  /** Stop after this many findings (default 10). */
  maxFindings?: number;
  /** Called now and then with the inputs run so far. */
  progress?: (inputs: number, ms: number) => void;
}

/** One broken property. */
export interface Finding {
  target: string;
  /** Input index: replay with `--seed <seed> --start <index> --count 1`. */
  index: number;
  message: string;
  /** The input as a JSON string, when known. */
  input?: string;
}

/** What a run did. */
export interface FuzzReport {
  seed: number;
  inputs: number;
  byTarget: Record<string, number>;
  ms: number;
  findings: Finding[];
}

/**
 * Run targets until `count` inputs or `seconds` have passed.
 *
 * @example
 * ```ts
 * import { loadCorpus } from "./corpus.ts";
 * import { runFuzz } from "./engine.ts";
 * import { fuzzTargets } from "./targets.ts";
 * const targets = fuzzTargets(loadCorpus(), { everyOffsetUpTo: 64, randomSplits: 8 });
 * const report = runFuzz({ seed: 1, count: 100, seconds: 5, targets });
 * console.log(report.inputs, report.findings.length);
 * ```
 */
export function runFuzz(options: FuzzOptions): FuzzReport {
  const { seed, targets } = options;
  const started = Date.now();
  const deadline = started + options.seconds * 1000;
  const maxFindings = options.maxFindings ?? 10;
  const report: FuzzReport = { seed, inputs: 0, byTarget: {}, ms: 0, findings: [] };
  for (let index = options.start ?? 0; report.inputs < options.count; index++) {
    if ((index & 63) === 0) {
      const now = Date.now();
      if (now >= deadline) break;
      if ((index & 4095) === 0 && index > 0) options.progress?.(report.inputs, now - started);
    }
    const target = targets[index % targets.length];
    if (options.only !== undefined && target.name !== options.only) continue;
    report.inputs++;
    report.byTarget[target.name] = (report.byTarget[target.name] ?? 0) + 1;
    try {
      target.run(new Random(inputSeed(seed, index)));
    } catch (error) {
      report.findings.push({
        target: target.name,
        index,
        message: error instanceof Error ? error.message : String(error),
        input: error instanceof PropertyViolation ? error.input : undefined,
      });
      if (report.findings.length >= maxFindings) break;
    }
  }
  report.ms = Date.now() - started;
  return report;
}
