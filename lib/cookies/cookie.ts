/**
 * The stored cookie (RFC 6265 §5.3) and the check that a value read back from
 * a file is one.
 *
 * @example
 * ```ts
 * import { type Cookie, isExpired } from "./cookie.ts";
 * const cookie: Cookie = {
 *   name: "sid", value: "1", domain: "example.com", path: "/", hostOnly: true, secure: false,
 *   httpOnly: false, partitioned: false, expires: null, creation: 0, lastAccess: 0,
 * };
 * isExpired(cookie, Date.now()); // false: a session cookie
 * ```
 * @module
 */
import { hasControlCharacter, type SameSite } from "./parse.ts";

/**
 * A cookie in the jar, with the fields of the RFC 6265 §5.3 storage model.
 * Times are milliseconds since the epoch.
 *
 * @example
 * ```ts
 * import { CookieJar } from "./jar.ts";
 * const jar = new CookieJar();
 * const result = jar.setCookie("sid=1; Domain=example.com", "https://www.example.com/");
 * if (result.stored) console.log(result.cookie.domain, result.cookie.hostOnly); // example.com false
 * ```
 */
export interface Cookie {
  /** Cookie name (never empty). */
  name: string;
  /** Cookie value (may be empty; quotes are part of it). */
  value: string;
  /** The host (host-only cookie) or the domain (domain cookie), lowercase, no leading dot. */
  domain: string;
  /** The cookie's path: from the Path attribute, or the default-path of the URL that set it. */
  path: string;
  /** Sent only to exactly `domain` (no Domain attribute was given), not to its subdomains. */
  hostOnly: boolean;
  /** Sent only over https (and wss). */
  secure: boolean;
  /** Set with HttpOnly; an HTTP client still sends it (it hides cookies from scripts only). */
  httpOnly: boolean;
  /** The SameSite attribute, kept for callers that need it; this jar does not enforce it. */
  sameSite?: SameSite;
  /** Set with Partitioned (CHIPS); kept, not enforced. */
  partitioned: boolean;
  /** When the cookie expires; `null` for a session cookie (no Max-Age or Expires). */
  expires: number | null;
  /** When the cookie was first created; a replacement keeps the old creation time. */
  creation: number;
  /** When the cookie was last sent (or set). */
  lastAccess: number;
}

/**
 * Whether a cookie's expiry time has been reached at `now` (milliseconds).
 *
 * @example
 * ```ts
 * import { isExpired } from "./cookie.ts";
 * isExpired({ expires: 1000 }, 2000); // true
 * ```
 */
export function isExpired(cookie: Pick<Cookie, "expires">, now: number): boolean {
  return cookie.expires !== null && cookie.expires <= now;
}

/**
 * Whether a stored cookie (possibly edited in a file) can be used: a non-empty
 * name, no control characters in name or value, a lowercase-able domain, a
 * path starting with `/`, and fields of the right types. Used when loading a
 * jar, where a malformed entry is skipped rather than failing the whole file.
 *
 * @example
 * ```ts
 * import { toCookie } from "./cookie.ts";
 * toCookie({ name: "", value: "x" }); // null
 * ```
 */
export function toCookie(input: unknown): Cookie | null {
  if (typeof input !== "object" || input === null) return null;
  const entry = input as Record<string, unknown>;
  const { name, value, domain, path, hostOnly, secure, httpOnly, sameSite, partitioned } = entry;
  const { expires, creation, lastAccess } = entry;
  if (typeof name !== "string" || name === "" || typeof value !== "string") return null;
  if (hasControlCharacter(name) || hasControlCharacter(value)) return null;
  if (typeof domain !== "string" || domain === "" || typeof path !== "string" || !path.startsWith("/")) {
    return null;
  }
  if (typeof hostOnly !== "boolean" || typeof secure !== "boolean" || typeof httpOnly !== "boolean") {
    return null;
  }
  if (sameSite !== undefined && sameSite !== "Strict" && sameSite !== "Lax" && sameSite !== "None") {
    return null;
  }
  if (partitioned !== undefined && typeof partitioned !== "boolean") return null;
  if (expires !== null && !isFiniteNumber(expires)) return null;
  if (!isFiniteNumber(creation) || !isFiniteNumber(lastAccess)) return null;
  const cookie: Cookie = {
    name,
    value,
    domain: domain.toLowerCase(),
    path,
    hostOnly,
    secure,
    httpOnly,
    partitioned: partitioned ?? false,
    expires,
    creation,
    lastAccess,
  };
  if (sameSite !== undefined) cookie.sameSite = sameSite;
  return cookie;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}
