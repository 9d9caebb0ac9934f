/**
 * Which runtime the benchmark runs on, and how to start another process of
 * the same runtime (the load processes, the server), pinned to a core when
 * `taskset` exists.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { cpus, hostname } from "node:os";
import process from "node:process";

/** The runtimes the benchmark runs on. */
export type RuntimeName = "deno" | "bun" | "node";

/**
 * The runtime this process runs on.
 *
 * @example
 * ```ts
 * import { currentRuntime } from "./runtime.ts";
 * console.log(currentRuntime()); // "deno", "bun" or "node"
 * ```
 */
export function currentRuntime(): RuntimeName {
  if ("Deno" in globalThis) return "deno";
  if ("Bun" in globalThis) return "bun";
  return "node";
}

/**
 * The version of this runtime, e.g. `"deno 2.9.6"`.
 *
 * @example
 * ```ts
 * import { runtimeVersion } from "./runtime.ts";
 * console.log(runtimeVersion());
 * ```
 */
export function runtimeVersion(): string {
  const versions = process.versions as Record<string, string | undefined>;
  const runtime = currentRuntime();
  if (runtime === "node") return `node ${process.version}`;
  return `${runtime} ${versions[runtime] ?? "?"}`;
}

/**
 * The command line that runs `script` on this runtime: Deno needs `run -A`;
 * `gc` exposes a garbage collector call (`globalThis.gc`; Bun has `Bun.gc`).
 *
 * @example
 * ```ts
 * import { scriptCommand } from "./runtime.ts";
 * const [command, ...args] = scriptCommand("scripts/bench.ts", { gc: true });
 * ```
 */
export function scriptCommand(script: string, options: { gc?: boolean; flags?: string[] } = {}): string[] {
  const runtime = currentRuntime();
  const flags = options.flags ?? [];
  if (runtime === "deno") {
    return [
      process.execPath,
      "run",
      "-A",
      ...(options.gc ? ["--v8-flags=--expose-gc"] : []),
      ...flags,
      script,
    ];
  }
  if (runtime === "node") return [process.execPath, ...(options.gc ? ["--expose-gc"] : []), ...flags, script];
  return [process.execPath, ...flags, script];
}

let tasksetFound: boolean | undefined;

/**
 * `command` prefixed with `taskset -c <core>` when taskset exists (Linux), else unchanged.
 *
 * @example
 * ```ts
 * import { pinned } from "./runtime.ts";
 * pinned(["node", "server.js"], 0); // ["taskset", "-c", "0", "node", "server.js"]
 * ```
 */
export function pinned(command: string[], core: number): string[] {
  tasksetFound ??= spawnSync("taskset", ["-c", "0", "true"]).status === 0;
  return tasksetFound && cpus().length > core ? ["taskset", "-c", String(core), ...command] : command;
}

/** The machine a result was measured on. */
export interface MachineInfo {
  /** Host name. */
  host: string;
  /** CPU model. */
  cpu: string;
  /** Logical cores. */
  cores: number;
  /** Whether server and clients were pinned to separate cores. */
  pinned: boolean;
}

/**
 * Host name, CPU model and core count of this machine.
 *
 * @example
 * ```ts
 * import { machineInfo } from "./runtime.ts";
 * console.log(machineInfo().cpu);
 * ```
 */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    host: hostname(),
    cpu: list[0]?.model ?? "unknown",
    cores: list.length,
    pinned: pinned(["true"], 1)[0] === "taskset",
  };
}

/**
 * Run a garbage collection when this process can (`--expose-gc`, or Bun).
 *
 * @example
 * ```ts
 * import { collectGarbage } from "./runtime.ts";
 * collectGarbage();
 * ```
 */
export function collectGarbage(): boolean {
  const scope = globalThis as unknown as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  if (scope.Bun !== undefined) scope.Bun.gc(true);
  else if (scope.gc !== undefined) scope.gc();
  else return false;
  return true;
}
