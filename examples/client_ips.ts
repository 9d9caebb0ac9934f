/**
 * Rotate client IPs: new connections are bound to each local address in
 * turn (`clientIps`), every address counts as its own target for the
 * per-target limit, and one request can be pinned to an address
 * (`clientIp`). The addresses must be configured on this machine (on Linux,
 * all of 127.0.0.0/8 is local).
 *
 * Usage: `deno run -A examples/client_ips.ts http://127.0.0.1:8080 [ip...]`
 * (the server's `/ip` answers the caller's address).
 * @module
 */
import process from "node:process";
import { Client } from "../mod.ts";

const base = process.argv[2] ?? "http://127.0.0.1:8080";
const clientIps = process.argv.length > 3 ? process.argv.slice(3) : ["127.0.0.2", "127.0.0.3"];

await using client = new Client({
  clientIps,
  maxConnPerTarget: 1, // one connection per (site, client IP): the site sees one per address
  maxPipelinedRequests: 0,
  cookieJarPerClientIp: true, // pinned requests keep separate sessions per address
});

const count = new Map<string, number>();
const addresses = await Promise.all(
  Array.from({ length: 8 }, async () => (await client.request({ url: new URL("/ip", base) })).text()),
);
for (const address of addresses) count.set(address, (count.get(address) ?? 0) + 1);
for (const [address, requests] of [...count].sort()) console.log(`${address}: ${requests} requests`);

const pinned = await client.request({ url: new URL("/ip", base), clientIp: clientIps[0] });
console.log(`pinned to ${clientIps[0]}: the server saw ${await pinned.text()}`);
console.log(`connections open: ${JSON.stringify(client.stats.targets)}`);
