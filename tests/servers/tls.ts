/**
 * A node:tls server on 127.0.0.1 with one of the fixture certificates; it
 * records the SNI name of the last handshake and destroys its open
 * connections on close.
 */
import type { AddressInfo, Socket } from "node:net";
import { createServer, type TLSSocket } from "node:tls";
import { type CertificateName, certificates } from "./fixtures.ts";
import { OpenSockets } from "./open_sockets.ts";

export interface TlsServerOptions {
  /** Which fixture certificate to serve (default `"server"`). */
  certificate?: CertificateName;
  /** ALPN protocols the server accepts. */
  alpn?: string[];
  /** Handles each connection after its handshake; default: echo everything back. */
  onConnection?: (socket: TLSSocket) => void;
}

export interface TlsServer {
  port: number;
  /** SNI name of the last completed handshake; `undefined` when the client sent none. */
  readonly lastServerName: string | undefined;
  /** Handshakes completed so far. */
  readonly connections: number;
  /** Destroy every open connection and stop listening. */
  close(): Promise<void>;
}

/** Start a TLS server on a free port of 127.0.0.1. */
export async function startTlsServer(options: TlsServerOptions = {}): Promise<TlsServer> {
  // Raw sockets, so that close() also ends connections stuck in the handshake.
  const sockets = new OpenSockets();
  let lastServerName: string | undefined;
  let connections = 0;
  const onConnection = options.onConnection ?? ((socket: TLSSocket) => socket.pipe(socket));
  const server = createServer(
    { ...certificates[options.certificate ?? "server"], ALPNProtocols: options.alpn },
    (socket) => {
      connections++;
      socket.on("error", () => socket.destroy());
      const name = (socket as TLSSocket & { servername?: string | false }).servername;
      lastServerName = typeof name === "string" && name !== "" ? name : undefined;
      onConnection(socket);
    },
  );
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
  });
  // A client that rejects the certificate aborts the handshake: expected here.
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get lastServerName() {
      return lastServerName;
    },
    get connections() {
      return connections;
    },
    close: () =>
      sockets.closeServer(server),
  };
}
