/**
 * One measurement, run in a fresh process so that its peak RSS is its own:
 * `inflight` loops each send a request, read its body and send the next;
 * after a warmup, completions are counted for a fixed time, latencies go
 * into a histogram, and RSS is sampled every 100 ms.
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import process from "node:process";
import {
  type ClientName,
  fetchClient,
  type LoadClient,
  type LoadTarget,
  oursClient,
  rawBunClient,
  rawDenoClient,
  rawNetClient,
} from "./load_clients.ts";
import type { ServerInfo } from "./payloads.ts";
import { startProfile } from "./profile.ts";
import { currentRuntime } from "./runtime.ts";
import { LatencyHistogram } from "./stats.ts";

/** What one load process measures. */
export interface LoadSpec {
  /** The client. */
  client: ClientName;
  /** The server it talks to. */
  server: ServerInfo;
  /** Connections the client may open. */
  connections: number;
  /** Requests kept in flight (loops). */
  inflight: number;
  /** Milliseconds of load before counting starts. */
  warmup: number;
  /** Milliseconds counted. */
  duration: number;
  /** PEM of the test CA. */
  ca: string;
  /** Write a CPU profile of the counted window to this path (Node, Deno). */
  profile?: string;
}

/** What one load process found. */
export interface LoadResult {
  /** Completed requests per second in the counted window. */
  rps: number;
  /** Median latency, ms (request start to body fully read). */
  p50: number;
  /** 99th percentile latency, ms. */
  p99: number;
  /** Highest RSS sampled, bytes (warmup included: connections open then). */
  peakRss: number;
  /** RSS before the client was created, bytes. */
  baseRss: number;
  /** Requests counted. */
  count: number;
  /** Requests that failed (the first error is in `firstError`). */
  errors: number;
  /** Responses whose body size was not the expected one. */
  wrongSize: number;
  /** Message of the first failure. */
  firstError?: string;
  /** A note from the client (e.g. who decoded gzip). */
  note?: string;
}

/** How long the loops may take to finish their last request after the window before the run is cut short. */
const drainTime = 10_000;

async function createClient(spec: LoadSpec): Promise<LoadClient> {
  const target: LoadTarget = {
    server: spec.server,
    connections: spec.connections,
    ca: spec.ca,
    stream: spec.server.bodySize >= 1024 * 1024,
  };
  switch (spec.client) {
    case "ours":
      return oursClient(target, 0);
    case "ours-p10":
      return oursClient(target, 10);
    case "fetch":
      return fetchClient(target, currentRuntime());
    case "raw-net":
      return await rawNetClient(target);
    case "raw-net-copy":
      return await rawNetClient(target, true);
    case "raw-deno":
      return await rawDenoClient(target);
    case "raw-bun":
      return await rawBunClient(target);
    case "undici":
    case "undici-p10": {
      const { undiciClient } = await import("./node_clients.ts");
      return undiciClient(target, spec.client === "undici" ? 1 : 10);
    }
    case "node-http": {
      const { nodeHttpClient } = await import("./node_clients.ts");
      return nodeHttpClient(target);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Run one measurement.
 *
 * @example
 * ```ts ignore
 * import { runLoad } from "./load.ts";
 * const result = await runLoad({ client: "ours", server, connections: 50, inflight: 50, warmup: 500, duration: 2000, ca });
 * console.log(result.rps);
 * ```
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const client = await createClient(spec);
  const histogram = new LatencyHistogram();
  const expected = spec.server.bodySize;
  let errors = 0;
  let wrongSize = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const countFrom = started + spec.warmup;
  const end = countFrom + spec.duration;
  let stop = false;

  const loop = async (slot: number) => {
    while (!stop) {
      const sent = performance.now();
      if (sent >= end) return;
      try {
        const size = await client.request(slot);
        const done = performance.now();
        if (done >= countFrom && done <= end) {
          histogram.record(done - sent);
          if (size !== expected) wrongSize++;
        }
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        // A broken client must not spin: back off, and give up after many failures.
        if (errors > 1000) stop = true;
        await sleep(10);
      }
    }
  };

  const loops = Array.from({ length: spec.inflight }, (_, slot) => loop(slot));
  const finished = Promise.all(loops);
  await sleep(Math.max(0, countFrom - performance.now()));
  const stopProfile = spec.profile === undefined ? null : await startProfile();
  await sleep(Math.max(0, end - performance.now()));
  stop = true;
  if (stopProfile !== null) {
    const profile = await stopProfile();
    if (profile !== null) writeFileSync(spec.profile as string, profile);
  }
  await Promise.race([finished, sleep(drainTime)]);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  await Promise.race([client.close(), sleep(2000)]);
  const count = histogram.count;
  return {
    rps: count / (spec.duration / 1000),
    p50: histogram.percentile(0.5),
    p99: histogram.percentile(0.99),
    peakRss,
    baseRss,
    count,
    errors,
    wrongSize,
    firstError,
    note: client.note,
  };
}
