/**
 * The open sockets of a test server, so that closing the server also ends
 * its keep-alive (or stuck) connections and the test process can exit.
 */
import type { Socket } from "node:net";

export class OpenSockets {
  readonly #sockets = new Set<Socket>();

  /** Sockets open now. */
  get size(): number {
    return this.#sockets.size;
  }

  /** Track a socket until it closes. */
  add(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
  }

  /** Destroy every open socket, then close the server. */
  closeServer(server: { close(callback: () => void): unknown }): Promise<void> {
    return new Promise<void>((resolve) => {
      for (const socket of this.#sockets) socket.destroy();
      server.close(() => resolve());
    });
  }
}
