/**
 * Freshening a stored response with a 304 (Not Modified) answer (RFC 9111 §4.3.3, §4.3.4, §3.2).
 *
 * @module
 */
import { formatHttpDate, parseHttpDate } from "./http_date.ts";
import type { CachedResponseMeta } from "./response_meta.ts";
import { connectionOptions, firstField, isStoredField } from "./stored_fields.ts";

/** The parts of a 304 answer used to update a stored response. */
export interface NotModifiedResponse {
  /** The 304's header fields. */
  headers: Headers;
  /** When the conditional request was sent (epoch ms). */
  requestTime: number;
  /** When the 304 arrived (epoch ms). */
  responseTime: number;
}

/**
 * Fields of a 304 that must not replace stored ones (RFC 9111 §3.2):
 * Content-Length, and fields describing the stored body as received, which
 * this cache keeps after decoding (Content-Encoding, Content-Range).
 */
const notUpdatedFields = new Set(["content-length", "content-encoding", "content-range"]);

/**
 * Whether a 304 answer applies to a stored response (RFC 9111 §4.3.4): a
 * strong ETag in the 304 must equal the stored one; a weak ETag must match
 * it by weak comparison (RFC 9110 §8.8.3.2); without an ETag, a
 * Last-Modified in the 304 must equal the stored one. A 304 with no
 * validator applies: it answers the conditional request made from this very
 * entry. When this is false, drop the entry and repeat the request without
 * conditions.
 *
 * @example
 * ```ts
 * import { notModifiedMatches } from "./not_modified.ts";
 * const meta = {
 *   status: 200, statusText: "OK", requestTime: 0, responseTime: 0, varyValues: {},
 *   headers: [["etag", '"v1"']] as [string, string][],
 * };
 * notModifiedMatches(meta, new Headers({ etag: '"v1"' })); // true
 * notModifiedMatches(meta, new Headers({ etag: '"v2"' })); // false
 * ```
 */
export function notModifiedMatches(meta: CachedResponseMeta, notModifiedHeaders: Headers): boolean {
  const newTag = notModifiedHeaders.get("etag");
  const storedTag = firstField(meta.headers, "etag");
  if (newTag !== null) {
    if (storedTag === null) return false;
    if (isWeak(newTag)) return opaqueTag(newTag) === opaqueTag(storedTag);
    return !isWeak(storedTag) && newTag.trim() === storedTag.trim();
  }
  const newLastModified = notModifiedHeaders.get("last-modified");
  if (newLastModified !== null) {
    const stored = parseHttpDate(firstField(meta.headers, "last-modified"));
    return stored !== null && stored === parseHttpDate(newLastModified);
  }
  return true;
}

/**
 * The stored response updated by a 304 (RFC 9111 §4.3.4): every field the
 * 304 carries replaces all stored fields of that name, except hop-by-hop
 * ones, Set-Cookie, Content-Length, Content-Encoding and Content-Range
 * (§3.2). The request and response times become those of the 304, so age
 * and freshness restart from it; Date and Age describe those times, so a
 * 304 without Date gets one from its receipt time (RFC 9110 §6.6.1) and a
 * stored Age the 304 does not repeat is dropped. Status, reason and Vary
 * values stay. The input is not modified.
 *
 * @example
 * ```ts
 * import { updateFrom304 } from "./not_modified.ts";
 * const meta = {
 *   status: 200, statusText: "OK", requestTime: 0, responseTime: 0, varyValues: {},
 *   headers: [["cache-control", "max-age=60"], ["content-length", "5"]] as [string, string][],
 * };
 * const updated = updateFrom304(meta, {
 *   headers: new Headers({ "cache-control": "max-age=600", "content-length": "0" }),
 *   requestTime: 100_000,
 *   responseTime: 100_050,
 * });
 * updated.headers; // [["content-length", "5"], ["cache-control", "max-age=600"], ["date", "Thu, 01 Jan 1970 00:01:40 GMT"]]
 * ```
 */
export function updateFrom304(
  meta: CachedResponseMeta,
  notModified: NotModifiedResponse,
): CachedResponseMeta {
  const hopByHop = connectionOptions(notModified.headers.get("connection"));
  const replacements: [string, string][] = [];
  for (const [name, value] of notModified.headers) {
    if (isStoredField(name, hopByHop) && !notUpdatedFields.has(name)) replacements.push([name, value]);
  }
  if (!notModified.headers.has("date")) replacements.push(["date", formatHttpDate(notModified.responseTime)]);
  const replaced = new Set(replacements.map(([name]) => name));
  replaced.add("age");
  return {
    ...meta,
    headers: [...meta.headers.filter(([name]) => !replaced.has(name)), ...replacements],
    requestTime: notModified.requestTime,
    responseTime: notModified.responseTime,
    varyValues: { ...meta.varyValues },
  };
}

function isWeak(tag: string): boolean {
  return tag.trim().startsWith("W/");
}

function opaqueTag(tag: string): string {
  const trimmed = tag.trim();
  return isWeak(trimmed) ? trimmed.slice(2) : trimmed;
}
