/**
 * `deno task bench`: runs `scripts/bench.ts` on Deno, Bun and Node in turn
 * against one server process (Node, pinned to core 0), then prints one
 * markdown report and saves it with its JSON as
 * `bench/results/<date>-<time>-<host>-<mode>.{md,json}`.
 *
 * Usage: `deno task bench [--quick | --scaling] [--runtimes deno,bun,node] [--no-save] [bench.ts options]`
 * (`deno task bench:quick`, `deno task bench:scaling`). Measures a copy of
 * the library and scripts taken at the start (`build/bench-snapshot/`), and
 * compiles the Node copy of the benchmark there first when Node is in the run.
 * @module
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { type BenchRun, runMarkdown, type RuntimeReport } from "./bench/report.ts";
import type { Mode } from "./bench/plan.ts";
import { machineInfo, type RuntimeName } from "./bench/runtime.ts";
import { startServers } from "./bench/server_process.ts";

const root = new URL("..", import.meta.url).pathname;
const bin = (name: string) => {
  const local = join(root, "node_modules", ".bin", name);
  return existsSync(local) ? local : name;
};

const args = [...Deno.args];
function takeOption(name: string): string | undefined {
  const index = args.indexOf(name);
  if (index === -1) return undefined;
  const [, value] = args.splice(index, 2);
  return value;
}
function takeFlag(name: string): boolean {
  const index = args.indexOf(name);
  if (index !== -1) args.splice(index, 1);
  return index !== -1;
}

const runtimes = (takeOption("--runtimes") ?? "deno,bun,node").split(",") as RuntimeName[];
const save = !takeFlag("--no-save");
const mode: Mode = args.includes("--scaling") ? "scaling" : args.includes("--quick") ? "quick" : "full";
const started = new Date();
const git = (...gitArgs: string[]) =>
  spawnSync("git", gitArgs, { cwd: root, encoding: "utf8" }).stdout.trim();
const revision = git("rev-parse", "--short", "HEAD") +
  (git("status", "--porcelain", "--", "lib", "mod.ts") === "" ? "" : " with uncommitted changes in lib/");
const loadAtStart = loadavg()[0];

/**
 * A copy of the library and the scripts to measure: a full run takes many
 * minutes, and edits made meanwhile must not change the code under test
 * halfway (or between runtimes).
 */
function snapshot(): string {
  const dir = join(root, "build", "bench-snapshot");
  rmSync(dir, { recursive: true, force: true });
  for (
    const path of ["mod.ts", "lib", "scripts", "deno.json", "package.json", join("tests", "fixtures", "tls")]
  ) {
    cpSync(join(root, path), join(dir, path), { recursive: true });
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  return dir;
}

const source = snapshot();
const nodeBuild = join(source, "build", "bench", "scripts");
if (runtimes.includes("node")) {
  const built = spawnSync(Deno.execPath(), ["run", "-A", join(source, "scripts", "build_bench.ts")], {
    cwd: source,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (built.status !== 0) Deno.exit(1);
}
const useNodeServer = existsSync(join(nodeBuild, "bench", "server.js"));
const serverCommand = useNodeServer
  ? [bin("node"), join(nodeBuild, "bench", "server.js")]
  : [Deno.execPath(), "run", "-A", join(source, "scripts", "bench", "server.ts")];
const serverVersion = useNodeServer
  ? `node ${spawnSync(bin("node"), ["--version"], { encoding: "utf8" }).stdout.trim()}`
  : `deno ${Deno.version.deno}`;
const { servers, stop } = await startServers(serverCommand);

const commands: Record<RuntimeName, string[]> = {
  deno: [Deno.execPath(), "run", "-A", join(source, "scripts", "bench.ts")],
  bun: [bin("bun"), "run", join(source, "scripts", "bench.ts")],
  node: [bin("node"), join(nodeBuild, "bench.js")],
};
const reports: RuntimeReport[] = [];
const scratch = join(root, "build", "bench-results");
mkdirSync(scratch, { recursive: true });
try {
  for (const runtime of runtimes) {
    const json = join(scratch, `${runtime}.json`);
    rmSync(json, { force: true });
    const [command, ...rest] = commands[runtime];
    console.error(`\n== ${runtime} ==`);
    const result = spawnSync(command, [
      ...rest,
      ...args,
      "--servers",
      JSON.stringify(servers),
      "--json",
      json,
    ], {
      cwd: source,
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (result.status !== 0 || !existsSync(json)) {
      console.error(`${runtime}: the benchmark failed (exit ${result.status})`);
      continue;
    }
    reports.push(JSON.parse(readFileSync(json, "utf8")) as RuntimeReport);
  }
} finally {
  stop();
}

const machine = machineInfo();
const benchRun: BenchRun = {
  date: started.toISOString(),
  command: ["deno task bench", ...Deno.args].join(" "),
  mode,
  machine,
  server: serverVersion,
  revision,
  load: [loadAtStart, loadavg()[0]],
  reports,
};
const markdown = runMarkdown(benchRun);
console.log("\n" + markdown);
if (save) {
  const stamp = started.toISOString().slice(0, 16).replace("T", "-").replace(":", "");
  const base = join(root, "bench", "results", `${stamp}-${machine.host}-${mode}`);
  mkdirSync(join(root, "bench", "results"), { recursive: true });
  writeFileSync(base + ".md", markdown);
  writeFileSync(base + ".json", JSON.stringify(benchRun, null, 2) + "\n");
  console.error(`saved ${base}.md and .json`);
}
if (reports.length < runtimes.length) Deno.exit(1);
