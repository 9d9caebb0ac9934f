/**
 * The JSON form of a cookie jar: `{ version: 1, cookies: Cookie[] }`, with
 * every time (expiry, creation, last access) in milliseconds since the epoch
 * and `expires: null` for session cookies.
 *
 * @example
 * ```ts
 * import { cookiesFromJSON } from "./json.ts";
 * const cookies = cookiesFromJSON({ version: 1, cookies: [] });
 * console.log(cookies.length); // 0
 * ```
 * @module
 */
import { CookieFileError } from "../errors.ts";
import { type Cookie, toCookie } from "./cookie.ts";

/** The version this library writes; reading another one is an error. */
export const cookieJarJSONVersion = 1;

/**
 * A serialized cookie jar, as `CookieJar.toJSON()` returns it.
 *
 * @example
 * ```ts
 * import type { CookieJarJSON } from "./json.ts";
 * const empty: CookieJarJSON = { version: 1, cookies: [] };
 * ```
 */
export interface CookieJarJSON {
  /** Format version, currently 1. */
  version: 1;
  /** The cookies, oldest creation first. */
  cookies: Cookie[];
}

/**
 * The cookies of a serialized jar (a parsed JSON value), oldest creation
 * first. Entries that are not valid cookies are skipped; a value that is not a
 * version-1 jar throws {@link CookieFileError}.
 *
 * @example
 * ```ts
 * import { cookiesFromJSON } from "./json.ts";
 * cookiesFromJSON({ version: 1, cookies: [{ name: "" }] }); // []: the entry is skipped
 * ```
 */
export function cookiesFromJSON(json: unknown): Cookie[] {
  if (typeof json !== "object" || json === null) {
    throw new CookieFileError("a cookie jar must be a JSON object");
  }
  const { version, cookies } = json as Record<string, unknown>;
  if (version !== cookieJarJSONVersion) {
    throw new CookieFileError(`unsupported cookie jar version ${JSON.stringify(version)}`);
  }
  if (!Array.isArray(cookies)) throw new CookieFileError("a cookie jar's `cookies` must be an array");
  const valid: Cookie[] = [];
  for (const entry of cookies) {
    const cookie = toCookie(entry);
    if (cookie !== null) valid.push(cookie);
  }
  // Array.prototype.sort is stable: equal creation times keep the file order.
  return valid.sort((a, b) => a.creation - b.creation);
}
