/**
 * The one rule for "may this request be sent again?" (after Go's
 * `checkTransportResend`). The pool asks it when a connection dies with
 * requests unanswered; the retry middleware asks it before a retry.
 *
 * @module
 */

/** Methods that RFC 9110 §9.2.2 defines as idempotent. */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/**
 * Whether a method is idempotent (RFC 9110 §9.2.2).
 *
 * @example
 * ```ts
 * import { isIdempotent } from "./replay.ts";
 * isIdempotent("PUT"); // true
 * isIdempotent("POST"); // false
 * ```
 */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/** What is known about one attempt of a request. */
export interface AttemptFacts {
  /** The request's method. */
  method: string;
  /** The body can be produced again (bytes, or none; not a stream already consumed). */
  bodyReplayable: boolean;
  /** At least one byte of the request was handed to the socket. */
  written: boolean;
  /** At least one byte of its response arrived. */
  responseStarted: boolean;
  /**
   * The connection had already served a response before this request was
   * written, and it ended (EOF or reset) before any byte of this request's
   * response: the server closed a keep-alive connection we thought idle, so
   * it never processed the request.
   */
  staleConnection: boolean;
  /** This attempt is already a replay of a stale-connection failure. */
  alreadyReplayedStale: boolean;
}

/**
 * May the request be sent again on another connection?
 *
 * - never, once any byte of its response arrived (the caller may have it);
 * - never, when its body cannot be produced again;
 * - yes, when the server never saw it (nothing written);
 * - yes, for idempotent methods;
 * - yes, once, for any method when a stale keep-alive connection died before
 *   answering (the server closed it before reading the request; RFC 9112 §9.3.1).
 *
 * @example
 * ```ts
 * import { mayReplay } from "./replay.ts";
 * mayReplay({ method: "POST", bodyReplayable: true, written: true, responseStarted: false,
 *   staleConnection: false, alreadyReplayedStale: false }); // false
 * ```
 */
export function mayReplay(facts: AttemptFacts): boolean {
  if (facts.responseStarted || !facts.bodyReplayable) return false;
  if (!facts.written) return true;
  if (isIdempotent(facts.method)) return true;
  return facts.staleConnection && !facts.alreadyReplayedStale;
}
