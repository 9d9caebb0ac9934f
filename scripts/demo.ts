/**
 * Demo, the main job: starts a local site on 127.0.0.1 (a few hundred linked
 * pages, gzip, a login cookie that member pages require, redirects, slow
 * pages, flaky pages) and crawls it with the CLI's machinery
 * (`lib/cli/run.ts`): one client with pipelining, a live progress line, and
 * the summary table. No network is needed; exits 0 when every page was
 * fetched.
 *
 * Usage: `deno task demo` or `npm run demo` (also `bun run scripts/demo.ts`).
 * @module
 */
import { Client } from "../mod.ts";
import { Progress } from "../lib/cli/progress.ts";
import { runFetches } from "../lib/cli/run.ts";
import { formatSummary, Summary, summaryReport } from "../lib/cli/summary.ts";
import { exitProcess, isTerminal, terminalColumns, writeTo } from "../lib/runtime/process.ts";
import { PAGES, startDemoSite } from "./demo_site.ts";

/** Links of an HTML page that stay on its site, as absolute URLs. */
function sameSiteLinks(html: string, base: string): string[] {
  const origin = new URL(base).origin;
  const links: string[] = [];
  for (const [, href] of html.matchAll(/href="([^"#]+)"/g)) {
    const url = new URL(href, base);
    if (url.origin === origin) links.push(url.href);
  }
  return links;
}

const site = await startDemoSite();
await writeTo("stdout", `demo site on ${site.url}: ${PAGES} pages and more; crawling from / ...\n`);

const client = new Client({
  maxConnPerTarget: 6,
  maxPipelinedRequests: 8,
  // Short waits between retries, so that the demo stays quick.
  retry: { backoff: { base: 20, factor: 2 } },
});
const summary = new Summary();
const terminal = isTerminal("stderr");
const progress = new Progress({
  write: (text) => void writeTo("stderr", text).catch(() => {}),
  terminal,
  columns: () => terminalColumns("stderr", 100),
  everyResult: false,
  plainInterval: 250,
  summary,
});
const decoder = new TextDecoder();
progress.start(() => client.stats);
await runFetches(client, {
  urls: [`${site.url}/`],
  bodies: { kind: "discard" },
  concurrency: 64,
  onResult: (result) => progress.result(result),
  discover: ({ response, body }) => sameSiteLinks(decoder.decode(body), response.url),
}, summary);
progress.stop();
const report = summaryReport(summary, client.stats);
await client.closeAll();
await site.close();

const seen = site.counts;
await writeTo(
  "stdout",
  formatSummary(report) +
    `  ${"site saw".padEnd(12)} ${seen.requests} requests on ${seen.connections} connections: ` +
    `${seen.gzipped} gzipped, ${seen.redirects} redirects, ${seen.failures} flaky failures (retried or replayed), ` +
    `${seen.refused} refused for want of the cookie\n`,
);
exitProcess(report.failed === 0 ? 0 : 1);
