/**
 * Retry middleware: sends a request again after a failure that is likely
 * temporary, at most `maxRetries` times, waiting between attempts.
 *
 * Decisions:
 * - Statuses 408, 429, 500, 502, 503, 504 are retried for the methods in
 *   `methods` (default: the idempotent ones, RFC 9110 §9.2.2). The answer's
 *   body is discarded first. `Retry-After` (RFC 9110 §10.2.3) sets the wait;
 *   when it asks for longer than `maxDelay`, the answer is returned instead.
 * - Errors retried: `ERR_CONNECT` (the server never saw the request, so any
 *   method may be sent again), `ERR_SOCKET`, and `ERR_TIMEOUT` with
 *   `retryOnTimeout`. After a failure that may have reached the server, only
 *   methods that `mayReplay` (pool/replay.ts) allows and `methods` lists are
 *   sent again: a POST is never re-sent once written. Parse, TLS, invalid
 *   request, abort and size errors are never retried. (Stale keep-alive
 *   connections are replayed by the pool itself and do not count here.)
 * - A streamed request body cannot be produced again: such a request is
 *   never retried.
 * - Waits: `Retry-After`, else exponential backoff with full jitter (a random
 *   time up to `base * factor^(retry - 1)`, capped by `maxDelay`). The
 *   request's abort signal ends a wait with `ERR_ABORTED`.
 * - When the last attempt fails, its error carries `attempts`: every
 *   attempt's outcome, first to last (an error, or `{ status, statusText }`
 *   for a retried status).
 *
 * @module
 */
import { AbortError, HttpClientError, TimeoutError } from "../errors.ts";
import { isIdempotent, mayReplay } from "../pool/replay.ts";
import type { ClientRequest } from "../request.ts";
import type { HttpResponse } from "../response.ts";
import type { Handler, Middleware } from "./compose.ts";
import { discardBody } from "./discard_body.ts";
import { retryAfterDelay } from "./retry_after.ts";

/**
 * Exponential backoff: the n-th retry waits a random time up to `base * factor^(n - 1)` ms.
 *
 * @example
 * ```ts
 * import { Client, type ExponentialBackoff } from "../../mod.ts";
 * const backoff: ExponentialBackoff = { base: 200, factor: 3 }; // waits up to 200, 600, 1800 ms
 * await using client = new Client({ maxRetries: 3, retry: { backoff } });
 * ```
 */
export interface ExponentialBackoff {
  /** Upper bound of the first wait, in ms. */
  base: number;
  /** Growth per retry. */
  factor: number;
}

/**
 * When and how to retry; every field is optional and falls back to {@link defaultRetryPolicy}.
 *
 * @example
 * ```ts
 * import { Client, type RetryOptions } from "../../mod.ts";
 * const retry: RetryOptions = { statusCodes: [429, 503], maxDelay: 10_000, retryOnTimeout: true };
 * await using client = new Client({ maxRetries: 5, retry });
 * ```
 */
export interface RetryOptions {
  /** Statuses that are retried. */
  statusCodes?: readonly number[];
  /** Methods retried after a status or a failure that may have reached the server. Default: idempotent methods. */
  methods?: readonly string[];
  /** Wait before the n-th retry (n from 1), in ms, or exponential backoff with full jitter. */
  backoff?: ((retry: number) => number) | ExponentialBackoff;
  /** Longest wait, in ms; a longer `Retry-After` returns the answer instead of retrying. */
  maxDelay?: number;
  /** Retry after `ERR_TIMEOUT` too. */
  retryOnTimeout?: boolean;
}

/**
 * The retry defaults.
 *
 * @example
 * ```ts
 * import { defaultRetryPolicy } from "./retry.ts";
 * defaultRetryPolicy.statusCodes; // [408, 429, 500, 502, 503, 504]
 * ```
 */
export const defaultRetryPolicy = {
  /** RFC 9110 §15.5.9, RFC 6585 §4, §15.6.1, §15.6.3-5: answers that say "try again later". */
  statusCodes: [408, 429, 500, 502, 503, 504],
  /** First backoff bound 250 ms, doubling: 250, 500, 1000, ... */
  backoff: { base: 250, factor: 2 },
  /** No wait longer than 30 s. */
  maxDelay: 30_000,
  /** A timeout may mean the server is still working on it: not retried unless asked. */
  retryOnTimeout: false,
} as const;

/**
 * A retried status, as recorded in `error.attempts`.
 *
 * @example
 * ```ts
 * import { Client, HttpClientError, type RetriedStatus } from "../../mod.ts";
 * await using client = new Client({ maxRetries: 2 });
 * try {
 *   await client.request({ url: "http://127.0.0.1:8080/flaky" });
 * } catch (error) {
 *   const attempts = error instanceof HttpClientError ? error.attempts ?? [] : [];
 *   const statuses = attempts.filter((attempt): attempt is RetriedStatus =>
 *     typeof attempt === "object" && attempt !== null && "status" in attempt
 *   );
 *   console.log(statuses.map((attempt) => attempt.status)); // e.g. [503, 503]
 * }
 * ```
 */
export interface RetriedStatus {
  /** The status that was retried. */
  status: number;
  /** Its reason phrase. */
  statusText: string;
}

/**
 * What {@link RetryMiddlewareOptions.onRetry} is told before each wait.
 *
 * @example
 * ```ts
 * import type { RetryInfo } from "../../mod.ts";
 * const logRetry = (info: RetryInfo): void => {
 *   console.log(`attempt ${info.attempt} of ${info.request.url.href} in ${info.delay} ms: ${info.reason}`);
 * };
 * ```
 */
export interface RetryInfo {
  /** Number of the attempt about to be made (2 for the first retry). */
  attempt: number;
  /** Milliseconds waited before it. */
  delay: number;
  /** Why: `"503 Service Unavailable"`, or the error's code and message. */
  reason: string;
  /** The error that is retried, if it was one. */
  error?: unknown;
  /** The status that is retried, if it was one. */
  status?: number;
  /** The request. */
  request: ClientRequest;
}

/** Options of {@link retryMiddleware}: the client's defaults. */
export interface RetryMiddlewareOptions {
  /** Retries after the first attempt; a request's `maxRetries` overrides it. */
  maxRetries: number;
  /** Client-wide policy; a request's `retry` fields override these. */
  retry?: RetryOptions;
  /** Called before each wait (debug output). */
  onRetry?: (info: RetryInfo) => void;
}

interface Policy {
  statusCodes: ReadonlySet<number>;
  /** null: idempotent methods. */
  methods: ReadonlySet<string> | null;
  backoff: ((retry: number) => number) | ExponentialBackoff;
  maxDelay: number;
  retryOnTimeout: boolean;
}

function toPolicy(options: RetryOptions | undefined): Policy {
  return {
    statusCodes: new Set(options?.statusCodes ?? defaultRetryPolicy.statusCodes),
    methods: options?.methods === undefined
      ? null
      : new Set(options.methods.map((method) => method.toUpperCase())),
    backoff: options?.backoff ?? defaultRetryPolicy.backoff,
    maxDelay: options?.maxDelay ?? defaultRetryPolicy.maxDelay,
    retryOnTimeout: options?.retryOnTimeout ?? defaultRetryPolicy.retryOnTimeout,
  };
}

/**
 * The retry middleware.
 *
 * @example
 * ```ts
 * import { retryMiddleware } from "./retry.ts";
 * const middleware = retryMiddleware({ maxRetries: 2, retry: { maxDelay: 5000 } });
 * ```
 */
export function retryMiddleware(options: RetryMiddlewareOptions): Middleware {
  const clientPolicy = toPolicy(options.retry);
  return (request, next) => {
    const maxRetries = request.maxRetries ?? options.maxRetries;
    if (maxRetries <= 0) return next(request);
    const policy = request.retry === undefined
      ? clientPolicy
      : toPolicy({ ...options.retry, ...request.retry });
    // The first attempt goes through a plain `then` (an async frame per
    // request costs more); the retry loop starts only when a retry may be due.
    return next(request).then(
      (response) =>
        statusRetryable(response, request, policy)
          ? retrying({ request, next, policy, maxRetries, options }, { ok: true, response })
          : response,
      (error) => retrying({ request, next, policy, maxRetries, options }, { ok: false, error }),
    );
  };
}

/** What one attempt ended with. */
type Outcome = { ok: true; response: HttpResponse } | { ok: false; error: unknown };

interface RetryRun {
  request: ClientRequest;
  next: Handler;
  policy: Policy;
  maxRetries: number;
  options: RetryMiddlewareOptions;
}

/** The retry loop, from the outcome of the first attempt on. */
async function retrying(run: RetryRun, first: Outcome): Promise<HttpResponse> {
  const { request, next, policy, maxRetries, options } = run;
  const attempts: unknown[] = [];
  let outcome = first;
  for (let attempt = 1;; attempt++) {
    if (attempt > 1) {
      try {
        outcome = { ok: true, response: await next(request) };
      } catch (error) {
        outcome = { ok: false, error };
      }
    }
    if (!outcome.ok) {
      const error = outcome.error;
      attempts.push(error);
      if (attempt > maxRetries || !errorRetryable(error, request, policy)) {
        throw withAttempts(error, attempts);
      }
      await wait(
        request,
        attempt,
        backoffDelay(policy, attempt),
        { error, reason: describe(error) },
        options,
        attempts,
      );
      continue;
    }
    const response = outcome.response;
    if (attempt > maxRetries || !statusRetryable(response, request, policy)) return response;
    const asked = retryAfterDelay(response.headers.get("retry-after"));
    if (asked !== null && asked > policy.maxDelay) return response;
    await discardBody(response);
    attempts.push({ status: response.status, statusText: response.statusText } satisfies RetriedStatus);
    const reason = `${response.status} ${response.statusText}`;
    await wait(
      request,
      attempt,
      asked ?? backoffDelay(policy, attempt),
      { status: response.status, reason },
      options,
      attempts,
    );
  }
}

function bodyReplayable(request: ClientRequest): boolean {
  return request.body === null || request.body.kind === "bytes";
}

function methodAllowed(policy: Policy, method: string): boolean {
  return policy.methods === null ? isIdempotent(method) : policy.methods.has(method);
}

function statusRetryable(response: HttpResponse, request: ClientRequest, policy: Policy): boolean {
  return policy.statusCodes.has(response.status) && methodAllowed(policy, request.method) &&
    bodyReplayable(request);
}

function errorRetryable(error: unknown, request: ClientRequest, policy: Policy): boolean {
  if (!(error instanceof HttpClientError)) return false;
  let written: boolean;
  switch (error.code) {
    case "ERR_CONNECT":
      written = false;
      break;
    case "ERR_SOCKET":
      written = true;
      break;
    case "ERR_TIMEOUT":
      if (!policy.retryOnTimeout) return false;
      // Waiting for a connection or opening one: nothing was sent yet.
      written = !(error instanceof TimeoutError && (error.phase === "connect" || error.phase === "queue"));
      break;
    default:
      return false;
  }
  const replayable = mayReplay({
    method: request.method,
    bodyReplayable: bodyReplayable(request),
    written,
    responseStarted: false,
    staleConnection: false,
    alreadyReplayedStale: false,
  });
  return replayable && (!written || methodAllowed(policy, request.method));
}

/** Wait before the n-th retry: the caller's function, or full jitter over an exponential bound. */
function backoffDelay(policy: Policy, retry: number): number {
  const backoff = policy.backoff;
  if (typeof backoff === "function") return Math.min(Math.max(0, backoff(retry)), policy.maxDelay);
  const bound = Math.min(policy.maxDelay, backoff.base * backoff.factor ** (retry - 1));
  return Math.random() * bound;
}

function describe(error: unknown): string {
  if (error instanceof HttpClientError) return `${error.code}: ${error.message}`;
  return String(error);
}

function withAttempts(error: unknown, attempts: unknown[]): unknown {
  if (error instanceof HttpClientError && attempts.length > 1) error.attempts = attempts;
  return error;
}

/** Report the retry, then sleep; an abort ends the sleep with `ERR_ABORTED` (carrying the attempts so far). */
async function wait(
  request: ClientRequest,
  attempt: number,
  delay: number,
  cause: { error?: unknown; status?: number; reason: string },
  options: RetryMiddlewareOptions,
  attempts: unknown[],
): Promise<void> {
  const ms = Math.round(delay);
  const info: RetryInfo = { attempt: attempt + 1, delay: ms, request, ...cause };
  options.onRetry?.(info);
  const debug = request.debug;
  if (debug?.flags.retry) {
    debug.emit("retry", "retry", {}, `attempt ${info.attempt} in ${ms} ms after ${cause.reason}`, {
      attempt: info.attempt,
      delay: ms,
      reason: cause.reason,
      url: request.url.href,
    });
  }
  try {
    await sleep(ms, request.signal);
  } catch (error) {
    attempts.push(error);
    throw withAttempts(error, attempts);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  const aborted = () =>
    new AbortError("the request was aborted while waiting to retry", { cause: signal?.reason });
  if (signal?.aborted) return Promise.reject(aborted());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
