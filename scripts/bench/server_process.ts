/**
 * Starts the benchmark servers (`server.ts`) as a child process pinned to
 * core 0 and reads the servers it announces.
 *
 * @module
 */
import { spawn } from "node:child_process";
import type { ServerMap } from "./payloads.ts";
import { pinned } from "./runtime.ts";

/** Running servers and how to stop them. */
export interface ServerProcess {
  /** The servers, by name. */
  servers: ServerMap;
  /** Stop the process (closing its stdin ends it; the kill is for a stuck one). */
  stop(): void;
}

/**
 * Start the server process with `command` (e.g. `node build/bench/scripts/bench/server.js`).
 *
 * @example
 * ```ts ignore
 * import { startServers } from "./server_process.ts";
 * const { servers, stop } = await startServers(["node", "build/bench/scripts/bench/server.js"]);
 * stop();
 * ```
 */
export async function startServers(command: string[]): Promise<ServerProcess> {
  const [file, ...args] = pinned(command, 0);
  const child = spawn(file, args, { stdio: ["pipe", "pipe", "inherit"] });
  const servers = await new Promise<ServerMap>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Uint8Array) => {
      output += new TextDecoder().decode(chunk);
      const end = output.indexOf("\n");
      if (end !== -1) resolve(JSON.parse(output.slice(0, end)) as ServerMap);
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`the server process exited (${code})`)));
  });
  return {
    servers,
    stop: () => {
      child.stdin?.end();
      child.kill();
    },
  };
}
