/**
 * Memory per idle connection and per queued request, each measured in a
 * fresh process with a garbage collector call:
 *
 * - idle: 1,000 concurrent requests open 1,000 connections; once every body
 *   is read they sit idle in the pool; growth of heap and RSS / connections;
 * - queued: one connection held by a server that never answers, 10,000
 *   requests queued behind it (maxConn 1); growth / requests.
 *
 * @module
 */
import process from "node:process";
import { Client } from "../../mod.ts";
import { serverUrl } from "./load_clients.ts";
import type { ServerMap } from "./payloads.ts";
import { collectGarbage } from "./runtime.ts";

/** Which memory measurement. */
export type MemoryKind = "idle" | "queued";

/** Clients that have a memory measurement. */
export type MemoryClient = "ours" | "undici";

/** What one memory measurement found. */
export interface MemoryResult {
  /** Which measurement. */
  kind: MemoryKind;
  /** Which client. */
  client: MemoryClient;
  /** Connections open (idle) or requests queued that the growth is divided by. */
  items: number;
  /** Growth of the JS heap plus external memory (ArrayBuffers: read buffers) per item, bytes. */
  heapPerItem: number;
  /** RSS growth per item, bytes. */
  rssPerItem: number;
  /** A garbage collection ran before each reading. */
  collected: boolean;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function reading(): Promise<{ heap: number; rss: number; collected: boolean }> {
  let collected = false;
  for (let i = 0; i < 3; i++) {
    collected = collectGarbage();
    await sleep(20);
  }
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed + usage.external, rss: usage.rss, collected };
}

/** Send a request and read its body. */
interface Sender {
  send(url: string): Promise<unknown>;
  /** Connections open now (as far as the client tells). */
  connections(): number;
  /** Requests waiting for a connection (as far as the client tells). */
  queued(): number;
  close(): Promise<void>;
}

async function sender(
  client: MemoryClient,
  origin: string,
  options: { connections: number },
): Promise<Sender> {
  if (client === "ours") {
    const ours = new Client({
      maxConn: options.connections,
      maxConnPerTarget: options.connections,
      maxPipelinedRequests: 0,
      idleTimeout: 600_000,
    });
    return {
      send: async (url) => await (await ours.request({ url })).bytes(),
      connections: () => ours.stats.connections,
      queued: () => ours.stats.queued,
      close: () => ours.closeAll(),
    };
  }
  const { Pool } = await import("undici");
  const pool = new Pool(origin, { connections: options.connections, keepAliveTimeout: 600_000 });
  return {
    send: async () => await (await pool.request({ path: "/", method: "GET" })).body.arrayBuffer(),
    connections: () => pool.stats.connected,
    queued: () => pool.stats.pending,
    close: () => pool.destroy(),
  };
}

/**
 * Memory per idle keep-alive connection: `count` connections opened by
 * concurrent requests, then left idle.
 *
 * @example
 * ```ts ignore
 * import { measureIdle } from "./memory.ts";
 * const result = await measureIdle("ours", servers, 1000);
 * ```
 */
export async function measureIdle(
  client: MemoryClient,
  servers: ServerMap,
  count: number,
): Promise<MemoryResult> {
  const url = serverUrl(servers["raw-13"]);
  const origin = url.slice(0, -1);
  const load = await sender(client, origin, { connections: count });
  // One connection first: the code is loaded and compiled before the baseline.
  await load.send(url);
  const before = await reading();
  const open = load.connections();
  await Promise.all(Array.from({ length: count }, () => load.send(url)));
  await sleep(100);
  const after = await reading();
  const items = load.connections() - open;
  await load.close();
  return {
    kind: "idle",
    client,
    items,
    heapPerItem: (after.heap - before.heap) / items,
    rssPerItem: (after.rss - before.rss) / items,
    collected: after.collected,
  };
}

/**
 * Memory per queued request: `count` requests waiting behind the one
 * connection (maxConn 1) that a server which never answers holds.
 *
 * @example
 * ```ts ignore
 * import { measureQueued } from "./memory.ts";
 * const result = await measureQueued("ours", servers, 10_000);
 * ```
 */
export async function measureQueued(
  client: MemoryClient,
  servers: ServerMap,
  count: number,
): Promise<MemoryResult> {
  const warm = await sender(client, serverUrl(servers["raw-13"]).slice(0, -1), { connections: 1 });
  await warm.send(serverUrl(servers["raw-13"]));
  await warm.close();
  const url = serverUrl(servers.silent);
  const load = await sender(client, url.slice(0, -1), { connections: 1 });
  const pending: Promise<unknown>[] = [load.send(url).catch(() => {})];
  await sleep(100);
  const before = await reading();
  for (let i = 0; i < count; i++) pending.push(load.send(url).catch(() => {}));
  await sleep(100);
  const after = await reading();
  const items = load.queued();
  await load.close();
  await Promise.allSettled(pending);
  return {
    kind: "queued",
    client,
    items,
    heapPerItem: (after.heap - before.heap) / items,
    rssPerItem: (after.rss - before.rss) / items,
    collected: after.collected,
  };
}
