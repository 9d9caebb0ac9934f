/**
 * A raw node:net server that reads HTTP/1.1 requests (head plus
 * Content-Length or chunked body) and answers with exact bytes chosen by a
 * script, for tests of framing, pipelining and hostile responses.
 */
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { OpenSockets } from "./open_sockets.ts";

export interface RawRequest {
  method: string;
  target: string;
  /** Header lines as received, names lowercased. */
  headers: [string, string][];
  /** The raw head bytes (request line and headers) as text. */
  head: string;
  body: Buffer;
  /** 0-based index of this request on its connection. */
  index: number;
  /** 0-based index of the connection. */
  connection: number;
}

/** What the script does for one request. */
export type RawReply =
  | string
  | Uint8Array
  | { write: string | Uint8Array; then?: "close" | "destroy" | "end" }
  | "destroy"
  | "end"
  | null;

export interface RawTestServer {
  port: number;
  url: string;
  requests: RawRequest[];
  connections: number;
  /** Connections open right now (for leak checks). */
  readonly openConnections: number;
  remoteAddresses: string[];
  close(): Promise<void>;
}

function parseRequests(buffer: Buffer): { requests: Omit<RawRequest, "index" | "connection">[]; rest: Buffer } {
  const requests: Omit<RawRequest, "index" | "connection">[] = [];
  let rest = buffer;
  for (;;) {
    const headEnd = rest.indexOf("\r\n\r\n");
    if (headEnd === -1) break;
    const head = rest.subarray(0, headEnd).toString("latin1");
    const [requestLine, ...lines] = head.split("\r\n");
    const [method, target] = requestLine.split(" ");
    const headers = lines.map((line) => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as [string, string];
    });
    const get = (name: string) => headers.find(([key]) => key === name)?.[1];
    let offset = headEnd + 4;
    let body = Buffer.alloc(0);
    if (get("transfer-encoding")?.toLowerCase() === "chunked") {
      const parts: Buffer[] = [];
      let complete = false;
      for (;;) {
        const lineEnd = rest.indexOf("\r\n", offset);
        if (lineEnd === -1) break;
        const size = parseInt(rest.subarray(offset, lineEnd).toString("latin1"), 16);
        if (size === 0) {
          const end = rest.indexOf("\r\n\r\n", lineEnd);
          if (end === -1) break;
          offset = end + 4;
          complete = true;
          break;
        }
        if (rest.length < lineEnd + 2 + size + 2) break;
        parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
        offset = lineEnd + 2 + size + 2;
      }
      if (!complete) break;
      body = Buffer.concat(parts);
    } else {
      const length = Number(get("content-length") ?? 0);
      if (rest.length < offset + length) break;
      body = Buffer.from(rest.subarray(offset, offset + length));
      offset += length;
    }
    requests.push({ method, target, headers, head, body });
    rest = rest.subarray(offset);
  }
  return { requests, rest };
}

/** Start a raw server; `script` answers each request (null: no answer yet). */
export async function startRawServer(
  script: (request: RawRequest, socket: Socket) => RawReply | Promise<RawReply>,
  host = "127.0.0.1",
): Promise<RawTestServer> {
  const sockets = new OpenSockets();
  const state: RawTestServer = {
    port: 0,
    url: "",
    requests: [],
    connections: 0,
    get openConnections() {
      return sockets.size;
    },
    remoteAddresses: [],
    close: () =>
      sockets.closeServer(server),
  };
  const server = createServer((socket) => {
    const connection = state.connections++;
    state.remoteAddresses.push(socket.remoteAddress ?? "");
    sockets.add(socket);
    socket.on("error", () => {});
    let buffer: Buffer = Buffer.alloc(0);
    let index = 0;
    let chain = Promise.resolve();
    socket.on("data", (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      const parsed = parseRequests(buffer);
      buffer = parsed.rest;
      for (const partial of parsed.requests) {
        const request: RawRequest = { ...partial, index: index++, connection };
        state.requests.push(request);
        chain = chain.then(async () => {
          // Like a real server, nothing is processed once it decided to close.
          if (socket.destroyed || socket.writableEnded) return;
          const reply = await script(request, socket);
          if (reply === null || socket.destroyed || socket.writableEnded) return;
          if (reply === "destroy") socket.destroy();
          else if (reply === "end") socket.end();
          else if (typeof reply === "string" || reply instanceof Uint8Array) socket.write(reply);
          else {
            socket.write(reply.write);
            if (reply.then === "destroy") socket.destroy();
            else if (reply.then === "end" || reply.then === "close") socket.end();
          }
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://${host}:${state.port}`;
  return state;
}

/** A complete response with a Content-Length body. */
export function okResponse(body: string, headers: Record<string, string> = {}): string {
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  return `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
}
