/**
 * The running process as the CLI sees it: its arguments, its standard
 * streams, whether a stream is a terminal, and its exit. `node:process`
 * exists on Deno, Bun and Node alike, so this one module serves all three.
 *
 * @module
 */
import process from "node:process";

/** A standard output stream of the process. */
export type StandardStream = "stdout" | "stderr";

/**
 * The arguments after the script's own path (`deno run -A cli.ts get URL`
 * gives `["get", "URL"]`).
 *
 * @example
 * ```ts
 * import { commandArgs } from "./process.ts";
 * console.log(commandArgs());
 * ```
 */
export function commandArgs(): string[] {
  return process.argv.slice(2);
}

/** Streams that already have an "error" listener. */
const guarded = new Set<StandardStream>();

/**
 * Write text or bytes to stdout or stderr; resolves once the stream took them
 * (so that a large body is written with backpressure).
 *
 * @example
 * ```ts
 * import { writeTo } from "./process.ts";
 * await writeTo("stderr", "progress...\n");
 * ```
 */
export function writeTo(stream: StandardStream, data: string | Uint8Array): Promise<void> {
  const target = stream === "stdout" ? process.stdout : process.stderr;
  if (!guarded.has(stream)) {
    // A reader that went away (`cli ... | head`) fails the write through its
    // callback; unheard, the stream's "error" event would also end the
    // process with a stack trace.
    guarded.add(stream);
    target.on("error", () => {});
  }
  return new Promise<void>((resolve, reject) => {
    target.write(data, (error) => error ? reject(error) : resolve());
  });
}

/**
 * Whether a stream is an interactive terminal (a progress line is redrawn
 * there; elsewhere, plain lines are written).
 *
 * @example
 * ```ts
 * import { isTerminal } from "./process.ts";
 * console.log(isTerminal("stderr"));
 * ```
 */
export function isTerminal(stream: StandardStream): boolean {
  return (stream === "stdout" ? process.stdout : process.stderr).isTTY === true;
}

/**
 * Columns of the terminal behind a stream, or `fallback` when it is not one.
 *
 * @example
 * ```ts
 * import { terminalColumns } from "./process.ts";
 * console.log(terminalColumns("stderr", 80));
 * ```
 */
export function terminalColumns(stream: StandardStream, fallback: number): number {
  const columns = (stream === "stdout" ? process.stdout : process.stderr).columns;
  return typeof columns === "number" && columns > 0 ? columns : fallback;
}

/**
 * End the process with an exit code.
 *
 * @example
 * ```ts
 * import { exitProcess } from "./process.ts";
 * exitProcess(0);
 * ```
 */
export function exitProcess(code: number): never {
  process.exit(code);
}
