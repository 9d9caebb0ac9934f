/**
 * Demo: starts a small site on 127.0.0.1 (linked pages, a slow page, a page
 * that closes the connection) and crawls it with one Client, printing a line
 * per page and a summary. No network is needed.
 *
 * Usage: `deno task demo` (or `npm run demo`).
 * @module
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "../mod.ts";

const PAGES = 200;
const server = createServer((request, response) => {
  const match = /^\/page\/(\d+)$/.exec(request.url ?? "");
  if (request.url === "/slow") {
    setTimeout(() => response.end("<p>slow page</p>"), 300);
    return;
  }
  if (request.url === "/closing") {
    response.setHeader("connection", "close");
    response.end("<p>this response closes its connection</p>");
    return;
  }
  const n = match ? Number(match[1]) : 0;
  const links = [1, 2, 3].map((step) => `<a href="/page/${(n * 3 + step) % PAGES}">next</a>`).join(" ");
  response.setHeader("content-type", "text/html");
  response.end(`<html><body><h1>Page ${n}</h1>${links} <a href="/slow">slow</a> <a href="/closing">c</a></body></html>`);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
console.log(`demo site on ${base}: crawling ${PAGES} pages`);

const client = new Client({ maxConnPerTarget: 8, maxPipelinedRequests: 10 });
const seen = new Set<string>(["/page/0"]);
const queue = ["/page/0"];
const started = performance.now();
let bytes = 0;
let failed = 0;
const statuses = new Map<number, number>();

async function fetchPage(path: string): Promise<void> {
  try {
    const response = await client.request({ url: base + path });
    const html = await response.text();
    bytes += html.length;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    for (const [, link] of html.matchAll(/href="([^"]+)"/g)) {
      if (!seen.has(link)) {
        seen.add(link);
        queue.push(link);
      }
    }
  } catch (error) {
    failed++;
    console.error(`${path}: ${(error as Error).message}`);
  }
}

while (queue.length > 0) {
  const batch = queue.splice(0, queue.length);
  await Promise.all(batch.map(fetchPage));
  console.log(`fetched ${seen.size - queue.length} pages, ${queue.length} new links found`);
}
const seconds = (performance.now() - started) / 1000;
const stats = client.stats;
await client.closeAll();
server.close();
console.log("\nsummary");
console.log(`  pages        ${seen.size} (${failed} failed)`);
console.log(`  statuses     ${[...statuses].map(([status, count]) => `${status}: ${count}`).join(", ")}`);
console.log(`  bytes        ${bytes}`);
console.log(`  time         ${seconds.toFixed(2)} s (${(seen.size / seconds).toFixed(0)} pages/s)`);
console.log(`  connections  ${stats.connectionsOpened} opened, ${stats.pipelined} requests pipelined, ${stats.replayed} replayed`);
if (failed > 0) Deno.exit(1);
