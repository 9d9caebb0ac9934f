/**
 * The CLI's live output on stderr. On a terminal: one progress line redrawn
 * in place (at most 10 times a second), with error and debug lines printed
 * above it. Elsewhere (a pipe, a file): plain lines only, one per finished
 * URL when asked.
 *
 * @module
 */
import type { PoolStats } from "../pool/pool.ts";
import { type FetchResult, formatBytes, isFailure, type Summary } from "./summary.ts";

/** Milliseconds between two redraws of the progress line. */
const REDRAW_INTERVAL = 100;

/** Carriage return, then erase to the end of the line (ECMA-48 EL). */
const CLEAR_LINE = "\r\x1b[K";

/** What the progress display reads and where it writes. */
export interface ProgressOptions {
  /** Write text to stderr. */
  write: (text: string) => void;
  /** Redraw a progress line in place (stderr is a terminal). */
  terminal: boolean;
  /** Width of the terminal. */
  columns: () => number;
  /** Print a plain line for every finished URL, not only for failures (ignored on a terminal). */
  everyResult: boolean;
  /** Not on a terminal: print the progress line as a plain line this often (ms); default never. */
  plainInterval?: number;
  /** The run's counters. */
  summary: Summary;
}

/**
 * The progress line: done, failed, in flight, bytes, rate, and connections
 * per target.
 *
 * @example
 * ```ts
 * import { progressLine } from "./progress.ts";
 * import { Summary } from "./summary.ts";
 * const stats = { connections: 2, connectionsOpened: 2, queued: 0, requests: 9, pipelined: 3, replayed: 0, targets: { "http://127.0.0.1:8080": 2 } };
 * console.log(progressLine(new Summary(), stats));
 * // "0 done, 0 failed, 0 in flight | 0 B | 0 req/s | http://127.0.0.1:8080 2 conn"
 * ```
 */
export function progressLine(summary: Summary, stats: PoolStats, now = Date.now()): string {
  const seconds = summary.elapsed(now) / 1000;
  const rate = seconds > 0 ? Math.round(summary.done / seconds) : 0;
  const targets = Object.entries(stats.targets).map(([target, count]) => `${target} ${count} conn`).join(
    ", ",
  );
  const parts = [
    `${summary.done} done, ${summary.failed} failed, ${summary.inFlight} in flight`,
    formatBytes(summary.bytes),
    `${rate} req/s`,
  ];
  if (targets !== "") parts.push(targets);
  return parts.join(" | ");
}

/**
 * One line for a finished URL: `200 URL -> FILE (1.2 kB, 15 ms)`, or
 * `error CODE URL: message` for a failure (`error HTTP_404 URL` for a status
 * of 400 or more).
 *
 * @example
 * ```ts
 * import { resultLine } from "./progress.ts";
 * resultLine({ url: "http://a.test/", status: 404, bytes: 9, ms: 3 }); // "error HTTP_404 http://a.test/ (9 B, 3 ms)"
 * ```
 */
export function resultLine(result: FetchResult): string {
  const size = `(${formatBytes(result.bytes)}, ${result.ms} ms)`;
  if (result.error !== undefined) return `error ${result.error.code} ${result.url}: ${result.error.message}`;
  const file = result.file === undefined ? "" : ` -> ${result.file}`;
  const cache = result.cache === undefined ? "" : ` [cache ${result.cache}]`;
  if (isFailure(result)) return `error HTTP_${result.status} ${result.url}${file} ${size}`;
  return `${result.status} ${result.url}${file} ${size}${cache}`;
}

/**
 * The live display of a run.
 *
 * @example
 * ```ts
 * import { Progress } from "./progress.ts";
 * import { Summary } from "./summary.ts";
 * const summary = new Summary();
 * const progress = new Progress({
 *   write: (text) => console.error(text.trimEnd()),
 *   terminal: false,
 *   columns: () => 80,
 *   everyResult: true,
 *   summary,
 * });
 * progress.start(() => ({ connections: 0, connectionsOpened: 0, queued: 0, requests: 0, pipelined: 0, replayed: 0, targets: {} }));
 * progress.result({ url: "http://a.test/", status: 200, bytes: 5, ms: 2 });
 * progress.stop();
 * ```
 */
export class Progress {
  readonly #options: ProgressOptions;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** A progress line is on the screen (it must be erased before other output). */
  #shown = false;

  /** Create a display (nothing is written before `start()`). */
  constructor(options: ProgressOptions) {
    this.#options = options;
  }

  /**
   * Start showing progress with the client's pool counters: redrawn in place
   * on a terminal, else as plain lines every `plainInterval` ms (if set).
   */
  start(stats: () => PoolStats): void {
    if (this.#timer !== undefined) return;
    const { terminal, plainInterval } = this.#options;
    if (terminal) this.#timer = setInterval(() => this.#draw(stats()), REDRAW_INTERVAL);
    else if (plainInterval !== undefined && plainInterval > 0) {
      this.#timer = setInterval(() => this.log(progressLine(this.#options.summary, stats())), plainInterval);
    }
  }

  /** Print a line above the progress line (errors, debug events). */
  log(line: string): void {
    this.#options.write(`${this.#shown ? CLEAR_LINE : ""}${line}\n`);
    this.#shown = false;
  }

  /** Report a finished URL: failures always, others as plain lines when asked and not on a terminal. */
  result(result: FetchResult): void {
    if (isFailure(result) || (this.#options.everyResult && !this.#options.terminal)) {
      this.log(resultLine(result));
    }
  }

  /** Stop redrawing and erase the progress line. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#shown) this.#options.write(CLEAR_LINE);
    this.#shown = false;
  }

  #draw(stats: PoolStats): void {
    const options = this.#options;
    const width = Math.max(20, options.columns() - 1);
    let line = progressLine(options.summary, stats);
    if (line.length > width) line = line.slice(0, width - 1) + "…";
    options.write(`${CLEAR_LINE}${line}`);
    this.#shown = true;
  }
}
