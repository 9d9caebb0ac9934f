/**
 * Parse the Cache-Control header field (RFC 9111 §5.2) of a request or a
 * response into plain values.
 *
 * @module
 */
import { parseDeltaSeconds } from "./delta_seconds.ts";

/**
 * The directives of one Cache-Control field value.
 *
 * Numbers are seconds. A numeric directive is `undefined` when absent.
 * Duplicates: the first occurrence wins (RFC 9111 §4.2.1 allows "first
 * occurrence" or "stale"); conflicts between different directives (say
 * `max-age` and `no-cache`) are left to the policy, which honours the most
 * restrictive one.
 */
export interface CacheControl {
  /** Every directive, name lowercased, argument unquoted (`null` when it has none). */
  readonly directives: ReadonlyMap<string, string | null>;
  /**
   * `max-age`. An argument that is not delta-seconds reads as 0: RFC 9111
   * §4.2.1 encourages treating invalid freshness information as stale, and a
   * request `max-age=0` asks for revalidation, the cautious reading there too.
   */
  readonly maxAge?: number;
  /** `s-maxage` (shared caches only; it matters here for §3.5). Invalid reads as 0. */
  readonly sMaxAge?: number;
  /** Request `max-stale`: `Infinity` without an argument (any staleness), invalid reads as 0. */
  readonly maxStale?: number;
  /** Request `min-fresh`. Invalid reads as 0 (no requirement). */
  readonly minFresh?: number;
  /** `stale-while-revalidate` (RFC 5861 §3). Invalid reads as 0 (no stale window). */
  readonly staleWhileRevalidate?: number;
  /** `stale-if-error` (RFC 5861 §4). Invalid reads as 0 (no stale window). */
  readonly staleIfError?: number;
  /** `no-cache`, qualified or not. */
  readonly noCache: boolean;
  /** Field names (lowercased) of a qualified `no-cache="a, b"`; empty when unqualified. */
  readonly noCacheFields: readonly string[];
  /** `no-store`. */
  readonly noStore: boolean;
  /** `private`, qualified or not (a private cache may store either). */
  readonly private: boolean;
  /** `public`. */
  readonly public: boolean;
  /** `must-revalidate`. */
  readonly mustRevalidate: boolean;
  /** `proxy-revalidate` (shared caches only). */
  readonly proxyRevalidate: boolean;
  /** `must-understand` (RFC 9111 §5.2.2.3). */
  readonly mustUnderstand: boolean;
  /** `immutable` (RFC 8246). */
  readonly immutable: boolean;
  /** Request `only-if-cached`. */
  readonly onlyIfCached: boolean;
  /** `no-transform`. */
  readonly noTransform: boolean;
}

// RFC 9110 §5.6.2 tchar, lowercased names only.
const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/**
 * Parse a Cache-Control value (several field lines joined with commas, as
 * `Headers.get` gives them). Never throws: malformed directives are skipped,
 * `null` gives an empty result.
 *
 * @example
 * ```ts
 * import { parseCacheControl } from "./cache_control.ts";
 * const cc = parseCacheControl('max-age=60, no-cache="Set-Cookie", Public');
 * cc.maxAge; // 60
 * cc.noCacheFields; // ["set-cookie"]
 * cc.public; // true
 * ```
 */
export function parseCacheControl(value: string | null): CacheControl {
  const directives = value === null ? new Map<string, string | null>() : parseDirectives(value);
  const has = (name: string) => directives.has(name);
  const noCacheArgument = directives.get("no-cache");
  return {
    directives,
    maxAge: seconds(directives, "max-age"),
    sMaxAge: seconds(directives, "s-maxage"),
    maxStale: directives.get("max-stale") === null ? Infinity : seconds(directives, "max-stale"),
    minFresh: seconds(directives, "min-fresh"),
    staleWhileRevalidate: seconds(directives, "stale-while-revalidate"),
    staleIfError: seconds(directives, "stale-if-error"),
    noCache: has("no-cache"),
    noCacheFields: typeof noCacheArgument === "string" ? fieldNames(noCacheArgument) : [],
    noStore: has("no-store"),
    private: has("private"),
    public: has("public"),
    mustRevalidate: has("must-revalidate"),
    proxyRevalidate: has("proxy-revalidate"),
    mustUnderstand: has("must-understand"),
    immutable: has("immutable"),
    onlyIfCached: has("only-if-cached"),
    noTransform: has("no-transform"),
  };
}

function seconds(directives: ReadonlyMap<string, string | null>, name: string): number | undefined {
  if (!directives.has(name)) return undefined;
  const argument = directives.get(name);
  return (typeof argument === "string" ? parseDeltaSeconds(argument) : null) ?? 0;
}

function fieldNames(list: string): string[] {
  return list.split(",").map((name) => name.trim().toLowerCase()).filter((name) => name !== "");
}

/**
 * Directive grammar (RFC 9111 §5.2): `token [ "=" ( token / quoted-string ) ]`,
 * comma separated; recipients accept both argument forms for every directive.
 */
function parseDirectives(value: string): Map<string, string | null> {
  const directives = new Map<string, string | null>();
  let position = 0;
  while (position < value.length) {
    const nameEnd = scanTo(value, position, /[=,]/);
    const name = value.slice(position, nameEnd).trim().toLowerCase();
    let argument: string | null = null;
    position = nameEnd;
    if (value[position] === "=") {
      position = skipSpaces(value, position + 1);
      if (value[position] === '"') {
        const quoted = readQuoted(value, position);
        argument = quoted.text;
        position = quoted.end;
      } else {
        const argumentEnd = scanTo(value, position, /,/);
        argument = value.slice(position, argumentEnd).trim();
        position = argumentEnd;
      }
    }
    // Anything after the argument up to the next comma is malformed and dropped.
    position = skipPastComma(value, position);
    if (tokenPattern.test(name) && !directives.has(name)) directives.set(name, argument);
  }
  return directives;
}

function scanTo(value: string, from: number, stop: RegExp): number {
  let position = from;
  while (position < value.length && !stop.test(value[position])) position++;
  return position;
}

function skipSpaces(value: string, from: number): number {
  let position = from;
  while (value[position] === " " || value[position] === "\t") position++;
  return position;
}

/** Skip to just past the next comma that is not inside a quoted string. */
function skipPastComma(value: string, from: number): number {
  let position = from;
  while (position < value.length && value[position] !== ",") {
    position = value[position] === '"' ? readQuoted(value, position).end : position + 1;
  }
  return position + 1;
}

/** RFC 9110 §5.6.4 quoted-string with `\` escapes; an unterminated one runs to the end. */
function readQuoted(value: string, start: number): { text: string; end: number } {
  let text = "";
  let position = start + 1;
  while (position < value.length) {
    const char = value[position];
    if (char === '"') return { text, end: position + 1 };
    if (char === "\\" && position + 1 < value.length) position++;
    text += value[position];
    position++;
  }
  return { text, end: position };
}
