/**
 * One socket and the requests on it: writes requests (pipelined when allowed),
 * reads responses in order through the sans-I/O parser, keeps keep-alive
 * state, and tells the pool when it can take more work or has died.
 *
 * Reading is pull-driven: the head of the first unanswered request is read as
 * soon as it is written; its body is read only when the caller pulls
 * (backpressure for free). When the bytes of a body are not buffered, a pull
 * reads straight from the socket into the caller's buffer (BYOB, no copy).
 *
 * @module
 */
import type { BodySource } from "../body_source.ts";
import {
  AbortError,
  BodyTooLargeError,
  HttpClientError,
  InvalidRequestError,
  ParseError,
  SocketError,
  TimeoutError,
} from "../errors.ts";
import { chunkHeader, CRLF, LAST_CHUNK } from "../http1/request_head.ts";
import { smallBytes } from "../http1/small_bytes.ts";
import type { BodyDecoder } from "../http1/body.ts";
import { createBodyDecoder } from "../http1/body.ts";
import {
  findHeadEnd,
  isInterim,
  keepsAlive,
  parseResponseHead,
  responseFraming,
  type ResponseHead,
} from "../http1/response_head.ts";
import type { Debugger } from "../debug/debugger.ts";
import { escapeBytes } from "../debug/debugger.ts";
import { describeError } from "../debug/describe_error.ts";
import type { Limits } from "../limits.ts";
import { HttpResponse } from "../response.ts";
import { afterCurrentTurn, type TimerHandle, unrefTimeout } from "../runtime/timers.ts";
import type { Conn } from "../runtime/types.ts";
import type { Exchange } from "./exchange.ts";

/** What a connection reports to its pool. */
export interface ConnectionEvents {
  /** The connection can take another request (it finished a response, or proved it can pipeline). */
  available(connection: Connection): void;
  /** The connection closed; `unanswered` got no response and may be replayed. */
  closed(connection: Connection, unanswered: Exchange[], cause: unknown): void;
}

/** The state of a response body being read. */
interface BodyState {
  exchange: Exchange;
  decoder: BodyDecoder;
  pendingStart: number;
  pendingEnd: number;
  encodedBytes: number;
  finished: boolean;
  error: unknown;
}

const SMALL_BODY = 64 * 1024;
let nextConnectionId = 1;

/** A connection of a target. */
export class Connection {
  /** Short id for debug output (`C3`). */
  readonly id = nextConnectionId++;
  /** Opaque owner (the target). */
  readonly owner: unknown;
  /** Requests written or being written, in order; the first one's response is being read. */
  readonly inFlight: Exchange[] = [];
  /** The connection proved HTTP/1.1 keep-alive: more requests may be written ahead. */
  canPipeline = false;
  /** No new request may be sent (Connection: close, HTTP/1.0, request limit, or dying). */
  closing = false;
  /** Closed: never hand it out. */
  closed = false;
  /** Responses completed on it. */
  responsesDone = 0;
  /** Requests sent on it. */
  requestsSent = 0;
  /** When it last finished a response (ms). */
  lastActive = Date.now();
  #conn: Conn;
  /** `#conn` reports to the stream level (the client's debug option, or a request's). */
  #traced: boolean;
  #limits: Limits;
  #debug: Debugger | null;
  #targetId: number;
  #events: ConnectionEvents;
  #buf: Uint8Array;
  #start = 0;
  #end = 0;
  #eof = false;
  #filling: Promise<void> | null = null;
  /** Bytes of an unfinished head already searched for its end (see `#bufferedHead`). */
  #headScanned = 0;
  #writeChain: Promise<void> = Promise.resolve();
  #outbox: Exchange[] = [];
  readonly #flushNow = (): Promise<void> => this.#flushOutbox();
  readonly #flushAfterTurn = (): Promise<void> => afterCurrentTurn().then(this.#flushNow);
  #serverKeepAliveMs: number | null = null;
  /** The response whose body is being read: always that of `inFlight[0]` (responses are read in order). */
  #body: BodyState | undefined;
  /** One timer per connection serves every deadline (see `#arm`). */
  #timer: TimerHandle | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #idleDeadline = Number.POSITIVE_INFINITY;

  /** Wrap an open socket; `debug` (if any) gets pool, protocol, stream and errors events. */
  constructor(
    conn: Conn,
    owner: { id: number },
    limits: Limits,
    events: ConnectionEvents,
    debug: Debugger | null,
  ) {
    this.#traced = debug?.flags.stream === true;
    this.#conn = this.#traced && debug !== null ? tracedConn(conn, debug, owner.id, this.id) : conn;
    this.#debug = debug;
    this.#targetId = owner.id;
    this.owner = owner;
    this.#limits = limits;
    this.#events = events;
    this.#buf = new Uint8Array(limits.readBufferSize);
  }

  /** Local address of the socket (the client IP). */
  get localAddress(): string {
    return this.#conn.localAddress;
  }

  /** Idle: open, nothing in flight. */
  get idle(): boolean {
    return !this.closed && !this.closing && this.inFlight.length === 0;
  }

  /**
   * Whether `exchange` may be written behind the requests in flight (RFC 9112
   * §9.3.2): only idempotent requests with replayable bodies, on a connection
   * that proved keep-alive, under the depth limit, and never behind a
   * non-idempotent or streamed request.
   */
  canTakePipelined(exchange: Exchange, depth: number): boolean {
    if (this.closed || this.closing || !this.canPipeline || !exchange.replayable) return false;
    if (this.inFlight.length === 0) return true;
    if (this.inFlight.length > depth) return false;
    const last = this.inFlight[this.inFlight.length - 1];
    return last.replayable;
  }

  /** Write a request on this connection and start reading its response when its turn comes. */
  send(exchange: Exchange): void {
    this.#stopIdle();
    const requestDebug = exchange.request.debug;
    if (!this.#traced && requestDebug?.flags.stream) {
      // A request's own `stream` level: the raw bytes are the connection's, so
      // its traffic is traced from here on (for later requests on it too).
      this.#traced = true;
      this.#conn = tracedConn(this.#conn, requestDebug, this.#targetId, this.id);
    }
    exchange.reusedConnection = this.responsesDone > 0 || this.inFlight.length > 0;
    this.inFlight.push(exchange);
    this.requestsSent++;
    const max = this.#limits.maxRequestsPerConnection;
    if ((max > 0 && this.requestsSent >= max) || exchange.head.close) this.closing = true;
    const body = exchange.request.body;
    if (
      body === null ||
      (body.kind === "bytes" && body.bytes.length <= SMALL_BODY && exchange.head.framing.kind === "length")
    ) {
      // Small requests queue up and go out together: pipelined requests
      // written in the same tick share one write.
      this.#outbox.push(exchange);
      if (this.#outbox.length === 1) {
        // Behind requests in flight (pipelining), wait for the end of this
        // turn: the responses read in one go let their callers send their next
        // requests, and all of those go out in one write.
        this.#writeChain = this.#writeChain.then(
          this.inFlight.length > 1 ? this.#flushAfterTurn : this.#flushNow,
        );
      }
    } else {
      this.#writeChain = this.#writeChain.then(() => this.#write(exchange));
    }
    if (this.inFlight.length === 1) this.#readResponse(exchange);
    const debug = exchange.request.debug ?? this.#debug;
    if (debug?.flags.protocol) {
      const head = new TextDecoder("latin1").decode(exchange.head.bytes).trimEnd().split("\r\n");
      for (const line of head) debug.emit("protocol", "=>", this.#ids(exchange), line);
    }
  }

  #ids(exchange: Exchange): { target: number; connection: number; request: number } {
    return { target: this.#targetId, connection: this.id, request: exchange.id };
  }

  /** Fail one request in flight (abort): the connection closes, the others go back to the pool. */
  abort(exchange: Exchange, error: unknown): void {
    if (this.inFlight.includes(exchange)) this.#fail(error, exchange);
  }

  /** Close the connection; requests in flight without a response are handed back as unanswered. */
  close(cause: unknown = new AbortError("connection closed")): void {
    this.#fail(cause, undefined);
  }

  // ---- writing -----------------------------------------------------------

  /** Write every queued small request in one write. */
  async #flushOutbox(): Promise<void> {
    const batch = this.#outbox;
    this.#outbox = [];
    if (this.closed) return;
    let size = 0;
    for (const exchange of batch) {
      size += exchange.head.bytes.length;
      const body = exchange.request.body;
      if (body !== null && body.kind === "bytes") size += body.bytes.length;
      exchange.written = true;
      this.#setDeadline(exchange, "request", exchange.request.requestTimeout ?? this.#limits.requestTimeout);
    }
    let bytes: Uint8Array;
    const first = batch[0];
    if (batch.length === 1 && (first.request.body === null || first.request.body.kind !== "bytes")) {
      bytes = first.head.bytes;
    } else {
      bytes = smallBytes(size);
      let offset = 0;
      for (const exchange of batch) {
        bytes.set(exchange.head.bytes, offset);
        offset += exchange.head.bytes.length;
        const body = exchange.request.body;
        if (body !== null && body.kind === "bytes") {
          bytes.set(body.bytes, offset);
          offset += body.bytes.length;
        }
      }
    }
    try {
      await this.#conn.write(bytes);
    } catch (error) {
      this.#writeFailed(first, error);
      return;
    }
    for (const exchange of batch) this.#sent(exchange);
  }

  /** Write a request with a large or streamed body on its own. */
  async #write(exchange: Exchange): Promise<void> {
    if (this.closed) return;
    const request = exchange.request;
    this.#setDeadline(exchange, "request", request.requestTimeout ?? this.#limits.requestTimeout);
    try {
      exchange.written = true;
      const head = exchange.head;
      const body = request.body;
      await this.#conn.write(head.bytes);
      if (body !== null && body.kind === "bytes") {
        if (head.framing.kind === "chunked") {
          if (body.bytes.length > 0) await this.#writeChunk(body.bytes);
          await this.#conn.write(LAST_CHUNK);
        } else {
          await this.#conn.write(body.bytes);
        }
      } else if (body !== null) {
        await this.#writeStream(exchange, body.stream);
      }
    } catch (error) {
      this.#writeFailed(exchange, error);
      return;
    }
    this.#sent(exchange);
  }

  #writeFailed(exchange: Exchange, error: unknown): void {
    if (this.closed) return;
    // A server may answer early (e.g. 413) and close before the body is
    // written: the response it sent wins over the write error.
    if (exchange.responseStarted) {
      this.closing = true;
      return;
    }
    const cause = error instanceof HttpClientError
      ? error
      : new SocketError("write failed", { cause: error });
    this.#fail(cause, error instanceof HttpClientError && error.code !== "ERR_SOCKET" ? exchange : undefined);
  }

  /** The request is on the wire: its reply timeout runs until the end of its response. */
  #sent(exchange: Exchange): void {
    exchange.timings.sent = Date.now() - exchange.timings.start;
    const debug = exchange.request.debug ?? this.#debug;
    if (debug?.flags.protocol) {
      const body = exchange.request.body;
      const size = body === null
        ? "no body"
        : body.kind === "bytes"
        ? `${body.bytes.length} body bytes`
        : "streamed body";
      debug.emit(
        "protocol",
        ">>",
        this.#ids(exchange),
        `request sent (${size}) at ${exchange.timings.sent} ms`,
        {
          bytes: body?.kind === "bytes" ? body.bytes.length : null,
          ms: exchange.timings.sent,
        },
      );
    }
    if (this.inFlight.includes(exchange)) {
      this.#setDeadline(exchange, "reply", exchange.request.replyTimeout ?? this.#limits.replyTimeout);
    }
  }

  async #writeChunk(bytes: Uint8Array): Promise<void> {
    const header = chunkHeader(bytes.length);
    const frame = new Uint8Array(header.length + bytes.length + 2);
    frame.set(header);
    frame.set(bytes, header.length);
    frame.set(CRLF, header.length + bytes.length);
    await this.#conn.write(frame);
  }

  async #writeStream(
    exchange: Exchange,
    stream: AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array>,
  ): Promise<void> {
    const framing = exchange.head.framing;
    const encoder = new TextEncoder();
    let total = 0;
    const iterable = stream instanceof ReadableStream ? readableIterator(stream) : stream;
    for await (const piece of iterable) {
      if (this.closed) return;
      const bytes = typeof piece === "string" ? encoder.encode(piece) : piece;
      // An empty chunk would end a chunked body early (a bug of the Lua original): skip it.
      if (bytes.length === 0) continue;
      total += bytes.length;
      if (framing.kind === "length" && total > framing.length) {
        throw new InvalidRequestError(`request body is longer than its Content-Length ${framing.length}`);
      }
      if (framing.kind === "chunked") await this.#writeChunk(bytes);
      else await this.#conn.write(bytes);
    }
    if (framing.kind === "chunked") await this.#conn.write(LAST_CHUNK);
    else if (framing.kind === "length" && total !== framing.length) {
      throw new InvalidRequestError(
        `request body has ${total} bytes but Content-Length is ${framing.length}`,
      );
    }
  }

  // ---- timers ------------------------------------------------------------

  /**
   * One unref'd timer per connection serves every deadline: it is re-armed
   * only when a deadline comes earlier than the armed one, and otherwise
   * fires, checks, and re-arms for the next. A busy keep-alive connection
   * thus costs no timer call per request. (A socket with a request in flight
   * keeps the process alive by itself.)
   */
  #arm(at: number): void {
    if (at >= this.#timerAt || this.closed) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = unrefTimeout(() => this.#onTimer(), Math.max(0, at - Date.now()));
  }

  #onTimer(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    if (this.closed) return;
    const now = Date.now();
    let next = this.inFlight.length === 0 ? this.#idleDeadline : Number.POSITIVE_INFINITY;
    for (const exchange of this.inFlight) {
      if (exchange.deadline <= now) {
        this.#fail(new TimeoutError(exchange.deadlinePhase, exchange.deadlineMs), exchange);
        return;
      }
      next = Math.min(next, exchange.deadline);
    }
    if (this.inFlight.length === 0 && this.#idleDeadline <= now) {
      this.#fail(new AbortError("idle timeout"), undefined);
      return;
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  }

  #setDeadline(exchange: Exchange, phase: "request" | "reply", ms: number): void {
    exchange.deadlinePhase = phase;
    exchange.deadlineMs = ms;
    exchange.deadline = ms > 0 ? Date.now() + ms : Number.POSITIVE_INFINITY;
    this.#arm(exchange.deadline);
  }

  // ---- reading -----------------------------------------------------------

  /** Read one more batch of bytes from the socket into the buffer (shared by concurrent waiters). */
  #fill(): Promise<void> {
    if (this.#filling) return this.#filling;
    if (this.#start === this.#end) {
      this.#start = this.#end = 0;
    } else if (this.#end === this.#buf.length) {
      if (this.#start > 0) {
        this.#buf.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      } else {
        // An unfinished head larger than the buffer: grow (findHeadEnd bounds it by maxHeaderSize).
        const grown = new Uint8Array(this.#buf.length * 2);
        grown.set(this.#buf);
        this.#buf = grown;
      }
    }
    const into = this.#end === 0 ? this.#buf : this.#buf.subarray(this.#end);
    const filling = this.#conn.read(into).then((count) => {
      this.#filling = null;
      if (count === null) this.#eof = true;
      else this.#end += count;
    }, (error) => {
      this.#filling = null;
      throw error instanceof HttpClientError ? error : new SocketError("read failed", { cause: error });
    });
    this.#filling = filling;
    return filling;
  }

  /**
   * The next final response head if the buffer holds all of it (interim 1xx
   * heads before it are consumed), else undefined. `#headScanned` remembers
   * how far an unfinished head was searched, so a head that arrives in many
   * small reads is not searched from its start each time.
   */
  #bufferedHead(exchange: Exchange): ResponseHead | undefined {
    const limits = this.#limits;
    while (this.#end > this.#start) {
      if (!exchange.responseStarted) {
        exchange.responseStarted = true;
        exchange.timings.firstByte = Date.now() - exchange.timings.start;
      }
      const headEnd = findHeadEnd(
        this.#buf,
        this.#start,
        this.#end,
        this.#start + Math.max(0, this.#headScanned - 3),
        limits,
      );
      if (headEnd === -1) {
        this.#headScanned = this.#end - this.#start;
        return undefined;
      }
      this.#headScanned = 0;
      const head = parseResponseHead(this.#buf, this.#start, headEnd, limits);
      this.#start = headEnd;
      if (!isInterim(head)) return head;
    }
    return undefined;
  }

  /** Read until a final response head is complete. */
  async #readHead(exchange: Exchange): Promise<ResponseHead> {
    for (;;) {
      const head = this.#bufferedHead(exchange);
      if (head !== undefined) return head;
      if (this.#eof) {
        throw exchange.responseStarted
          ? new ParseError("connection closed in the middle of a response head")
          : new SocketError("connection closed before the response");
      }
      await this.#fill();
    }
  }

  /**
   * Read the response of the request whose turn it is. A head already in
   * the buffer (pipelined responses that came in one read) is handled at
   * once, without a promise hop.
   */
  #readResponse(exchange: Exchange): void {
    let head: ResponseHead | undefined;
    try {
      head = this.#bufferedHead(exchange);
    } catch (error) {
      this.#headFailed(exchange, error);
      return;
    }
    if (head !== undefined) this.#gotHead(exchange, head);
    else {
      this.#readHead(exchange).then(
        (head) => this.#gotHead(exchange, head),
        (error) => this.#headFailed(exchange, error),
      );
    }
  }

  #headFailed(exchange: Exchange, error: unknown): void {
    if (this.closed) return;
    // Errors before any response byte leave the request unanswered (it may be replayed);
    // errors inside a response are the request's own.
    this.#fail(error, exchange.responseStarted ? exchange : undefined);
  }

  #gotHead(exchange: Exchange, head: ResponseHead): void {
    if (this.closed) return;
    const debug = exchange.request.debug ?? this.#debug;
    if (debug?.flags.protocol) {
      const ids = this.#ids(exchange);
      debug.emit("protocol", "<=", ids, `HTTP/${head.httpVersion} ${head.status} ${head.statusText}`, {
        status: head.status,
        ms: Date.now() - exchange.timings.start,
      });
      const raw = head.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) debug.emit("protocol", "<-", ids, `${raw[i]}: ${raw[i + 1]}`);
    }
    const framing = responseFraming(head, exchange.request.method);
    let decoder: BodyDecoder;
    try {
      decoder = createBodyDecoder(framing, this.#limits);
    } catch (error) {
      this.#fail(error, exchange);
      return;
    }
    const keepAlive = keepsAlive(head) && framing.kind !== "close";
    if (!keepAlive) this.closing = true;
    if (head.keepAliveTimeout !== null) this.#serverKeepAliveMs = head.keepAliveTimeout * 1000;
    if (head.keepAliveMax !== null && this.requestsSent >= head.keepAliveMax) this.closing = true;
    const provedPipelining = this.responsesDone === 0 && keepAlive && head.httpVersion === "1.1";
    if (provedPipelining) this.canPipeline = true;

    const state: BodyState = {
      exchange,
      decoder,
      pendingStart: 0,
      pendingEnd: 0,
      encodedBytes: 0,
      finished: false,
      error: undefined,
    };
    this.#body = state;
    const response = new HttpResponse({
      status: head.status,
      statusText: head.statusText,
      httpVersion: head.httpVersion,
      rawHeaders: head.rawHeaders,
      request: exchange.request,
      body: this.#bodySource(state, framing.kind === "length" ? framing.length : null),
      maxBodySize: this.#limits.maxBodySize,
      timings: exchange.timings,
      trailers: () => decoder.trailers,
    });
    if (decoder.done) this.#finish(state);
    exchange.resolve(response);
    if (provedPipelining && !state.finished) this.#events.available(this);
  }

  #bodySource(state: BodyState, length: number | null): BodySource {
    return {
      read: (into) => this.#readBody(state, into),
      cancel: (reason) => {
        if (state.finished) return;
        state.finished = true;
        this.#fail(reason ?? new AbortError("response body cancelled"), state.exchange);
      },
      length,
    };
  }

  async #readBody(state: BodyState, into: Uint8Array): Promise<number> {
    const decoder = state.decoder;
    for (;;) {
      if (state.pendingEnd > state.pendingStart) {
        const count = Math.min(into.length, state.pendingEnd - state.pendingStart);
        copyBytes(this.#buf, state.pendingStart, count, into);
        state.pendingStart += count;
        // Finish as soon as the last byte is handed out: the connection is free
        // before the caller asks for the (empty) rest.
        if (state.pendingStart === state.pendingEnd && decoder.done) this.#finish(state);
        return count;
      }
      if (decoder.done) {
        this.#finish(state);
        return 0;
      }
      if (state.error !== undefined) throw state.error;
      if (this.closed) throw new SocketError("connection closed while reading the body");
      try {
        if (this.#start < this.#end) {
          const consumed = decoder.step(this.#buf, this.#start, this.#end);
          this.#start += consumed;
          const size = decoder.dataEnd - decoder.dataStart;
          if (size > 0) {
            this.#countEncoded(state, size);
            state.pendingStart = decoder.dataStart;
            state.pendingEnd = decoder.dataEnd;
            continue;
          }
          if (consumed > 0) continue;
        }
        if (this.#eof) {
          decoder.end();
          continue;
        }
        if (this.#start === this.#end && decoder.remaining > 0 && this.#filling === null) {
          // Nothing buffered and the decoder knows how much data follows:
          // read straight into the caller's buffer.
          const want = Math.min(into.length, decoder.remaining);
          const count = await this.#conn.read(into.subarray(0, want));
          if (state.error !== undefined) throw state.error;
          if (count === null) {
            this.#eof = true;
            continue;
          }
          decoder.step(into, 0, count);
          this.#countEncoded(state, count);
          if (decoder.done) this.#finish(state);
          return count;
        }
        await this.#fill();
      } catch (error) {
        if (state.error === undefined) {
          state.error = error instanceof HttpClientError
            ? error
            : new SocketError("read failed", { cause: error });
          this.#fail(state.error, state.exchange);
        }
        throw state.error;
      }
    }
  }

  #countEncoded(state: BodyState, count: number): void {
    state.encodedBytes += count;
    if (state.encodedBytes > this.#limits.maxEncodedBodySize) {
      throw new BodyTooLargeError(this.#limits.maxEncodedBodySize);
    }
  }

  /** A response is complete: the next pipelined response is read, or the connection becomes idle or closes. */
  #finish(state: BodyState): void {
    if (state.finished) return;
    state.finished = true;
    const exchange = state.exchange;
    if (this.#body === state) this.#body = undefined;
    exchange.deadline = Number.POSITIVE_INFINITY;
    exchange.timings.done = Date.now() - exchange.timings.start;
    exchange.done();
    const debug = exchange.request.debug ?? this.#debug;
    if (debug?.flags.protocol) {
      debug.emit(
        "protocol",
        "<<",
        this.#ids(exchange),
        `body done: ${state.encodedBytes} bytes in ${exchange.timings.done} ms`,
        {
          bytes: state.encodedBytes,
        },
      );
    }
    if (this.inFlight[0] === exchange) this.inFlight.shift();
    this.responsesDone++;
    this.lastActive = Date.now();
    if (debug?.flags.pool) {
      const next = this.closing
        ? "closing"
        : this.inFlight.length > 0
        ? `${this.inFlight.length} more in flight`
        : "idle";
      debug.emit(
        "pool",
        "end",
        this.#ids(exchange),
        `${exchange.request.method} ${exchange.request.url.href} done; connection ${next}`,
        {
          inFlight: this.inFlight.length,
        },
      );
    }
    if (this.closing) {
      this.#fail(new SocketError("connection closed by the server after a response"), undefined);
      return;
    }
    if (this.inFlight.length > 0) {
      // A next head already buffered is handled here and now; its response may
      // even end (an empty body) and close the connection.
      this.#readResponse(this.inFlight[0]);
      if (this.closed) return;
    } else if (this.#start < this.#end) {
      // Bytes nobody asked for (a response to no request): the stream is out of sync.
      this.#fail(new ParseError("unexpected bytes after a response"), undefined);
      return;
    } else {
      this.#startIdle();
    }
    this.#events.available(this);
  }

  // ---- idle --------------------------------------------------------------

  /** A fresh connection whose request went away: start its idle timer and watch. */
  startIdleIfUnused(): void {
    if (!this.closed && this.inFlight.length === 0 && this.#idleDeadline === Number.POSITIVE_INFINITY) {
      this.#startIdle();
    }
  }

  #startIdle(): void {
    let ms = this.#limits.idleTimeout;
    // Close a little before the server's own Keep-Alive timeout would.
    if (this.#serverKeepAliveMs !== null) ms = Math.min(ms, Math.max(0, this.#serverKeepAliveMs - 1000));
    this.#idleDeadline = Date.now() + ms;
    this.#arm(this.#idleDeadline);
    // Watch the idle socket: a server that closes it (or sends stray bytes) is
    // noticed now, so a dead connection is never handed out.
    this.#fill().then(() => {
      if (this.inFlight.length > 0 || this.closed) return;
      this.#fail(
        this.#eof
          ? new SocketError("server closed an idle connection")
          : new ParseError("unexpected bytes on an idle connection"),
        undefined,
      );
    }, (error) => {
      if (this.inFlight.length === 0) this.#fail(error, undefined);
    });
  }

  #stopIdle(): void {
    this.#idleDeadline = Number.POSITIVE_INFINITY;
  }

  // ---- failure -----------------------------------------------------------

  /**
   * Close the socket. `culprit` (if any) gets `error`; a response whose body is
   * being read gets it too; every other request in flight is unanswered and
   * goes back to the pool, which decides whether it may be replayed.
   */
  #fail(error: unknown, culprit: Exchange | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#conn.close();
    const debug = this.#debug ?? culprit?.request.debug;
    if (
      debug?.flags.errors && !(error instanceof AbortError) &&
      (this.inFlight.length > 0 || !(error instanceof SocketError))
    ) {
      debug.emit(
        "errors",
        "error",
        { target: this.#targetId, connection: this.id, request: culprit?.id },
        describeError(error),
        {
          code: (error as { code?: unknown }).code,
        },
      );
    }
    const unanswered: Exchange[] = [];
    for (const exchange of this.inFlight) {
      const body = this.#body;
      if (body !== undefined && body.exchange === exchange) {
        if (body.error === undefined && !body.finished) body.error = error;
        exchange.done();
      } else if (exchange === culprit) {
        exchange.reject(error);
      } else {
        unanswered.push(exchange);
      }
    }
    this.inFlight.length = 0;
    this.#body = undefined;
    this.#events.closed(this, unanswered, error);
  }
}

/** Copy `count` bytes from `source[from..]` to the start of `into`; a loop beats a view for a few bytes. */
function copyBytes(source: Uint8Array, from: number, count: number, into: Uint8Array): void {
  if (count <= 64) {
    for (let i = 0; i < count; i++) into[i] = source[from + i];
  } else {
    into.set(source.subarray(from, from + count));
  }
}

/** A Conn that reports every byte read and written to the `stream` level. */
function tracedConn(conn: Conn, debug: Debugger, target: number, connection: number): Conn {
  const ids = { target, connection };
  return {
    async read(into) {
      const count = await conn.read(into);
      if (count === null) debug.emit("stream", "<", ids, "EOF");
      else {debug.emit(
          "stream",
          "<",
          ids,
          `${String(count).padStart(5)} ${escapeBytes(into.subarray(0, count))}`,
        );}
      return count;
    },
    write(bytes) {
      debug.emit("stream", ">", ids, `${String(bytes.length).padStart(5)} ${escapeBytes(bytes)}`);
      return conn.write(bytes);
    },
    close() {
      debug.emit("stream", "CC", ids, "close");
      conn.close();
    },
    get localAddress() {
      return conn.localAddress;
    },
    get localPort() {
      return conn.localPort;
    },
    get remoteAddress() {
      return conn.remoteAddress;
    },
    get remotePort() {
      return conn.remotePort;
    },
  };
}

async function* readableIterator(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
