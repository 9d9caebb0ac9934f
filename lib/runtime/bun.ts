/**
 * The Bun transport: `Bun.connect` with socket handlers. Received chunks
 * wait in a {@link ReceiveQueue} until `read(into)` copies them out; the
 * socket is paused while the queue is full.
 *
 * The Bun global is reached through the small interfaces below, so this file
 * also type-checks where no Bun types exist (tsc with @types/node, deno check).
 *
 * @module
 */
import { rootCertificates } from "node:tls";
import { InvalidRequestError, SocketError } from "../errors.ts";
import { defaultLimits } from "../limits.ts";
import { connectWithDeadline } from "./connect_deadline.ts";
import { connectFailed, isSystemError, socketFailed, tlsFailed } from "./connect_errors.ts";
import { nodeTransport } from "./node.ts";
import { ReceiveQueue } from "./receive_queue.ts";
import { isIpAddress, sniName, verifiedName } from "./server_name.ts";
import type { Conn, ConnectOptions, Transport } from "./types.ts";

interface BunSocket {
  /** Bytes taken (sent or buffered by TLS); the rest must be written again on `drain`. */
  write(bytes: Uint8Array): number;
  end(): void;
  pause(): void;
  resume(): void;
  setNoDelay(noDelay: boolean): boolean;
  readonly data: BunConn;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly alpnProtocol: string | false | null;
}

interface BunSocketHandler {
  open(socket: BunSocket): void;
  handshake(socket: BunSocket, success: boolean, authorizationError: Error | null): void;
  data(socket: BunSocket, chunk: Uint8Array): void;
  drain(socket: BunSocket): void;
  end(socket: BunSocket): void;
  close(socket: BunSocket, error?: Error): void;
  error(socket: BunSocket, error: Error): void;
  connectError(socket: BunSocket, error: Error): void;
}

interface BunTlsOptions {
  serverName: string;
  rejectUnauthorized: boolean;
  ca?: string[];
  /** RFC 7301 §3.1 wire format: each name prefixed by its length. */
  ALPNProtocols?: Uint8Array;
}

interface BunConnectOptions {
  hostname: string;
  port: number;
  localAddress?: string;
  tls?: BunTlsOptions;
  data: BunConn;
  socket: BunSocketHandler;
}

interface BunLike {
  connect(options: BunConnectOptions): Promise<BunSocket>;
}

const bun = (globalThis as unknown as { Bun?: BunLike }).Bun;

/**
 * Whether this code runs on Bun.
 *
 * @example
 * ```ts
 * import { isBunRuntime } from "./bun.ts";
 * console.log(isBunRuntime());
 * ```
 */
export function isBunRuntime(): boolean {
  return bun !== undefined;
}

/** Trust stores per `caCerts` array: Bun's `ca`, like Node's, replaces the default roots. */
const trustStores = new WeakMap<string[], string[]>();

function trustStore(caCerts: string[]): string[] {
  let store = trustStores.get(caCerts);
  if (store === undefined) {
    store = [...rootCertificates, ...caCerts];
    trustStores.set(caCerts, store);
  }
  return store;
}

const alpnLists = new WeakMap<string[], Uint8Array>();

/** The ALPN list in RFC 7301 §3.1 wire format, which is what Bun.connect takes. */
function alpnWire(protocols: string[]): Uint8Array {
  let wire = alpnLists.get(protocols);
  if (wire === undefined) {
    const encoder = new TextEncoder();
    const names = protocols.map((protocol) => encoder.encode(protocol));
    wire = new Uint8Array(names.reduce((total, name) => total + 1 + name.length, 0));
    let offset = 0;
    for (const name of names) {
      wire[offset] = name.length;
      wire.set(name, offset + 1);
      offset += 1 + name.length;
    }
    alpnLists.set(protocols, wire);
  }
  return wire;
}

function bunTlsOptions(options: ConnectOptions): BunTlsOptions | undefined {
  const tls = options.tls;
  if (tls === undefined) return undefined;
  const bunOptions: BunTlsOptions = {
    // "" sends no SNI (Bun would send an IP address otherwise, which RFC 6066
    // §3 forbids); the certificate is then checked against the host.
    serverName: sniName(options) ?? "",
    rejectUnauthorized: tls.insecure !== true,
  };
  if (tls.caCerts !== undefined) bunOptions.ca = trustStore(tls.caCerts);
  if (tls.alpn !== undefined) bunOptions.ALPNProtocols = alpnWire(tls.alpn);
  return bunOptions;
}

const resolvedVoid: Promise<void> = Promise.resolve();

/** A Bun socket behind the `Conn` contract; it is also the socket's `data`, which the handlers reach. */
class BunConn implements Conn {
  readonly #options: ConnectOptions;
  #socket: BunSocket | undefined;
  readonly #received: ReceiveQueue;
  /** close() was called. */
  #closed = false;
  /** The socket is gone (closed by either side): writes fail, queued bytes can still be read. */
  #socketClosed = false;
  /** Set while connecting: settles the connect. */
  #connected: ((error: unknown) => void) | undefined;
  #writing: Uint8Array | undefined;
  #written = 0;
  #writeDone: (() => void) | undefined;
  #writeFailed: ((error: SocketError) => void) | undefined;
  #localAddress = "";
  #localPort = 0;
  #remoteAddress = "";
  #remotePort = 0;
  #alpnProtocol: string | undefined;

  constructor(options: ConnectOptions, connected: (error: unknown) => void) {
    this.#options = options;
    this.#connected = connected;
    this.#received = new ReceiveQueue(
      { pause: () => this.#socket?.pause(), resume: () => this.#socket?.resume() },
      defaultLimits.receiveQueueSize,
    );
  }

  get localAddress(): string {
    return this.#localAddress;
  }
  get localPort(): number {
    return this.#localPort;
  }
  get remoteAddress(): string {
    return this.#remoteAddress;
  }
  get remotePort(): number {
    return this.#remotePort;
  }
  get alpnProtocol(): string | undefined {
    return this.#alpnProtocol;
  }

  read(into: Uint8Array): Promise<number | null> {
    return this.#received.read(into);
  }

  write(bytes: Uint8Array): Promise<void> {
    const socket = this.#socket;
    if (this.#socketClosed || socket === undefined) {
      return Promise.reject(new SocketError("write on a closed connection"));
    }
    if (this.#writing !== undefined) return Promise.reject(new SocketError("a write is already pending"));
    const written = socket.write(bytes);
    if (written === bytes.length) return resolvedVoid;
    if (written < 0) return Promise.reject(new SocketError("write on a closed connection"));
    // The socket took only part of it: the rest goes out on `drain`.
    return new Promise<void>((resolve, reject) => {
      this.#writing = bytes;
      this.#written = written;
      this.#writeDone = resolve;
      this.#writeFailed = reject;
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socketClosed = true;
    this.#received.close();
    this.#failWrite(new SocketError("the connection was closed"));
    this.#socket?.end();
  }

  /** Give up connecting (timeout or abort): close the socket, reject the connect with `reason`. */
  abandon(reason: unknown): void {
    this.#connectFailed(reason);
  }

  // Socket events, called by the handlers below.

  opened(socket: BunSocket): void {
    this.#socket = socket;
    // The connect was abandoned before the TCP connect completed.
    if (this.#closed) {
      socket.end();
      return;
    }
    // For TLS, `open` comes when TCP is up and `handshake` follows.
    if (this.#options.tls === undefined) this.#ready(socket);
    else this.#options.onTcpConnect?.();
  }

  handshaken(socket: BunSocket, success: boolean, authorizationError: Error | null): void {
    // With `insecure`, Bun reports the failed verification and goes on.
    if (success || this.#options.tls?.insecure === true) {
      this.#ready(socket);
      return;
    }
    this.#connectFailed(tlsFailed(this.#options, authorizationError ?? new Error("certificate rejected")));
  }

  received(chunk: Uint8Array): void {
    this.#received.push(chunk);
  }

  drained(socket: BunSocket): void {
    const bytes = this.#writing;
    if (bytes === undefined) return;
    const written = socket.write(bytes.subarray(this.#written));
    if (written < 0) {
      this.#failWrite(new SocketError("write on a closed connection"));
      return;
    }
    this.#written += written;
    if (this.#written < bytes.length) return;
    const done = this.#writeDone;
    this.#clearWrite();
    done?.();
  }

  ended(): void {
    this.#received.end();
  }

  failed(error: Error): void {
    if (this.#connected !== undefined) {
      const tls = this.#options.tls !== undefined && this.#socket !== undefined && !isSystemError(error);
      this.#connectFailed(tls ? tlsFailed(this.#options, error) : connectFailed(this.#options, error));
      return;
    }
    const failure = socketFailed(error);
    this.#received.fail(failure);
    this.#failWrite(failure);
  }

  closed(error: Error | undefined): void {
    this.#socketClosed = true;
    if (error !== undefined) this.failed(error);
    if (this.#connected !== undefined) {
      this.#connectFailed(connectFailed(this.#options, new Error("connection closed while connecting")));
      return;
    }
    this.#received.end();
    this.#failWrite(new SocketError("the connection was closed"));
  }

  #ready(socket: BunSocket): void {
    const connected = this.#connected;
    if (connected === undefined) return;
    this.#connected = undefined;
    socket.setNoDelay(true);
    this.#localAddress = socket.localAddress;
    this.#localPort = socket.localPort;
    this.#remoteAddress = socket.remoteAddress;
    this.#remotePort = socket.remotePort;
    if (typeof socket.alpnProtocol === "string") this.#alpnProtocol = socket.alpnProtocol;
    connected(undefined);
  }

  #connectFailed(error: unknown): void {
    const connected = this.#connected;
    if (connected === undefined) return;
    this.#connected = undefined;
    this.close();
    connected(error);
  }

  #failWrite(error: SocketError): void {
    const fail = this.#writeFailed;
    this.#clearWrite();
    fail?.(error);
  }

  #clearWrite(): void {
    this.#writing = undefined;
    this.#written = 0;
    this.#writeDone = undefined;
    this.#writeFailed = undefined;
  }
}

/** One handler set for every connection: each socket's `data` is its BunConn. */
const handlers: BunSocketHandler = {
  open: (socket) => socket.data.opened(socket),
  handshake: (socket, success, error) => socket.data.handshaken(socket, success, error),
  data: (socket, chunk) => socket.data.received(chunk),
  drain: (socket) => socket.data.drained(socket),
  end: (socket) => socket.data.ended(),
  close: (socket, error) => socket.data.closed(error),
  error: (socket, error) => socket.data.failed(error),
  connectError: (socket, error) => socket.data.failed(error),
};

function openConn(runtime: BunLike, options: ConnectOptions, signal: AbortSignal): Promise<Conn> {
  return new Promise<Conn>((resolve, reject) => {
    const onAbort = (): void => conn.abandon(signal.reason);
    const conn: BunConn = new BunConn(options, (error) => {
      signal.removeEventListener("abort", onAbort);
      if (error === undefined) resolve(conn);
      else reject(error);
    });
    signal.addEventListener("abort", onAbort, { once: true });
    const bunOptions: BunConnectOptions = {
      hostname: options.host,
      port: options.port,
      tls: bunTlsOptions(options),
      data: conn,
      socket: handlers,
    };
    if (options.localAddress !== undefined) bunOptions.localAddress = options.localAddress;
    // The socket itself arrives through `open`; a failure arrives both here
    // and through `connectError`, and the first one wins.
    runtime.connect(bunOptions).then(undefined, (error: Error) => conn.failed(error));
  });
}

/**
 * Whether Bun.connect can do what `options` ask. It binds a local address
 * (undocumented, since Bun 1.3) only for an IP literal host: on a DNS cache
 * miss the binding is dropped. It checks the certificate against the SNI
 * name or the host, so an IP server name other than the host is not possible.
 */
function bunCanConnect(options: ConnectOptions): boolean {
  if (options.localAddress !== undefined && !isIpAddress(options.host)) return false;
  return options.tls === undefined || sniName(options) !== undefined ||
    verifiedName(options) === options.host;
}

/**
 * The Bun transport. Connections Bun.connect cannot make as asked (see
 * `bunCanConnect`) go through {@link nodeTransport} (Bun's node:net/node:tls).
 *
 * @example
 * ```ts
 * import { bunTransport } from "./bun.ts";
 * const conn = await bunTransport.connect({ host: "127.0.0.1", port: 8080 });
 * const buffer = new Uint8Array(65536);
 * console.log(await conn.read(buffer));
 * conn.close();
 * ```
 */
export const bunTransport: Transport = {
  name: "bun",
  connect(options) {
    if (bun === undefined) {
      return Promise.reject(new InvalidRequestError("the bun transport needs the Bun runtime"));
    }
    if (!bunCanConnect(options)) return nodeTransport.connect(options);
    return connectWithDeadline(options, (signal) => openConn(bun, options, signal));
  },
};
