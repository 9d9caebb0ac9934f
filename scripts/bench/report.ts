/**
 * Results of a benchmark run and their markdown tables: one table per
 * runtime, the targets of issue 8 with the ratios measured, memory per idle
 * connection and per queued request, and the scaling table.
 *
 * @module
 */
import type { LoadResult } from "./load.ts";
import type { ClientName } from "./load_clients.ts";
import type { MemoryResult } from "./memory.ts";
import { type Cell, cellLabel, type Mode } from "./plan.ts";
import type { MachineInfo, RuntimeName } from "./runtime.ts";

/** The runs of one client in one cell, and their medians. */
export interface CellReport {
  /** The cell. */
  cell: Cell;
  /** The client. */
  client: ClientName;
  /** Requests it had in flight. */
  inflight: number;
  /** Every run, in order. */
  runs: LoadResult[];
  /** Median requests/second. */
  rps: number;
  /** Median of the runs' p50 latency, ms. */
  p50: number;
  /** Median of the runs' p99 latency, ms. */
  p99: number;
  /** Median of the runs' peak RSS, bytes. */
  peakRss: number;
  /** Failed requests over all runs. */
  errors: number;
}

/** Everything one runtime measured. */
export interface RuntimeReport {
  /** The runtime. */
  runtime: RuntimeName;
  /** Its version, e.g. "deno 2.9.6". */
  version: string;
  /** Kind of run. */
  mode: Mode;
  /** Warmup of each run, ms. */
  warmup: number;
  /** Counted time of each run, ms. */
  duration: number;
  /** Runs per cell and client. */
  runs: number;
  /** Cells, in the order measured. */
  cells: CellReport[];
  /** Memory measurements. */
  memory: MemoryResult[];
}

const clientNames: Record<ClientName, string> = {
  ours: "**this client**",
  "ours-p10": "**this client, pipelining 10**",
  fetch: "fetch",
  undici: "undici request (Pool)",
  "undici-p10": "undici request, pipelining 10",
  "node-http": "node:http, keep-alive Agent",
  "raw-net": "raw node:net loop",
  "raw-net-copy": "raw node:net loop, copying into a 1 MiB buffer per connection",
  "raw-deno": "raw Deno.connect loop",
  "raw-bun": "raw Bun.connect loop",
};

function isOurs(client: ClientName): boolean {
  return client === "ours" || client === "ours-p10";
}

function isRaw(client: ClientName): boolean {
  return client.startsWith("raw-");
}

function sameCell(a: Cell, b: Cell): boolean {
  return a.server === b.server && a.connections === b.connections && a.inflight === b.inflight;
}

function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

function formatMs(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(0);
}

/** The fastest peer (not this client, not a raw loop) of a cell. */
function fastestPeer(rows: CellReport[]): CellReport | undefined {
  const peers = rows.filter((row) => !isOurs(row.client) && !isRaw(row.client));
  return peers.sort((a, b) => b.rps - a.rps)[0];
}

/**
 * The rows of a report grouped by cell, in measuring order.
 *
 * @example
 * ```ts ignore
 * import { byCell } from "./report.ts";
 * for (const rows of byCell(report)) console.log(rows[0].cell, rows.length);
 * ```
 */
export function byCell(report: RuntimeReport): CellReport[][] {
  const groups: CellReport[][] = [];
  for (const row of report.cells) {
    const group = groups.find((rows) => sameCell(rows[0].cell, row.cell));
    if (group === undefined) groups.push([row]);
    else group.push(row);
  }
  return groups;
}

/**
 * The markdown table of one runtime: per cell and client, req/s, p50, p99,
 * peak RSS, and for this client the ratio to the fastest peer in that cell.
 *
 * @example
 * ```ts ignore
 * import { runtimeTable } from "./report.ts";
 * console.log(runtimeTable(report));
 * ```
 */
export function runtimeTable(report: RuntimeReport): string {
  const lines = [
    "| cell | client | in flight | req/s | p50 ms | p99 ms | peak RSS MiB | vs fastest peer |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const rows of byCell(report)) {
    const peer = fastestPeer(rows);
    for (const row of rows) {
      let ratio = "";
      if (isRaw(row.client)) ratio = "reference";
      else if (isOurs(row.client) && peer !== undefined) {
        ratio = `${(row.rps / peer.rps).toFixed(2)}× ${peer.client}`;
      }
      const failed = row.errors > 0
        ? ` (${row.errors} errors)`
        : row.rps === 0
        ? " (no response within the counted time)"
        : "";
      lines.push(
        `| ${cellLabel(row.cell)} | ${clientNames[row.client]}${failed} | ${row.inflight} | ${
          formatCount(row.rps)
        } | ` +
          `${formatMs(row.p50)} | ${formatMs(row.p99)} | ${mib(row.peakRss)} | ${ratio} |`,
      );
    }
  }
  return lines.join("\n");
}

/** One target of issue 8 and where we are. */
export interface TargetRow {
  /** Runtime. */
  runtime: RuntimeName;
  /** What is compared. */
  target: string;
  /** The goal, e.g. "≥ 1.5×". */
  goal: string;
  /** The measured ratio, or null when a cell was not measured. */
  measured: number | null;
  /** Whether the goal is met. */
  met: boolean | null;
}

function row(report: RuntimeReport, server: Cell["server"], connections: number, client: ClientName) {
  return report.cells.find((r) =>
    r.cell.server === server && r.cell.connections === connections && r.cell.inflight === undefined &&
    r.client === client
  );
}

function ratioTarget(
  report: RuntimeReport,
  target: string,
  goal: number,
  ours: CellReport | undefined,
  other: CellReport | undefined,
  atMost = false,
): TargetRow {
  const runtime = report.runtime;
  const sign = atMost ? "≤" : "≥";
  if (ours === undefined || other === undefined || other.rps === 0) {
    return { runtime, target, goal: `${sign} ${goal}×`, measured: null, met: null };
  }
  const measured = atMost ? ours.peakRss / other.peakRss : ours.rps / other.rps;
  return {
    runtime,
    target,
    goal: `${sign} ${goal}×`,
    measured,
    met: atMost ? measured <= goal : measured >= goal,
  };
}

/**
 * The targets of issue 8 for one runtime, with the ratios measured at 50 connections.
 *
 * @example
 * ```ts ignore
 * import { targetsOf } from "./report.ts";
 * for (const target of targetsOf(report)) console.log(target.target, target.measured);
 * ```
 */
export function targetsOf(report: RuntimeReport): TargetRow[] {
  const rows: TargetRow[] = [];
  const c = 50;
  const ours = row(report, "raw-13", c, "ours");
  const ours10 = row(report, "raw-13", c, "ours-p10");
  if (report.runtime === "node") {
    const undici = row(report, "raw-13", c, "undici");
    rows.push(ratioTarget(report, "13 B, no pipelining: this client / undici request", 1.5, ours, undici));
    rows.push(ratioTarget(report, "13 B, pipelining 10: this client / undici request", 3, ours10, undici));
  } else {
    const fetchRow = row(report, "raw-13", c, "fetch");
    const [plain, piped] = report.runtime === "deno" ? [2, 2] : [1, 2];
    rows.push(ratioTarget(report, "13 B, no pipelining: this client / fetch", plain, ours, fetchRow));
    rows.push(ratioTarget(report, "13 B, pipelining 10: this client / fetch", piped, ours10, fetchRow));
  }
  const rawRows = report.cells.filter((r) =>
    r.cell.server === "raw-1m" && r.cell.connections === c && isRaw(r.client)
  );
  const fastestRaw = rawRows.sort((a, b) => b.rps - a.rps)[0];
  rows.push(
    ratioTarget(
      report,
      `1 MiB read with BYOB: this client / fastest raw socket loop (${fastestRaw?.client ?? "none"})`,
      0.9,
      row(report, "raw-1m", c, "ours"),
      fastestRaw,
    ),
  );
  const gzipRows = report.cells.filter((r) => r.cell.server === "raw-gzip64k" && r.cell.connections === c);
  const gzipPeer = fastestPeer(gzipRows);
  const gzipOurs = gzipRows.filter((r) => isOurs(r.client)).sort((a, b) => b.rps - a.rps)[0];
  rows.push(
    ratioTarget(
      report,
      `gzip 64 KiB: this client / fastest peer (${gzipPeer?.client ?? "none"})`,
      1,
      gzipOurs,
      gzipPeer,
    ),
  );
  if (report.runtime === "node") {
    rows.push(
      ratioTarget(
        report,
        "peak RSS, 13 B: this client / undici request",
        1,
        ours,
        row(report, "raw-13", c, "undici"),
        true,
      ),
    );
  }
  return rows;
}

/**
 * The targets table of several runtimes.
 *
 * @example
 * ```ts ignore
 * import { targetsTable } from "./report.ts";
 * console.log(targetsTable([denoReport, bunReport, nodeReport]));
 * ```
 */
export function targetsTable(reports: RuntimeReport[]): string {
  const lines = [
    "| runtime | target (50 connections) | goal | measured | met |",
    "| --- | --- | --- | ---: | --- |",
  ];
  for (const report of reports) {
    for (const target of targetsOf(report)) {
      const measured = target.measured === null ? "not measured" : `${target.measured.toFixed(2)}×`;
      const met = target.met === null ? "" : target.met ? "yes" : "no";
      lines.push(`| ${report.version} | ${target.target} | ${target.goal} | ${measured} | ${met} |`);
    }
  }
  return lines.join("\n");
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/**
 * Memory per idle connection and per queued request, per runtime and client.
 *
 * @example
 * ```ts ignore
 * import { memoryTable } from "./report.ts";
 * console.log(memoryTable([nodeReport]));
 * ```
 */
export function memoryTable(reports: RuntimeReport[]): string {
  const lines = [
    "| runtime | client | per idle connection: heap + external / RSS | per queued request: heap + external / RSS |",
    "| --- | --- | --- | --- |",
  ];
  for (const report of reports) {
    for (const client of ["ours", "undici"] as const) {
      const idle = report.memory.find((m) => m.kind === "idle" && m.client === client);
      const queued = report.memory.find((m) => m.kind === "queued" && m.client === client);
      if (idle === undefined && queued === undefined) continue;
      const cell = (m: MemoryResult | undefined) =>
        m === undefined ? "" : `${kib(m.heapPerItem)} / ${kib(m.rssPerItem)} (${formatCount(m.items)})`;
      const name = client === "ours" ? "this client" : "undici Pool";
      lines.push(`| ${report.version} | ${name} | ${cell(idle)} | ${cell(queued)} |`);
    }
  }
  return lines.join("\n");
}

/**
 * The scaling table of one runtime: req/s, p99 and peak RSS of each client
 * (this client with pipelining off and 10; undici on Node) by requests in flight.
 *
 * @example
 * ```ts ignore
 * import { scalingTable } from "./report.ts";
 * console.log(scalingTable(report));
 * ```
 */
export function scalingTable(report: RuntimeReport): string {
  const clients = [...new Set(report.cells.map((r) => r.client))];
  const lines = [
    "| in flight | " + clients.map((c) => `${clientNames[c]}: req/s | p99 ms | peak RSS MiB`).join(" | ") +
    " |",
    "| ---: | " + clients.map(() => "---: | ---: | ---:").join(" | ") + " |",
  ];
  for (const rows of byCell(report)) {
    const cells = clients.map((client) => {
      const r = rows.find((row) => row.client === client);
      return r === undefined ? " | | " : `${formatCount(r.rps)} | ${formatMs(r.p99)} | ${mib(r.peakRss)}`;
    });
    lines.push(`| ${formatCount(rows[0].cell.inflight ?? 0)} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/**
 * A runtime's section: its table (or scaling table), notes and failures, and
 * (`withMethod`) how it was measured.
 *
 * @example
 * ```ts ignore
 * import { runtimeSection } from "./report.ts";
 * console.log(runtimeSection(report));
 * ```
 */
export function runtimeSection(report: RuntimeReport, withMethod = true): string {
  const how = withMethod
    ? `\n${report.runs} run${report.runs === 1 ? "" : "s"} per cell and client, each ${
      report.duration / 1000
    } s after a ` +
      `${report.warmup / 1000} s warmup in a fresh process; medians shown.\n`
    : "";
  const table = report.mode === "scaling" ? scalingTable(report) : runtimeTable(report);
  const notes = [...new Set(report.cells.flatMap((r) => r.runs.map((run) => run.note)).filter((n) => n))];
  const failures = report.cells.filter((r) => r.errors > 0).map((r) =>
    `- ${clientNames[r.client]}, ${cellLabel(r.cell)}: ${r.errors} errors, first: ${
      r.runs.find((run) => run.firstError)?.firstError
    }`
  );
  return [
    `### ${report.version}`,
    how,
    table,
    ...notes.map((n) => `\nNote: ${n}`),
    ...(failures.length > 0 ? ["", ...failures] : []),
  ].join("\n");
}

/** A whole run over several runtimes, as saved in `bench/results/`. */
export interface BenchRun {
  /** ISO date and time of the start. */
  date: string;
  /** The command that made it. */
  command: string;
  /** Kind of run. */
  mode: Mode;
  /** Where it ran. */
  machine: MachineInfo;
  /** The server process's runtime, e.g. "node v20.20.2". */
  server: string;
  /** The library measured: git commit, and whether lib/ or mod.ts had uncommitted changes. */
  revision: string;
  /** 1-minute load average of the machine at the start and at the end (other work competes for the cores). */
  load: [number, number];
  /** One report per runtime, in the order run. */
  reports: RuntimeReport[];
}

/**
 * The markdown of a whole run: how it was measured, the targets, each
 * runtime's table, memory.
 *
 * @example
 * ```ts ignore
 * import { runMarkdown } from "./report.ts";
 * console.log(runMarkdown(run));
 * ```
 */
export function runMarkdown(run: BenchRun): string {
  const { machine } = run;
  const pinning = machine.pinned
    ? "server process pinned to core 0, clients to core 1 (`taskset`)"
    : "not pinned (no taskset)";
  const first = run.reports[0];
  const method = first === undefined
    ? ""
    : `${first.runs} run${first.runs === 1 ? "" : "s"} per cell and client, each ${
      first.duration / 1000
    } s ` +
      `counted after a ${
        first.warmup / 1000
      } s warmup, each in a fresh process; clients alternate run by run; ` +
      "medians shown. Latency is from request start to body fully read.";
  const lines = [
    `# HTTP/1.1 client benchmark (${run.mode}), ${run.date}`,
    "",
    `- Command: \`${run.command}\`, library at ${run.revision}`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, host \`${machine.host}\`; ${pinning}`,
    `- Runtimes: ${run.reports.map((r) => r.version).join(", ")}; servers run on ${run.server}`,
    `- Load average (1 min) at the start and the end: ${run.load.map((l) => l.toFixed(2)).join(", ")}`,
    `- Method: ${method}`,
    "",
  ];
  if (run.mode !== "scaling") lines.push("## Targets (issue 8)", "", targetsTable(run.reports), "");
  lines.push(run.mode === "scaling" ? "## Scaling: 13 B, one client, maxConn 50" : "## Results", "");
  for (const report of run.reports) lines.push(runtimeSection(report, false), "");
  if (run.reports.some((r) => r.memory.length > 0)) {
    lines.push(
      "## Memory",
      "",
      "Growth after a garbage collection, divided by the items: 1,000 idle keep-alive connections; " +
        "10,000 requests queued (maxConn 1, a server that never answers; the caller's promises included).",
      "",
      memoryTable(run.reports),
      "",
    );
  }
  return lines.join("\n");
}
