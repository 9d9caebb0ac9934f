/**
 * The runtime layer's contract: a `Transport` opens `Conn`s, and a `Conn`
 * does buffer-based I/O. Nothing outside `lib/runtime/` knows which runtime
 * it runs on.
 *
 * @module
 */

/**
 * TLS settings of a connection.
 *
 * @example
 * ```ts
 * import { Client, type TlsConnectOptions } from "../../mod.ts";
 * const tls: TlsConnectOptions = { insecure: true }; // a test server's self-signed certificate
 * await using client = new Client({ tls });
 * ```
 */
export interface TlsConnectOptions {
  /** Name sent as SNI and checked against the certificate (defaults to the host). */
  serverName?: string;
  /** Extra trusted CA certificates, PEM. */
  caCerts?: string[];
  /** Skip certificate verification (tests and broken sites only). */
  insecure?: boolean;
  /** ALPN protocols to offer, e.g. `["http/1.1"]`. */
  alpn?: string[];
}

/**
 * What `Transport.connect` needs to open one connection.
 *
 * @example
 * ```ts
 * import type { ConnectOptions } from "../../mod.ts";
 * const options: ConnectOptions = { host: "127.0.0.1", port: 8080, localAddress: "127.0.0.2", connectTimeout: 5_000 };
 * ```
 */
export interface ConnectOptions {
  /** IP address or host name to connect to. */
  host: string;
  /** TCP port. */
  port: number;
  /** Present: wrap the connection in TLS. */
  tls?: TlsConnectOptions;
  /** Local address to bind to (a client IP). */
  localAddress?: string;
  /** Milliseconds for TCP connect plus TLS handshake; 0 or absent means none. */
  connectTimeout?: number;
  /** Aborts the connect. */
  signal?: AbortSignal;
  /** Called once the TCP connection is up, before a TLS handshake starts (for `timings.connect`). */
  onTcpConnect?: () => void;
}

/**
 * One open connection, doing buffer-based I/O.
 *
 * At most one `read` and one `write` may be pending at a time; a read and a
 * write may be pending together.
 *
 * @example
 * ```ts
 * import type { Conn } from "../../mod.ts";
 * async function drain(conn: Conn): Promise<number> {
 *   const buffer = new Uint8Array(64 * 1024);
 *   let total = 0;
 *   for (let count = await conn.read(buffer); count !== null; count = await conn.read(buffer)) total += count;
 *   return total;
 * }
 * ```
 */
export interface Conn {
  /**
   * Fill `into` with received bytes. Resolves to the count (> 0), or `null`
   * at end of stream. Rejects with a `SocketError` (or `TlsError`) on failure.
   */
  read(into: Uint8Array): Promise<number | null>;
  /** Queue `bytes` for sending; resolves when the caller may reuse `bytes`. */
  write(bytes: Uint8Array): Promise<void>;
  /** Close now (idempotent). A pending read resolves `null` or rejects. */
  close(): void;
  /** Local address actually bound (the client IP). */
  readonly localAddress: string;
  /** Local port. */
  readonly localPort: number;
  /** Remote address. */
  readonly remoteAddress: string;
  /** Remote port. */
  readonly remotePort: number;
  /** The ALPN protocol negotiated, if any. */
  readonly alpnProtocol?: string;
}

/**
 * Names of the built-in transports.
 *
 * @example
 * ```ts
 * import { Client, type TransportName } from "../../mod.ts";
 * const transport: TransportName = "node"; // node:net sockets, on any of the three runtimes
 * await using client = new Client({ transport });
 * ```
 */
export type TransportName = "deno" | "bun" | "node";

/**
 * Opens connections on one runtime's socket API.
 *
 * @example
 * ```ts
 * import type { Transport } from "../../mod.ts";
 * const logged = (inner: Transport): Transport => ({
 *   name: inner.name,
 *   connect(options) {
 *     console.log("connecting to", options.host, options.port);
 *     return inner.connect(options);
 *   },
 * });
 * ```
 */
export interface Transport {
  /** Which implementation this is. */
  readonly name: TransportName;
  /** Open a TCP (or TLS) connection. Rejects with `ConnectError`, `TlsError`, `TimeoutError` or `AbortError`. */
  connect(options: ConnectOptions): Promise<Conn>;
}
