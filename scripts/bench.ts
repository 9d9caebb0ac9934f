/**
 * The benchmark on the runtime that runs it: this client against the
 * runtime's `fetch`, undici and node:http (on Node), and raw socket loops.
 * Runs unchanged on Deno and Bun; Node runs the compiled copy
 * (`build/bench/scripts/bench.js`, see `scripts/build_bench.ts`).
 * `deno task bench` (`scripts/bench_all.ts`) runs it on all three.
 *
 * The servers run in their own process pinned to core 0 (`taskset`), each
 * measurement in a fresh process pinned to core 1, so client and server do
 * not share a core and each peak RSS is the client's own. Clients alternate
 * run by run (A B C A B C ...), so a noisy moment hurts all of them.
 *
 * Usage:
 *   deno run -A scripts/bench.ts [--quick | --scaling] [options]
 *   bun run scripts/bench.ts ...
 *   node build/bench/scripts/bench.js ...
 * Options:
 *   --runs N             runs per cell and client (default 3)
 *   --duration S         counted seconds per run (quick 0.5, full 2, scaling 1)
 *   --warmup S           seconds before counting (quick 0.2, full 0.5, scaling 0.5)
 *   --clients a,b        only these clients (ours, ours-p10, fetch, undici, undici-p10, node-http, raw-*)
 *   --cells raw-13:50,.. only these cells: server:connections (--scaling: server:connections:inflight)
 *   --no-memory          skip the memory per idle connection / queued request (run in full mode)
 *   --memory             measure memory in quick mode too
 *   --profile DIR        write a CPU profile of each counted window into DIR
 *   --servers JSON       use running servers (the orchestrator's) instead of starting them
 *   --json FILE          also write the results as JSON
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type LoadResult, type LoadSpec, runLoad } from "./bench/load.ts";
import type { ClientName } from "./bench/load_clients.ts";
import {
  measureIdle,
  measureQueued,
  type MemoryClient,
  type MemoryKind,
  type MemoryResult,
} from "./bench/memory.ts";
import type { ServerMap } from "./bench/payloads.ts";
import { repoRoot, tlsFixture } from "./bench/paths.ts";
import { type Cell, cellLabel, cellsOf, clientsOf, inflightOf, type Mode } from "./bench/plan.ts";
import { type CellReport, type RuntimeReport, runtimeSection } from "./bench/report.ts";
import { currentRuntime, pinned, runtimeVersion, scriptCommand } from "./bench/runtime.ts";
import { startServers } from "./bench/server_process.ts";
import { median } from "./bench/stats.ts";

/** What a measurement process is told to do. */
type WorkerTask =
  | { type: "load"; spec: LoadSpec }
  | { type: "memory"; kind: MemoryKind; client: MemoryClient; servers: ServerMap; count: number };

const resultPrefix = "RESULT ";
const self = fileURLToPath(import.meta.url);
const runtime = currentRuntime();

/** Idle connections opened for the memory measurement. */
const idleConnections = 1_000;
/** Requests queued for the memory measurement. */
const queuedRequests = 10_000;

const defaults: Record<Mode, { duration: number; warmup: number }> = {
  // Node's JIT needs about half a second before undici or this client reach their pace.
  quick: { duration: 0.5, warmup: 0.5 },
  full: { duration: 2, warmup: 0.5 },
  scaling: { duration: 1, warmup: 0.5 },
};

function runWorker(task: WorkerTask, timeout: number, flags: string[] = []): Promise<unknown> {
  const command = pinned(scriptCommand(self, { gc: task.type === "memory", flags }), 1);
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command[0], [...command.slice(1), "--worker", JSON.stringify(task)], {
      stdio: ["ignore", "pipe", "inherit"],
      // Node's fetch trusts the test CA through this; the other clients are given it.
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: join(repoRoot(), "tests", "fixtures", "tls", "ca.pem"),
        // undici's decompress interceptor warns that it is experimental.
        NODE_NO_WARNINGS: "1",
      },
    });
    let output = "";
    child.stdout?.on("data", (chunk: Uint8Array) => output += new TextDecoder().decode(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const line = output.split("\n").find((l) => l.startsWith(resultPrefix));
      if (line !== undefined) resolve(JSON.parse(line.slice(resultPrefix.length)));
      else reject(new Error(`the measurement process ended without a result (${signal ?? code})`));
    });
  });
}

function failedRun(error: unknown): LoadResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    rps: 0,
    p50: 0,
    p99: 0,
    peakRss: 0,
    baseRss: 0,
    count: 0,
    errors: 1,
    wrongSize: 0,
    firstError: message,
  };
}

function summarize(cell: Cell, client: ClientName, runs: LoadResult[]): CellReport {
  const ok = runs.filter((run) => run.count > 0);
  const pick = (key: "rps" | "p50" | "p99" | "peakRss") =>
    ok.length === 0 ? 0 : median(ok.map((run) => run[key]));
  return {
    cell,
    client,
    inflight: inflightOf(cell, client),
    runs,
    rps: median(runs.map((run) => run.rps)),
    p50: pick("p50"),
    p99: pick("p99"),
    peakRss: pick("peakRss"),
    errors: runs.reduce((sum, run) => sum + run.errors + run.wrongSize, 0),
  };
}

function parseCells(text: string | undefined, mode: Mode): Cell[] {
  const cells = cellsOf(mode);
  if (text === undefined) return cells;
  const wanted = text.split(",").map((part) => part.trim());
  return cells.filter((cell) =>
    wanted.some((want) => {
      const [server, connections, inflight] = want.split(":");
      return server === cell.server &&
        (connections === undefined || Number(connections) === cell.connections) &&
        (inflight === undefined || Number(inflight) === cell.inflight);
    })
  );
}

async function drive(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      quick: { type: "boolean" },
      scaling: { type: "boolean" },
      runs: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      clients: { type: "string" },
      cells: { type: "string" },
      "no-memory": { type: "boolean" },
      memory: { type: "boolean" },
      profile: { type: "string" },
      servers: { type: "string" },
      json: { type: "string" },
    },
  });
  const mode: Mode = values.scaling ? "scaling" : values.quick ? "quick" : "full";
  const runs = Number(values.runs ?? 3);
  const duration = Number(values.duration ?? defaults[mode].duration) * 1000;
  const warmup = Number(values.warmup ?? defaults[mode].warmup) * 1000;
  const onlyClients = values.clients?.split(",").map((name) => name.trim());
  const ca = tlsFixture("ca");
  let stopServers = () => {};
  let servers: ServerMap;
  if (values.servers !== undefined) servers = JSON.parse(values.servers) as ServerMap;
  else {
    const started = await startServers(scriptCommand(join(dirname(self), "bench", "server" + extname(self))));
    servers = started.servers;
    stopServers = started.stop;
  }
  if (values.profile !== undefined) mkdirSync(values.profile, { recursive: true });

  const version = runtimeVersion();
  const report: RuntimeReport = { runtime, version, mode, warmup, duration, runs, cells: [], memory: [] };
  const timeout = warmup + duration + 60_000;
  try {
    for (const cell of parseCells(values.cells, mode)) {
      const clients = clientsOf(cell, runtime, mode).filter((c) =>
        onlyClients === undefined || onlyClients.includes(c)
      );
      const results = new Map<ClientName, LoadResult[]>(clients.map((client) => [client, []]));
      for (let run = 1; run <= runs; run++) {
        for (const client of clients) {
          const name = `${runtime}-${client}-${cell.server}-${cell.connections}-${
            cell.inflight ?? "x"
          }-run${run}`;
          const profile = values.profile === undefined
            ? undefined
            : join(values.profile, `${name}.cpuprofile`);
          const spec: LoadSpec = {
            client,
            server: servers[cell.server],
            connections: cell.connections,
            inflight: inflightOf(cell, client),
            warmup,
            duration,
            ca,
            profile: runtime === "bun" ? undefined : profile,
          };
          const flags = runtime === "bun" && profile !== undefined
            ? ["--cpu-prof", `--cpu-prof-dir=${values.profile}`, `--cpu-prof-name=${name}.cpuprofile`]
            : [];
          const result = await runWorker({ type: "load", spec }, timeout, flags).then(
            (value) => value as LoadResult,
            failedRun,
          );
          results.get(client)?.push(result);
          const problems = result.errors + result.wrongSize > 0
            ? `  ${result.errors} errors, ${result.wrongSize} wrong sizes ${result.firstError ?? ""}`
            : "";
          process.stderr.write(
            `${runtime.padEnd(4)} ${cellLabel(cell).padEnd(34)} ${client.padEnd(10)} run ${run}/${runs}: ` +
              `${Math.round(result.rps).toLocaleString("en-US").padStart(9)} req/s  p50 ${
                result.p50.toFixed(2)
              } ms${problems}\n`,
          );
        }
      }
      for (const client of clients) report.cells.push(summarize(cell, client, results.get(client) ?? []));
    }
    if (mode === "full" ? !values["no-memory"] && values.cells === undefined : values.memory) {
      const memoryClients: MemoryClient[] = runtime === "node" ? ["ours", "undici"] : ["ours"];
      for (const client of memoryClients) {
        for (const kind of ["idle", "queued"] as const) {
          const count = kind === "idle" ? idleConnections : queuedRequests;
          try {
            const result = await runWorker(
              { type: "memory", kind, client, servers, count },
              120_000,
            ) as MemoryResult;
            report.memory.push(result);
            process.stderr.write(
              `${runtime.padEnd(4)} memory ${kind} ${client}: ${
                (result.heapPerItem / 1024).toFixed(1)
              } KiB heap, ` +
                `${(result.rssPerItem / 1024).toFixed(1)} KiB RSS per item (${result.items})\n`,
            );
          } catch (error) {
            process.stderr.write(`${runtime} memory ${kind} ${client} failed: ${String(error)}\n`);
          }
        }
      }
    }
  } finally {
    stopServers();
  }
  if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(report, null, 2) + "\n");
  process.stdout.write(runtimeSection(report) + "\n");
}

async function work(taskJson: string): Promise<void> {
  const task = JSON.parse(taskJson) as WorkerTask;
  let result: unknown;
  if (task.type === "load") result = await runLoad(task.spec);
  else if (task.kind === "idle") result = await measureIdle(task.client, task.servers, task.count);
  else result = await measureQueued(task.client, task.servers, task.count);
  process.stdout.write(resultPrefix + JSON.stringify(result) + "\n");
  // Sockets a client failed to close must not keep the measurement process alive.
  process.exit(0);
}

const workerIndex = process.argv.indexOf("--worker");
if (workerIndex !== -1) await work(process.argv[workerIndex + 1]);
else await drive();
