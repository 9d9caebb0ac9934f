/**
 * The benchmark servers, run as their own process (pinned to another core
 * than the clients): prints one JSON line `ServerMap` on stdout, then serves
 * until its stdin closes (the parent exited) or it is killed.
 *
 * - raw node:net servers answer every request with one fixed response and
 *   handle pipelining: each data chunk is scanned for request ends
 *   (`\r\n\r\n`; the clients send GETs without bodies) and that many responses
 *   go out in one write;
 * - a node:http server, for comparison with a typical server;
 * - raw node:tls servers (the test CA's `server.pem`);
 * - a server that never answers (requests queue up behind it).
 *
 * Usage: `deno run -A scripts/bench/server.ts` (or bun, or node on the compiled file).
 * @module
 */
import { createServer as createHttpServer } from "node:http";
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import process from "node:process";
import { createServer as createTlsServer } from "node:tls";
import { fixedResponses } from "./payloads.ts";
import type { ServerInfo, ServerMap, ServerName } from "./payloads.ts";
import { tlsFixture } from "./paths.ts";

/** Responses of one write are concatenated up to this size; bigger batches are written one by one, corked. */
const batchLimit = 256 * 1024;

/** Answer each request on `socket` with `wire`, as many at once as a chunk holds request ends. */
function answerFixed(socket: Socket, wire: Uint8Array): void {
  const batches = new Map<number, Uint8Array>();
  // Bytes of "\r\n\r\n" matched so far: a request end may be split across chunks.
  let matched = 0;
  socket.setNoDelay(true);
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: Uint8Array) => {
    let count = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === 13) matched = matched === 2 ? 3 : 1;
      else if (byte === 10 && (matched === 1 || matched === 3)) {
        if (matched === 3) {
          count++;
          matched = 0;
        } else matched = 2;
      } else matched = 0;
    }
    if (count === 0) return;
    if (wire.length * count <= batchLimit) {
      let batch = batches.get(count);
      if (batch === undefined) {
        batch = new Uint8Array(wire.length * count);
        for (let i = 0; i < count; i++) batch.set(wire, i * wire.length);
        batches.set(count, batch);
      }
      socket.write(batch);
      return;
    }
    socket.cork();
    for (let i = 0; i < count; i++) socket.write(wire);
    socket.uncork();
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });
}

async function main(): Promise<void> {
  const responses = fixedResponses();
  const servers: Partial<ServerMap> = {};
  const cert = { cert: tlsFixture("server"), key: tlsFixture("server-key") };
  const add = async (name: ServerName, server: Server, info: Omit<ServerInfo, "port">) => {
    servers[name] = { port: await listen(server), ...info };
  };
  for (const payload of ["13", "64k", "1m", "gzip64k"] as const) {
    const fixed = responses[payload];
    await add(`raw-${payload}`, createNetServer((socket) => answerFixed(socket, fixed.wire)), {
      tls: false,
      wireSize: fixed.wire.length,
      bodySize: fixed.bodySize,
      gzip: payload === "gzip64k",
      kind: "raw node:net",
    });
  }
  for (const payload of ["13", "64k"] as const) {
    const fixed = responses[payload];
    await add(`tls-${payload}`, createTlsServer(cert, (socket) => answerFixed(socket, fixed.wire)), {
      tls: true,
      wireSize: fixed.wire.length,
      bodySize: fixed.bodySize,
      gzip: false,
      kind: "raw node:tls",
    });
  }
  const small = responses["13"];
  const httpServer = createHttpServer({ keepAliveTimeout: 600_000 }, (_request, response) => {
    response.writeHead(200, small.headers);
    response.end(small.body);
  });
  await add("http-13", httpServer, { tls: false, wireSize: 0, bodySize: 13, gzip: false, kind: "node:http" });
  const silent = createNetServer((socket) => {
    socket.on("error", () => socket.destroy());
    socket.resume();
  });
  await add("silent", silent, { tls: false, wireSize: 0, bodySize: 0, gzip: false, kind: "never answers" });
  process.stdout.write(JSON.stringify(servers) + "\n");
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("close", () => process.exit(0));
  process.stdin.resume();
}

await main();
