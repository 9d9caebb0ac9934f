/**
 * One request on its way through the pool: its serialized head, its state on
 * a connection, and the promise of its response.
 *
 * @module
 */
import { newRequestId } from "../debug/debugger.ts";
import { InvalidRequestError } from "../errors.ts";
import { type BodyFraming, serializeRequestHead, validateHeaderValue } from "../http1/request_head.ts";
import type { HttpResponse, Timings } from "../response.ts";
import type { ClientRequest } from "../request.ts";
import { requestTarget } from "../request.ts";
import { isIdempotent } from "./replay.ts";

/** Methods whose requests carry content by definition: an empty body is sent as `Content-Length: 0`. */
const CONTENT_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** The request head bytes and framing, computed (and validated) before the request is queued. */
export interface PreparedHead {
  /** Serialized request line and header fields. */
  bytes: Uint8Array;
  /** How the body is framed on the wire. */
  framing: BodyFraming;
  /** The caller asked for `Connection: close`. */
  close: boolean;
}

/**
 * The one value of a field the client writes itself: repeated fields must
 * agree (RFC 9110 §5.3; RFC 9112 §3.2 makes two Host fields invalid), and the
 * value is checked like any other (no CR, LF or NUL, SP/HTAB trimmed).
 */
function singleValue(name: string, value: string, previous: string | null): string {
  const checked = validateHeaderValue(name, value);
  if (previous !== null && previous !== checked) throw new InvalidRequestError(`conflicting ${name} headers`);
  return checked;
}

/**
 * Validate a request and serialize its head. A caller's `Host` replaces the
 * URL's; a caller's `Content-Length` or `Transfer-Encoding` must agree with
 * the body (RFC 9112 §6.1-6.2), else `InvalidRequestError`, before any byte
 * is written.
 */
export function prepareHead(request: ClientRequest): PreparedHead {
  let host: string | null = null;
  let contentLength: string | null = null;
  let transferEncoding: string | null = null;
  let close = false;
  const headers: [string, string][] = [];
  for (const field of request.headers) {
    const lower = field[0].toLowerCase();
    if (lower === "host") host = singleValue("Host", field[1], host);
    else if (lower === "content-length") {
      contentLength = singleValue("Content-Length", field[1], contentLength);
    } else if (lower === "transfer-encoding") {
      transferEncoding = singleValue("Transfer-Encoding", field[1].toLowerCase(), transferEncoding);
    } else {
      if (lower === "connection" && /(^|,)\s*close\s*(,|$)/i.test(field[1])) close = true;
      headers.push(field);
    }
  }
  const framing = bodyFraming(request, contentLength, transferEncoding);
  const bytes = serializeRequestHead({
    method: request.method,
    target: requestTarget(request.url),
    host: host ?? request.url.host,
    headers,
    framing,
  });
  return { bytes, framing, close };
}

function bodyFraming(
  request: ClientRequest,
  contentLength: string | null,
  transferEncoding: string | null,
): BodyFraming {
  const body = request.body;
  if (contentLength !== null && transferEncoding !== null) {
    throw new InvalidRequestError("Content-Length and Transfer-Encoding together (RFC 9112 §6.2)");
  }
  if (transferEncoding !== null) {
    if (transferEncoding !== "chunked") {
      throw new InvalidRequestError(`unsupported Transfer-Encoding "${transferEncoding}" (only chunked)`);
    }
    if (body === null) {
      throw new InvalidRequestError("Transfer-Encoding: chunked on a request without a body");
    }
    return { kind: "chunked" };
  }
  let declared: number | null = null;
  if (contentLength !== null) {
    if (!/^\d{1,15}$/.test(contentLength)) {
      throw new InvalidRequestError(`invalid Content-Length "${contentLength}"`);
    }
    declared = Number(contentLength);
  }
  if (body === null) {
    if (declared !== null && declared !== 0) {
      throw new InvalidRequestError(`Content-Length ${declared} on a request without a body`);
    }
    return declared !== null || CONTENT_METHODS.has(request.method)
      ? { kind: "length", length: 0 }
      : { kind: "none" };
  }
  if (body.kind === "bytes") {
    if (declared !== null && declared !== body.bytes.length) {
      throw new InvalidRequestError(`Content-Length ${declared} but the body has ${body.bytes.length} bytes`);
    }
    return { kind: "length", length: body.bytes.length };
  }
  return declared === null ? { kind: "chunked" } : { kind: "length", length: declared };
}

/** One attempt of a request, from the queue to the end of its response. */
export class Exchange {
  /** Short id for debug output (`R12`): the request's, when it is debugged (shared by its hops and retries). */
  readonly id: number;
  /** The request. */
  readonly request: ClientRequest;
  /** Its head, serialized once. */
  readonly head: PreparedHead;
  /** Timings shared with the response. */
  readonly timings: Timings;
  /** Idempotent method and a body that can be sent again: may be pipelined and replayed. */
  readonly replayable: boolean;
  /** Bytes of this request were handed to a socket. */
  written = false;
  /** Bytes of its response arrived. */
  responseStarted = false;
  /** It was sent on a connection that had served a response before. */
  reusedConnection = false;
  /** Times it was replayed on another connection. */
  replays = 0;
  /** It was replayed once already after a stale keep-alive connection. */
  replayedStale = false;
  /** Settled (resolved or rejected). */
  settled = false;
  /** Called once when the exchange is over (body read, failed or cancelled). */
  onDone: (() => void) | undefined;
  /** When its current phase times out (epoch ms; Infinity: no limit). */
  deadline = Number.POSITIVE_INFINITY;
  /** The phase `deadline` belongs to. */
  deadlinePhase: "request" | "reply" = "request";
  /** The limit of that phase, in ms (for the error message). */
  deadlineMs = 0;
  readonly #resolve: (response: HttpResponse) => void;
  readonly #reject: (error: unknown) => void;
  /** The response promise. */
  readonly promise: Promise<HttpResponse>;

  /** Create an exchange for a request (validates and serializes its head). */
  constructor(request: ClientRequest, timings: Timings) {
    this.id = request.debug?.requestId ?? newRequestId();
    this.request = request;
    this.head = prepareHead(request);
    this.timings = timings;
    const bodyReplayable = request.body === null || request.body.kind === "bytes";
    this.replayable = bodyReplayable && isIdempotent(request.method);
    let resolve!: (response: HttpResponse) => void;
    let reject!: (error: unknown) => void;
    this.promise = new Promise<HttpResponse>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** The body can be sent again. */
  get bodyReplayable(): boolean {
    return this.request.body === null || this.request.body.kind === "bytes";
  }

  /** The request has a streamed body: nothing is pipelined behind it. */
  get streamsBody(): boolean {
    return this.request.body?.kind === "stream";
  }

  /** Deliver the response. */
  resolve(response: HttpResponse): void {
    if (this.settled) return;
    this.settled = true;
    this.#resolve(response);
  }

  /** Fail the request. */
  reject(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.#reject(error);
    this.done();
  }

  /** The exchange is over: release what was held for it (abort listener). */
  done(): void {
    const onDone = this.onDone;
    this.onDone = undefined;
    onDone?.();
  }
}
