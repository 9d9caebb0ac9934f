/**
 * What a benchmark run measures: the cells (server, payload, connections),
 * and which clients run in each cell on each runtime.
 *
 * @module
 */
import type { ClientName } from "./load_clients.ts";
import { pipelineDepth } from "./load_clients.ts";
import type { ServerName } from "./payloads.ts";
import type { RuntimeName } from "./runtime.ts";

/** One cell of the table: a server (its payload) at a number of connections. */
export interface Cell {
  /** Server (and so payload and protocol). */
  server: ServerName;
  /** Connections each client may open. */
  connections: number;
  /** Requests in flight for every client; default: connections × the client's pipeline depth. */
  inflight?: number;
}

/** Which kind of run. */
export type Mode = "quick" | "full" | "scaling";

/** Requests in flight queued on one client in the scaling table (maxConn 50). */
export const scalingInflight = [1, 10, 100, 1_000, 10_000];

/**
 * The cells of a run.
 *
 * - quick: 13 bytes, 1 MiB and gzip 64 KiB at 50 connections (the cells the targets name);
 * - full: every payload at 1 and 50 connections, https, and node:http as the server;
 * - scaling: 13 bytes, 50 connections, 1 to 10,000 requests in flight.
 *
 * @example
 * ```ts
 * import { cellsOf } from "./plan.ts";
 * cellsOf("quick").length; // 3
 * ```
 */
export function cellsOf(mode: Mode): Cell[] {
  if (mode === "quick") {
    return [
      { server: "raw-13", connections: 50 },
      { server: "raw-1m", connections: 50 },
      { server: "raw-gzip64k", connections: 50 },
    ];
  }
  if (mode === "scaling") {
    return scalingInflight.map((inflight) => ({ server: "raw-13", connections: 50, inflight }));
  }
  const cells: Cell[] = [];
  for (const server of ["raw-13", "raw-64k", "raw-1m", "raw-gzip64k", "tls-13", "tls-64k"] as const) {
    for (const connections of [1, 50]) cells.push({ server, connections });
  }
  cells.push({ server: "http-13", connections: 50 });
  return cells;
}

/** The raw socket loops of a runtime: node:net everywhere, plus the runtime's own socket API. */
function rawClients(runtime: RuntimeName): ClientName[] {
  if (runtime === "deno") return ["raw-net", "raw-deno"];
  if (runtime === "bun") return ["raw-net", "raw-bun"];
  return ["raw-net"];
}

/**
 * The clients of a cell on a runtime, in the order they alternate.
 *
 * Raw loops only where a response has a fixed size and needs no decoding;
 * undici and node:http on Node only. The quick mode keeps what the targets
 * need: every peer at 13 bytes, this client and the raw loops at 1 MiB, the
 * non-pipelined clients on gzip.
 *
 * @example
 * ```ts
 * import { clientsOf } from "./plan.ts";
 * clientsOf({ server: "raw-13", connections: 50 }, "deno", "full");
 * ```
 */
export function clientsOf(cell: Cell, runtime: RuntimeName, mode: Mode): ClientName[] {
  // undici on Node tells whether a drop at many requests in flight is the client's or the loops'.
  if (mode === "scaling") return runtime === "node" ? ["ours", "ours-p10", "undici"] : ["ours", "ours-p10"];
  const peers: ClientName[] = runtime === "node" ? ["undici", "undici-p10", "node-http", "fetch"] : ["fetch"];
  const fixedSize = cell.server !== "raw-gzip64k" && cell.server !== "http-13";
  const all: ClientName[] = ["ours", "ours-p10", ...peers, ...(fixedSize ? rawClients(runtime) : [])];
  // The copying loop is the reference for a BYOB reader of a large body only.
  if (cell.server === "raw-1m") all.push("raw-net-copy");
  if (mode === "full") return all;
  if (cell.server === "raw-1m") return ["ours", ...rawClients(runtime), "raw-net-copy"];
  if (cell.server === "raw-gzip64k") return all.filter((client) => pipelineDepth[client] === undefined);
  return all.filter((client) => !client.startsWith("raw-"));
}

/**
 * Requests in flight for a client in a cell.
 *
 * @example
 * ```ts
 * import { inflightOf } from "./plan.ts";
 * inflightOf({ server: "raw-13", connections: 50 }, "ours-p10"); // 500
 * ```
 */
export function inflightOf(cell: Cell, client: ClientName): number {
  return cell.inflight ?? cell.connections * (pipelineDepth[client] ?? 1);
}

/**
 * A short label of a cell, e.g. `"13 B, 50 conn"`.
 *
 * @example
 * ```ts
 * import { cellLabel } from "./plan.ts";
 * cellLabel({ server: "tls-64k", connections: 1 }); // "https 64 KiB, 1 conn"
 * ```
 */
export function cellLabel(cell: Cell): string {
  const payloads: Record<ServerName, string> = {
    "raw-13": "13 B",
    "raw-64k": "64 KiB",
    "raw-1m": "1 MiB",
    "raw-gzip64k": "gzip 64 KiB",
    "http-13": "13 B, node:http server",
    "tls-13": "https 13 B",
    "tls-64k": "https 64 KiB",
    silent: "no answer",
  };
  const inflight = cell.inflight === undefined ? "" : `, ${cell.inflight} in flight`;
  return `${payloads[cell.server]}, ${cell.connections} conn${inflight}`;
}
