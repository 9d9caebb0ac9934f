/**
 * The module-level `fetch`: `client.fetch` of a default `Client` created on
 * first use, with default options (so cookies are kept between calls, unlike
 * the runtime's `fetch`; use your own `new Client({ cookies: false })` for
 * none).
 *
 * @module
 */
import { Client } from "./client.ts";
import type { FetchInput } from "./fetch.ts";

let defaultClient: Client | undefined;

/**
 * A drop-in `fetch` over a default client's pool: persistent connections,
 * pipelining, per-target limits, cookies, redirects and retries. A failed
 * request rejects with a `TypeError` whose `cause` is the `HttpClientError`
 * (see its `code`); an aborted one with the signal's reason.
 *
 * @example
 * ```ts
 * import { closeDefaultClient, fetch } from "../mod.ts";
 * const response = await fetch("http://127.0.0.1:8080/data.json", { headers: { accept: "application/json" } });
 * console.log(response.status, await response.json());
 * await closeDefaultClient();
 * ```
 */
export function fetch(input: FetchInput, init?: RequestInit): Promise<Response> {
  defaultClient ??= new Client();
  return defaultClient.fetch(input, init);
}

/**
 * Close the default client's connections (idle keep-alive connections would
 * otherwise hold the process open until `idleTimeout`); the next `fetch`
 * starts a new default client.
 *
 * @example
 * ```ts
 * import { closeDefaultClient, fetch } from "../mod.ts";
 * await (await fetch("http://127.0.0.1:8080/")).text();
 * await closeDefaultClient();
 * ```
 */
export async function closeDefaultClient(): Promise<void> {
  const client = defaultClient;
  defaultClient = undefined;
  await client?.closeAll();
}
