/**
 * Stress test (not part of the normal test run): 20,000 mixed requests over
 * three local servers that randomly close, reset and stall, with pipelining,
 * tight connection limits and two client IPs. Checks that every request ends
 * exactly once, with the right body or a typed error, and that no POST is
 * processed twice.
 *
 * Usage: `deno task stress [--requests N] [--seconds N] [--seed N]`
 * @module
 */
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { Client, HttpClientError } from "../mod.ts";

function option(name: string, fallback: number): number {
  const index = Deno.args.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(Deno.args[index + 1]);
}
const total = option("requests", 20_000);
const seconds = option("seconds", 120);
let seed = option("seed", 42) >>> 0;
/** mulberry32: a small seeded PRNG, so a failing run can be repeated. */
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const processedPosts = new Map<string, number>();
const sockets = new Set<Socket>();

function startServer(): Promise<Server> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buffer = "";
    let chain = Promise.resolve();
    // Like a real server, nothing that arrives after it decided to close is processed.
    let closing = false;
    socket.on("data", (data: Buffer) => {
      buffer += data.toString("latin1");
      for (;;) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end === -1) break;
        const head = buffer.slice(0, end);
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) break;
        buffer = buffer.slice(end + 4 + length);
        const [method, target] = head.split(" ");
        const roll = random();
        chain = chain.then(async () => {
          if (socket.destroyed || closing) return;
          if (roll < 0.03) {
            closing = true;
            socket.destroy();
            return;
          }
          if (roll < 0.13) await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 20)));
          if (socket.destroyed || closing) return;
          if (method === "POST") processedPosts.set(target, (processedPosts.get(target) ?? 0) + 1);
          const body = `${method} ${target}`;
          socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
          if (roll > 0.95) {
            closing = true;
            socket.end();
          }
        });
      }
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const servers = await Promise.all([startServer(), startServer(), startServer()]);
const ports = servers.map((server) => (server.address() as AddressInfo).port);
const client = new Client({
  maxConn: 20,
  maxConnPerTarget: 4,
  maxPipelinedRequests: 10,
  clientIps: ["127.0.0.2", "127.0.0.3"],
  replyTimeout: 10_000,
});

const settled = new Uint8Array(total);
let ok = 0;
let typedErrors = 0;
const violations: string[] = [];
const deadline = Date.now() + seconds * 1000;
const started = performance.now();
let next = 0;

async function worker(): Promise<void> {
  while (next < total && Date.now() < deadline) {
    const id = next++;
    const method = random() < 0.15 ? "POST" : "GET";
    const path = `/r/${id}`;
    const url = `http://127.0.0.1:${ports[id % ports.length]}${path}`;
    try {
      const response = await client.request({ url, method, body: method === "POST" ? "payload" : undefined });
      const text = await response.text();
      if (text !== `${method} ${path}`) violations.push(`${path}: wrong body "${text}"`);
      else ok++;
    } catch (error) {
      if (error instanceof HttpClientError) typedErrors++;
      else violations.push(`${path}: untyped error ${String(error)}`);
    }
    if (settled[id]++ !== 0) violations.push(`${path}: settled twice`);
  }
}

await Promise.all(Array.from({ length: 200 }, worker));
const elapsed = (performance.now() - started) / 1000;
for (const [path, count] of processedPosts) if (count > 1) violations.push(`${path}: POST processed ${count} times`);
const stats = client.stats;
await client.closeAll();
for (const socket of sockets) socket.destroy();
for (const server of servers) server.close();

console.log(`requests   ${next} in ${elapsed.toFixed(1)} s (${(next / elapsed).toFixed(0)} req/s)`);
console.log(`ok         ${ok}`);
console.log(`errors     ${typedErrors} (typed)`);
console.log(`pool       ${stats.connectionsOpened} connections opened, ${stats.pipelined} pipelined, ${stats.replayed} replayed`);
console.log(`violations ${violations.length}`);
for (const violation of violations.slice(0, 20)) console.log(`  ${violation}`);
Deno.exit(violations.length === 0 && ok + typedErrors === next ? 0 : 1);
