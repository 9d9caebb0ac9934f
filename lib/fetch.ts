/**
 * A WHATWG `fetch` over the client: the caller's `RequestInit` becomes
 * `RequestOptions`, and the client's `HttpResponse` becomes a global
 * `Response` whose body streams from the connection (nothing is buffered).
 *
 * Where it follows the Fetch standard as the server runtimes (Deno, Node,
 * Bun) implement it:
 * - inputs: `string | URL | Request`; bodies: string, `ArrayBuffer`, typed
 *   arrays and `DataView`, `Blob`, `FormData`, `URLSearchParams`,
 *   `ReadableStream` (sent chunked; no `duplex` needed);
 * - `redirect: "manual"` returns the 3xx response itself, `"error"` rejects;
 * - errors: a failed request rejects with a `TypeError` whose `cause` is the
 *   library's `HttpClientError` (with its `code`), as `fetch` rejects with
 *   `TypeError("fetch failed")`; an aborted one rejects with
 *   `signal.reason` (a `DOMException` named `AbortError` by default), also
 *   while the body is being read;
 * - 204, 205 and 304 responses and answers to HEAD have a null body.
 *
 * Where it differs: header fields are sent in the order given (a `Headers`
 * object iterates sorted), `Blob` and `FormData` bodies are read into memory
 * before sending (they have a known length, so `Content-Length` is sent),
 * and `credentials`, `mode`, `cache`, `referrer`, `integrity`, `keepalive`
 * and `priority` are ignored: cookies and the cache are the client's.
 *
 * @module
 */
import type { BodySource } from "./body_source.ts";
import { HttpClientError } from "./errors.ts";
import { type HeaderList, toHeaderList } from "./header_list.ts";
import type { RequestBodyInit, RequestOptions } from "./request.ts";
import type { HttpResponse } from "./response.ts";

/**
 * What `fetch` accepts as its first argument.
 *
 * @example
 * ```ts
 * import { fetch, type FetchInput } from "../mod.ts";
 * const input: FetchInput = new Request("http://127.0.0.1:8080/", { headers: { accept: "text/html" } });
 * const response = await fetch(input);
 * ```
 */
export type FetchInput = string | URL | Request;

/**
 * What `fetch` runs over: a client's `request`, and how its response bodies
 * are streamed.
 *
 * @example
 * ```ts
 * import { Client } from "../mod.ts";
 * import type { FetchClient } from "./fetch.ts";
 * await using client = new Client();
 * const via: FetchClient = {
 *   request: (options) => client.request(options),
 *   readAhead: client.limits.fetchReadAhead,
 *   chunkSize: client.limits.readBufferSize,
 * };
 * ```
 */
export interface FetchClient {
  /** Sends one request (`client.request`). */
  request(options: RequestOptions): Promise<HttpResponse>;
  /** Body bytes read before the caller asks (the stream's high-water mark); 0 reads only on demand. */
  readAhead: number;
  /** Size of the chunks a default (not BYOB) reader gets. */
  chunkSize: number;
}

/** Statuses whose response has no body (Fetch standard: "null body status", minus 1xx, which never arrive). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * Run a `fetch(input, init)` over a client.
 *
 * @example
 * ```ts
 * import { Client } from "../mod.ts";
 * import { fetchThrough } from "./fetch.ts";
 * await using client = new Client();
 * const via = { request: client.request.bind(client), readAhead: 65536, chunkSize: 65536 };
 * const response = await fetchThrough(via, "http://127.0.0.1:8080/");
 * console.log(response.status, await response.text());
 * ```
 */
export async function fetchThrough(
  client: FetchClient,
  input: FetchInput,
  init: RequestInit = {},
): Promise<Response> {
  const request = input instanceof Request ? input : undefined;
  const signal = init.signal ?? request?.signal;
  if (signal?.aborted) throw signal.reason;
  let response: HttpResponse;
  try {
    const url = request?.url ?? String(input);
    const headers = headerList(init.headers ?? request?.headers);
    response = await client.request({
      url,
      method: init.method ?? request?.method ?? "GET",
      headers,
      body: await requestBody(init, request, headers),
      signal,
      redirect: init.redirect ?? request?.redirect,
    });
  } catch (error) {
    throw fetchError(error, signal);
  }
  return toResponse(response, signal, client);
}

/** The caller's header fields in their order: a `Headers`, `[name, value]` pairs or a record. */
function headerList(init: HeadersInit | undefined): HeaderList {
  if (init === undefined || !(Symbol.iterator in init)) return toHeaderList(init);
  const list: HeaderList = [];
  for (const pair of init) {
    if (pair.length !== 2) {
      throw new TypeError(`a header must be a [name, value] pair, got ${pair.length} items`);
    }
    list.push([pair[0], pair[1]]);
  }
  return list;
}

/**
 * The body to send: the init's, or else the `Request`'s. A body type that
 * implies a media type adds `Content-Type` when the caller gave none, as
 * `fetch` does.
 */
async function requestBody(
  init: RequestInit,
  request: Request | undefined,
  headers: HeaderList,
): Promise<RequestBodyInit | null> {
  if (init.body === undefined) {
    return request === undefined || request.body === null
      ? null
      : new Uint8Array(await request.arrayBuffer());
  }
  const body = init.body;
  if (body === null || typeof body === "string" || body instanceof URLSearchParams) return body;
  if (body instanceof ArrayBuffer || body instanceof ReadableStream) return body;
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  // Blob and FormData: let the runtime serialize them (FormData needs its multipart boundary).
  const serialized = new Response(body);
  const contentType = serialized.headers.get("content-type");
  if (contentType !== null && !headers.some(([name]) => name.toLowerCase() === "content-type")) {
    headers.push(["content-type", contentType]);
  }
  return new Uint8Array(await serialized.arrayBuffer());
}

/** The error `fetch` would reject with: the abort reason, or a `TypeError` around the library's error. */
function fetchError(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof HttpClientError) {
    return new TypeError(`fetch failed: ${error.message}`, { cause: error });
  }
  return error;
}

/** A global `Response` over the client's response, its body streamed from the connection. */
function toResponse(response: HttpResponse, signal: AbortSignal | undefined, client: FetchClient): Response {
  const { status } = response;
  if (status < 200 || status > 599) {
    response.cancel();
    throw new TypeError(`fetch failed: status ${status} cannot be represented by a Response`);
  }
  let body: ReadableStream<Uint8Array> | null = null;
  if (NULL_BODY_STATUSES.has(status) || response.request.method === "HEAD") {
    response.cancel();
  } else {
    body = bodyStream(mappedErrors(response.takeSource(), signal), client);
  }
  const result = new Response(body, { status, statusText: response.statusText, headers: response.headers });
  return withLocation(result, response.url, response.redirects.length > 0);
}

/**
 * The body as a byte stream that reads up to `readAhead` bytes before the
 * caller asks, as the runtimes' `fetch` does: a small body is then received
 * whole and frees its connection (and the responses pipelined behind it)
 * while the caller still awaits other responses, so
 * `await Promise.all(urls.map(fetch))` cannot wait forever on connections
 * held by unread bodies. A BYOB read past the read-ahead fills the caller's
 * buffer directly.
 */
function bodyStream(source: BodySource, client: FetchClient): ReadableStream<Uint8Array> {
  return new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: client.chunkSize,
    async pull(controller) {
      const request = controller.byobRequest;
      if (request?.view) {
        const view = request.view;
        const count = await source.read(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
        if (count === 0) controller.close();
        request.respond(count);
        return;
      }
      // Pulled to fill the read-ahead: no reader is waiting.
      const chunk = new Uint8Array(Math.max(1, Math.min(controller.desiredSize ?? 0, client.chunkSize)));
      const count = await source.read(chunk);
      if (count === 0) controller.close();
      else controller.enqueue(chunk.subarray(0, count));
    },
    cancel(reason) {
      source.cancel(reason);
    },
  }, { highWaterMark: client.readAhead });
}

/** A source whose read errors are the ones `fetch`'s body stream would give. */
function mappedErrors(source: BodySource, signal: AbortSignal | undefined): BodySource {
  return {
    read: (into) => source.read(into).catch((error: unknown) => Promise.reject(fetchError(error, signal))),
    cancel: (reason) => source.cancel(reason),
    length: source.length,
  };
}

/**
 * Set `url` and `redirected`, which a constructed `Response` cannot take in
 * its init (they are read-only getters), on the instance and on its clones.
 */
function withLocation(response: Response, url: string, redirected: boolean): Response {
  return Object.defineProperties(response, {
    url: { value: url },
    redirected: { value: redirected },
    clone: {
      value: (): Response => withLocation(Response.prototype.clone.call(response), url, redirected),
    },
  });
}
