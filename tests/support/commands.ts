/**
 * Running the repository's tools (deno, tsc, npm, node) as subprocesses from
 * a test, on whichever runtime runs the test: the repository root is found
 * from this file's location, so it works from `tests/` and from the compiled
 * Node tests in `build/node-tests/tests/`.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, "deno.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no deno.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** The repository root (the nearest directory above this file holding deno.json). */
export const repoRoot: string = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A tool from the repository's `node_modules/.bin` (installed by `npm install`), else from PATH. */
export function toolPath(name: string): string {
  const local = join(repoRoot, "node_modules", ".bin", name);
  return existsSync(local) ? local : name;
}

/** The runtime running this test. */
export const runtime: "deno" | "bun" | "node" = "Deno" in globalThis
  ? "deno"
  : "Bun" in globalThis
  ? "bun"
  : "node";

/**
 * The command that runs a TypeScript file: Bun runs it itself; on Deno and on
 * Node (which cannot run TypeScript), deno runs it.
 */
export function typeScriptRunner(): [string, string[]] {
  if (runtime === "bun") return [process.execPath, ["run"]];
  if (runtime === "deno") return [process.execPath, ["run", "-A"]];
  return [toolPath("deno"), ["run", "-A"]];
}

/** What a finished subprocess left. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run a command without blocking the event loop (a test's loopback server
 * keeps answering), killing it after `timeoutMs`.
 */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdout += chunk);
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr += chunk);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
