/**
 * The node:net / node:tls transport. It runs on Node, and on Deno and Bun too
 * (both implement these modules), which makes it the fallback for options a
 * native API lacks.
 *
 * @module
 */
import { connect as netConnect, type NetConnectOpts, type Socket } from "node:net";
import {
  checkServerIdentity,
  connect as tlsConnect,
  type ConnectionOptions,
  createSecureContext,
  rootCertificates,
  type SecureContext,
} from "node:tls";
import { SocketError } from "../errors.ts";
import { defaultLimits } from "../limits.ts";
import { connectWithDeadline } from "./connect_deadline.ts";
import { connectFailed, isSystemError, socketFailed, tlsFailed } from "./connect_errors.ts";
import { type FlowControl, ReceiveQueue } from "./receive_queue.ts";
import { sniName, verifiedName } from "./server_name.ts";
import type { Conn, ConnectOptions, Transport } from "./types.ts";

/**
 * Secure contexts with the extra CAs, per `caCerts` array: building one parses
 * every root certificate (about 25 ms on Node), too slow for each connection.
 * Keyed by the array, so a client's TLS options share one context and a
 * dropped array frees it.
 */
const contexts = new WeakMap<string[], SecureContext>();

function contextWith(caCerts: string[]): SecureContext {
  let context = contexts.get(caCerts);
  if (context === undefined) {
    // `ca` replaces the default trust store; the extra CAs are meant to be added to it.
    context = createSecureContext({ ca: [...rootCertificates, ...caCerts] });
    contexts.set(caCerts, context);
  }
  return context;
}

/** tls.connect passes socket.connect() options such as `localAddress` through; its type omits them. */
type TlsSocketOptions = ConnectionOptions & { localAddress?: string };

function tlsOptions(options: ConnectOptions): TlsSocketOptions {
  const tls = options.tls ?? {};
  const name = verifiedName(options);
  const sni = sniName(options);
  // Absent options are left out rather than set to undefined: Deno's node:tls
  // rejects an explicit `checkServerIdentity: undefined`.
  const result: TlsSocketOptions = {
    host: options.host,
    port: options.port,
    rejectUnauthorized: tls.insecure !== true,
  };
  if (options.localAddress !== undefined) result.localAddress = options.localAddress;
  if (sni !== undefined) result.servername = sni;
  if (tls.alpn !== undefined) result.ALPNProtocols = tls.alpn;
  if (tls.caCerts !== undefined) result.secureContext = contextWith(tls.caCerts);
  // node:tls checks the certificate against `servername ?? host`; with no SNI
  // for an IP server name, that would be the host, so check the name here.
  if (sni === undefined && name !== options.host) {
    result.checkServerIdentity = (_host, certificate) => checkServerIdentity(name, certificate);
  }
  return result;
}

/**
 * On Node itself, plain TCP sockets read with `onread` into one shared
 * buffer instead of a fresh Buffer per 'data' event, and the bytes go
 * straight to a waiting reader. The buffer can be shared because the
 * callback copies everything out before it returns. It is 64 KiB, the size
 * of a connection's read buffer: with a larger one (256 KiB was tried), a
 * read often brought more than the waiting buffer could take, and the rest
 * was kept as a fresh copy of up to 200 KiB, which cost a page fault per
 * 4 KiB (1 MiB bodies: 17 faults and twice the system time per response).
 * Deno's and Bun's node:net are only fallbacks here: they keep 'data' events.
 */
const onNode = (globalThis as { Deno?: unknown; Bun?: unknown }).Deno === undefined &&
  (globalThis as { Bun?: unknown }).Bun === undefined;
const sharedReadBuffer = onNode ? new Uint8Array(64 * 1024) : undefined;
/** The queue each socket's `onread` callback feeds, set when its Conn is built. */
const onreadQueues = new WeakMap<Socket, ReceiveQueue>();

function tcpOptions(options: ConnectOptions): NetConnectOpts {
  const result: NetConnectOpts = { host: options.host, port: options.port };
  if (options.localAddress !== undefined) result.localAddress = options.localAddress;
  if (sharedReadBuffer !== undefined) {
    result.onread = {
      buffer: sharedReadBuffer,
      callback(this: Socket, count: number, buffer: Uint8Array): boolean {
        onreadQueues.get(this)?.push(buffer.subarray(0, count), true);
        return true;
      },
    };
  }
  return result;
}

function openConn(options: ConnectOptions, signal: AbortSignal): Promise<NodeConn> {
  return new Promise<NodeConn>((resolve, reject) => {
    const secure = options.tls !== undefined;
    const socket: Socket = secure ? tlsConnect(tlsOptions(options)) : netConnect(tcpOptions(options));
    const ready = secure ? "secureConnect" : "connect";
    // A TLS socket emits "connect" once TCP is up, before its handshake.
    if (secure && options.onTcpConnect !== undefined) socket.once("connect", options.onTcpConnect);
    const done = (): void => {
      socket.off(ready, onReady);
      socket.off("error", onError);
      signal.removeEventListener("abort", onAbort);
    };
    const onReady = (): void => {
      // The Conn's own listeners go on before ours come off: no event can
      // fall between them.
      const conn = new NodeConn(socket, secure);
      done();
      resolve(conn);
    };
    const onError = (error: Error): void => {
      done();
      socket.destroy();
      reject(secure && !isSystemError(error) ? tlsFailed(options, error) : connectFailed(options, error));
    };
    const onAbort = (): void => {
      done();
      socket.destroy();
      reject(signal.reason);
    };
    socket.once(ready, onReady);
    socket.once("error", onError);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Deno's node:tls (2.9) can lose the end of stream when a paused socket is
 * resumed near it: the reader would then wait forever. So on Deno a TLS
 * socket is never paused, and its queue is bounded only by what the reader
 * accepts (the body size limits). Deno's own TLS (deno.ts) is not affected.
 */
const pausableTls = (globalThis as { Deno?: unknown }).Deno === undefined;

const noFlowControl: FlowControl = { pause() {}, resume() {} };

/** A node:net or node:tls socket behind the `Conn` contract. */
class NodeConn implements Conn {
  readonly #socket: Socket;
  readonly #received: ReceiveQueue;
  #closed = false;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly alpnProtocol?: string;

  constructor(socket: Socket, secure: boolean) {
    this.#socket = socket;
    this.#received = new ReceiveQueue(
      secure && !pausableTls ? noFlowControl : { pause: () => socket.pause(), resume: () => socket.resume() },
      defaultLimits.receiveQueueSize,
    );
    this.localAddress = socket.localAddress ?? "";
    this.localPort = socket.localPort ?? 0;
    this.remoteAddress = socket.remoteAddress ?? "";
    this.remotePort = socket.remotePort ?? 0;
    // Requests are written whole: Nagle's algorithm would only delay them.
    socket.setNoDelay(true);
    const alpn = (socket as { alpnProtocol?: string | false | null }).alpnProtocol;
    if (typeof alpn === "string") this.alpnProtocol = alpn;
    if (!secure && sharedReadBuffer !== undefined) onreadQueues.set(socket, this.#received);
    else socket.on("data", (chunk: Uint8Array) => this.#received.push(chunk));
    socket.on("end", () => this.#received.end());
    socket.on("error", (error: Error) => this.#received.fail(socketFailed(error)));
    socket.on("close", () => this.#received.end());
  }

  read(into: Uint8Array): Promise<number | null> {
    return this.#received.read(into);
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(new SocketError("write on a closed connection"));
    return new Promise<void>((resolve, reject) => {
      // The callback runs once the bytes are handed to the kernel (or the
      // write failed): only then may the caller reuse `bytes`.
      this.#socket.write(bytes, (error) => error ? reject(socketFailed(error)) : resolve());
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#received.close();
    this.#socket.destroy();
  }
}

/**
 * The node:net / node:tls transport: works on Node, Deno and Bun.
 *
 * @example
 * ```ts
 * import { nodeTransport } from "./node.ts";
 * const conn = await nodeTransport.connect({ host: "127.0.0.1", port: 8080, connectTimeout: 1000 });
 * await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
 * const buffer = new Uint8Array(65536);
 * console.log(await conn.read(buffer));
 * conn.close();
 * ```
 */
export const nodeTransport: Transport = {
  name: "node",
  connect: (options) => connectWithDeadline(options, (signal) => openConn(options, signal)),
};
