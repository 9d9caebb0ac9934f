/**
 * Cache to disk: a `FileCacheStore` keeps responses in a directory (RFC 9111
 * private cache: freshness, validation, Vary), so a second run, even in
 * another process, is answered from the disk while the response is fresh.
 *
 * Usage: `deno run -A examples/cache_to_disk.ts http://127.0.0.1:8080 [dir]`
 * (the server's `/cached` is fresh for 5 minutes).
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Client, FileCacheStore } from "../mod.ts";

const base = process.argv[2] ?? "http://127.0.0.1:8080";
const dir = process.argv[3] ?? mkdtempSync(join(tmpdir(), "http-cache-"));

for (const run of [1, 2]) {
  // A new client each time: only the directory is shared, as between two processes.
  await using client = new Client({ cache: new FileCacheStore({ dir }) });
  const response = await client.request({ url: new URL("/cached", base) });
  console.log(
    `run ${run}: ${response.status}, from cache: ${response.fromCache}, body: ${await response.text()}`,
  );
}
if (process.argv[3] === undefined) rmSync(dir, { recursive: true, force: true });
