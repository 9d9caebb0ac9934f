/**
 * `HttpResponse`: status, headers, and a body that is read once, as a byte
 * stream (BYOB-capable) or whole with `bytes()`, `text()` or `json()`.
 *
 * @module
 */
import { type BodySource, readSource, sourceStream } from "./body_source.ts";
import { BodyUsedError } from "./errors.ts";
import type { ClientRequest } from "./request.ts";

/**
 * One redirect hop: the URL that answered with a redirect, and its status.
 *
 * @example
 * ```ts
 * import { Client, type RedirectHop } from "../mod.ts";
 * await using client = new Client();
 * const response = await client.request({ url: "http://127.0.0.1:8080/old" });
 * const hops: RedirectHop[] = response.redirects;
 * for (const hop of hops) console.log(hop.status, hop.url);
 * ```
 */
export interface RedirectHop {
  /** URL of the request that was redirected. */
  url: string;
  /** The 3xx status it answered. */
  status: number;
}

/**
 * Milestones of a request in milliseconds since it started (like got's
 * `timings`, relative to `start`), in this order. After redirects and
 * retries they describe the last attempt; `dns`, `connect` and `tls` are
 * absent when that attempt reused an open connection.
 *
 * @example
 * ```ts
 * import { Client, type Timings } from "../mod.ts";
 * await using client = new Client();
 * const response = await client.request({ url: "http://127.0.0.1:8080/" });
 * await response.text();
 * const timings: Timings = response.timings;
 * console.log(timings.connect, timings.firstByte, timings.done);
 * ```
 */
export interface Timings {
  /** When `request()` was called (epoch ms). */
  start: number;
  /** Got a connection: an idle or pipelining one, or a new one starts opening (the wait in the queue ends). */
  queued?: number;
  /** Name resolved, when a connection was opened. */
  dns?: number;
  /** TCP connected, when a connection was opened. */
  connect?: number;
  /** TLS handshake done, when a connection was opened over https. */
  tls?: number;
  /** Request fully written. */
  sent?: number;
  /** First byte of the response head. */
  firstByte?: number;
  /** Response body fully read. */
  done?: number;
}

/**
 * Where a response came from: the network, or the cache.
 *
 * @example
 * ```ts
 * import { Client, type CacheStatus } from "../mod.ts";
 * await using client = new Client({ cache: true });
 * const response = await client.request({ url: "http://127.0.0.1:8080/" });
 * const status: CacheStatus = response.fromCache; // "miss" the first time
 * ```
 */
export type CacheStatus = "hit" | "revalidated" | "miss";

/** What builds a response. */
export interface HttpResponseInit {
  /** Status code. */
  status: number;
  /** Reason phrase. */
  statusText: string;
  /** `"1.1"` or `"1.0"`. */
  httpVersion: string;
  /** Header fields as received: flat `[name, value, ...]`. */
  rawHeaders: string[];
  /** The request as sent (after redirects). */
  request: ClientRequest;
  /** The body. */
  body: BodySource;
  /** Largest body `bytes()`/`text()`/`json()` accept. */
  maxBodySize: number;
  /** Timings object, filled as the request progresses. */
  timings: Timings;
  /** Trailer fields, available once the body has been read. */
  trailers?: () => string[];
}

/**
 * A response. Its body must be read or cancelled: until then the connection
 * stays busy (an unread body holds it; `cancel()` frees or closes it).
 *
 * @example
 * ```ts
 * import { Client } from "../mod.ts";
 * await using client = new Client();
 * const response = await client.request({ url: "http://127.0.0.1:8080/" });
 * console.log(response.status, response.headers.get("content-type"));
 * console.log(await response.text());
 * ```
 */
export class HttpResponse {
  /** Status code, e.g. 200. */
  readonly status: number;
  /** Reason phrase, e.g. "OK". */
  readonly statusText: string;
  /** HTTP version of the response: "1.1" or "1.0". */
  readonly httpVersion: string;
  /** Header fields exactly as received, flat `[name, value, name, value, ...]`. */
  readonly rawHeaders: string[];
  /** The request as sent (after redirects: the last hop's). */
  readonly request: ClientRequest;
  /** Redirect hops followed before this response, first to last. */
  redirects: RedirectHop[] = [];
  /** Whether the cache answered. */
  fromCache: CacheStatus = "miss";
  /** Milestones of this request. */
  readonly timings: Timings;
  #source: BodySource;
  #maxBodySize: number;
  #headers: Headers | undefined;
  #stream: ReadableStream<Uint8Array> | undefined;
  #used = false;
  #trailers: (() => string[]) | undefined;

  /** Build a response (the connection and middleware do this). */
  constructor(init: HttpResponseInit) {
    this.status = init.status;
    this.statusText = init.statusText;
    this.httpVersion = init.httpVersion;
    this.rawHeaders = init.rawHeaders;
    this.request = init.request;
    this.timings = init.timings;
    this.#source = init.body;
    this.#maxBodySize = init.maxBodySize;
    this.#trailers = init.trailers;
  }

  /** The final URL (after redirects; without the fragment). */
  get url(): string {
    const url = new URL(this.request.url);
    url.hash = "";
    return url.href;
  }

  /** True for 2xx statuses. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** Header fields as a `Headers` (built on first use). `headers.getSetCookie()` gives each Set-Cookie. */
  get headers(): Headers {
    if (this.#headers === undefined) {
      const headers = new Headers();
      const raw = this.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
      this.#headers = headers;
    }
    return this.#headers;
  }

  /** Trailer fields of a chunked body, flat `[name, value, ...]`; empty until the body has been read. */
  get trailers(): string[] {
    return this.#trailers?.() ?? [];
  }

  /** True once the body has been taken (as a stream or read whole). */
  get bodyUsed(): boolean {
    return this.#used;
  }

  /** The underlying body source (for middleware that wraps the body). Marks the body used. */
  takeSource(): BodySource {
    if (this.#used) throw new BodyUsedError();
    this.#used = true;
    return this.#source;
  }

  /**
   * Replace the body source, usually with a wrapper around the one `takeSource()`
   * returned (middleware: decompression, cache); the body is unread again.
   */
  replaceSource(source: BodySource): void {
    if (this.#stream !== undefined) throw new BodyUsedError();
    this.#source = source;
    this.#used = false;
  }

  /**
   * The body as a byte `ReadableStream`; supports `getReader({ mode: "byob" })`
   * so a large body can be read into the caller's own buffer.
   */
  get body(): ReadableStream<Uint8Array> {
    if (this.#stream === undefined) this.#stream = sourceStream(this.takeSource());
    return this.#stream;
  }

  /** Read the whole body (at most `maxBodySize` bytes). */
  bytes(): Promise<Uint8Array> {
    return readSource(this.takeSource(), this.#maxBodySize);
  }

  /** Read the whole body as UTF-8 text. */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  /** Read the whole body and parse it as JSON. */
  async json<T = unknown>(): Promise<T> {
    return JSON.parse(await this.text()) as T;
  }

  /** Read the whole body into an `ArrayBuffer`. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.byteLength === bytes.buffer.byteLength
      ? bytes.buffer as ArrayBuffer
      : bytes.slice().buffer as ArrayBuffer;
  }

  /** Discard the body: frees the connection (or closes it when much is left unread). */
  cancel(reason?: unknown): void {
    if (this.#stream !== undefined) {
      this.#stream.cancel(reason).catch(() => {});
      return;
    }
    if (this.#used) return;
    this.#used = true;
    this.#source.cancel(reason);
  }
}
