/**
 * `deno task soak`: one client sends up to 1M pipelined requests to the raw
 * 13-byte server (its own process, pinned to core 0), bounded in time, and
 * samples RSS and heap every few seconds. It fails (exit 1) when RSS grew by
 * more than 50% from the 10% mark to the end, or when a request failed.
 *
 * Usage: `deno run -A scripts/soak.ts [--requests N] [--seconds S] [--connections C]
 *        [--pipelining D] [--inflight N] [--every S]` (bun: `bun run scripts/soak.ts`;
 *        node: `node build/bench/scripts/soak.js` after `scripts/build_bench.ts`).
 * Defaults: 1,000,000 requests or 300 s, whichever first; 50 connections,
 * pipelining 10, 500 requests in flight, a sample every 2 s.
 * @module
 */
import { dirname, extname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Client } from "../mod.ts";
import { serverUrl } from "./bench/load_clients.ts";
import { runtimeVersion, scriptCommand } from "./bench/runtime.ts";
import { startServers } from "./bench/server_process.ts";

/** RSS may grow this much from the 10% mark to the end. */
const allowedGrowth = 0.5;

interface Sample {
  seconds: number;
  requests: number;
  rate: number;
  rss: number;
  heap: number;
  progress: number;
}

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    requests: { type: "string", default: "1000000" },
    seconds: { type: "string", default: "300" },
    connections: { type: "string", default: "50" },
    pipelining: { type: "string", default: "10" },
    inflight: { type: "string", default: "500" },
    every: { type: "string", default: "2" },
  },
});
const totalRequests = Number(values.requests);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const every = Number(values.every) * 1000;

const self = fileURLToPath(import.meta.url);
const { servers, stop } = await startServers(
  scriptCommand(join(dirname(self), "bench", "server" + extname(self))),
);
const client = new Client({
  maxConn: connections,
  maxConnPerTarget: connections,
  maxPipelinedRequests: Number(values.pipelining),
});
const url = serverUrl(servers["raw-13"]);
const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

let completed = 0;
let started = 0;
let errors = 0;
let firstError = "";
const begin = performance.now();
const deadline = begin + seconds * 1000;
const samples: Sample[] = [];

console.log(
  `soak on ${runtimeVersion()}: ${url}, up to ${
    totalRequests.toLocaleString("en-US")
  } requests or ${seconds} s\n`,
);
console.log("| seconds | requests | req/s | RSS MiB | heap MiB |");
console.log("| ---: | ---: | ---: | ---: | ---: |");
let lastCount = 0;
let lastTime = begin;
const sampler = setInterval(() => {
  const now = performance.now();
  const usage = process.memoryUsage();
  const sample: Sample = {
    seconds: (now - begin) / 1000,
    requests: completed,
    rate: (completed - lastCount) / ((now - lastTime) / 1000),
    rss: usage.rss,
    heap: usage.heapUsed,
    progress: Math.max(completed / totalRequests, (now - begin) / (seconds * 1000)),
  };
  lastCount = completed;
  lastTime = now;
  samples.push(sample);
  console.log(
    `| ${sample.seconds.toFixed(0)} | ${completed.toLocaleString("en-US")} | ${
      Math.round(sample.rate).toLocaleString("en-US")
    } | ` +
      `${mib(sample.rss)} | ${mib(sample.heap)} |`,
  );
}, every);

async function loop(): Promise<void> {
  while (started < totalRequests && performance.now() < deadline) {
    started++;
    try {
      await (await client.request({ url })).bytes();
      completed++;
    } catch (error) {
      errors++;
      firstError ||= String(error);
      if (errors > 100) return;
    }
  }
}

await Promise.all(Array.from({ length: Number(values.inflight) }, loop));
clearInterval(sampler);
const elapsed = (performance.now() - begin) / 1000;
await client.closeAll();
stop();

const mark = samples.find((sample) => sample.progress >= 0.1);
const last = samples[samples.length - 1];
console.log(
  `\n${completed.toLocaleString("en-US")} requests in ${elapsed.toFixed(1)} s ` +
    `(${Math.round(completed / elapsed).toLocaleString("en-US")} req/s), ${errors} failed${
      errors > 0 ? ": " + firstError : ""
    }`,
);
let failed = errors > 0;
if (mark === undefined || last === undefined || mark === last) {
  console.log("too few samples to compare RSS: run longer or sample more often (--every)");
  failed = true;
} else {
  const growth = (last.rss - mark.rss) / mark.rss;
  console.log(
    `RSS at the 10% mark (${mark.seconds.toFixed(0)} s): ${mib(mark.rss)} MiB; at the end: ${
      mib(last.rss)
    } MiB; ` +
      `growth ${(growth * 100).toFixed(1)}% (allowed ${allowedGrowth * 100}%)`,
  );
  if (growth > allowedGrowth) failed = true;
}
console.log(failed ? "FAIL" : "PASS");
process.exit(failed ? 1 : 0);
