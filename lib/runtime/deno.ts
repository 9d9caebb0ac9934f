/**
 * The Deno transport: `Deno.connect` and `Deno.startTls`. `conn.read(into)`
 * fills the caller's buffer directly, with no copy and no allocation in
 * JavaScript.
 *
 * The Deno global is reached through the small interfaces below, so this
 * file also type-checks where no Deno types exist (tsc with @types/node).
 *
 * @module
 */
import { InvalidRequestError, SocketError } from "../errors.ts";
import { connectWithDeadline } from "./connect_deadline.ts";
import { connectFailed, socketFailed, tlsFailed } from "./connect_errors.ts";
import { nodeTransport } from "./node.ts";
import { verifiedName } from "./server_name.ts";
import type { Conn, ConnectOptions, Transport } from "./types.ts";

interface DenoAddress {
  hostname: string;
  port: number;
}

interface DenoConn {
  read(into: Uint8Array): Promise<number | null>;
  setNoDelay?(noDelay: boolean): void;
  write(bytes: Uint8Array): Promise<number>;
  close(): void;
  readonly localAddr: DenoAddress;
  readonly remoteAddr: DenoAddress;
}

interface DenoTlsConn extends DenoConn {
  handshake(): Promise<{ alpnProtocol: string | null }>;
}

interface DenoLike {
  connect(options: { hostname: string; port: number; signal?: AbortSignal }): Promise<DenoConn>;
  startTls(
    conn: DenoConn,
    options: { hostname: string; caCerts?: string[]; alpnProtocols?: string[] },
  ): Promise<DenoTlsConn>;
}

const deno = (globalThis as unknown as { Deno?: DenoLike }).Deno;

/**
 * Whether this code runs on Deno.
 *
 * @example
 * ```ts
 * import { isDenoRuntime } from "./deno.ts";
 * console.log(isDenoRuntime());
 * ```
 */
export function isDenoRuntime(): boolean {
  return deno !== undefined;
}

const resolvedNull: Promise<null> = Promise.resolve(null);

/** A Deno TCP or TLS connection behind the `Conn` contract. */
class DenoTransportConn implements Conn {
  readonly #conn: DenoConn;
  #closed = false;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly alpnProtocol?: string;
  /** Bound once, so that a read allocates nothing but the promises. */
  readonly #readFailed: (error: unknown) => null;

  constructor(conn: DenoConn, secure: boolean, alpnProtocol: string | null) {
    this.#conn = conn;
    this.localAddress = conn.localAddr.hostname;
    this.localPort = conn.localAddr.port;
    this.remoteAddress = conn.remoteAddr.hostname;
    this.remotePort = conn.remoteAddr.port;
    if (alpnProtocol !== null) this.alpnProtocol = alpnProtocol;
    this.#readFailed = (error) => {
      // A read pending when close() ran fails with "Interrupted": for the
      // caller that is the end of the stream. A TLS peer that closes without
      // close_notify is EOF too, as on node:tls; the HTTP framing notices a
      // truncated message (RFC 9112 §9.8).
      if (this.#closed || (secure && (error as Error).name === "UnexpectedEof")) return null;
      throw socketFailed(error);
    };
  }

  read(into: Uint8Array): Promise<number | null> {
    if (this.#closed) return resolvedNull;
    return this.#conn.read(into).catch(this.#readFailed);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.#closed) throw new SocketError("write on a closed connection");
    try {
      // Deno.Conn.write may take only part of the buffer.
      let written = await this.#conn.write(bytes);
      while (written < bytes.length) written += await this.#conn.write(bytes.subarray(written));
    } catch (error) {
      throw this.#closed
        ? new SocketError("write on a closed connection", { cause: error })
        : socketFailed(error);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#conn.close();
  }
}

/** Close a Deno conn that may already be closed or consumed by `startTls`. */
function closeQuietly(conn: DenoConn): void {
  try {
    conn.close();
  } catch {
    // Already closed: nothing left to release.
  }
}

async function openConn(runtime: DenoLike, options: ConnectOptions, signal: AbortSignal): Promise<Conn> {
  let tcp: DenoConn;
  try {
    tcp = await runtime.connect({ hostname: options.host, port: options.port, signal });
  } catch (error) {
    throw connectFailed(options, error);
  }
  // Requests are written whole: never hold a small one back (Nagle).
  tcp.setNoDelay?.(true);
  const tls = options.tls;
  if (tls === undefined) return new DenoTransportConn(tcp, false, null);
  options.onTcpConnect?.();
  // startTls rather than connectTls: the TCP connect above can be aborted,
  // and the name checked (and sent as SNI, never for an IP address) may
  // differ from the host connected to.
  let current: DenoConn = tcp;
  const onAbort = (): void => closeQuietly(current);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const secure = await runtime.startTls(tcp, {
      hostname: verifiedName(options),
      caCerts: tls.caCerts,
      alpnProtocols: tls.alpn,
    });
    current = secure;
    if (signal.aborted) throw signal.reason;
    // The handshake would otherwise run lazily on the first read or write;
    // here it runs under the connect timeout, and certificate errors are
    // connect errors. Known limit (Deno 2.9): close() of a TLS conn waits for
    // its handshake to finish (denoland/deno#14547), so after a handshake
    // timeout or abort the socket stays open until the peer closes it. It
    // does not keep the process alive.
    const { alpnProtocol } = await secure.handshake();
    return new DenoTransportConn(secure, true, alpnProtocol);
  } catch (error) {
    closeQuietly(current);
    // rustls reports handshake and certificate failures as InvalidData.
    throw (error as Error).name === "InvalidData" ? tlsFailed(options, error) : connectFailed(options, error);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * The Deno transport. Deno's socket API cannot bind a local address nor skip
 * certificate verification, so connections with `localAddress` or
 * `tls.insecure` go through {@link nodeTransport} (Deno's node:net/node:tls).
 *
 * @example
 * ```ts
 * import { denoTransport } from "./deno.ts";
 * const conn = await denoTransport.connect({ host: "127.0.0.1", port: 8080 });
 * const buffer = new Uint8Array(65536);
 * console.log(await conn.read(buffer));
 * conn.close();
 * ```
 */
export const denoTransport: Transport = {
  name: "deno",
  connect(options) {
    if (deno === undefined) {
      return Promise.reject(new InvalidRequestError("the deno transport needs the Deno runtime"));
    }
    if (options.localAddress !== undefined || options.tls?.insecure === true) {
      return nodeTransport.connect(options);
    }
    return connectWithDeadline(options, (signal) => openConn(deno, options, signal));
  },
};
