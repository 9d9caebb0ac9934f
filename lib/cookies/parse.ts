/**
 * The `Set-Cookie` parser of RFC 6265 §5.2: split a header value into the
 * cookie's name, value and attributes, ignoring what the RFC says to ignore.
 *
 * It follows RFC 6265 (2011), not RFC 6265bis: a string without `=` or with an
 * empty name is ignored as a whole (no "nameless" cookies).
 *
 * @example
 * ```ts
 * import { parseSetCookie } from "./parse.ts";
 * const cookie = parseSetCookie("sid=abc; Path=/; Secure; HttpOnly; Max-Age=3600");
 * console.log(cookie?.name, cookie?.value, cookie?.path, cookie?.maxAge); // sid abc / 3600
 * ```
 * @module
 */
import { parseCookieDate } from "./date.ts";

/**
 * The SameSite values kept (RFC 6265bis §5.6.7); other values are ignored.
 *
 * @example
 * ```ts
 * import { Client, type SameSite } from "../../mod.ts";
 * await using client = new Client();
 * const lax: SameSite = "Lax";
 * const laxCookies = client.cookies?.all().filter((cookie) => cookie.sameSite === lax);
 * ```
 */
export type SameSite = "Strict" | "Lax" | "None";

/**
 * A parsed `Set-Cookie` value. Each attribute holds the value of its last
 * valid occurrence (RFC 6265 §5.3 uses "the last attribute ... with an
 * attribute-name of ..."); an attribute that was absent or ignored is
 * `undefined`.
 *
 * @example
 * ```ts
 * import { type ParsedSetCookie, parseSetCookie } from "./parse.ts";
 * const parsed: ParsedSetCookie | null = parseSetCookie("a=b; Domain=.Example.com");
 * console.log(parsed?.domain); // "example.com"
 * ```
 */
export interface ParsedSetCookie {
  /** Cookie name, with leading and trailing spaces and tabs removed; never empty. */
  name: string;
  /** Cookie value, trimmed the same way; may be empty. Quotes are part of the value. */
  value: string;
  /** `Expires` as milliseconds since the epoch (§5.2.1). */
  expires?: number;
  /** `Max-Age` in seconds; zero or negative means "expire now" (§5.2.2). */
  maxAge?: number;
  /** `Domain`, lowercased, one leading dot removed (§5.2.3); empty values are ignored. */
  domain?: string;
  /** `Path` when it starts with `/`; `undefined` means the default-path (§5.2.4). */
  path?: string;
  /** The `Secure` attribute was present (§5.2.5). */
  secure: boolean;
  /** The `HttpOnly` attribute was present (§5.2.6). */
  httpOnly: boolean;
  /** `SameSite` when it is Strict, Lax or None (any case). */
  sameSite?: SameSite;
  /** The `Partitioned` attribute (CHIPS) was present. */
  partitioned: boolean;
}

/** The result of {@link parseSetCookieDetailed}: the cookie, or why it is ignored. */
export type SetCookieParseResult = { ok: true; cookie: ParsedSetCookie } | { ok: false; reason: string };

/** Remove leading and trailing WSP (space and horizontal tab), RFC 6265 §5.2. */
function trimWsp(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, "");
}

// deno-lint-ignore no-control-regex
const controlCharacter = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Whether a cookie name or value holds a control character other than HTAB.
 * Such a cookie would make the `Cookie` request header invalid (RFC 9110
 * §5.5), so the jar refuses it, as RFC 6265bis §5.6 does.
 *
 * @example
 * ```ts
 * import { hasControlCharacter } from "./parse.ts";
 * hasControlCharacter("a\x01b"); // true
 * hasControlCharacter("a\tb"); // false
 * ```
 */
export function hasControlCharacter(text: string): boolean {
  return controlCharacter.test(text);
}

/**
 * NUL, CR and LF end the string: what follows them was never part of the
 * header value (the IETF suite's chromium0022/0023 cases expect `AAA=BB` from
 * `AAA=BB\0ZYX` and `AAA=BB\rZYX`).
 */
// deno-lint-ignore no-control-regex
const terminator = /[\x00\r\n]/;

const maxAgePattern = /^-?\d+$/;
const sameSiteValues = new Map<string, SameSite>([["strict", "Strict"], ["lax", "Lax"], ["none", "None"]]);

/**
 * Parse a `Set-Cookie` header value (RFC 6265 §5.2) and say why when it is
 * ignored. Never throws.
 *
 * @example
 * ```ts
 * import { parseSetCookieDetailed } from "./parse.ts";
 * const result = parseSetCookieDetailed("no-equals-sign");
 * if (!result.ok) console.log(result.reason);
 * ```
 */
export function parseSetCookieDetailed(setCookie: string): SetCookieParseResult {
  const end = setCookie.search(terminator);
  const text = end >= 0 ? setCookie.slice(0, end) : setCookie;
  // §5.2 step 1: the name-value-pair ends at the first ";".
  const semicolon = text.indexOf(";");
  const pair = semicolon >= 0 ? text.slice(0, semicolon) : text;
  // §5.2 step 2: no "=" means the whole string is ignored.
  const equals = pair.indexOf("=");
  if (equals < 0) return { ok: false, reason: "no '=' in the cookie's name-value pair" };
  // §5.2 steps 3-4.
  const name = trimWsp(pair.slice(0, equals));
  const value = trimWsp(pair.slice(equals + 1));
  // §5.2 step 5.
  if (name === "") return { ok: false, reason: "empty cookie name" };
  if (hasControlCharacter(name) || hasControlCharacter(value)) {
    return { ok: false, reason: "control character in the cookie's name or value" };
  }
  const cookie: ParsedSetCookie = { name, value, secure: false, httpOnly: false, partitioned: false };
  if (semicolon >= 0) parseAttributes(text.slice(semicolon + 1), cookie);
  return { ok: true, cookie };
}

/**
 * Parse a `Set-Cookie` header value (RFC 6265 §5.2); `null` when the RFC says
 * to ignore it (no `=` in the name-value pair, or an empty name). Never throws.
 *
 * @example
 * ```ts
 * import { parseSetCookie } from "./parse.ts";
 * parseSetCookie("id=7; Max-Age=60")?.maxAge; // 60
 * parseSetCookie("=nameless"); // null
 * ```
 */
export function parseSetCookie(setCookie: string): ParsedSetCookie | null {
  const result = parseSetCookieDetailed(setCookie);
  return result.ok ? result.cookie : null;
}

/** §5.2 "unparsed-attributes": each `;`-separated cookie-av, in order. */
function parseAttributes(unparsed: string, cookie: ParsedSetCookie): void {
  for (const av of unparsed.split(";")) {
    const equals = av.indexOf("=");
    const name = trimWsp(equals >= 0 ? av.slice(0, equals) : av).toLowerCase();
    const value = equals >= 0 ? trimWsp(av.slice(equals + 1)) : "";
    switch (name) {
      case "expires": {
        // §5.2.1: an unparsable date ignores the attribute.
        const date = parseCookieDate(value);
        if (date !== null) cookie.expires = date.getTime();
        break;
      }
      case "max-age":
        // §5.2.2: a leading "-" or digit, then only digits; otherwise ignored.
        if (maxAgePattern.test(value)) cookie.maxAge = Number(value);
        break;
      case "domain":
        // §5.2.3: an empty value SHOULD make the user agent ignore the attribute.
        if (value !== "") cookie.domain = (value.startsWith(".") ? value.slice(1) : value).toLowerCase();
        break;
      case "path":
        // §5.2.4: a value that does not start with "/" means the default-path.
        if (value.startsWith("/")) cookie.path = value;
        else delete cookie.path;
        break;
      case "secure":
        cookie.secure = true;
        break;
      case "httponly":
        cookie.httpOnly = true;
        break;
      case "samesite": {
        const sameSite = sameSiteValues.get(value.toLowerCase());
        if (sameSite !== undefined) cookie.sameSite = sameSite;
        break;
      }
      case "partitioned":
        cookie.partitioned = true;
        break;
    }
  }
}
