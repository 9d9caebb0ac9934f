/**
 * Crawl a site politely: honour robots.txt, stay on the site, keep at most
 * two connections to it with a few pipelined requests each, skip bodies
 * that are not HTML without closing connections, and stop after a page
 * budget.
 *
 * Usage: `deno run -A examples/crawl.ts http://127.0.0.1:8080/ [maxPages]`
 * (or `bun run examples/crawl.ts ...`).
 * @module
 */
import process from "node:process";
import { Client, HttpClientError, type HttpResponse } from "../mod.ts";

const start = new URL(process.argv[2] ?? "http://127.0.0.1:8080/");
const maxPages = Number(process.argv[3] ?? 100);
const userAgent = "example-crawler/1.0 (+https://example.com/crawler)";
/** Requests this script keeps going; the client's limits decide how many are on the wire. */
const concurrency = 8;

await using client = new Client({
  maxConnPerTarget: 2, // polite: two connections to the site...
  maxPipelinedRequests: 4, // ...with up to four requests written ahead on each
  maxRetries: 2, // 429 and 503 are retried after their Retry-After
});

/** Path prefixes robots.txt disallows for every user agent (RFC 9309, the `*` group only). */
async function disallowedPaths(): Promise<string[]> {
  const response = await client.request({
    url: new URL("/robots.txt", start),
    headers: { "user-agent": userAgent },
  });
  if (!response.ok) {
    response.cancel();
    return [];
  }
  const paths: string[] = [];
  let inStarGroup = false;
  for (const line of (await response.text()).split("\n")) {
    const [field, ...rest] = line.replace(/#.*/, "").split(":");
    const value = rest.join(":").trim();
    if (/^user-agent$/i.test(field.trim())) inStarGroup = value === "*";
    else if (inStarGroup && /^disallow$/i.test(field.trim()) && value !== "") paths.push(value);
  }
  return paths;
}

/**
 * Skip a body: read a small one to its end, so that its connection (and the
 * requests pipelined behind it) carries on; cancel a large one, which closes
 * the connection (the requests written behind it are then sent again on
 * another one).
 */
async function discard(response: HttpResponse): Promise<void> {
  const reader = response.body.getReader();
  for (let read = 0; read <= 64 * 1024;) {
    const { done, value } = await reader.read();
    if (done) return;
    read += value.byteLength;
  }
  await reader.cancel();
}

/** Links of a page (a real crawler would use an HTML parser). */
function links(html: string, base: string): URL[] {
  const found: URL[] = [];
  for (const match of html.matchAll(/href="([^"]*)"/g)) {
    try {
      const url = new URL(match[1], base);
      url.hash = "";
      found.push(url);
    } catch {
      // not a URL: skip it
    }
  }
  return found;
}

const disallowed = await disallowedPaths();
const allowed = (url: URL) =>
  url.origin === start.origin && !disallowed.some((prefix) => url.pathname.startsWith(prefix));
const seen = new Set<string>([start.href]);
const queue: string[] = [start.href];
let visited = 0;
let skipped = 0;
let failed = 0;

async function visit(url: string): Promise<void> {
  try {
    const response = await client.request({ url, headers: { "user-agent": userAgent, accept: "text/html" } });
    const type = response.headers.get("content-type") ?? "";
    if (!response.ok || !type.startsWith("text/html")) {
      await discard(response);
      skipped++;
      return;
    }
    for (const link of links(await response.text(), response.url)) {
      if (allowed(link) && !seen.has(link.href)) {
        seen.add(link.href);
        queue.push(link.href);
      }
    }
  } catch (error) {
    failed++;
    console.error(url, error instanceof HttpClientError ? error.code : error);
  }
}

const inFlight = new Set<Promise<void>>();
while (queue.length > 0 || inFlight.size > 0) {
  while (queue.length > 0 && inFlight.size < concurrency && visited < maxPages) {
    visited++;
    const task: Promise<void> = visit(queue.shift() as string).finally(() => inFlight.delete(task));
    inFlight.add(task);
  }
  if (inFlight.size === 0) break;
  await Promise.race(inFlight);
}

const stats = client.stats;
console.log(`crawled ${visited - skipped - failed} pages, skipped ${skipped}, failed ${failed}`);
console.log(`robots.txt disallows: ${disallowed.join(" ") || "nothing"}`);
console.log(`connections opened: ${stats.connectionsOpened}, requests pipelined: ${stats.pipelined}`);
