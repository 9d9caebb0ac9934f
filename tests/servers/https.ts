/**
 * A node:https test server on 127.0.0.1 with the fixture `server`
 * certificate (signed by the test CA, valid for 127.0.0.1); the handler gets
 * the whole request body.
 */
import { createServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { certificates } from "./fixtures.ts";
import type { Handler } from "./http.ts";

export interface HttpsTestServer {
  port: number;
  url: string;
  /** Requests received so far. */
  requests: number;
  close(): Promise<void>;
}

/** Start an https server; trust it with `tls: { caCerts: [caCert] }` (from ./fixtures.ts). */
export async function startHttpsServer(handler: Handler): Promise<HttpsTestServer> {
  const sockets = new Set<Socket>();
  const server = createServer(certificates.server, (request, response) => {
    state.requests++;
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handler(request, response, Buffer.concat(chunks)));
  });
  const state: HttpsTestServer = {
    port: 0,
    url: "",
    requests: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  state.port = (server.address() as AddressInfo).port;
  state.url = `https://127.0.0.1:${state.port}`;
  return state;
}
