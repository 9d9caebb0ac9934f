/**
 * `fetch` over this client: the module-level `fetch` (a default client,
 * created on first use) and `client.fetch` (your client's limits, cookies
 * and cache), with WHATWG `Request`, `Response`, `Headers` and `AbortSignal`.
 * A failed request rejects with a `TypeError` whose `cause` is the
 * `HttpClientError`, as the runtime's `fetch` does.
 *
 * Usage: `deno run -A examples/fetch.ts http://127.0.0.1:8080`
 * @module
 */
import process from "node:process";
import { Client, closeDefaultClient, fetch, HttpClientError } from "../mod.ts";

const base = process.argv[2] ?? "http://127.0.0.1:8080";

const response = await fetch(new URL("/json", base));
console.log(`GET /json: ${response.status} ${response.headers.get("content-type")}`, await response.json());

const posted = await fetch(
  new Request(new URL("/echo", base), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ hello: "server" }),
  }),
);
console.log(`POST /echo: ${posted.status}`, await posted.json());

{
  // Your own client: its limits, cookie jar and cache apply to client.fetch.
  await using client = new Client({ maxConnPerTarget: 2, cookies: false });
  const many = await Promise.all([1, 2, 3, 4].map((n) => client.fetch(new URL(`/json?n=${n}`, base))));
  const bodies = await Promise.all(many.map((each) => each.json() as Promise<{ n: number }>));
  console.log(
    `4 fetches over ${client.stats.connectionsOpened} connection(s):`,
    bodies.map((body) => body.n),
  );
}

try {
  const slow = await fetch(new URL("/slow", base), { signal: AbortSignal.timeout(200) });
  await slow.text();
} catch (error) {
  console.log(`aborted while reading the body: ${(error as Error).name}`);
}

try {
  await fetch("http://127.0.0.1:1/");
} catch (error) {
  const cause = (error as Error).cause;
  console.log(
    `refused: ${(error as Error).name}, cause ${cause instanceof HttpClientError ? cause.code : cause}`,
  );
}

await closeDefaultClient(); // idle keep-alive connections would keep the process alive until idleTimeout
