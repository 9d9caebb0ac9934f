/**
 * An HTTP/1.1 client for web scraping: persistent connections, pipelining,
 * connection limits per target, several client IPs, and typed errors. One
 * zero-dependency module for Deno, Bun and Node.
 *
 * @example
 * ```ts
 * import { Client } from "@webscrape/http-client";
 * await using client = new Client({ maxConnPerTarget: 8, maxPipelinedRequests: 10 });
 * const response = await client.request({ url: "http://127.0.0.1:8080/" });
 * console.log(response.status, await response.text());
 * ```
 * @module
 */
export { Client, type ClientOptions } from "./lib/client.ts";
export { closeDefaultClient, fetch } from "./lib/default_fetch.ts";
export type { FetchInput } from "./lib/fetch.ts";
export { HttpResponse, type CacheStatus, type RedirectHop, type Timings } from "./lib/response.ts";
export type { ClientRequest, RequestBody, RequestBodyInit, RequestOptions } from "./lib/request.ts";
export type { Handler, Middleware } from "./lib/middleware/compose.ts";
export type { BodySource } from "./lib/body_source.ts";
export type { HeaderList, HeadersInit } from "./lib/header_list.ts";
export type { PoolStats } from "./lib/pool/pool.ts";
export type { ResolveFunction } from "./lib/pool/resolver.ts";
export type { Conn, ConnectOptions, TlsConnectOptions, Transport, TransportName } from "./lib/runtime/types.ts";
export { connReadable, type ConnReadableOptions, connWritable, readAll } from "./lib/runtime/streams.ts";
export { availableTransports, detectTransport, transportByName } from "./lib/runtime/detect.ts";
export { type DebugEvent, type DebugSink, formatDebugEvent } from "./lib/debug/debugger.ts";
export { type DebugLevel, debugLevels, type DebugOption } from "./lib/debug/levels.ts";
export { defaultLimits, type Limits } from "./lib/limits.ts";
export {
  type Cookie,
  CookieJar,
  type CookieJarJSON,
  type CookieJarOptions,
  type SetCookieResult,
} from "./lib/cookies/jar.ts";
export { loadPublicSuffixList, PublicSuffixList } from "./lib/cookies/public_suffix.ts";
export type { SameSite } from "./lib/cookies/parse.ts";
export type { RedirectMode } from "./lib/middleware/redirect.ts";
export {
  defaultRetryPolicy,
  type ExponentialBackoff,
  type RetriedStatus,
  type RetryInfo,
  type RetryOptions,
} from "./lib/middleware/retry.ts";
export { type ContentCoding, supportedCodings } from "./lib/middleware/content_codings.ts";
export type { Debugger, DebugIds } from "./lib/debug/debugger.ts";
export type { DebugFlags } from "./lib/debug/levels.ts";
export type { CacheOption, CacheOptions } from "./lib/middleware/cache.ts";
export { MemoryCacheStore, type MemoryCacheStoreOptions } from "./lib/cache/memory_store.ts";
export { FileCacheStore, type FileCacheStoreOptions } from "./lib/cache/file_store.ts";
export type { CacheEntry, CacheEntryWriter, CacheStore, StoredResponseMeta } from "./lib/cache/store.ts";
export type { CachedResponseMeta } from "./lib/cache/response_meta.ts";
export {
  AbortError,
  BodyTooLargeError,
  BodyTruncatedError,
  BodyUsedError,
  ClientClosedError,
  ConnectError,
  CookieFileError,
  DecompressError,
  HeaderTooLargeError,
  HttpClientError,
  type HttpClientErrorOptions,
  InvalidHeaderError,
  InvalidRequestError,
  ParseError,
  QueueFullError,
  RedirectError,
  SocketError,
  TimeoutError,
  type TimeoutPhase,
  TlsError,
  TooManyRedirectsError,
} from "./lib/errors.ts";
