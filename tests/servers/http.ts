/**
 * A node:http (or, with `tls`, node:https) test server on 127.0.0.1 that
 * counts connections, requests, peak concurrency and the source address of
 * each connection.
 */
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { OpenSockets } from "./open_sockets.ts";

export interface HttpTestServer {
  port: number;
  url: string;
  /** Connections accepted so far. */
  connections: number;
  /** Requests received so far. */
  requests: number;
  /** Most connections open at once. */
  peakConnections: number;
  /** Remote address of every accepted connection, in order. */
  remoteAddresses: string[];
  close(): Promise<void>;
}

export type Handler = (request: IncomingMessage, response: ServerResponse, body: Buffer) => void;

/** Options of {@link startHttpServer}. */
export interface HttpTestServerOptions {
  /** Serve https with this certificate and key (e.g. `certificates.server` from ./fixtures.ts). */
  tls?: { cert: string; key: string };
}

/** Start a server; the handler gets the whole request body. */
export async function startHttpServer(
  handler: Handler,
  options: HttpTestServerOptions = {},
): Promise<HttpTestServer> {
  const sockets = new OpenSockets();
  const listener: RequestListener = (request, response) => {
    state.requests++;
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handler(request, response, Buffer.concat(chunks)));
  };
  const server = options.tls === undefined
    ? createServer(listener)
    : createHttpsServer(options.tls, listener);
  // A client that refuses the certificate is a test's expected outcome, not a server error.
  server.on("tlsClientError", () => {});
  const state: HttpTestServer = {
    port: 0,
    url: "",
    connections: 0,
    requests: 0,
    peakConnections: 0,
    remoteAddresses: [],
    close: () =>
      sockets.closeServer(server),
  };
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    state.connections++;
    state.remoteAddresses.push(socket.remoteAddress ?? "");
    state.peakConnections = Math.max(state.peakConnections, sockets.size);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  state.port = (server.address() as AddressInfo).port;
  state.url = `${options.tls === undefined ? "http" : "https"}://127.0.0.1:${state.port}`;
  return state;
}
