/**
 * Every default limit and timeout of the client, in one place.
 *
 * Each value can be overridden by the `Client` option of the same name.
 * Times are milliseconds, sizes are bytes.
 *
 * @example
 * ```ts
 * import { defaultLimits } from "../mod.ts";
 * console.log(defaultLimits.maxConn); // 50
 * ```
 * @module
 */

/**
 * The default value of every limit option.
 *
 * @example
 * ```ts
 * import { Client, defaultLimits } from "../mod.ts";
 * await using client = new Client({ maxConnPerTarget: defaultLimits.maxConnPerTarget * 2 });
 * ```
 */
export const defaultLimits = {
  /** Open connections for the whole client (the Lua original's `max_conn`). */
  maxConn: 50,
  /** Open connections per target (scheme, host, port, client IP). */
  maxConnPerTarget: 20,
  /** Requests written ahead of their response on one connection; 0 turns pipelining off. */
  maxPipelinedRequests: 10,
  /** Requests waiting for a connection, over all targets; past it a request fails with ERR_QUEUE_FULL. */
  maxQueuedRequests: 100_000,
  /** Times one request may be replayed on a new connection after its connection died unanswered. */
  maxReplays: 10,
  /** How long an origin whose server broke pipelines twice is sent one request at a time. */
  pipelineFallbackTime: 60_000,
  /** Redirect hops followed; the next one is ERR_TOO_MANY_REDIRECTS. */
  maxRedirects: 20,
  /** Extra attempts after the first one for a retryable failure. */
  maxRetries: 2,
  /** Bytes (UTF-8) of one Set-Cookie value: name, value and attributes; a larger one is ignored, as browsers do. */
  maxCookieSize: 4096,
  /** Cookies in a jar with one domain; past it that domain's oldest-created cookie is evicted (RFC 6265 §5.3). */
  maxCookiesPerDomain: 180,
  /** Cookies in a jar; past it expired cookies go first, then the oldest-created ones (RFC 6265 §5.3). */
  maxCookies: 3000,
  /** Time to open a connection (TCP and TLS). */
  connectTimeout: 10_000,
  /** Time to write the whole request (head and body) once it has a connection. */
  requestTimeout: 30_000,
  /** Time from the end of the request to the end of the response (head and body). */
  replyTimeout: 300_000,
  /** Time a request may wait in the queue for a connection; 0 means no limit. */
  queueTimeout: 0,
  /** An idle keep-alive connection is closed after this long (or earlier when the server's Keep-Alive timeout says so). */
  idleTimeout: 4_000,
  /** Requests sent over one connection before it is closed; 0 means no limit. */
  maxRequestsPerConnection: 0,
  /** Bytes of a response head: status line and all header lines. */
  maxHeaderSize: 64 * 1024,
  /** Header lines in a response head (and in trailers). */
  maxHeaderCount: 200,
  /** Bytes of one line: status line, header line or chunk-size line (with its extensions). */
  maxLineLength: 16 * 1024,
  /** Decoded body bytes (after decompression); guards against decompression bombs. */
  maxBodySize: 1024 * 1024 * 1024,
  /** Body bytes as they come over the wire (before decompression). */
  maxEncodedBodySize: 1024 * 1024 * 1024,
  /** How long `resolve()` answers are cached. */
  resolveTtl: 30_000,
  /** Bytes read from the socket at once (the reusable read buffer of a connection). */
  readBufferSize: 64 * 1024,
  /**
   * Received bytes a node or bun connection holds for its reader before it
   * pauses the socket (TCP flow control then slows the sender down).
   */
  receiveQueueSize: 256 * 1024,
  /**
   * Bytes of a `fetch()` response body read before the caller asks for them (as the
   * runtimes' `fetch` does): a small body then frees its connection even while unread.
   */
  fetchReadAhead: 64 * 1024,
  /** Bytes of all entries of a memory cache store (bodies, header fields and URLs); least recently used entries go first. */
  cacheMaxSize: 64 * 1024 * 1024,
  /** Bytes of one cached response body; a larger body is passed through without being stored. */
  cacheMaxEntrySize: 8 * 1024 * 1024,
  /**
   * Upper bound of a heuristic freshness lifetime (RFC 9111 §4.2.2): 10% of the
   * time since Last-Modified, but never more than this.
   */
  cacheHeuristicMaxAge: 24 * 60 * 60 * 1000,
  /** A file cache store's temporary file untouched this long is a leftover of a killed process and is deleted. */
  cacheTempFileMaxAge: 60 * 60 * 1000,
} as const;

/**
 * The type of {@link defaultLimits}: one number per limit.
 *
 * @example
 * ```ts
 * import { Client, type Limits } from "../mod.ts";
 * const polite: Partial<Limits> = { maxConnPerTarget: 2, maxPipelinedRequests: 0 };
 * await using client = new Client(polite);
 * console.log(client.limits.maxConn); // 50
 * ```
 */
export type Limits = { -readonly [K in keyof typeof defaultLimits]: number };
