/**
 * A raw node:net server on 127.0.0.1 that hands each connection to a
 * callback, counts connections and destroys the open ones on close.
 */
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { OpenSockets } from "./open_sockets.ts";

export interface RawServer {
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Destroy every open connection and stop listening. */
  close(): Promise<void>;
}

/** Start listening on `host` (127.0.0.1) on a free port. */
export async function startRawServer(
  onConnection: (socket: Socket) => void,
  host = "127.0.0.1",
): Promise<RawServer> {
  const sockets = new OpenSockets();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    // A client that resets must not crash the test process.
    socket.on("error", () => socket.destroy());
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    close: () =>
      sockets.closeServer(server),
  };
}
