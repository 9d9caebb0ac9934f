/**
 * The cache middleware: a private HTTP cache (RFC 9111) over a
 * {@link CacheStore}, off unless the client's `cache` option turns it on.
 *
 * Decisions:
 * - Place: inside cookies (so `Vary: Cookie` sees the real Cookie field) and
 *   outside decompression, so stored bodies are decoded: a hit costs no
 *   decoding. The decompression middleware keeps the received header fields,
 *   so the stored fields drop a Content-Encoding the body no longer has, and
 *   a Content-Length that counted encoded bytes (a served entry gets the
 *   stored body's length).
 * - GET is looked up and stored; HEAD is answered from a fresh stored GET,
 *   otherwise sent on unchanged (a HEAD answer is not stored).
 * - A request with its own conditional or Range fields bypasses the cache:
 *   the caller is validating something it holds, and the answer is the
 *   caller's to read (a 304, a 206).
 * - Stale entries are revalidated with If-None-Match / If-Modified-Since
 *   (§4.3.1); a 304 updates the entry (§4.3.4) and serves the stored body.
 * - `stale-while-revalidate` and `stale-if-error` (RFC 5861) are honoured
 *   only when the options say so: off by default, since both serve a
 *   response the origin may have replaced.
 * - Bodies are stored as the caller reads them (`cache_tee.ts`); a body the
 *   caller never finishes reading is not stored.
 * - Unsafe methods answered with 2xx/3xx drop the entries of the request URL
 *   and of same-origin Location / Content-Location URLs (§4.4).
 *
 * @module
 */
import { cacheKey } from "../cache/cache_key.ts";
import {
  type ConditionalHeaders,
  freshness,
  type FreshnessDecision,
  isStaleIfErrorStatus,
  onlyIfCached,
} from "../cache/freshness.ts";
import { invalidatedUrls } from "../cache/invalidation.ts";
import { MemoryCacheStore } from "../cache/memory_store.ts";
import { notModifiedMatches, updateFrom304 } from "../cache/not_modified.ts";
import { type CachedRequest, createResponseMeta } from "../cache/response_meta.ts";
import { isStorable } from "../cache/storable.ts";
import type { CacheEntry, CacheStore, StoredResponseMeta } from "../cache/store.ts";
import { selectVariant, variantKey } from "../cache/vary.ts";
import type { Limits } from "../limits.ts";
import { hasHeader } from "../header_list.ts";
import type { ClientRequest } from "../request.ts";
import type { HttpResponse } from "../response.ts";
import { cachedResponse, gatewayTimeout } from "./cache_response.ts";
import { teeSource } from "./cache_tee.ts";
import type { Handler, Middleware } from "./compose.ts";
import { DecodingSource } from "./decoding_source.ts";
import { discardBody } from "./discard_body.ts";

/**
 * The cache settings of `new Client({ cache: { ... } })`.
 *
 * @example
 * ```ts
 * import { Client, type CacheOptions, FileCacheStore } from "../../mod.ts";
 * const cache: CacheOptions = { store: new FileCacheStore({ dir: "./http-cache" }), staleIfError: true };
 * await using client = new Client({ cache });
 * ```
 */
export interface CacheOptions {
  /** Where entries live (default: a `MemoryCacheStore` sized by `cacheMaxSize` and `cacheMaxEntrySize`). */
  store?: CacheStore;
  /**
   * Serve a stale response within its `stale-while-revalidate` window and
   * revalidate it in the background (RFC 5861 §3). Default false: stale
   * responses are revalidated before they are served.
   */
  staleWhileRevalidate?: boolean;
  /**
   * Serve a stale response within its `stale-if-error` window when the
   * revalidation fails with a network error or a 500, 502, 503 or 504
   * (RFC 5861 §4). Default false.
   */
  staleIfError?: boolean;
}

/**
 * The client's `cache` option: `false` (default) for no cache, `true` for a
 * memory cache with the default limits, a store, or {@link CacheOptions}.
 *
 * @example
 * ```ts
 * import { Client, type CacheOption, MemoryCacheStore } from "../../mod.ts";
 * const cache: CacheOption = new MemoryCacheStore({ maxSize: 16 * 1024 * 1024 });
 * await using client = new Client({ cache });
 * ```
 */
export type CacheOption = boolean | CacheStore | CacheOptions;

/** Everything the cache middleware needs, resolved from the client's options. */
export interface CacheMiddlewareOptions {
  /** Where entries live. */
  store: CacheStore;
  /** See {@link CacheOptions.staleWhileRevalidate}. */
  staleWhileRevalidate: boolean;
  /** See {@link CacheOptions.staleIfError}. */
  staleIfError: boolean;
  /** The client's `maxBodySize`, for responses served from the store. */
  maxBodySize: number;
  /** Cap of heuristic freshness lifetimes in ms (the client's `cacheHeuristicMaxAge`). */
  heuristicMaxAge: number;
}

/**
 * Resolve the client's `cache` option; `null` when the cache is off.
 *
 * @example
 * ```ts
 * import { defaultLimits } from "../limits.ts";
 * import { cacheMiddlewareOptions } from "./cache.ts";
 * cacheMiddlewareOptions(undefined, defaultLimits); // null
 * cacheMiddlewareOptions(true, defaultLimits)?.staleIfError; // false
 * ```
 */
export function cacheMiddlewareOptions(
  option: CacheOption | undefined,
  limits: Limits,
): CacheMiddlewareOptions | null {
  if (option === undefined || option === false) return null;
  const settings: CacheOptions = option === true ? {} : isCacheStore(option) ? { store: option } : option;
  return {
    store: settings.store ??
      new MemoryCacheStore({ maxSize: limits.cacheMaxSize, maxEntrySize: limits.cacheMaxEntrySize }),
    staleWhileRevalidate: settings.staleWhileRevalidate ?? false,
    staleIfError: settings.staleIfError ?? false,
    maxBodySize: limits.maxBodySize,
    heuristicMaxAge: limits.cacheHeuristicMaxAge,
  };
}

function isCacheStore(option: CacheStore | CacheOptions): option is CacheStore {
  const candidate = option as Partial<CacheStore>;
  return typeof candidate.get === "function" && typeof candidate.open === "function";
}

/**
 * The cache middleware.
 *
 * @example
 * ```ts
 * import { MemoryCacheStore } from "../cache/memory_store.ts";
 * import { cacheMiddleware } from "./cache.ts";
 * const middleware = cacheMiddleware({
 *   store: new MemoryCacheStore(),
 *   staleWhileRevalidate: false,
 *   staleIfError: false,
 *   maxBodySize: 1024 * 1024,
 *   heuristicMaxAge: 24 * 60 * 60 * 1000,
 * });
 * ```
 */
export function cacheMiddleware(options: CacheMiddlewareOptions): Middleware {
  const cache = new HttpCache(options);
  return (request, next) => cache.handle(request, next);
}

/**
 * Request fields that make a request conditional or partial (RFC 9110 §13.1,
 * §14.2): with any of them the caller validates what it holds, so the cache
 * stays out of the way.
 */
const callerConditionalFields = [
  "if-none-match",
  "if-modified-since",
  "if-match",
  "if-unmodified-since",
  "if-range",
  "range",
];

/** One lookup: the request, its fields as `Headers`, and its primary key. */
interface Lookup {
  request: ClientRequest;
  headers: Headers;
  key: string;
  next: Handler;
}

class HttpCache {
  readonly #options: CacheMiddlewareOptions;
  readonly #store: CacheStore;
  /** Variants being revalidated in the background, so a burst of hits sends one request. */
  readonly #revalidating = new Set<string>();
  /** Network responses whose body is being copied into the store. */
  readonly #storing = new WeakSet<HttpResponse>();

  constructor(options: CacheMiddlewareOptions) {
    this.#options = options;
    this.#store = options.store;
  }

  async handle(request: ClientRequest, next: Handler): Promise<HttpResponse> {
    if (request.method !== "GET" && request.method !== "HEAD") return this.#invalidating(request, next);
    if (callerConditionalFields.some((name) => hasHeader(request.headers, name))) return next(request);
    const headers = toHeaders(request);
    // Fields `Headers` refuses are refused again, with a proper error, when the request is written.
    if (headers === null) return next(request);
    const lookup: Lookup = { request, headers, key: cacheKey("GET", request.url.href), next };
    const entries = await this.#store.get(lookup.key);
    const entry = entries === undefined ? undefined : selectVariant(entries, headers);
    const now = Date.now();
    const decision: FreshnessDecision = entry === undefined
      ? { kind: "miss" }
      : freshness(entry.meta, headers, {
        now,
        heuristicMaxAge: this.#options.heuristicMaxAge,
        staleWhileRevalidate: this.#options.staleWhileRevalidate,
      });
    if (entry !== undefined && (decision.kind === "fresh" || decision.kind === "stale-ok")) {
      if (decision.kind === "stale-ok" && decision.revalidateInBackground) {
        this.#revalidateInBackground(lookup, entry, decision.headers);
      }
      this.#debug(request, "hit", decision.kind === "fresh" ? "fresh" : "stale, allowed", entry);
      return cachedResponse(entry, request, {
        fromCache: "hit",
        now,
        maxBodySize: this.#options.maxBodySize,
      });
    }
    if (onlyIfCached(headers)) {
      this.#debug(request, "miss", "only-if-cached: answered 504");
      return gatewayTimeout(request, this.#options.maxBodySize);
    }
    if (entry === undefined || decision.kind !== "revalidate" || request.method === "HEAD") {
      this.#debug(request, "miss", entry === undefined ? "not stored" : "stored response not usable");
      return this.#fetch(lookup);
    }
    return this.#revalidate(
      lookup,
      entry,
      decision.headers,
      decision.staleIfError && this.#options.staleIfError,
    );
  }

  /** Send an unsafe request and drop the entries its success makes obsolete (RFC 9111 §4.4). */
  async #invalidating(request: ClientRequest, next: Handler): Promise<HttpResponse> {
    const response = await next(request);
    const urls = invalidatedUrls({ method: request.method, url: request.url.href }, response);
    for (const url of urls) {
      // A store that cannot delete leaves a stale entry behind; the caller's answer matters more.
      await this.#store.delete(cacheKey("GET", url)).catch(() => undefined);
    }
    const debug = request.debug;
    if (urls.length > 0 && debug?.flags.cache) {
      debug.emit("cache", "invalidated", {}, `${request.method} ${response.status}: ${urls.join(", ")}`, {
        urls,
      });
    }
    return response;
  }

  /** Send the request as it is, storing the answer when it may be stored. */
  async #fetch(lookup: Lookup): Promise<HttpResponse> {
    const requestTime = Date.now();
    const response = await lookup.next(lookup.request);
    return this.#storeWhileRead(lookup, response, requestTime);
  }

  /**
   * Send the request with the entry's validators (RFC 9111 §4.3.1) and use
   * the answer: a matching 304 freshens the entry and serves it; another 304
   * drops the entry and the request is repeated without conditions (§4.3.4);
   * with `staleIfError`, a network error or a 5xx serves the stale entry;
   * anything else is the new response.
   */
  async #revalidate(
    lookup: Lookup,
    entry: CacheEntry,
    conditions: ConditionalHeaders,
    staleIfError: boolean,
  ): Promise<HttpResponse> {
    const { request } = lookup;
    const validated = conditions.ifNoneMatch !== undefined || conditions.ifModifiedSince !== undefined;
    if (!validated && !staleIfError) {
      this.#debug(request, "miss", "stale, no validator");
      return this.#fetch(lookup);
    }
    const conditional = withConditions(request, conditions);
    const requestTime = Date.now();
    let response: HttpResponse;
    try {
      response = await lookup.next(conditional);
    } catch (error) {
      if (!staleIfError || request.signal?.aborted) throw error;
      this.#debug(request, "hit", `stale-if-error after ${String(error)}`, entry);
      return this.#serveStale(entry, request);
    }
    const responseTime = Date.now();
    if (validated && response.status === 304) {
      await discardBody(response);
      if (!notModifiedMatches(entry.meta, response.headers)) {
        await this.#store.delete(lookup.key).catch(() => undefined);
        this.#debug(request, "miss", "304 for another representation: entry dropped, request repeated");
        return this.#fetch(lookup);
      }
      const meta: StoredResponseMeta = {
        ...entry.meta,
        ...updateFrom304(entry.meta, { headers: response.headers, requestTime, responseTime }),
      };
      await this.#store.updateMeta(meta);
      this.#debug(request, "revalidated", "304 Not Modified", { meta, body: entry.body });
      const revalidated = cachedResponse({ meta, body: entry.body }, conditional, {
        fromCache: "revalidated",
        now: Date.now(),
        maxBodySize: this.#options.maxBodySize,
      });
      // Set-Cookie is never stored, but the 304's own (a refreshed session,
      // say) must still reach the cookie jar, which sits outside the cache.
      const raw = response.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) {
        if (raw[i].toLowerCase() === "set-cookie") revalidated.rawHeaders.push(raw[i], raw[i + 1]);
      }
      return revalidated;
    }
    if (staleIfError && isStaleIfErrorStatus(response.status)) {
      await discardBody(response);
      this.#debug(request, "hit", `stale-if-error after status ${response.status}`, entry);
      return this.#serveStale(entry, request);
    }
    this.#debug(request, "miss", `stale, the server answered ${response.status}`);
    return this.#storeWhileRead({ ...lookup, request: conditional }, response, requestTime, responseTime);
  }

  #serveStale(entry: CacheEntry, request: ClientRequest): HttpResponse {
    return cachedResponse(entry, request, {
      fromCache: "hit",
      now: Date.now(),
      maxBodySize: this.#options.maxBodySize,
    });
  }

  /**
   * Revalidate a stale entry that was just served (stale-while-revalidate),
   * once per variant at a time. The request goes without the caller's abort
   * signal and with its own timings: the caller already has its answer. A
   * new body is read to its end so that it is stored; errors only leave the
   * entry as it was.
   */
  #revalidateInBackground(lookup: Lookup, entry: CacheEntry, conditions: ConditionalHeaders): void {
    const id = `${lookup.key} ${variantKey(entry.meta.varyValues)}`;
    if (this.#revalidating.has(id)) return;
    this.#revalidating.add(id);
    const request: ClientRequest = { ...lookup.request, signal: undefined, timings: { start: Date.now() } };
    this.#revalidate({ ...lookup, request }, entry, conditions, false)
      .then((response) => {
        if (this.#storing.has(response)) return readToEnd(response, this.#options.maxBodySize);
        if (response.fromCache === "miss") return discardBody(response);
      })
      .catch(() => undefined)
      .finally(() => this.#revalidating.delete(id));
  }

  /**
   * Store a network response while the caller reads it, when it may be
   * stored (RFC 9111 §3); otherwise return it untouched.
   */
  #storeWhileRead(
    lookup: Lookup,
    response: HttpResponse,
    requestTime: number,
    responseTime = Date.now(),
  ): HttpResponse {
    const cachedRequest: CachedRequest = {
      method: lookup.request.method,
      url: lookup.key,
      headers: lookup.headers,
    };
    if (!isStorable(cachedRequest, response) || response.bodyUsed) return response;
    const source = response.takeSource();
    const meta = createResponseMeta(cachedRequest, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      requestTime,
      responseTime,
    });
    // Only the last decoding stage is seen here; decompression decodes all codings or none.
    meta.headers = storedBodyFields(meta.headers, source instanceof DecodingSource, source.length);
    const writer = this.#store.open({ ...meta, key: lookup.key, url: lookup.key, method: "GET" });
    if (writer === undefined) {
      response.replaceSource(source);
      this.#debug(lookup.request, "miss", "body larger than the store's entry limit: not stored");
      return response;
    }
    const debug = lookup.request.debug;
    this.#storing.add(response);
    response.replaceSource(teeSource(source, writer, (length) => {
      if (debug?.flags.cache) {
        debug.emit("cache", "stored", {}, `${lookup.key} (${response.status}, ${length} bytes)`, {
          url: lookup.key,
          status: response.status,
          bytes: length,
        });
      }
    }));
    return response;
  }

  #debug(
    request: ClientRequest,
    event: "hit" | "miss" | "revalidated",
    reason: string,
    entry?: CacheEntry,
  ): void {
    const debug = request.debug;
    if (!debug?.flags.cache) return;
    const url = cacheKey("GET", request.url.href);
    const data: Record<string, unknown> = { url, reason };
    if (entry !== undefined) data.status = entry.meta.status;
    debug.emit("cache", event, {}, `${request.method} ${url}: ${reason}`, data);
  }
}

/** The request's fields as `Headers` (the policy's input), or `null` when one is not a valid field. */
function toHeaders(request: ClientRequest): Headers | null {
  try {
    const headers = new Headers();
    for (const [name, value] of request.headers) headers.append(name, value);
    return headers;
  } catch {
    return null;
  }
}

/** A copy of the request with the validators of a stored response added. */
function withConditions(request: ClientRequest, conditions: ConditionalHeaders): ClientRequest {
  const headers: [string, string][] = request.headers.map(([name, value]) => [name, value]);
  if (conditions.ifNoneMatch !== undefined) headers.push(["if-none-match", conditions.ifNoneMatch]);
  if (conditions.ifModifiedSince !== undefined) {
    headers.push(["if-modified-since", conditions.ifModifiedSince]);
  }
  return { ...request, headers };
}

/**
 * The fields to store with a body as the cache reads it: Content-Length is
 * the length of that body when known (so a store can refuse a large one up
 * front) and absent otherwise; Content-Encoding goes when the body was
 * decoded on the way (RFC 9110 §8.4: it names codings applied to the body).
 */
function storedBodyFields(
  fields: [string, string][],
  decoded: boolean,
  length: number | null,
): [string, string][] {
  const kept = fields.filter(([name]) =>
    name !== "content-length" && !(decoded && name === "content-encoding")
  );
  if (length !== null) kept.push(["content-length", String(length)]);
  return kept;
}

/** Bytes read at once by {@link readToEnd}. */
const readChunkSize = 16 * 1024;

/**
 * Read a body to its end, so that it is stored as it is read (a background
 * revalidation's new response); past `limit` bytes it is cancelled.
 */
async function readToEnd(response: HttpResponse, limit: number): Promise<void> {
  const source = response.takeSource();
  const scratch = new Uint8Array(readChunkSize);
  let total = 0;
  for (let count = await source.read(scratch); count > 0; count = await source.read(scratch)) {
    total += count;
    if (total > limit) {
      source.cancel();
      return;
    }
  }
}
