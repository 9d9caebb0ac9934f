/**
 * The debug event stream: structured events to a sink the user can replace;
 * the default sink prints one line per event to stderr. Callers check a
 * level's flag first, so nothing is built when a level is off.
 *
 * @module
 */
import type { DebugFlags, DebugLevel } from "./levels.ts";

/**
 * One debug event, as the sink receives it.
 *
 * @example
 * ```ts
 * import { Client, type DebugEvent } from "../../mod.ts";
 * const events: DebugEvent[] = [];
 * await using client = new Client({ debug: "pool,protocol", debugSink: (event) => events.push(event) });
 * ```
 */
export interface DebugEvent {
  /** Its level. */
  level: DebugLevel;
  /** Short event name, e.g. `connect`, `queued`, `send`, `recv`, `retry`. */
  event: string;
  /** Epoch milliseconds. */
  time: number;
  /** Target id (`T1`), when the event concerns one. */
  target?: string;
  /** Connection id (`C3`). */
  connection?: string;
  /** Request id (`R12`). */
  request?: string;
  /** Human-readable details. */
  message: string;
  /** Structured details. */
  data?: Record<string, unknown>;
}

/**
 * Receives debug events.
 *
 * @example
 * ```ts
 * import { Client, type DebugSink, formatDebugEvent } from "../../mod.ts";
 * const lines: string[] = [];
 * const sink: DebugSink = (event) => lines.push(formatDebugEvent(event));
 * await using client = new Client({ debug: true, debugSink: sink });
 * ```
 */
export type DebugSink = (event: DebugEvent) => void;

/**
 * Ids an event may carry.
 *
 * @example
 * ```ts
 * import type { DebugIds, Middleware } from "../../mod.ts";
 * const note: Middleware = (request, next) => {
 *   const ids: DebugIds = {};
 *   request.debug?.emit("protocol", "note", ids, `sending ${request.url.href}`);
 *   return next(request);
 * };
 * ```
 */
export interface DebugIds {
  /** Target number. */
  target?: number;
  /** Connection number. */
  connection?: number;
  /** Request number. */
  request?: number;
}

/**
 * Format an event as one line: time, level, ids, event, message.
 *
 * @example
 * ```ts
 * import { formatDebugEvent } from "./debugger.ts";
 * formatDebugEvent({ level: "pool", event: "connect", time: 0, target: "T1", connection: "C1", message: "127.0.0.1:80" });
 * ```
 */
export function formatDebugEvent(event: DebugEvent): string {
  const time = new Date(event.time).toISOString().slice(11, 23);
  const ids = [event.target ?? "", event.connection ?? "", event.request ?? ""].map((id) => id.padEnd(4))
    .join(" ");
  return `${time} ${event.level.padEnd(8)} ${ids} ${event.event.padEnd(10)} ${event.message}`;
}

let lastRequestId = 0;

/**
 * A new request id (the `12` of `R12`), unique in this process.
 *
 * @example
 * ```ts
 * import { newRequestId } from "./debugger.ts";
 * console.log(`R${newRequestId()}`);
 * ```
 */
export function newRequestId(): number {
  return ++lastRequestId;
}

/** The default sink: one line per event on stderr. */
export const stderrSink: DebugSink = (event) => console.error(formatDebugEvent(event));

/**
 * Emits events for the levels that are on.
 *
 * @example
 * ```ts
 * import { Debugger } from "./debugger.ts";
 * import { parseDebugLevels } from "./levels.ts";
 * const events: unknown[] = [];
 * const debug = new Debugger(parseDebugLevels("pool")!, (event) => events.push(event));
 * if (debug.flags.pool) debug.emit("pool", "queued", { request: 1 }, "waiting for a connection");
 * ```
 */
export class Debugger {
  /** Which levels are on: check before building a message. */
  readonly flags: DebugFlags;
  /**
   * The request this debugger reports for (see {@link Debugger.forRequest}):
   * events without a request id get this one.
   */
  readonly requestId: number | undefined;
  readonly #sink: DebugSink;

  /** Create a debugger for some levels and a sink (and a request). */
  constructor(flags: DebugFlags, sink: DebugSink = stderrSink, requestId?: number) {
    this.flags = flags;
    this.#sink = sink;
    this.requestId = requestId;
  }

  /**
   * The same levels and sink for one request: every event it emits carries
   * the request's id, middleware events included, and its redirect hops,
   * retries and replays keep it.
   */
  forRequest(requestId: number): Debugger {
    return new Debugger(this.flags, this.#sink, requestId);
  }

  /** Send one event (the caller checked `flags[level]`). */
  emit(
    level: DebugLevel,
    event: string,
    ids: DebugIds,
    message: string,
    data?: Record<string, unknown>,
  ): void {
    const request = ids.request ?? this.requestId;
    this.#sink({
      level,
      event,
      time: Date.now(),
      target: ids.target === undefined ? undefined : `T${ids.target}`,
      connection: ids.connection === undefined ? undefined : `C${ids.connection}`,
      request: request === undefined ? undefined : `R${request}`,
      message,
      data,
    });
  }

  /** A debugger with more levels on, sharing this one's sink (a request's own `debug` option). */
  with(flags: DebugFlags): Debugger {
    const merged = { ...this.flags };
    for (const level of Object.keys(flags) as DebugLevel[]) if (flags[level]) merged[level] = true;
    return new Debugger(merged, this.#sink);
  }
}

const MAX_PRINTED_RUN = 256;

/**
 * Show raw bytes as text: printable ASCII kept, CR and LF as `\r` `\n`,
 * other control and non-ASCII bytes as `\xNN`; past `limit` bytes the rest
 * is cut and counted.
 *
 * @example
 * ```ts
 * import { escapeBytes } from "./debugger.ts";
 * escapeBytes(new TextEncoder().encode("GET / HTTP/1.1\r\n")); // "GET / HTTP/1.1\\r\\n"
 * ```
 */
export function escapeBytes(bytes: Uint8Array, limit = MAX_PRINTED_RUN): string {
  const shown = Math.min(bytes.length, limit);
  let text = "";
  for (let i = 0; i < shown; i++) {
    const byte = bytes[i];
    if (byte === 13) text += "\\r";
    else if (byte === 10) text += "\\n";
    else if (byte === 92) text += "\\\\";
    else if (byte >= 32 && byte < 127) text += String.fromCharCode(byte);
    else text += "\\x" + byte.toString(16).padStart(2, "0");
  }
  if (bytes.length > shown) text += `... (${bytes.length - shown} more bytes)`;
  return text;
}
