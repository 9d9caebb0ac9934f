/**
 * The plain values the cache policy works on: a request, and the metadata of
 * a stored response (everything but its body).
 *
 * @module
 */
import { formatHttpDate } from "./http_date.ts";
import { connectionOptions, isStoredField } from "./stored_fields.ts";
import { varyValuesOf } from "./vary.ts";

/** A request as the cache sees it. */
export interface CachedRequest {
  /** The method, as sent (methods are case-sensitive). */
  method: string;
  /** The absolute URL. */
  url: string;
  /** The request header fields. */
  headers: Headers;
}

/**
 * Everything the cache keeps about a response besides its body. Times are epoch milliseconds.
 *
 * @example
 * ```ts
 * import type { CachedResponseMeta } from "../../mod.ts";
 * const meta: CachedResponseMeta = {
 *   status: 200,
 *   statusText: "OK",
 *   headers: [["cache-control", "max-age=60"]],
 *   requestTime: Date.now(),
 *   responseTime: Date.now(),
 *   varyValues: {},
 * };
 * ```
 */
export interface CachedResponseMeta {
  /** The status code. */
  status: number;
  /** The reason phrase. */
  statusText: string;
  /** The stored header fields, names lowercased, in order. */
  headers: [string, string][];
  /** When the request that brought this response was sent (`request_time`, RFC 9111 §4.2.3). */
  requestTime: number;
  /** When the response head arrived (`response_time`, RFC 9111 §4.2.3). */
  responseTime: number;
  /**
   * The request header values named by the response's Vary field (names
   * lowercased, values normalized, `null` when the request lacked the field):
   * the secondary cache key of RFC 9111 §4.1.
   */
  varyValues: Record<string, string | null>;
}

/** A response as it arrives, the input of {@link createResponseMeta}. */
export interface ArrivedResponse {
  /** The status code. */
  status: number;
  /** The reason phrase. */
  statusText: string;
  /** The response header fields. */
  headers: Headers;
  /** When the request was sent (epoch ms). */
  requestTime: number;
  /** When the response head arrived (epoch ms). */
  responseTime: number;
}

/**
 * Build the metadata to store for a response: hop-by-hop fields and
 * Set-Cookie dropped, a Date field added from `responseTime` when the origin
 * sent none (RFC 9110 §6.6.1 asks a caching recipient to), and the Vary
 * values of the request recorded.
 *
 * @example
 * ```ts
 * import { createResponseMeta } from "./response_meta.ts";
 * const meta = createResponseMeta(
 *   { method: "GET", url: "http://example.com/", headers: new Headers({ "accept-language": "en" }) },
 *   {
 *     status: 200,
 *     statusText: "OK",
 *     headers: new Headers({ "cache-control": "max-age=60", vary: "Accept-Language" }),
 *     requestTime: 1_000,
 *     responseTime: 1_200,
 *   },
 * );
 * meta.varyValues; // { "accept-language": "en" }
 * ```
 */
export function createResponseMeta(request: CachedRequest, response: ArrivedResponse): CachedResponseMeta {
  const hopByHop = connectionOptions(response.headers.get("connection"));
  const headers: [string, string][] = [];
  for (const [name, value] of response.headers) {
    if (isStoredField(name, hopByHop)) headers.push([name, value]);
  }
  if (!response.headers.has("date")) headers.push(["date", formatHttpDate(response.responseTime)]);
  return {
    status: response.status,
    statusText: response.statusText,
    headers,
    requestTime: response.requestTime,
    responseTime: response.responseTime,
    varyValues: varyValuesOf(response.headers, request.headers),
  };
}
