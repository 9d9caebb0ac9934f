/**
 * A CPU profile of part of a run, through node:inspector (Node and Deno
 * implement its Profiler domain; Bun's is a stub, so on Bun the driver starts
 * the process with `--cpu-prof` instead).
 *
 * @module
 */
import { Session } from "node:inspector";
import { currentRuntime } from "./runtime.ts";

/** Stops the profile; resolves the `.cpuprofile` JSON, or null when it could not be taken. */
export type StopProfile = () => Promise<string | null>;

/**
 * Start sampling; the returned function stops and hands out the profile.
 *
 * @example
 * ```ts
 * import { startProfile } from "./profile.ts";
 * const stop = await startProfile();
 * const json = await stop(); // null on Bun
 * ```
 */
export async function startProfile(): Promise<StopProfile> {
  if (currentRuntime() === "bun") return () => Promise.resolve(null);
  const session = new Session();
  session.connect();
  const post = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      session.post(method, params, (error, result) => error ? reject(error) : resolve(result));
    });
  await post("Profiler.enable");
  // 100 µs: enough samples in a short window to rank the hot functions.
  await post("Profiler.setSamplingInterval", { interval: 100 });
  await post("Profiler.start");
  return async () => {
    const { profile } = await post("Profiler.stop") as { profile: unknown };
    session.disconnect();
    return JSON.stringify(profile);
  };
}
