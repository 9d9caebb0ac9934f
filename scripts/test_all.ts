/**
 * Runs the test suite on Deno, Bun and Node (the npm build), then prints one
 * line `N passed, N failed` summing all three runtimes.
 *
 * Usage: `deno run -A scripts/test_all.ts [deno|bun|node]...` (default: all three).
 * Exits non-zero when any runtime failed or ran no test.
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

type Runtime = "deno" | "bun" | "node";
interface Counts {
  passed: number;
  failed: number;
}

const root = new URL("..", import.meta.url).pathname;
const RUN_TIMEOUT_MS = 20 * 60 * 1000;
const reports = join(root, "build", "reports");
mkdirSync(reports, { recursive: true });
const bin = (name: string) => {
  const local = join(root, "node_modules", ".bin", name);
  return existsSync(local) ? local : name;
};

function testFiles(dir: string, suffix: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith(suffix)).sort().map((name) => join(dir, name));
}

function run(command: string, args: string[]): number {
  console.log(`\n$ ${[command, ...args].join(" ")}`);
  // A hung test must not hang CI: each runtime's run is killed after this long.
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", timeout: RUN_TIMEOUT_MS, killSignal: "SIGKILL" });
  if (result.error) console.error(result.error.message);
  return result.status ?? 1;
}

/** Unescape the few XML entities a junit report uses in names. */
function xmlText(text: string): string {
  return text.replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/**
 * Count leaf test cases in a junit report. Deno reports each `describe` as a
 * test case too (named "outer > inner"), so a case counts only when no other
 * case is nested under its name.
 */
function countJunit(path: string): Counts {
  if (!existsSync(path)) return { passed: 0, failed: 0 };
  const xml = readFileSync(path, "utf8");
  const cases: { name: string; failed: boolean }[] = [];
  const pattern = /<testcase\b[^>]*?\bname="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const match of xml.matchAll(pattern)) {
    cases.push({ name: xmlText(match[1]), failed: /<failure\b|<error\b/.test(match[3] ?? "") });
  }
  const names = new Set(cases.map((c) => c.name));
  const isParent = (name: string) => [...names].some((other) => other.startsWith(name + " > "));
  let passed = 0, failed = 0;
  for (const testCase of cases) {
    if (isParent(testCase.name)) continue;
    if (testCase.failed) failed++;
    else passed++;
  }
  return { passed, failed };
}

function runDeno(): Counts {
  const report = join(reports, "deno.xml");
  const status = run(bin("deno"), ["test", "-A", `--junit-path=${report}`, ...testFiles(join(root, "tests"), ".test.ts")]);
  return settle("deno", status, countJunit(report));
}

function runBun(): Counts {
  const report = join(reports, "bun.xml");
  const files = testFiles(join(root, "tests"), ".test.ts").map((file) => "./" + file.slice(root.length));
  const status = run(bin("bun"), ["test", "--timeout=60000", "--reporter=junit", `--reporter-outfile=${report}`, ...files]);
  return settle("bun", status, countJunit(report));
}

function runNode(): Counts {
  const report = join(reports, "node.xml");
  if (run(bin("deno"), ["run", "-A", join(root, "scripts", "build_npm.ts")]) !== 0) return settle("node", 1, { passed: 0, failed: 0 });
  if (run(bin("deno"), ["run", "-A", join(root, "scripts", "build_node_tests.ts")]) !== 0) return settle("node", 1, { passed: 0, failed: 0 });
  const files = testFiles(join(root, "build", "node-tests", "tests"), ".test.js");
  const status = run("node", [
    "--test",
    "--test-concurrency=1",
    "--test-timeout=120000",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=junit",
    `--test-reporter-destination=${report}`,
    ...files,
  ]);
  return settle("node", status, countJunit(report));
}

/** A runtime that exited non-zero but reported no failure still failed: count one. */
function settle(runtime: Runtime, status: number, counts: Counts): Counts {
  if (status !== 0 && counts.failed === 0) counts.failed = 1;
  if (counts.passed + counts.failed === 0) counts.failed = 1;
  console.log(`\n[${runtime}] ${counts.passed} passed, ${counts.failed} failed (exit ${status})`);
  return counts;
}

const runners: Record<Runtime, () => Counts> = { deno: runDeno, bun: runBun, node: runNode };
const requested = (Deno.args.length ? Deno.args : ["deno", "bun", "node"]) as Runtime[];
const total: Counts = { passed: 0, failed: 0 };
for (const runtime of requested) {
  if (!(runtime in runners)) {
    console.error(`unknown runtime ${runtime}: use deno, bun or node`);
    Deno.exit(2);
  }
  const counts = runners[runtime]();
  total.passed += counts.passed;
  total.failed += counts.failed;
}
console.log(`\n${total.passed} passed, ${total.failed} failed`);
Deno.exit(total.failed === 0 ? 0 : 1);
