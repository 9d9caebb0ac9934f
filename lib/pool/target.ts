/**
 * Targets and origins. A target is (scheme, host, port, client IP): the unit
 * of `maxConnPerTarget`. An origin is (scheme, host, port): its targets (one
 * per client IP) share one FIFO wait queue and one pipelining health record.
 *
 * @module
 */
import type { Connection } from "./connection.ts";
import { Deque } from "./deque.ts";
import type { Exchange } from "./exchange.ts";

let nextTargetId = 1;

/** (scheme, host, port, client IP) and its connections. */
export class Target {
  /** Short id for debug output (`T1`). */
  readonly id = nextTargetId++;
  /** The origin it belongs to. */
  readonly origin: Origin;
  /** Local address its connections bind to; undefined lets the system choose. */
  readonly clientIp: string | undefined;
  /** Open connections. */
  readonly connections = new Set<Connection>();
  /** Idle connections, most recently used last. */
  readonly idle: Connection[] = [];
  /** Connections being opened. */
  connecting = 0;

  /** Create a target of an origin. */
  constructor(origin: Origin, clientIp: string | undefined) {
    this.origin = origin;
    this.clientIp = clientIp;
  }

  /** Open plus opening connections: what `maxConnPerTarget` limits. */
  get count(): number {
    return this.connections.size + this.connecting;
  }

  /**
   * Take an idle connection: the most recently used one (LIFO), because it is
   * the least likely to have been closed by the server, and because it lets
   * surplus connections stay unused until their idle timeout closes them.
   */
  takeIdle(): Connection | undefined {
    for (;;) {
      const connection = this.idle.pop();
      if (connection === undefined) return undefined;
      if (connection.idle) return connection;
    }
  }

  /** Forget a connection in the idle list. */
  dropIdle(connection: Connection): void {
    const index = this.idle.indexOf(connection);
    if (index !== -1) this.idle.splice(index, 1);
  }
}

/** (scheme, host, port): its targets, wait queue and pipelining health. */
export class Origin {
  /** `https://host:port`. */
  readonly key: string;
  /** True for https. */
  readonly secure: boolean;
  /** Host name (or IP) as in the URL, without brackets. */
  readonly hostname: string;
  /** Port. */
  readonly port: number;
  /** Targets by client IP ("" when none). */
  readonly targets = new Map<string, Target>();
  /** Requests waiting for a connection, first come first served. */
  readonly queue = new Deque<Exchange>();
  /** Times a server closed a pipelining connection with requests outstanding. */
  pipelineBreaks = 0;
  /** Until then (ms), send one request at a time to this origin. */
  pipelineOffUntil = 0;

  /** Create an origin. */
  constructor(key: string, secure: boolean, hostname: string, port: number) {
    this.key = key;
    this.secure = secure;
    this.hostname = hostname;
    this.port = port;
  }

  /** The target for a client IP (created on first use). */
  target(clientIp: string | undefined): Target {
    const key = clientIp ?? "";
    let target = this.targets.get(key);
    if (target === undefined) {
      target = new Target(this, clientIp);
      this.targets.set(key, target);
    }
    return target;
  }
}
