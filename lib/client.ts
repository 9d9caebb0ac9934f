/**
 * `Client`: options and defaults, the middleware chain, the pool, `request()`
 * and `closeAll()`.
 *
 * @module
 */
import { Debugger, type DebugSink, newRequestId, stderrSink } from "./debug/debugger.ts";
import { type DebugOption, parseDebugLevels } from "./debug/levels.ts";
import { describeError, errorCode } from "./debug/describe_error.ts";
import { ClientClosedError } from "./errors.ts";
import { type FetchInput, fetchThrough } from "./fetch.ts";
import { defaultLimits, type Limits } from "./limits.ts";
import { compose, type Handler, type Middleware } from "./middleware/compose.ts";
import { cookieJarOptions, CookieJars, cookiesMiddleware } from "./middleware/cookies.ts";
import { errorsDebugMiddleware } from "./middleware/debug.ts";
import { cacheMiddleware, cacheMiddlewareOptions, type CacheOption } from "./middleware/cache.ts";
import type { CacheStore } from "./cache/store.ts";
import { decompressMiddleware } from "./middleware/decompress.ts";
import { redirectMiddleware, type RedirectMode } from "./middleware/redirect.ts";
import { retryMiddleware, type RetryOptions } from "./middleware/retry.ts";
import { CookieJar } from "./cookies/jar.ts";
import { Pool, type PoolStats } from "./pool/pool.ts";
import type { ResolveFunction } from "./pool/resolver.ts";
import { normalizeRequest, type RequestOptions } from "./request.ts";
import type { HttpResponse, Timings } from "./response.ts";
import { detectTransport, transportByName } from "./runtime/detect.ts";
import type { TlsConnectOptions, Transport, TransportName } from "./runtime/types.ts";

/**
 * Options of `new Client()`: every limit of `defaultLimits`, plus these.
 *
 * @example
 * ```ts
 * import { Client, type ClientOptions } from "../mod.ts";
 * const options: ClientOptions = { maxConnPerTarget: 4, clientIps: ["127.0.0.2", "127.0.0.3"], debug: "pool" };
 * await using client = new Client(options);
 * ```
 */
export interface ClientOptions extends Partial<Limits> {
  /** Local addresses to bind new connections to, rotated round-robin (the Lua original's `client_ips`). */
  clientIps?: string[];
  /** TLS settings for https: extra CA certificates, `insecure`, SNI override, ALPN. */
  tls?: TlsConnectOptions;
  /** Name resolution hook, `(host) => ip`; answers are cached for `resolveTtl`. */
  resolve?: ResolveFunction;
  /** Socket API to use: a name (`"deno"`, `"bun"`, `"node"`) or a Transport; detected by default. */
  transport?: Transport | TransportName;
  /** Your own middleware, outermost first, run before the built-in ones. */
  middleware?: Middleware[];
  /** Debug levels: `true` for all, or `"pool,protocol,stream,cookies,cache,redirect,retry,errors"` (any subset). */
  debug?: DebugOption;
  /** Where debug events go (structured objects); default: one line each on stderr. */
  debugSink?: DebugSink;
  /**
   * Cookies (RFC 6265): on by default, like a browser and the Lua original (got, undici
   * and `fetch` keep none), since scraping sessions live on them: `Set-Cookie` is stored
   * from every response, redirect hops included, and matching cookies are sent, merged
   * after a caller's own `Cookie` header. `true` (default): a new jar sized by
   * `maxCookieSize`, `maxCookiesPerDomain` and `maxCookies`; a `CookieJar`: use that one
   * (e.g. loaded from a file); `false`: no cookies are sent or stored.
   */
  cookies?: boolean | CookieJar;
  /**
   * One jar per client IP (default false), as the Lua original kept: a request pinned
   * with `clientIp` uses that address's jar; requests without `clientIp` share the
   * main jar (`client.cookies`), since the pool picks their address later.
   */
  cookieJarPerClientIp?: boolean;
  /** Redirects: `"follow"` (default, up to `maxRedirects` hops), `"manual"` (returned as they are) or `"error"`. */
  redirect?: RedirectMode;
  /** Follow a redirect from https to plain http (default false: `ERR_REDIRECT`). */
  allowHttpsDowngrade?: boolean;
  /** Retry policy (statuses, methods, backoff, `maxDelay`, `retryOnTimeout`); `maxRetries` sets how many. */
  retry?: RetryOptions;
  /** Send `Accept-Encoding` and decode gzip, deflate, br, zstd bodies (default true). */
  decompress?: boolean;
  /**
   * HTTP cache (RFC 9111, private), off by default. `true`: a `MemoryCacheStore` sized by
   * `cacheMaxSize` and `cacheMaxEntrySize`; a store (e.g. `new FileCacheStore({ dir })`); or
   * `{ store, staleWhileRevalidate, staleIfError }`. Bodies are stored decoded.
   */
  cache?: CacheOption;
}

/**
 * An HTTP/1.1 client with a connection pool: persistent connections,
 * pipelining, per-target limits and client IP rotation.
 *
 * @example
 * ```ts
 * import { Client } from "../mod.ts";
 * await using client = new Client({ maxConnPerTarget: 4 });
 * const response = await client.request({ url: "http://127.0.0.1:8080/" });
 * console.log(response.status, await response.text());
 * ```
 */
export class Client {
  /** The limits in force (defaults merged with the options). */
  readonly limits: Limits;
  #pool: Pool;
  #handler: Handler;
  #closed = false;
  #debug: Debugger | null;
  #debugSink: DebugSink;
  #cookieJars: CookieJars | null;
  #cacheStore: CacheStore | null;

  /** Create a client. */
  constructor(options: ClientOptions = {}) {
    const limits = { ...defaultLimits } as Limits;
    for (const key of Object.keys(defaultLimits) as (keyof Limits)[]) {
      const value = options[key];
      if (value !== undefined) limits[key] = value;
    }
    this.limits = limits;
    const transport = typeof options.transport === "string"
      ? transportByName(options.transport)
      : options.transport ?? detectTransport();
    this.#debugSink = options.debugSink ?? stderrSink;
    const flags = parseDebugLevels(options.debug);
    this.#debug = flags === null ? null : new Debugger(flags, this.#debugSink);
    this.#pool = new Pool({
      debug: this.#debug,
      limits,
      transport,
      clientIps: options.clientIps ?? [],
      tls: options.tls ?? {},
      resolve: options.resolve,
    });
    const pool = this.#pool;
    const terminal: Handler = (request) => pool.dispatch(request, request.timings ?? newTimings());
    const jarOptions = cookieJarOptions(limits);
    this.#cookieJars = options.cookies === false ? null : new CookieJars(
      options.cookies instanceof CookieJar ? options.cookies : new CookieJar(jarOptions),
      { perClientIp: options.cookieJarPerClientIp, jarOptions },
    );
    // DESIGN.md order, outermost first: debug, redirect, retry, cookies, cache, decompress, pool.
    const builtin: Middleware[] = [
      redirectMiddleware({
        redirect: options.redirect ?? "follow",
        maxRedirects: limits.maxRedirects,
        allowHttpsDowngrade: options.allowHttpsDowngrade ?? false,
      }),
      retryMiddleware({ maxRetries: limits.maxRetries, retry: options.retry }),
    ];
    if (this.#cookieJars !== null) builtin.push(cookiesMiddleware(this.#cookieJars));
    const cache = cacheMiddlewareOptions(options.cache, limits);
    this.#cacheStore = cache?.store ?? null;
    if (cache !== null) builtin.push(cacheMiddleware(cache));
    builtin.push(
      decompressMiddleware({ decompress: options.decompress ?? true, maxBodySize: limits.maxBodySize }),
    );
    // The errors level sees every failure, the caller's own middleware's included.
    this.#handler = compose([errorsDebugMiddleware, ...(options.middleware ?? []), ...builtin], terminal);
  }

  /** The cache store (to `clear()` or `delete()` entries), or null when the cache is off. */
  get cache(): CacheStore | null {
    return this.#cacheStore;
  }

  /** The cookie jar (of requests without a pinned `clientIp`), or null with `cookies: false`. */
  get cookies(): CookieJar | null {
    return this.#cookieJars?.jar() ?? null;
  }

  /**
   * The jar used for requests pinned to `clientIp` (with `cookieJarPerClientIp`; created
   * empty on first use), or the main jar; null with `cookies: false`.
   */
  cookieJar(clientIp?: string): CookieJar | null {
    return this.#cookieJars?.jar(clientIp) ?? null;
  }

  /** Pool counters: open connections, queued requests, pipelined and replayed requests. */
  get stats(): PoolStats {
    return this.#pool.stats;
  }

  /**
   * Send a request. Resolves once the response head has arrived; read or
   * cancel the body to free the connection.
   */
  request(options: RequestOptions): Promise<HttpResponse> {
    if (this.#closed) return Promise.reject(new ClientClosedError());
    try {
      const request = normalizeRequest(options);
      request.timings = newTimings();
      let debug = this.#debug;
      if (options.debug !== undefined) {
        const flags = parseDebugLevels(options.debug);
        debug = flags === null ? null : this.#debug?.with(flags) ?? new Debugger(flags, this.#debugSink);
      }
      // One id (`R12`) for the request, its redirect hops, retries and replays.
      if (debug !== null) request.debug = debug.forRequest(newRequestId());
      return this.#handler(request);
    } catch (error) {
      const debug = this.#debug;
      if (debug?.flags.errors) {
        debug.emit("errors", "failed", {}, `invalid request: ${describeError(error)}`, {
          code: errorCode(error),
        });
      }
      return Promise.reject(error);
    }
  }

  /**
   * A drop-in `fetch` over this client (pool, pipelining, cookies, cache,
   * redirects, retries): takes a URL or `Request` and a `RequestInit`,
   * resolves with a global `Response` whose body streams from the connection.
   * A failed request rejects with a `TypeError` whose `cause` is the
   * `HttpClientError`; an aborted one with the signal's reason.
   */
  fetch(input: FetchInput, init?: RequestInit): Promise<Response> {
    const via = {
      request: (options: RequestOptions) => this.request(options),
      readAhead: this.limits.fetchReadAhead,
      chunkSize: this.limits.readBufferSize,
    };
    return fetchThrough(via, input, init);
  }

  /** Close every connection; waiting and unanswered requests fail with `ERR_CLIENT_CLOSED`. */
  closeAll(): Promise<void> {
    this.#closed = true;
    this.#pool.close();
    return Promise.resolve();
  }

  /** `await using client = new Client()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.closeAll();
  }
}

function newTimings(): Timings {
  // Every field from the start: one object shape, no property added per milestone.
  return {
    start: Date.now(),
    queued: undefined,
    dns: undefined,
    connect: undefined,
    tls: undefined,
    sent: undefined,
    firstByte: undefined,
    done: undefined,
  };
}
