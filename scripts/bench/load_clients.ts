/**
 * The HTTP clients the benchmark drives, behind one small interface: this
 * client, the runtime's `fetch`, and raw socket loops (the reference for
 * "what JavaScript can do": no parsing, just the known number of bytes).
 * undici and node:http live in `node_clients.ts` (loaded on Node only).
 *
 * Body reading is the same for every client: small bodies are read whole,
 * 1 MiB bodies are streamed and dropped (this client: a BYOB reader into one
 * reused 1 MiB buffer per loop).
 *
 * @module
 */
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { gunzipSync } from "node:zlib";
import { Client } from "../../mod.ts";
import type { ServerInfo } from "./payloads.ts";
import type { RuntimeName } from "./runtime.ts";

/** Names of the clients the benchmark knows. */
export type ClientName =
  | "ours"
  | "ours-p10"
  | "fetch"
  | "undici"
  | "undici-p10"
  | "node-http"
  | "raw-net"
  | "raw-net-copy"
  | "raw-deno"
  | "raw-bun";

/**
 * Requests one client may have written ahead on a connection, for each client that pipelines.
 *
 * @example
 * ```ts
 * import { pipelineDepth } from "./load_clients.ts";
 * pipelineDepth["ours-p10"]; // 10
 * ```
 */
export const pipelineDepth: Partial<Record<ClientName, number>> = { "ours-p10": 10, "undici-p10": 10 };

/** What one client is pointed at. */
export interface LoadTarget {
  /** The server. */
  server: ServerInfo;
  /** Connections the client may open. */
  connections: number;
  /** PEM of the CA that signed the TLS servers' certificate. */
  ca: string;
  /** Stream the body and drop it instead of reading it whole (1 MiB bodies). */
  stream: boolean;
}

/** One client under load: `request(slot)` is called by loop number `slot` only, one at a time. */
export interface LoadClient {
  /** Send one GET and read its body; resolves the body bytes the caller got (decoded). */
  request(slot: number): Promise<number>;
  /** Close every connection. */
  close(): Promise<void>;
  /** Something a reader of the results should know (e.g. who decoded gzip). */
  note?: string;
}

/**
 * The URL of a server.
 *
 * @example
 * ```ts ignore
 * import { serverUrl } from "./load_clients.ts";
 * serverUrl(servers["raw-13"]); // "http://127.0.0.1:<port>/"
 * ```
 */
export function serverUrl(server: ServerInfo): string {
  return `${server.tls ? "https" : "http"}://127.0.0.1:${server.port}/`;
}

const bodyBufferSize = 1024 * 1024;

/**
 * This client; `depth` 0 turns pipelining off.
 *
 * @example
 * ```ts ignore
 * import { oursClient } from "./load_clients.ts";
 * const bytes = await oursClient(target, 10).request(0);
 * ```
 */
export function oursClient(target: LoadTarget, depth: number): LoadClient {
  const client = new Client({
    maxConn: target.connections,
    maxConnPerTarget: target.connections,
    maxPipelinedRequests: depth,
    tls: target.server.tls ? { caCerts: [target.ca] } : undefined,
  });
  const url = serverUrl(target.server);
  const load: LoadClient = {
    request: async () => {
      const response = await client.request({ url });
      const bytes = await response.bytes();
      if (target.server.gzip && bytes.length !== target.server.bodySize) {
        load.note = "the client returned gzip bytes; the benchmark decoded them with node:zlib gunzipSync";
        return gunzipSync(bytes).length;
      }
      return bytes.length;
    },
    close: () => client.closeAll(),
  };
  if (target.stream) {
    const buffers: ArrayBuffer[] = [];
    load.request = async (slot) => {
      const response = await client.request({ url });
      const reader = response.body.getReader({ mode: "byob" });
      let buffer = buffers[slot] ?? new ArrayBuffer(bodyBufferSize);
      let total = 0;
      for (;;) {
        const { value, done } = await reader.read(new Uint8Array(buffer));
        if (value !== undefined) {
          buffer = value.buffer as ArrayBuffer;
          total += value.length;
        }
        if (done) break;
      }
      buffers[slot] = buffer;
      return total;
    };
  }
  return load;
}

interface DenoHttpClient {
  close(): void;
}

interface DenoConn {
  read(into: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
  close(): void;
}

interface DenoApi {
  createHttpClient(options: { caCerts: string[] }): DenoHttpClient;
  connect(options: { hostname: string; port: number }): Promise<DenoConn & { setNoDelay(on: boolean): void }>;
  connectTls(options: { hostname: string; port: number; caCerts: string[] }): Promise<DenoConn>;
}

interface BunSocket {
  write(bytes: Uint8Array): number;
  end(): void;
  setNoDelay(on: boolean): boolean;
}

interface BunApi {
  connect(options: {
    hostname: string;
    port: number;
    tls?: { ca: string[] };
    socket: {
      open?(socket: BunSocket): void;
      data(socket: BunSocket, chunk: Uint8Array): void;
      drain?(socket: BunSocket): void;
      error?(socket: BunSocket, error: Error): void;
      close?(socket: BunSocket): void;
    };
  }): Promise<BunSocket>;
}

function denoApi(): DenoApi {
  return (globalThis as unknown as { Deno: DenoApi }).Deno;
}

function bunApi(): BunApi {
  return (globalThis as unknown as { Bun: BunApi }).Bun;
}

/**
 * The runtime's own `fetch`, trusting the test CA the way each runtime allows.
 *
 * @example
 * ```ts ignore
 * import { fetchClient } from "./load_clients.ts";
 * const bytes = await fetchClient(target, "deno").request(0);
 * ```
 */
export function fetchClient(target: LoadTarget, runtime: RuntimeName): LoadClient {
  const url = serverUrl(target.server);
  const init: RequestInit & { client?: DenoHttpClient; tls?: { ca: string } } = {};
  if (target.server.tls && runtime === "deno") {
    init.client = denoApi().createHttpClient({ caCerts: [target.ca] });
  }
  // Node's fetch trusts NODE_EXTRA_CA_CERTS, which the driver sets.
  if (target.server.tls && runtime === "bun") init.tls = { ca: target.ca };
  const readWhole = async () => (await (await fetch(url, init)).arrayBuffer()).byteLength;
  const readStream = async () => {
    const response = await fetch(url, init);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let total = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return total;
      total += value.length;
    }
  };
  return {
    request: target.stream ? readStream : readWhole,
    close: () => {
      init.client?.close();
      return Promise.resolve();
    },
  };
}

/** The request every raw loop sends. */
function rawRequest(server: ServerInfo): Uint8Array {
  return new TextEncoder().encode(`GET / HTTP/1.1\r\nhost: 127.0.0.1:${server.port}\r\n\r\n`);
}

interface RawWaiter {
  remaining: number;
  resolve: (count: number) => void;
  reject: (error: Error) => void;
}

/**
 * A node:net loop per connection: write the request, count received bytes
 * until the whole response came (with `copy`, also copy them into a 1 MiB
 * buffer per connection: the reference for a BYOB reader). Plain TCP reads with `onread` into one
 * reused buffer per connection (no Buffer per chunk); node:tls uses `data` events.
 *
 * @example
 * ```ts ignore
 * import { rawNetClient } from "./load_clients.ts";
 * const client = await rawNetClient(target);
 * await client.request(0);
 * ```
 */
export async function rawNetClient(target: LoadTarget, copy = false): Promise<LoadClient> {
  const { server } = target;
  // With `copy`, each connection also copies what it reads into its own 1 MiB
  // buffer, as a BYOB reader of a large body asks for.
  const copies = copy ? Array.from({ length: target.connections }, () => new Uint8Array(bodyBufferSize)) : [];
  const copied = copies.map(() => 0);
  const request = rawRequest(server);
  const sockets: Socket[] = [];
  const waiters: (RawWaiter | null)[] = [];
  const received = (slot: number, count: number) => {
    const waiter = waiters[slot];
    if (waiter === null) return;
    waiter.remaining -= count;
    if (waiter.remaining <= 0) {
      waiters[slot] = null;
      waiter.resolve(server.bodySize);
    }
  };
  const open = (slot: number) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = server.tls
        ? tlsConnect({ host: "127.0.0.1", port: server.port, ca: target.ca }, () => resolve(socket))
        : netConnect({
          host: "127.0.0.1",
          port: server.port,
          noDelay: true,
          onread: {
            buffer: new Uint8Array(64 * 1024),
            callback: (count, buffer) => {
              if (copy) {
                const at = copied[slot] + count > bodyBufferSize ? 0 : copied[slot];
                copies[slot].set(buffer.subarray(0, count), at);
                copied[slot] = at + count;
              }
              received(slot, count);
              return true;
            },
          },
        }, () => resolve(socket));
      socket.on("error", (error) => {
        reject(error);
        waiters[slot]?.reject(error);
      });
      if (server.tls) socket.on("data", (chunk: Uint8Array) => received(slot, chunk.length));
    });
  for (let slot = 0; slot < target.connections; slot++) {
    waiters.push(null);
    sockets.push(await open(slot));
  }
  return {
    request: (slot) =>
      new Promise((resolve, reject) => {
        waiters[slot] = { remaining: server.wireSize, resolve, reject };
        sockets[slot].write(request);
      }),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return Promise.resolve();
    },
  };
}

/**
 * A `Deno.connect` (or `Deno.connectTls`) loop per connection, reading into one reused buffer.
 *
 * @example
 * ```ts ignore
 * import { rawDenoClient } from "./load_clients.ts";
 * const client = await rawDenoClient(target);
 * ```
 */
export async function rawDenoClient(target: LoadTarget): Promise<LoadClient> {
  const { server } = target;
  const deno = denoApi();
  const request = rawRequest(server);
  const conns: DenoConn[] = [];
  const buffers: Uint8Array[] = [];
  for (let slot = 0; slot < target.connections; slot++) {
    if (server.tls) {
      conns.push(await deno.connectTls({ hostname: "127.0.0.1", port: server.port, caCerts: [target.ca] }));
    } else {
      const conn = await deno.connect({ hostname: "127.0.0.1", port: server.port });
      conn.setNoDelay(true);
      conns.push(conn);
    }
    buffers.push(new Uint8Array(target.stream ? bodyBufferSize : 64 * 1024));
  }
  return {
    request: async (slot) => {
      const conn = conns[slot];
      await conn.write(request);
      let remaining = server.wireSize;
      while (remaining > 0) {
        const count = await conn.read(buffers[slot]);
        if (count === null) throw new Error("the server closed the connection");
        remaining -= count;
      }
      return server.bodySize;
    },
    close: () => {
      for (const conn of conns) conn.close();
      return Promise.resolve();
    },
  };
}

/**
 * A `Bun.connect` socket per connection, counting bytes in its `data`
 * handler. A write Bun does not take whole (TLS before its handshake) is
 * finished on `drain`.
 *
 * @example
 * ```ts ignore
 * import { rawBunClient } from "./load_clients.ts";
 * const client = await rawBunClient(target);
 * ```
 */
export async function rawBunClient(target: LoadTarget): Promise<LoadClient> {
  const { server } = target;
  const bun = bunApi();
  const request = rawRequest(server);
  const sockets: BunSocket[] = [];
  const waiters = new Map<BunSocket, RawWaiter>();
  const unsent = new Map<BunSocket, Uint8Array>();
  const send = (socket: BunSocket, bytes: Uint8Array) => {
    const written = Math.max(0, socket.write(bytes));
    if (written < bytes.length) unsent.set(socket, bytes.subarray(written));
    else unsent.delete(socket);
  };
  for (let slot = 0; slot < target.connections; slot++) {
    const socket = await bun.connect({
      hostname: "127.0.0.1",
      port: server.port,
      tls: server.tls ? { ca: [target.ca] } : undefined,
      socket: {
        data(socket, chunk) {
          const waiter = waiters.get(socket);
          if (waiter === undefined) return;
          waiter.remaining -= chunk.length;
          if (waiter.remaining <= 0) {
            waiters.delete(socket);
            waiter.resolve(server.bodySize);
          }
        },
        drain(socket) {
          const rest = unsent.get(socket);
          if (rest !== undefined) send(socket, rest);
        },
        error(socket, error) {
          waiters.get(socket)?.reject(error);
        },
      },
    });
    socket.setNoDelay(true);
    sockets.push(socket);
  }
  return {
    request: (slot) =>
      new Promise((resolve, reject) => {
        const socket = sockets[slot];
        waiters.set(socket, { remaining: server.wireSize, resolve, reject });
        send(socket, request);
      }),
    close: () => {
      for (const socket of sockets) socket.end();
      return Promise.resolve();
    },
  };
}
