/**
 * Secondary cache keys (RFC 9111 §4.1): which stored variant of a URL a
 * request may be served from, as named by the response's Vary field.
 *
 * @module
 */
import type { CachedResponseMeta } from "./response_meta.ts";
import { joinedField } from "./stored_fields.ts";

// RFC 9110 §5.1 field-name = token; names outside it cannot be looked up in a Headers.
const fieldNamePattern = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/**
 * The field names listed by a Vary value, lowercased, without duplicates;
 * `"*"` is kept as is. Names that are not tokens are dropped.
 *
 * @example
 * ```ts
 * import { parseVary } from "./vary.ts";
 * parseVary("Accept-Encoding, accept-encoding,  User-Agent"); // ["accept-encoding", "user-agent"]
 * ```
 */
export function parseVary(value: string | null): string[] {
  if (value === null) return [];
  const names = value.split(",").map((name) => name.trim().toLowerCase());
  return [...new Set(names.filter((name) => name === "*" || fieldNamePattern.test(name)))];
}

/**
 * The request header values named by a response's Vary field, normalized
 * (see {@link normalizeFieldValue}), `null` for a field the request lacks.
 * Empty for `Vary: *`, which no request ever matches.
 *
 * @example
 * ```ts
 * import { varyValuesOf } from "./vary.ts";
 * varyValuesOf(new Headers({ vary: "Accept-Language, Cookie" }), new Headers({ "accept-language": "en ,de" }));
 * // { "accept-language": "en,de", cookie: null }
 * ```
 */
export function varyValuesOf(
  responseHeaders: Headers,
  requestHeaders: Headers,
): Record<string, string | null> {
  const names = parseVary(responseHeaders.get("vary"));
  if (names.includes("*")) return {};
  // Object.fromEntries defines own properties, so a hostile `Vary: __proto__` stays a plain key.
  return Object.fromEntries(names.map((name) => [name, normalizeFieldValue(requestHeaders.get(name))]));
}

/**
 * Whether a request may be served from a stored response as far as Vary goes
 * (RFC 9111 §4.1): `Vary: *` never matches; otherwise every named request
 * field must equal the stored value after normalization (absent matches
 * only absent).
 *
 * @example
 * ```ts
 * import { varyMatches } from "./vary.ts";
 * const meta = {
 *   status: 200, statusText: "OK", requestTime: 0, responseTime: 0,
 *   headers: [["vary", "accept-language"]] as [string, string][],
 *   varyValues: { "accept-language": "en" },
 * };
 * varyMatches(meta, new Headers({ "accept-language": "en" })); // true
 * varyMatches(meta, new Headers({ "accept-language": "de" })); // false
 * ```
 */
export function varyMatches(meta: CachedResponseMeta, requestHeaders: Headers): boolean {
  const names = parseVary(joinedField(meta.headers, "vary"));
  if (names.includes("*")) return false;
  return names.every((name) =>
    Object.hasOwn(meta.varyValues, name) &&
    meta.varyValues[name] === normalizeFieldValue(requestHeaders.get(name))
  );
}

/**
 * Normalize a request field value for comparison (RFC 9111 §4.1): field lines
 * already joined with commas (as `Headers.get` does) match the same values
 * sent on one line, because optional whitespace around list commas, empty
 * list elements and whitespace at both ends are removed. Commas inside
 * quoted strings are left alone.
 *
 * @example
 * ```ts
 * import { normalizeFieldValue } from "./vary.ts";
 * normalizeFieldValue("gzip ,  br,"); // "gzip,br"
 * ```
 */
export function normalizeFieldValue(value: string | null): string | null {
  if (value === null) return null;
  const elements: string[] = [];
  let current = "";
  let quoted = false;
  for (let index = 0; index < value.length; index++) {
    const char = value[index];
    if (quoted) {
      current += char;
      if (char === "\\" && index + 1 < value.length) current += value[++index];
      else if (char === '"') quoted = false;
    } else if (char === ",") {
      elements.push(current);
      current = "";
    } else {
      if (char === '"') quoted = true;
      current += char;
    }
  }
  elements.push(current);
  return elements.map((element) => element.replace(/^[ \t]+|[ \t]+$/g, "")).filter((element) =>
    element !== ""
  )
    .join(",");
}

/**
 * A string naming a variant within its primary key: equal Vary values give
 * the same string, so a new response for the same request replaces the old
 * one (RFC 9111 §4.1). Stores use it as the variant's identity.
 *
 * @example
 * ```ts
 * import { variantKey } from "./vary.ts";
 * variantKey({ b: "2", a: null }) === variantKey({ a: null, b: "2" }); // true
 * ```
 */
export function variantKey(varyValues: Record<string, string | null>): string {
  return JSON.stringify(Object.keys(varyValues).sort().map((name) => [name, varyValues[name]]));
}

/**
 * Of several stored variants, the one to serve a request from: among those
 * whose Vary values match, the most recently received (RFC 9111 §4.1 picks
 * the most recent; the receipt time, which a 304 refreshes, is used rather
 * than the origin's Date so that clock skew between responses cannot pick an
 * older one). `undefined` when none matches.
 *
 * @example
 * ```ts
 * import { selectVariant } from "./vary.ts";
 * const entries = [{
 *   meta: { status: 200, statusText: "OK", headers: [], requestTime: 0, responseTime: 0, varyValues: {} },
 * }];
 * selectVariant(entries, new Headers()) === entries[0]; // true
 * ```
 */
export function selectVariant<T extends { meta: CachedResponseMeta }>(
  entries: readonly T[],
  requestHeaders: Headers,
): T | undefined {
  let selected: T | undefined;
  for (const entry of entries) {
    if (!varyMatches(entry.meta, requestHeaders)) continue;
    if (selected === undefined || entry.meta.responseTime > selected.meta.responseTime) selected = entry;
  }
  return selected;
}
