/**
 * The connection pool: which connection gets the next request.
 *
 * Scheduling algorithm, for a request to origin O (scheme, host, port):
 *   (a) an idle connection of one of O's targets (LIFO: see `Target.takeIdle`);
 *   (b) else a new connection, if the global `maxConn` and the target's
 *       `maxConnPerTarget` allow it. Without a pinned `clientIp`, targets are
 *       tried in the client-wide round-robin order of `clientIps` (the cursor
 *       moves on each new connection, across origins). When only `maxConn`
 *       stands in the way, the least recently used idle connection of any
 *       other target is closed to make room;
 *   (c) else, for an idempotent request with a replayable body, the least
 *       loaded connection of O that proved keep-alive and has fewer than
 *       `maxPipelinedRequests` requests written ahead;
 *   (d) else the origin's FIFO wait queue (bounded by `maxQueuedRequests`).
 * A request never jumps ahead of requests already waiting for its origin.
 *
 * Waking waiters: when a connection can take work again, its own origin's
 * queue is served first; when a connection closes (a global slot frees), the
 * origins with waiters are served round-robin, each waiter going through the
 * same (a)-(c) checks, so no target ever exceeds its limit.
 *
 * When a connection dies, its unanswered requests are replayed in order at the
 * front of the queue when `mayReplay` allows (replay.ts), else rejected. An
 * origin whose server broke pipelines twice is served one request at a time
 * for `pipelineFallbackTime`.
 *
 * @module
 */
import { AbortError, ClientClosedError, QueueFullError, TimeoutError } from "../errors.ts";
import type { Debugger } from "../debug/debugger.ts";
import type { Limits } from "../limits.ts";
import type { HttpResponse, Timings } from "../response.ts";
import type { ClientRequest } from "../request.ts";
import type { TlsConnectOptions, Transport } from "../runtime/types.ts";
import { Connection } from "./connection.ts";
import { Exchange } from "./exchange.ts";
import { mayReplay } from "./replay.ts";
import { CachingResolver, type ResolveFunction } from "./resolver.ts";
import { Origin, type Target } from "./target.ts";

/** What the pool is configured with. */
export interface PoolOptions {
  /** Limits and timeouts. */
  limits: Limits;
  /** Socket API. */
  transport: Transport;
  /** Client IPs rotated over new connections. */
  clientIps: readonly string[];
  /** TLS settings for https origins. */
  tls: TlsConnectOptions;
  /** Name resolution hook. */
  resolve?: ResolveFunction;
  /** Debug output, when any level is on. */
  debug: Debugger | null;
}

/**
 * Counters for tests, the CLI summary and debugging.
 *
 * @example
 * ```ts
 * import { Client, type PoolStats } from "../../mod.ts";
 * await using client = new Client();
 * const stats: PoolStats = client.stats;
 * console.log(stats.connections, stats.queued, stats.pipelined);
 * ```
 */
export interface PoolStats {
  /** Connections open or opening. */
  connections: number;
  /** Connections ever opened. */
  connectionsOpened: number;
  /** Requests waiting for a connection. */
  queued: number;
  /** Requests dispatched to the pool (each redirect hop and retry counts). */
  requests: number;
  /** Requests written behind another one on the same connection. */
  pipelined: number;
  /** Requests sent again after their connection died. */
  replayed: number;
  /**
   * Open or opening connections per target that has any, keyed
   * `http://host:port`, or `http://host:port from 10.0.0.2` for a client IP.
   */
  targets: Record<string, number>;
}

/** Pool of connections for one client. */
export class Pool {
  #limits: Limits;
  #transport: Transport;
  #clientIps: readonly string[];
  #tls: TlsConnectOptions;
  #resolver: CachingResolver;
  #debug: Debugger | null;
  #origins = new Map<string, Origin>();
  #originsByUrlOrigin = new Map<string, Origin>();
  #idle = new Set<Connection>();
  #total = 0;
  #queued = 0;
  #ipCursor = 0;
  #closed = false;
  #draining = false;
  #drainAgain = false;
  #drainCursor = 0;
  #queueTimers = new Map<Exchange, ReturnType<typeof setTimeout>>();
  #stats = { connectionsOpened: 0, requests: 0, pipelined: 0, replayed: 0 };

  /** Create a pool. */
  constructor(options: PoolOptions) {
    this.#limits = options.limits;
    this.#transport = options.transport;
    this.#clientIps = options.clientIps;
    this.#tls = options.tls;
    this.#resolver = new CachingResolver(options.resolve, options.limits.resolveTtl);
    this.#debug = options.debug;
  }

  /**
   * The debugger of a pool event when the pool level is on, else null. Call
   * sites use `this.#poolDebug(exchange)?.emit(...)`: when it is off, the
   * optional call evaluates no argument, so no message is built.
   */
  #poolDebug(exchange: Exchange | undefined): Debugger | null {
    const debug = exchange?.request.debug ?? this.#debug;
    return debug?.flags.pool ? debug : null;
  }

  /** Current counters. */
  get stats(): PoolStats {
    const targets: Record<string, number> = {};
    for (const origin of this.#origins.values()) {
      for (const target of origin.targets.values()) {
        if (target.count === 0) continue;
        targets[target.clientIp === undefined ? origin.key : `${origin.key} from ${target.clientIp}`] =
          target.count;
      }
    }
    return { ...this.#stats, connections: this.#total, queued: this.#queued, targets };
  }

  /** Send a request; resolves with its response once the head arrived. */
  dispatch(request: ClientRequest, timings: Timings): Promise<HttpResponse> {
    if (this.#closed) return Promise.reject(new ClientClosedError());
    this.#stats.requests++;
    let exchange: Exchange;
    try {
      exchange = new Exchange(request, timings);
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = request.signal;
    if (signal !== undefined) {
      if (signal.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));
      const onAbort = () => this.#abort(exchange, new AbortError(undefined, { cause: signal.reason }));
      signal.addEventListener("abort", onAbort, { once: true });
      exchange.onDone = () => signal.removeEventListener("abort", onAbort);
    }
    this.#schedule(exchange, false);
    return exchange.promise;
  }

  /** Close every connection and fail every waiting request with `ERR_CLIENT_CLOSED`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const error = new ClientClosedError();
    for (const origin of this.#origins.values()) {
      for (let exchange = origin.queue.shift(); exchange !== undefined; exchange = origin.queue.shift()) {
        this.#unqueued(exchange);
        exchange.reject(error);
      }
      for (const target of origin.targets.values()) {
        for (const connection of [...target.connections]) connection.close(error);
      }
    }
  }

  // ---- scheduling --------------------------------------------------------

  #origin(url: URL): Origin {
    // `url.origin` is one getter and names the same (scheme, host, port).
    const known = this.#originsByUrlOrigin.get(url.origin);
    if (known !== undefined) return known;
    const secure = url.protocol === "https:";
    const port = url.port === "" ? (secure ? 443 : 80) : Number(url.port);
    const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    const key = `${url.protocol}//${hostname}:${port}`;
    let origin = this.#origins.get(key);
    if (origin === undefined) {
      origin = new Origin(key, secure, hostname, port);
      this.#origins.set(key, origin);
    }
    this.#originsByUrlOrigin.set(url.origin, origin);
    return origin;
  }

  #schedule(exchange: Exchange, front: boolean): void {
    const origin = this.#origin(exchange.request.url);
    if (front || origin.queue.length === 0) {
      if (this.#assign(origin, exchange)) return;
    }
    if (!front && this.#queued >= this.#limits.maxQueuedRequests) {
      exchange.reject(new QueueFullError(this.#limits.maxQueuedRequests));
      return;
    }
    if (front) origin.queue.unshift(exchange);
    else origin.queue.push(exchange);
    this.#queued++;
    exchange.timings.queued = 0;
    this.#poolDebug(exchange)?.emit(
      "pool",
      "queued",
      { request: exchange.id },
      `${exchange.request.method} ${exchange.request.url.href} waiting for a connection (${origin.queue.length} waiting for ${origin.key}, ${this.#queued} in all)`,
      { waiting: origin.queue.length, queued: this.#queued },
    );
    const queueTimeout = this.#limits.queueTimeout;
    if (queueTimeout > 0) {
      this.#queueTimers.set(
        exchange,
        setTimeout(() => {
          if (origin.queue.remove(exchange)) {
            this.#unqueued(exchange);
            exchange.reject(new TimeoutError("queue", queueTimeout));
          }
        }, queueTimeout),
      );
    }
  }

  #unqueued(exchange: Exchange): void {
    this.#queued--;
    exchange.timings.queued = Date.now() - exchange.timings.start;
    const timer = this.#queueTimers.get(exchange);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.#queueTimers.delete(exchange);
    }
  }

  /** Steps (a)-(c) of the algorithm; false when the request must wait. */
  #assign(origin: Origin, exchange: Exchange): boolean {
    const pin = exchange.request.clientIp;
    for (const target of origin.targets.values()) {
      if (pin !== undefined && target.clientIp !== pin) continue;
      const connection = target.takeIdle();
      if (connection !== undefined) {
        this.#idle.delete(connection);
        this.#gotConnection(exchange);
        this.#poolDebug(exchange)?.emit(
          "pool",
          "start",
          { target: target.id, connection: connection.id, request: exchange.id },
          `${exchange.request.method} ${exchange.request.url.href} on an idle connection`,
        );
        connection.send(exchange);
        return true;
      }
    }
    const target = this.#targetForNewConnection(origin, pin);
    if (target !== undefined) {
      this.#open(target, exchange);
      return true;
    }
    const depth = this.#limits.maxPipelinedRequests;
    if (depth > 0 && exchange.replayable && origin.pipelineOffUntil <= Date.now()) {
      // The connection with the fewest requests in flight; the count is
      // compared first, so most connections cost one load (this runs per request).
      let best: Connection | undefined;
      let bestInFlight = depth + 2;
      search: for (const candidate of origin.targets.values()) {
        if (pin !== undefined && candidate.clientIp !== pin) continue;
        for (const connection of candidate.connections) {
          const inFlight = connection.inFlight.length;
          if (inFlight >= bestInFlight || !connection.canTakePipelined(exchange, depth)) continue;
          best = connection;
          bestInFlight = inFlight;
          if (inFlight === 0) break search;
        }
      }
      if (best !== undefined) {
        this.#gotConnection(exchange);
        this.#poolDebug(exchange)?.emit(
          "pool",
          "pipeline",
          { target: (best.owner as Target).id, connection: best.id, request: exchange.id },
          `${exchange.request.method} ${exchange.request.url.href} behind ${best.inFlight.length} in flight`,
          { ahead: best.inFlight.length },
        );
        if (best.inFlight.length > 0) this.#stats.pipelined++;
        else this.#idleTaken(best);
        best.send(exchange);
        return true;
      }
    }
    return false;
  }

  /**
   * The request got a connection (or starts opening one): `queued` is now,
   * and the connection phases are those of this attempt only.
   */
  #gotConnection(exchange: Exchange): void {
    const timings = exchange.timings;
    timings.queued = Date.now() - timings.start;
    timings.dns = timings.connect = timings.tls = undefined;
  }

  #idleTaken(connection: Connection): void {
    this.#idle.delete(connection);
    (connection.owner as Target).dropIdle(connection);
  }

  /** Step (b): a target that may open one more connection now, or undefined. */
  #targetForNewConnection(origin: Origin, pin: string | undefined): Target | undefined {
    const ips = this.#clientIps;
    const count = pin !== undefined || ips.length === 0 ? 1 : ips.length;
    for (let i = 0; i < count; i++) {
      const index = (this.#ipCursor + i) % Math.max(1, ips.length);
      const ip = pin ?? ips[index];
      const target = origin.target(ip);
      if (target.count >= this.#limits.maxConnPerTarget) continue;
      if (this.#total >= this.#limits.maxConn && !this.#evictIdle(target)) return undefined;
      if (pin === undefined && ips.length > 0) this.#ipCursor = (index + 1) % ips.length;
      return target;
    }
    return undefined;
  }

  /** Close the least recently used idle connection of another target to free a global slot. */
  #evictIdle(except: Target): boolean {
    for (const connection of this.#idle) {
      if (connection.owner === except) continue;
      this.#idleTaken(connection);
      this.#poolDebug(undefined)?.emit(
        "pool",
        "evict",
        { target: (connection.owner as Target).id, connection: connection.id },
        `idle connection closed: maxConn ${this.#limits.maxConn} reached and target T${except.id} needs one`,
      );
      this.#withoutDrain(() => connection.close(new AbortError("closed to make room for another target")));
      return true;
    }
    return false;
  }

  #open(target: Target, exchange: Exchange): void {
    target.connecting++;
    this.#total++;
    this.#stats.connectionsOpened++;
    const origin = target.origin;
    const request = exchange.request;
    const timings = exchange.timings;
    this.#gotConnection(exchange);
    this.#poolDebug(exchange)?.emit(
      "pool",
      "open",
      { target: target.id, request: exchange.id },
      `${request.method} ${request.url.href} on a new connection from ${
        target.clientIp ?? "the default address"
      } (target ${target.count}/${this.#limits.maxConnPerTarget}, total ${this.#total}/${this.#limits.maxConn})`,
      { clientIp: target.clientIp ?? null, targetConnections: target.count, totalConnections: this.#total },
    );
    (async () => {
      const address = await this.#resolver.lookup(origin.hostname);
      timings.dns = Date.now() - timings.start;
      const tls = origin.secure
        ? { ...this.#tls, serverName: this.#tls.serverName ?? origin.hostname }
        : undefined;
      return await this.#transport.connect({
        host: address,
        port: origin.port,
        tls,
        localAddress: target.clientIp,
        connectTimeout: request.connectTimeout ?? this.#limits.connectTimeout,
        onTcpConnect: tls === undefined ? undefined : () => {
          timings.connect = Date.now() - timings.start;
        },
      });
    })().then((conn) => {
      const connected = Date.now() - timings.start;
      if (origin.secure) {
        // A transport that cannot report the TCP connect separately: both at once.
        timings.connect ??= connected;
        timings.tls = connected;
      } else {
        timings.connect = connected;
      }
      target.connecting--;
      if (this.#closed) {
        conn.close();
        this.#total--;
        exchange.reject(new ClientClosedError());
        return;
      }
      const connection = new Connection(conn, target, this.#limits, {
        available: (c) => this.#available(c),
        closed: (c, unanswered, cause) => this.#connectionClosed(c, unanswered, cause),
      }, this.#debug);
      target.connections.add(connection);
      this.#poolDebug(exchange)?.emit(
        "pool",
        "connect",
        { target: target.id, connection: connection.id, request: exchange.id },
        `${conn.localAddress}:${conn.localPort} -> ${origin.key} (${conn.remoteAddress}) in ${connected} ms (target ${target.count}, total ${this.#total})`,
        { localAddress: conn.localAddress, targetConnections: target.count, totalConnections: this.#total },
      );
      if (exchange.settled) this.#available(connection);
      else connection.send(exchange);
    }, (error) => {
      target.connecting--;
      this.#total--;
      this.#poolDebug(exchange)?.emit(
        "pool",
        "connect",
        { target: target.id, request: exchange.id },
        `failed: ${(error as Error).message} (target ${target.count}, total ${this.#total})`,
        { failed: true, targetConnections: target.count, totalConnections: this.#total },
      );
      exchange.reject(error);
      this.#drainAll();
    });
  }

  // ---- events from connections ------------------------------------------

  #available(connection: Connection): void {
    const target = connection.owner as Target;
    if (connection.inFlight.length === 0 && !connection.closing) {
      if (!target.idle.includes(connection)) target.idle.push(connection);
      this.#idle.delete(connection);
      this.#idle.add(connection);
    }
    this.#drain(target.origin);
    connection.startIdleIfUnused();
  }

  #connectionClosed(connection: Connection, unanswered: Exchange[], cause: unknown): void {
    const target = connection.owner as Target;
    const origin = target.origin;
    target.connections.delete(connection);
    this.#idleTaken(connection);
    this.#total--;
    this.#poolDebug(undefined)?.emit(
      "pool",
      "close",
      { target: target.id, connection: connection.id },
      `${
        (cause as Error).message ?? cause
      } (target ${target.count}, total ${this.#total}, ${unanswered.length} unanswered)`,
      { targetConnections: target.count, totalConnections: this.#total, unanswered: unanswered.length },
    );
    if (this.#closed) {
      for (const exchange of unanswered) exchange.reject(cause);
      return;
    }
    if (unanswered.length > 0 && connection.responsesDone > 0 && !(cause instanceof AbortError)) {
      origin.pipelineBreaks++;
      if (origin.pipelineBreaks >= 2) {
        origin.pipelineBreaks = 0;
        origin.pipelineOffUntil = Date.now() + this.#limits.pipelineFallbackTime;
        this.#poolDebug(undefined)?.emit(
          "pool",
          "fallback",
          { target: target.id },
          `${origin.key} broke pipelines twice: one request at a time for ${this.#limits.pipelineFallbackTime} ms`,
        );
      }
    }
    // Replay in order: unshift from the last so the first ends up in front.
    for (let i = unanswered.length - 1; i >= 0; i--) {
      const exchange = unanswered[i];
      const stale = i === 0 && exchange.reusedConnection && !exchange.responseStarted;
      // The first unanswered request of a fresh connection failed on its own:
      // that is for the caller (and the retry middleware) to decide, not a
      // replay. Replays are for requests that were written behind others, or
      // sent on a connection the server had already closed.
      const ownFailure = i === 0 && !exchange.reusedConnection && exchange.written;
      const replay = !ownFailure && exchange.replays < this.#limits.maxReplays && mayReplay({
        method: exchange.request.method,
        bodyReplayable: exchange.bodyReplayable,
        written: exchange.written,
        responseStarted: exchange.responseStarted,
        staleConnection: stale,
        alreadyReplayedStale: exchange.replayedStale,
      });
      if (!replay || exchange.settled) {
        exchange.reject(cause);
        continue;
      }
      exchange.replays++;
      if (stale && !exchange.replayable) exchange.replayedStale = true;
      exchange.written = false;
      exchange.responseStarted = false;
      this.#stats.replayed++;
      this.#poolDebug(exchange)?.emit(
        "pool",
        "replay",
        { target: target.id, request: exchange.id },
        `${exchange.request.method} ${exchange.request.url.href} sent again (replay ${exchange.replays})`,
        { replays: exchange.replays },
      );
      this.#schedule(exchange, true);
    }
    this.#drainAll();
  }

  #abort(exchange: Exchange, error: AbortError): void {
    const origin = this.#origin(exchange.request.url);
    if (origin.queue.remove(exchange)) {
      this.#unqueued(exchange);
      exchange.reject(error);
      return;
    }
    for (const target of origin.targets.values()) {
      for (const connection of target.connections) {
        if (connection.inFlight.includes(exchange)) {
          connection.abort(exchange, error);
          return;
        }
      }
    }
    exchange.reject(error);
  }

  // ---- waking waiters ----------------------------------------------------

  #withoutDrain(action: () => void): void {
    const was = this.#draining;
    this.#draining = true;
    try {
      action();
    } finally {
      this.#draining = was;
    }
  }

  /** Serve an origin's waiters while connections can take them. */
  #drain(origin: Origin): void {
    if (this.#draining) {
      this.#drainAgain = true;
      return;
    }
    this.#draining = true;
    try {
      this.#serve(origin);
    } finally {
      this.#draining = false;
    }
    if (this.#drainAgain) this.#drainAll();
  }

  #serve(origin: Origin): boolean {
    let served = false;
    while (origin.queue.length > 0) {
      const exchange = origin.queue.shift()!;
      if (exchange.settled) {
        this.#unqueued(exchange);
        continue;
      }
      if (!this.#assign(origin, exchange)) {
        origin.queue.unshift(exchange);
        break;
      }
      this.#unqueued(exchange);
      served = true;
    }
    return served;
  }

  /** A global slot may have freed: serve origins with waiters round-robin. */
  #drainAll(): void {
    if (this.#draining) {
      this.#drainAgain = true;
      return;
    }
    this.#draining = true;
    try {
      do {
        this.#drainAgain = false;
        const origins = [...this.#origins.values()].filter((origin) => origin.queue.length > 0);
        if (origins.length === 0) break;
        const start = this.#drainCursor++ % origins.length;
        for (let i = 0; i < origins.length; i++) this.#serve(origins[(start + i) % origins.length]);
      } while (this.#drainAgain);
    } finally {
      this.#draining = false;
    }
  }
}
