/**
 * Every error the client throws, one class per kind, each with a stable `code`.
 *
 * All of them extend {@link HttpClientError}, so one `instanceof` check (or a
 * switch on `code`) handles any failure of a request.
 *
 * @example
 * ```ts
 * import { Client, HttpClientError } from "../mod.ts";
 * const client = new Client();
 * try {
 *   await client.request({ url: "http://127.0.0.1:1/" });
 * } catch (error) {
 *   if (error instanceof HttpClientError) console.log(error.code); // "ERR_CONNECT"
 * }
 * ```
 * @module
 */

/**
 * Options shared by every error constructor.
 *
 * @example
 * ```ts
 * import { ConnectError, type HttpClientErrorOptions } from "../mod.ts";
 * const options: HttpClientErrorOptions = { cause: new Error("ECONNREFUSED") };
 * const error = new ConnectError("connection refused", options);
 * console.log(error.code, error.cause);
 * ```
 */
export interface HttpClientErrorOptions {
  /** The lower-level error that caused this one. */
  cause?: unknown;
}

/**
 * Base class of every error thrown by this library.
 *
 * @example
 * ```ts
 * import { HttpClientError } from "../mod.ts";
 * const error = new HttpClientError("ERR_PARSE", "bad bytes");
 * console.log(error.code, error.message);
 * ```
 */
export class HttpClientError extends Error {
  /** Stable machine-readable code, e.g. `"ERR_CONNECT"`. */
  readonly code: string;
  /**
   * When the request was retried: the error of every failed attempt, first to
   * last (this error is the last one).
   */
  attempts?: readonly unknown[];
  /** Create an error with a code and message. */
  constructor(code: string, message: string, options?: HttpClientErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * The TCP or TLS connection could not be established (refused, unreachable,
 * bind failure, DNS failure).
 *
 * @example
 * ```ts
 * import { ConnectError } from "../mod.ts";
 * console.log(new ConnectError("refused").code); // "ERR_CONNECT"
 * ```
 */
export class ConnectError extends HttpClientError {
  /** Create a connect error. */
  constructor(message: string, options?: HttpClientErrorOptions) {
    super("ERR_CONNECT", message, options);
  }
}

/**
 * TLS handshake or certificate verification failed.
 *
 * @example
 * ```ts
 * import { TlsError } from "../mod.ts";
 * console.log(new TlsError("self-signed certificate").code); // "ERR_TLS"
 * ```
 */
export class TlsError extends HttpClientError {
  /** Create a TLS error. */
  constructor(message: string, options?: HttpClientErrorOptions) {
    super("ERR_TLS", message, options);
  }
}

/**
 * Which phase of a request ran out of time.
 *
 * @example
 * ```ts
 * import { TimeoutError, type TimeoutPhase } from "../mod.ts";
 * function phaseOf(error: unknown): TimeoutPhase | null {
 *   return error instanceof TimeoutError ? error.phase : null;
 * }
 * ```
 */
export type TimeoutPhase = "connect" | "request" | "reply" | "queue";

/**
 * A time limit was reached: `phase` says which one.
 *
 * @example
 * ```ts
 * import { TimeoutError } from "../mod.ts";
 * const error = new TimeoutError("connect", 1000);
 * console.log(error.code, error.phase); // "ERR_TIMEOUT" "connect"
 * ```
 */
export class TimeoutError extends HttpClientError {
  /** The phase that timed out. */
  readonly phase: TimeoutPhase;
  /** Create a timeout error for a phase and its limit in milliseconds. */
  constructor(phase: TimeoutPhase, ms: number, options?: HttpClientErrorOptions) {
    super("ERR_TIMEOUT", `${phase} timeout after ${ms} ms`, options);
    this.phase = phase;
  }
}

/**
 * The request was aborted through its `AbortSignal`, or the client was closed.
 *
 * @example
 * ```ts
 * import { AbortError } from "../mod.ts";
 * console.log(new AbortError().code); // "ERR_ABORTED"
 * ```
 */
export class AbortError extends HttpClientError {
  /** Create an abort error. */
  constructor(message = "the request was aborted", options?: HttpClientErrorOptions) {
    super("ERR_ABORTED", message, options);
  }
}

/**
 * The connection failed while in use: reset, closed early, write failure.
 * `beforeResponse` is true when no byte of the response had arrived.
 *
 * @example
 * ```ts
 * import { SocketError } from "../mod.ts";
 * console.log(new SocketError("connection reset").code); // "ERR_SOCKET"
 * ```
 */
export class SocketError extends HttpClientError {
  /** Create a socket error. */
  constructor(message: string, options?: HttpClientErrorOptions) {
    super("ERR_SOCKET", message, options);
  }
}

/**
 * The server sent bytes that are not valid HTTP/1.1.
 *
 * @example
 * ```ts
 * import { ParseError } from "../mod.ts";
 * console.log(new ParseError("invalid status line").code); // "ERR_PARSE"
 * ```
 */
export class ParseError extends HttpClientError {
  /** Create a parse error. */
  constructor(message: string, options?: HttpClientErrorOptions) {
    super("ERR_PARSE", message, options);
  }
}

/**
 * The response head (or trailers, or a chunk-size line) exceeded a size or count limit.
 *
 * @example
 * ```ts
 * import { HeaderTooLargeError } from "../mod.ts";
 * console.log(new HeaderTooLargeError("too many headers").code); // "ERR_HEADER_TOO_LARGE"
 * ```
 */
export class HeaderTooLargeError extends HttpClientError {
  /** Create a header-too-large error. */
  constructor(message: string, options?: HttpClientErrorOptions) {
    super("ERR_HEADER_TOO_LARGE", message, options);
  }
}

/**
 * The connection ended before the body was complete.
 *
 * @example
 * ```ts
 * import { BodyTruncatedError } from "../mod.ts";
 * console.log(new BodyTruncatedError("5 of 10 bytes").code); // "ERR_BODY_TRUNCATED"
 * ```
 */
export class BodyTruncatedError extends HttpClientError {
  /** Create a truncated-body error. */
  constructor(message: string, options?: HttpClientErrorOptions) {
    super("ERR_BODY_TRUNCATED", message, options);
  }
}

/**
 * A body exceeded `maxBodySize` (decoded bytes) or `maxEncodedBodySize` (wire bytes).
 *
 * @example
 * ```ts
 * import { BodyTooLargeError } from "../mod.ts";
 * console.log(new BodyTooLargeError(1024).code); // "ERR_BODY_TOO_LARGE"
 * ```
 */
export class BodyTooLargeError extends HttpClientError {
  /** Create a body-too-large error for a limit in bytes. */
  constructor(limit: number, options?: HttpClientErrorOptions) {
    super("ERR_BODY_TOO_LARGE", `body larger than ${limit} bytes`, options);
  }
}

/**
 * Compressed content could not be decoded (corrupt or truncated).
 *
 * @example
 * ```ts
 * import { DecompressError } from "../mod.ts";
 * console.log(new DecompressError("bad gzip").code); // "ERR_DECOMPRESS"
 * ```
 */
export class DecompressError extends HttpClientError {
  /** Create a decompression error. */
  constructor(message: string, options?: HttpClientErrorOptions) {
    super("ERR_DECOMPRESS", message, options);
  }
}

/**
 * A header name or value given by the caller contains a forbidden character.
 *
 * @example
 * ```ts
 * import { InvalidHeaderError } from "../mod.ts";
 * console.log(new InvalidHeaderError("bad name").code); // "ERR_INVALID_HEADER"
 * ```
 */
export class InvalidHeaderError extends HttpClientError {
  /** Create an invalid-header error. */
  constructor(message: string, options?: HttpClientErrorOptions) {
    super("ERR_INVALID_HEADER", message, options);
  }
}

/**
 * The request itself is invalid: bad URL, method, request-target, port, body
 * or conflicting framing headers.
 *
 * @example
 * ```ts
 * import { InvalidRequestError } from "../mod.ts";
 * console.log(new InvalidRequestError("bad method").code); // "ERR_INVALID_REQUEST"
 * ```
 */
export class InvalidRequestError extends HttpClientError {
  /** Create an invalid-request error. */
  constructor(message: string, options?: HttpClientErrorOptions) {
    super("ERR_INVALID_REQUEST", message, options);
  }
}

/**
 * The wait queue for connections is full (`maxQueuedRequests`).
 *
 * @example
 * ```ts
 * import { QueueFullError } from "../mod.ts";
 * console.log(new QueueFullError(10).code); // "ERR_QUEUE_FULL"
 * ```
 */
export class QueueFullError extends HttpClientError {
  /** Create a queue-full error for a bound. */
  constructor(limit: number, options?: HttpClientErrorOptions) {
    super("ERR_QUEUE_FULL", `more than ${limit} requests are waiting for a connection`, options);
  }
}

/**
 * The client was closed with `closeAll()` and takes no more requests.
 *
 * @example
 * ```ts
 * import { ClientClosedError } from "../mod.ts";
 * console.log(new ClientClosedError().code); // "ERR_CLIENT_CLOSED"
 * ```
 */
export class ClientClosedError extends HttpClientError {
  /** Create a client-closed error. */
  constructor(options?: HttpClientErrorOptions) {
    super("ERR_CLIENT_CLOSED", "the client is closed", options);
  }
}

/**
 * A redirect chain was longer than `maxRedirects`, or looped.
 *
 * @example
 * ```ts
 * import { TooManyRedirectsError } from "../mod.ts";
 * console.log(new TooManyRedirectsError(20).code); // "ERR_TOO_MANY_REDIRECTS"
 * ```
 */
export class TooManyRedirectsError extends HttpClientError {
  /** Create a too-many-redirects error. */
  constructor(limit: number, options?: HttpClientErrorOptions) {
    super("ERR_TOO_MANY_REDIRECTS", `more than ${limit} redirects`, options);
  }
}

/**
 * A redirect could not be followed: unsafe scheme, https → http downgrade,
 * a body that cannot be sent again, or `redirect: "error"`.
 *
 * @example
 * ```ts
 * import { RedirectError } from "../mod.ts";
 * console.log(new RedirectError("ftp: is not http(s)").code); // "ERR_REDIRECT"
 * ```
 */
export class RedirectError extends HttpClientError {
  /** Create a redirect error. */
  constructor(message: string, options?: HttpClientErrorOptions) {
    super("ERR_REDIRECT", message, options);
  }
}

/**
 * A response body was read twice, or locked by another reader.
 *
 * @example
 * ```ts
 * import { BodyUsedError } from "../mod.ts";
 * console.log(new BodyUsedError().code); // "ERR_BODY_USED"
 * ```
 */
export class BodyUsedError extends HttpClientError {
  /** Create a body-used error. */
  constructor(options?: HttpClientErrorOptions) {
    super("ERR_BODY_USED", "the body was already read", options);
  }
}

/**
 * A saved cookie jar could not be read: the file is not JSON, or not a jar
 * this library wrote (unknown `version`).
 *
 * @example
 * ```ts
 * import { CookieFileError } from "../mod.ts";
 * console.log(new CookieFileError("not JSON").code); // "ERR_COOKIE_FILE"
 * ```
 */
export class CookieFileError extends HttpClientError {
  /** Create a cookie-file error. */
  constructor(message: string, options?: HttpClientErrorOptions) {
    super("ERR_COOKIE_FILE", message, options);
  }
}
