/**
 * Turn a runtime's socket errors into this library's typed errors, with
 * messages that name the peer, so that every transport reports a failure the
 * same way.
 *
 * @module
 */
import { ConnectError, SocketError, TlsError } from "../errors.ts";
import type { ConnectOptions } from "./types.ts";

/**
 * The `code` of a runtime error (`"ECONNREFUSED"`, `"CERT_HAS_EXPIRED"`, …), if it has one.
 *
 * @example
 * ```ts
 * import { errorCode } from "./connect_errors.ts";
 * console.log(errorCode(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }))); // "ECONNREFUSED"
 * ```
 */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * `host:port`, with brackets around an IPv6 address (RFC 3986 §3.2.2).
 *
 * @example
 * ```ts
 * import { peerName } from "./connect_errors.ts";
 * console.log(peerName({ host: "::1", port: 443 })); // "[::1]:443"
 * ```
 */
export function peerName(options: Pick<ConnectOptions, "host" | "port">): string {
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return `${host}:${options.port}`;
}

/**
 * Whether a runtime error belongs to the TCP layer (refused, reset,
 * unreachable, bind) rather than to TLS. System errors carry a `syscall`; a
 * peer that hangs up mid-handshake is reported as ECONNRESET without one.
 *
 * @example
 * ```ts
 * import { isSystemError } from "./connect_errors.ts";
 * console.log(isSystemError(Object.assign(new Error("x"), { code: "ECONNRESET" }))); // true
 * console.log(isSystemError(Object.assign(new Error("x"), { code: "CERT_HAS_EXPIRED" }))); // false
 * ```
 */
export function isSystemError(error: unknown): boolean {
  return typeof (error as { syscall?: unknown } | null)?.syscall === "string" ||
    errorCode(error) === "ECONNRESET";
}

function reason(error: unknown): string {
  return errorCode(error) ?? (error instanceof Error ? error.message : String(error));
}

/**
 * A `ConnectError` for a failed TCP connect (refused, unreachable, bind
 * failure, DNS failure); the message names the peer, the local address if
 * one was asked for, and the system code.
 *
 * @example
 * ```ts
 * import { connectFailed } from "./connect_errors.ts";
 * const cause = Object.assign(new Error("refused"), { code: "ECONNREFUSED" });
 * console.log(connectFailed({ host: "127.0.0.1", port: 1 }, cause).message);
 * // "cannot connect to 127.0.0.1:1: ECONNREFUSED"
 * ```
 */
export function connectFailed(options: ConnectOptions, error: unknown): ConnectError {
  const from = options.localAddress === undefined ? "" : ` from ${options.localAddress}`;
  return new ConnectError(`cannot connect to ${peerName(options)}${from}: ${reason(error)}`, {
    cause: error,
  });
}

/**
 * A `TlsError` for a failed handshake or certificate check; the message names
 * the peer and the server name the certificate was checked against.
 *
 * @example
 * ```ts
 * import { tlsFailed } from "./connect_errors.ts";
 * const cause = Object.assign(new Error("certificate has expired"), { code: "CERT_HAS_EXPIRED" });
 * console.log(tlsFailed({ host: "127.0.0.1", port: 443, tls: { serverName: "a.test" } }, cause).message);
 * ```
 */
export function tlsFailed(options: ConnectOptions, error: unknown): TlsError {
  const name = options.tls?.serverName ?? options.host;
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCode(error);
  const detail = code === undefined || message.includes(code) ? message : `${code}: ${message}`;
  return new TlsError(`TLS handshake with ${name} (${peerName(options)}) failed: ${detail}`, {
    cause: error,
  });
}

/**
 * A `SocketError` for a failure of an open connection (reset, broken pipe).
 *
 * @example
 * ```ts
 * import { socketFailed } from "./connect_errors.ts";
 * const cause = Object.assign(new Error("reset"), { code: "ECONNRESET" });
 * console.log(socketFailed(cause).message); // "connection failed: ECONNRESET"
 * ```
 */
export function socketFailed(error: unknown): SocketError {
  return new SocketError(`connection failed: ${reason(error)}`, { cause: error });
}
