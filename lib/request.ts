/**
 * What a caller asks for (`RequestOptions`) and the one normalized form every
 * layer below works with (`ClientRequest`).
 *
 * @module
 */
import { InvalidRequestError } from "./errors.ts";
import { type HeaderList, type HeadersInit, toHeaderList } from "./header_list.ts";
import type { Timings } from "./response.ts";
import type { Debugger } from "./debug/debugger.ts";
import type { DebugOption } from "./debug/levels.ts";
import type { RedirectMode } from "./middleware/redirect.ts";
import type { RetryOptions } from "./middleware/retry.ts";
import { moveUrlCredentials } from "./url_credentials.ts";

/**
 * A request body the caller may give.
 *
 * @example
 * ```ts
 * import { Client, type RequestBodyInit } from "../mod.ts";
 * await using client = new Client();
 * const body: RequestBodyInit = new URLSearchParams({ q: "http client" });
 * await client.request({ url: "http://127.0.0.1:8080/search", method: "POST", body });
 * ```
 */
export type RequestBodyInit =
  | string
  | Uint8Array
  | ArrayBuffer
  | URLSearchParams
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>;

/**
 * The per-request options of `client.request()`.
 *
 * @example
 * ```ts
 * import { Client, type RequestOptions } from "../mod.ts";
 * const options: RequestOptions = { url: "http://127.0.0.1:8080/", headers: { accept: "text/html" }, replyTimeout: 5_000 };
 * await using client = new Client();
 * const response = await client.request(options);
 * ```
 */
export interface RequestOptions {
  /** Absolute http(s) URL. Either this or `host` (with `port`, `https`, `path`). */
  url?: string | URL;
  /** Host name or IP (when `url` is not given). */
  host?: string;
  /** Port (default 80, or 443 with `https`). */
  port?: number;
  /** Use TLS (when `url` is not given). */
  https?: boolean;
  /** Request-target path and query (when `url` is not given), default `/`. */
  path?: string;
  /** Method, default `GET` (uppercased). */
  method?: string;
  /** Header fields, sent in the given order. */
  headers?: HeadersInit;
  /** Body: string, bytes, URLSearchParams, a byte ReadableStream or an async iterable. */
  body?: RequestBodyInit | null;
  /** Bind this request's connection to a local address (overrides `clientIps` rotation). */
  clientIp?: string;
  /** Milliseconds to open the connection. */
  connectTimeout?: number;
  /** Milliseconds to write the request once it has a connection. */
  requestTimeout?: number;
  /** Milliseconds from the end of the request to the end of the response. */
  replyTimeout?: number;
  /** Aborts the request at any point (queued, sending, receiving, reading the body). */
  signal?: AbortSignal;
  /** Debug levels for this request, added to the client's (`true`, `"protocol,stream"`, ...). */
  debug?: DebugOption;
  /** Follow redirects (`"follow"`), return them (`"manual"`) or fail on them (`"error"`); default: the client's. */
  redirect?: RedirectMode;
  /** Redirect hops followed for this request; default: the client's. */
  maxRedirects?: number;
  /** Retries after the first attempt for this request; default: the client's. */
  maxRetries?: number;
  /** Retry policy fields for this request, over the client's. */
  retry?: RetryOptions;
  /** Decode the body per Content-Encoding and send Accept-Encoding; default: the client's. */
  decompress?: boolean;
}

/**
 * Request body in the one form the connection writes.
 *
 * @example
 * ```ts
 * import type { RequestBody } from "../mod.ts";
 * const body: RequestBody = { kind: "bytes", bytes: new TextEncoder().encode("hello") };
 * ```
 */
export type RequestBody =
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "stream"; stream: AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array> };

/**
 * A request after normalization: what middleware and the pool see.
 *
 * @example
 * ```ts
 * import { Client, type ClientRequest, type Middleware } from "../mod.ts";
 * const log: Middleware = (request: ClientRequest, next) => {
 *   console.log(request.method, request.url.href);
 *   return next(request);
 * };
 * await using client = new Client({ middleware: [log] });
 * ```
 */
export interface ClientRequest {
  /** The full URL (fragment kept for the caller, never sent). */
  url: URL;
  /** Uppercase method. */
  method: string;
  /** Header fields in order (no Host unless the caller set one). */
  headers: HeaderList;
  /** Body, or null. */
  body: RequestBody | null;
  /** Local address to bind, if pinned. */
  clientIp?: string;
  /** Timeouts (ms) for this request; undefined means the client's. */
  connectTimeout?: number;
  /** See {@link RequestOptions.requestTimeout}. */
  requestTimeout?: number;
  /** See {@link RequestOptions.replyTimeout}. */
  replyTimeout?: number;
  /** Abort signal. */
  signal?: AbortSignal;
  /** Milestones of the whole request (shared by every attempt and hop). */
  timings?: Timings;
  /** Debug output for this request, when any level is on. */
  debug?: Debugger;
  /** See {@link RequestOptions.redirect}. */
  redirect?: RedirectMode;
  /** See {@link RequestOptions.maxRedirects}. */
  maxRedirects?: number;
  /** See {@link RequestOptions.maxRetries}. */
  maxRetries?: number;
  /** See {@link RequestOptions.retry}. */
  retry?: RetryOptions;
  /** See {@link RequestOptions.decompress}. */
  decompress?: boolean;
}

const encoder = new TextEncoder();

function requestUrl(options: RequestOptions): URL {
  if (options.url !== undefined) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch (error) {
      throw new InvalidRequestError(`invalid URL: ${String(options.url)}`, { cause: error });
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new InvalidRequestError(`unsupported URL scheme ${url.protocol} (only http: and https:)`);
    }
    return url;
  }
  if (!options.host) throw new InvalidRequestError("a request needs `url` or `host`");
  const scheme = options.https ? "https" : "http";
  const host = options.host.includes(":") && !options.host.startsWith("[")
    ? `[${options.host}]`
    : options.host;
  const port = options.port ?? (options.https ? 443 : 80);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidRequestError(`invalid port ${port}`);
  }
  const path = options.path ?? "/";
  try {
    return new URL(`${scheme}://${host}:${port}${path.startsWith("/") ? path : "/" + path}`);
  } catch (error) {
    throw new InvalidRequestError(`invalid host or path: ${host} ${path}`, { cause: error });
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array | string> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** Turn a caller's body into bytes or a stream, adding a default Content-Type where the body implies one. */
function requestBody(body: RequestBodyInit | null | undefined, headers: HeaderList): RequestBody | null {
  if (body === undefined || body === null) return null;
  const hasContentType = headers.some(([name]) => name.toLowerCase() === "content-type");
  if (typeof body === "string") {
    if (!hasContentType) headers.push(["content-type", "text/plain;charset=UTF-8"]);
    return { kind: "bytes", bytes: encoder.encode(body) };
  }
  if (body instanceof Uint8Array) return { kind: "bytes", bytes: body };
  if (body instanceof ArrayBuffer) return { kind: "bytes", bytes: new Uint8Array(body) };
  if (body instanceof URLSearchParams) {
    if (!hasContentType) headers.push(["content-type", "application/x-www-form-urlencoded;charset=UTF-8"]);
    return { kind: "bytes", bytes: encoder.encode(body.toString()) };
  }
  if (body instanceof ReadableStream || isAsyncIterable(body)) return { kind: "stream", stream: body };
  throw new InvalidRequestError(`unsupported body type ${Object.prototype.toString.call(body)}`);
}

/**
 * Normalize the caller's options into a {@link ClientRequest}.
 * Throws `InvalidRequestError` for a bad URL, port, method or body.
 * Credentials in the URL become `Authorization: Basic` and leave the URL.
 *
 * @example
 * ```ts
 * import { normalizeRequest } from "./request.ts";
 * const request = normalizeRequest({ url: "http://127.0.0.1:8080/a?b", method: "post", body: "hi" });
 * console.log(request.method, request.url.pathname); // "POST" "/a"
 * ```
 */
export function normalizeRequest(options: RequestOptions): ClientRequest {
  const headers = toHeaderList(options.headers);
  const method = (options.method ?? "GET").toUpperCase();
  const body = requestBody(options.body, headers);
  if (body !== null && (method === "GET" || method === "HEAD")) {
    throw new InvalidRequestError(`a ${method} request cannot have a body`);
  }
  const url = requestUrl(options);
  moveUrlCredentials(url, headers);
  return {
    url,
    method,
    headers,
    body,
    clientIp: options.clientIp,
    connectTimeout: options.connectTimeout,
    requestTimeout: options.requestTimeout,
    replyTimeout: options.replyTimeout,
    signal: options.signal,
    redirect: options.redirect,
    maxRedirects: options.maxRedirects,
    maxRetries: options.maxRetries,
    retry: options.retry,
    decompress: options.decompress,
    // Set by the client; present from the start so every request has one object shape.
    timings: undefined,
    debug: undefined,
  };
}

/**
 * The origin-form request-target of a URL: path and query, never the fragment.
 *
 * @example
 * ```ts
 * import { requestTarget } from "./request.ts";
 * requestTarget(new URL("http://a.test/x?y#z")); // "/x?y"
 * ```
 */
export function requestTarget(url: URL): string {
  return (url.pathname || "/") + url.search;
}
