/**
 * What a CLI run did: results counted as they arrive ({@link Summary}), and
 * at the end a report as a table for people or JSON for programs.
 *
 * @module
 */
import type { PoolStats } from "../pool/pool.ts";
import type { CacheStatus } from "../response.ts";

/** The outcome of one URL. */
export interface FetchResult {
  /** The URL as given. */
  url: string;
  /** Status of the final response; absent when the request failed without one. */
  status?: number;
  /** Body bytes received (after decoding). */
  bytes: number;
  /** File the body was written to. */
  file?: string;
  /** Whether the cache answered. */
  cache?: CacheStatus;
  /** The error, when the request failed without a response (or its body failed). */
  error?: { code: string; message: string };
  /** Milliseconds from the request to the end of its body. */
  ms: number;
}

/**
 * Whether a result counts as failed: no response, a failed body, or a status
 * of 400 or more.
 *
 * @example
 * ```ts
 * import { isFailure } from "./summary.ts";
 * isFailure({ url: "http://a.test/", status: 404, bytes: 0, ms: 1 }); // true
 * ```
 */
export function isFailure(result: FetchResult): boolean {
  return result.error !== undefined || result.status === undefined || result.status >= 400;
}

/**
 * Counters of a run, updated as requests start and finish.
 *
 * @example
 * ```ts
 * import { Summary } from "./summary.ts";
 * const summary = new Summary();
 * summary.started();
 * summary.finished({ url: "http://a.test/", status: 200, bytes: 5, ms: 3 });
 * console.log(summary.done, summary.bytes); // 1 5
 * ```
 */
export class Summary {
  /** When the run started (epoch ms). */
  readonly startTime = Date.now();
  /** Requests started and not finished. */
  inFlight = 0;
  /** Requests finished (failed ones included). */
  done = 0;
  /** Requests failed (see {@link isFailure}). */
  failed = 0;
  /** Body bytes received. */
  bytes = 0;
  /** Responses the cache answered without asking the server. */
  cacheHits = 0;
  /** Responses the cache answered after the server confirmed them (304). */
  cacheRevalidated = 0;
  /** Final statuses and how often each came. */
  readonly statuses = new Map<number, number>();
  /** Error codes and how often each came. */
  readonly errors = new Map<string, number>();
  /** Every result, in the order they finished. */
  readonly results: FetchResult[] = [];

  /** A request started. */
  started(): void {
    this.inFlight++;
  }

  /** A request finished. */
  finished(result: FetchResult): void {
    this.inFlight--;
    this.done++;
    if (isFailure(result)) this.failed++;
    this.bytes += result.bytes;
    if (result.cache === "hit") this.cacheHits++;
    else if (result.cache === "revalidated") this.cacheRevalidated++;
    if (result.status !== undefined) {
      this.statuses.set(result.status, (this.statuses.get(result.status) ?? 0) + 1);
    }
    if (result.error !== undefined) {
      this.errors.set(result.error.code, (this.errors.get(result.error.code) ?? 0) + 1);
    }
    this.results.push(result);
  }

  /** Milliseconds since the start. */
  elapsed(now = Date.now()): number {
    return Math.max(0, now - this.startTime);
  }
}

/** The machine-readable summary (`--json`). */
export interface SummaryReport {
  /** URLs fetched. */
  requests: number;
  /** Of them, succeeded. */
  ok: number;
  /** Of them, failed (no response, failed body, or status >= 400). */
  failed: number;
  /** Final statuses: `{ "200": 12, "404": 1 }`. */
  statuses: Record<string, number>;
  /** Error codes: `{ "ERR_CONNECT": 1 }`. */
  errors: Record<string, number>;
  /** Body bytes received. */
  bytes: number;
  /** Seconds the run took. */
  seconds: number;
  /** URLs per second. */
  requestsPerSecond: number;
  /** Connections opened. */
  connectionsOpened: number;
  /** Requests sent, redirect hops and retries included. */
  requestsSent: number;
  /** Requests written behind another one on the same connection. */
  pipelined: number;
  /** `pipelined / requestsSent`. */
  pipelinedShare: number;
  /** Requests sent again after their connection died. */
  replayed: number;
  /** Responses the cache answered without asking the server. */
  cacheHits: number;
  /** Responses the cache answered after a 304. */
  cacheRevalidated: number;
  /** One entry per URL, in the order they finished. */
  results: FetchResult[];
}

/**
 * The report of a run from its counters and the client's pool counters.
 *
 * @example
 * ```ts
 * import { Summary, summaryReport } from "./summary.ts";
 * const stats = { connections: 0, connectionsOpened: 1, queued: 0, requests: 1, pipelined: 0, replayed: 0, targets: {} };
 * console.log(summaryReport(new Summary(), stats).connectionsOpened); // 1
 * ```
 */
export function summaryReport(summary: Summary, stats: PoolStats, now = Date.now()): SummaryReport {
  const seconds = summary.elapsed(now) / 1000;
  const sortedByKey = <K extends number | string>(map: Map<K, number>): Record<string, number> =>
    Object.fromEntries(
      [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, count]) => [String(key), count]),
    );
  return {
    requests: summary.done,
    ok: summary.done - summary.failed,
    failed: summary.failed,
    statuses: sortedByKey(summary.statuses),
    errors: sortedByKey(summary.errors),
    bytes: summary.bytes,
    seconds: round(seconds, 3),
    requestsPerSecond: seconds > 0 ? round(summary.done / seconds, 1) : 0,
    connectionsOpened: stats.connectionsOpened,
    requestsSent: stats.requests,
    pipelined: stats.pipelined,
    pipelinedShare: stats.requests > 0 ? round(stats.pipelined / stats.requests, 3) : 0,
    replayed: stats.replayed,
    cacheHits: summary.cacheHits,
    cacheRevalidated: summary.cacheRevalidated,
    results: summary.results,
  };
}

/**
 * The report as an aligned table, for stderr at the end of a run.
 *
 * @example
 * ```ts
 * import { formatSummary, Summary, summaryReport } from "./summary.ts";
 * const stats = { connections: 0, connectionsOpened: 1, queued: 0, requests: 1, pipelined: 0, replayed: 0, targets: {} };
 * console.log(formatSummary(summaryReport(new Summary(), stats)));
 * ```
 */
export function formatSummary(report: SummaryReport): string {
  const counts = (record: Record<string, number>) =>
    Object.entries(record).map(([key, count]) => `${key}: ${count}`).join(", ") || "none";
  const rows: [string, string][] = [
    ["requests", `${report.requests} (${report.ok} ok, ${report.failed} failed)`],
    ["statuses", counts(report.statuses)],
    ["errors", counts(report.errors)],
    ["bytes", formatBytes(report.bytes)],
    ["time", `${report.seconds.toFixed(2)} s (${report.requestsPerSecond} req/s)`],
    ["connections", `${report.connectionsOpened} opened, ${report.replayed} requests replayed`],
    [
      "pipelined",
      `${report.pipelined} of ${report.requestsSent} requests sent (${percent(report.pipelinedShare)})`,
    ],
    ["cache", `${report.cacheHits} hits, ${report.cacheRevalidated} revalidated`],
  ];
  return ["summary", ...rows.map(([name, value]) => `  ${name.padEnd(12)} ${value}`)].join("\n") + "\n";
}

/**
 * Bytes in B, kB, MB or GB (powers of 1000), one decimal from kB up.
 *
 * @example
 * ```ts
 * import { formatBytes } from "./summary.ts";
 * formatBytes(1_500_000); // "1.5 MB"
 * ```
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
