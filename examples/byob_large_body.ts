/**
 * Read a large body into your own buffer: allocate it once from
 * Content-Length and let a BYOB reader fill it. The client reads from the
 * socket straight into the view you pass (no intermediate chunks) where
 * nothing is buffered yet.
 *
 * A BYOB read transfers the buffer it is given: the result is a view on the
 * same memory under a new `ArrayBuffer`, so each read continues on the
 * buffer the previous one returned.
 *
 * Usage: `deno run -A examples/byob_large_body.ts http://127.0.0.1:8080 [bytes]`
 * (the server's `/large?size=N` answers N bytes).
 * @module
 */
import process from "node:process";
import { Client } from "../mod.ts";

const base = process.argv[2] ?? "http://127.0.0.1:8080";
const size = Number(process.argv[3] ?? 8 * 1024 * 1024);

await using client = new Client();
const response = await client.request({ url: new URL(`/large?size=${size}`, base) });
const length = Number(response.headers.get("content-length"));
if (!Number.isSafeInteger(length)) throw new Error("this recipe needs a Content-Length");

let buffer = new ArrayBuffer(length);
let filled = 0;
let reads = 0;
const reader = response.body.getReader({ mode: "byob" });
while (filled < length) {
  const { value, done } = await reader.read(new Uint8Array(buffer, filled, length - filled));
  if (done || value === undefined) break;
  buffer = value.buffer as ArrayBuffer;
  filled += value.byteLength;
  reads++;
}
reader.releaseLock();

const bytes = new Uint8Array(buffer, 0, filled);
let checksum = 0;
for (const byte of bytes) checksum = (checksum + byte) % 65_521;
console.log(`read ${filled} bytes into one buffer of ${length} in ${reads} reads; checksum ${checksum}`);
