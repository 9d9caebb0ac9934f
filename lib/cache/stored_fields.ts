/**
 * Which response header fields a cache keeps, and reading them back from the
 * stored `[name, value]` list.
 *
 * @module
 */

/**
 * Header fields a cache does not keep: the hop-by-hop ones RFC 9111 §3.1
 * lets a cache drop before storage (RFC 9110 §7.6.1), and Set-Cookie: the
 * cookie layer saw it when the response arrived, and replaying it from the
 * cache would set cookies back to old values.
 */
const unstoredFields = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "transfer-encoding",
  "upgrade",
  "set-cookie",
  "set-cookie2",
]);

/**
 * Whether a response header field is kept in storage. `connectionOptions` are
 * the names listed in the response's Connection field, hop-by-hop too.
 *
 * @example
 * ```ts
 * import { isStoredField } from "./stored_fields.ts";
 * isStoredField("keep-alive", new Set()); // false
 * isStoredField("etag", new Set()); // true
 * ```
 */
export function isStoredField(name: string, connectionOptions: ReadonlySet<string>): boolean {
  return !unstoredFields.has(name) && !connectionOptions.has(name);
}

/**
 * The names listed in a Connection field value, lowercased.
 *
 * @example
 * ```ts
 * import { connectionOptions } from "./stored_fields.ts";
 * connectionOptions("close, X-Trace"); // Set { "close", "x-trace" }
 * ```
 */
export function connectionOptions(value: string | null): Set<string> {
  return new Set((value ?? "").split(",").map((name) => name.trim().toLowerCase()).filter(Boolean));
}

/**
 * The first stored value of a header field, or `null`. Fields that carry one
 * value (Date, Expires, Age, Last-Modified, ETag) use the first occurrence,
 * as RFC 9111 §4.2.1 allows for duplicates.
 *
 * @example
 * ```ts
 * import { firstField } from "./stored_fields.ts";
 * firstField([["age", "5"], ["age", "9"]], "age"); // "5"
 * ```
 */
export function firstField(headers: readonly (readonly [string, string])[], name: string): string | null {
  for (const [fieldName, value] of headers) if (fieldName === name) return value;
  return null;
}

/**
 * All stored values of a list-valued header field joined with ", " (as
 * `Headers.get` joins them), or `null`.
 *
 * @example
 * ```ts
 * import { joinedField } from "./stored_fields.ts";
 * joinedField([["cache-control", "max-age=5"], ["cache-control", "public"]], "cache-control"); // "max-age=5, public"
 * ```
 */
export function joinedField(headers: readonly (readonly [string, string])[], name: string): string | null {
  const values = headers.filter(([fieldName]) => fieldName === name).map(([, value]) => value);
  return values.length === 0 ? null : values.join(", ");
}
