/**
 * The cookie jar: stores cookies from `Set-Cookie` response headers and gives
 * the `Cookie` header for a request, following RFC 6265 (2011) §5.3 and §5.4.
 * It passes the IETF http-state parser suite (see
 * `tests/cookies_conformance.test.ts`).
 *
 * Decisions a user may notice:
 * - RFC 6265, not RFC 6265bis: a Set-Cookie string without `=` or with an empty
 *   name is ignored; Secure cookies may be set over http (they are only sent
 *   over https); Expires and Max-Age are not capped at 400 days.
 * - HttpOnly cookies are stored and sent: this is an HTTP client, and HttpOnly
 *   only hides cookies from scripts.
 * - SameSite and Partitioned are stored, not enforced: a scraper has no
 *   top-level site to compare with.
 * - Domain attributes naming a public suffix are refused unless they equal the
 *   request host (then the cookie is host-only), using the built-in compact list
 *   unless `publicSuffixes` is given (see `public_suffix.ts`).
 * - Cookies from an IP address host are always host-only.
 * - A name or value with a control character other than HTAB is refused (the
 *   Cookie header could not be sent); NUL, CR or LF end the Set-Cookie string.
 *
 * @example
 * ```ts
 * import { CookieJar } from "./jar.ts";
 * const jar = new CookieJar();
 * jar.setCookie("sid=abc; Path=/; HttpOnly", "https://example.com/login");
 * jar.getCookieHeader("https://example.com/account"); // "sid=abc"
 * ```
 * @module
 */
import { defaultLimits } from "../limits.ts";
import { readTextFile, writeFileAtomic } from "../runtime/fs.ts";
import { CookieFileError } from "../errors.ts";
import { type Cookie, isExpired } from "./cookie.ts";
import { candidateDomains, canonicalHost, domainMatch, isIpAddress } from "./domain.ts";
import { type CookieJarJSON, cookieJarJSONVersion, cookiesFromJSON } from "./json.ts";
import { formatNetscape, parseNetscape } from "./netscape.ts";
import { parseSetCookieDetailed } from "./parse.ts";
import { defaultPath, pathMatch, requestPath } from "./path.ts";
import { builtinPublicSuffixList, type PublicSuffixList } from "./public_suffix.ts";

export type { Cookie } from "./cookie.ts";
export type { CookieJarJSON } from "./json.ts";

/**
 * Options of a {@link CookieJar}.
 *
 * @example
 * ```ts
 * import { CookieJar, type CookieJarOptions } from "./jar.ts";
 * const options: CookieJarOptions = { maxCookies: 500, now: () => Date.UTC(2015, 0, 1) };
 * const jar = new CookieJar(options);
 * ```
 */
export interface CookieJarOptions {
  /** The clock, in milliseconds since the epoch (default `Date.now`); tests pin it. */
  now?: () => number;
  /** Public suffixes to refuse as Domain (default: the built-in compact list). */
  publicSuffixes?: PublicSuffixList;
  /** Bytes of one Set-Cookie string (default `defaultLimits.maxCookieSize`). */
  maxCookieSize?: number;
  /** Cookies with one domain (default `defaultLimits.maxCookiesPerDomain`). */
  maxCookiesPerDomain?: number;
  /** Cookies in the jar (default `defaultLimits.maxCookies`). */
  maxCookies?: number;
}

/**
 * What {@link CookieJar.setCookie} did: the stored cookie, or why nothing was
 * stored (an ignored string, a refused domain, or an expiry in the past, which
 * deletes the cookie of the same name, domain and path).
 *
 * @example
 * ```ts
 * import { CookieJar, type SetCookieResult } from "./jar.ts";
 * const result: SetCookieResult = new CookieJar().setCookie("a=1; Domain=com", "http://example.com/");
 * if (!result.stored) console.log(result.reason);
 * ```
 */
export type SetCookieResult = { stored: true; cookie: Cookie } | { stored: false; reason: string };

/** A stored cookie and the order in which its first version arrived (ties of equal creation times). */
interface Entry {
  cookie: Cookie;
  sequence: number;
}

/** Any representable time is below this (ECMAScript's maximum time value). */
const latestTime = 8.64e15;

/**
 * An RFC 6265 cookie store. Use one per session (one per logged-in user when
 * scraping with several accounts).
 *
 * @example
 * ```ts
 * import { CookieJar } from "./jar.ts";
 * const jar = new CookieJar();
 * jar.storeFromResponse("https://shop.example.com/", ["cart=1; Domain=example.com", "lang=en"]);
 * jar.getCookieHeader("https://www.example.com/"); // "cart=1"
 * jar.getCookieHeader("https://shop.example.com/"); // "cart=1; lang=en"
 * ```
 */
export class CookieJar {
  readonly #now: () => number;
  readonly #publicSuffixes: PublicSuffixList;
  readonly #maxCookieSize: number;
  readonly #maxCookiesPerDomain: number;
  readonly #maxCookies: number;
  /** Every cookie by (domain, path, name), in order of first creation. */
  readonly #entries = new Map<string, Entry>();
  /** The same entries grouped by domain, each group in order of first creation. */
  readonly #byDomain = new Map<string, Map<string, Entry>>();
  #sequence = 0;

  /** Create an empty jar. */
  constructor(options: CookieJarOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#publicSuffixes = options.publicSuffixes ?? builtinPublicSuffixList;
    this.#maxCookieSize = options.maxCookieSize ?? defaultLimits.maxCookieSize;
    this.#maxCookiesPerDomain = options.maxCookiesPerDomain ?? defaultLimits.maxCookiesPerDomain;
    this.#maxCookies = options.maxCookies ?? defaultLimits.maxCookies;
  }

  /**
   * Store the cookie of one `Set-Cookie` header value received in the
   * response to `url` (RFC 6265 §5.3). Never throws: a string the RFC says to
   * ignore, or that the jar refuses, gives `{ stored: false, reason }`.
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * const jar = new CookieJar();
   * jar.setCookie("id=1; Max-Age=3600", "https://example.com/a/b").stored; // true
   * jar.setCookie("id=1; Max-Age=0", "https://example.com/a/b"); // deletes it: { stored: false, ... }
   * ```
   */
  setCookie(setCookieHeader: string, url: string | URL): SetCookieResult {
    const requestUrl = toUrl(url);
    if (requestUrl === null) return { stored: false, reason: "invalid request URL" };
    const host = canonicalHost(requestUrl);
    if (host === "") return { stored: false, reason: "the request URL has no host" };
    if (utf8Length(setCookieHeader) > this.#maxCookieSize) {
      return {
        stored: false,
        reason: `Set-Cookie is larger than maxCookieSize (${this.#maxCookieSize} bytes)`,
      };
    }
    const parsed = parseSetCookieDetailed(setCookieHeader);
    if (!parsed.ok) return { stored: false, reason: parsed.reason };
    const attributes = parsed.cookie;
    const now = this.#now();

    // §5.3 step 3: Max-Age takes precedence over Expires, whatever their order.
    let expires: number | null = null;
    if (attributes.maxAge !== undefined) {
      expires = attributes.maxAge <= 0 ? -latestTime : Math.min(now + attributes.maxAge * 1000, latestTime);
    } else if (attributes.expires !== undefined) {
      expires = attributes.expires;
    }

    // §5.3 steps 4-6: the Domain attribute.
    let domain = attributes.domain ?? "";
    if (domain !== "" && this.#publicSuffixes.isPublicSuffix(domain)) {
      if (domain !== host) return { stored: false, reason: `Domain ${domain} is a public suffix` };
      domain = "";
    }
    if (domain !== "" && !domainMatch(host, domain)) {
      return { stored: false, reason: `Domain ${domain} does not domain-match the request host ${host}` };
    }
    const cookie: Cookie = {
      name: attributes.name,
      value: attributes.value,
      domain: domain === "" ? host : domain,
      // An IP address has no subdomains: a Domain equal to it changes nothing.
      hostOnly: domain === "" || isIpAddress(host),
      // §5.3 step 7.
      path: attributes.path ?? defaultPath(requestPath(requestUrl)),
      secure: attributes.secure,
      httpOnly: attributes.httpOnly,
      partitioned: attributes.partitioned,
      expires,
      creation: now,
      lastAccess: now,
    };
    if (attributes.sameSite !== undefined) cookie.sameSite = attributes.sameSite;

    const key = cookieKey(cookie);
    if (isExpired(cookie, now)) {
      // §5.3: expired cookies are evicted at once, so this deletes the old one.
      this.#remove(key);
      return {
        stored: false,
        reason: "already expired: it deletes any cookie of the same name, domain and path",
      };
    }
    this.#insert(cookie, now);
    const entry = this.#entries.get(key);
    if (entry === undefined) return { stored: false, reason: "evicted at once: the cookie limits are zero" };
    return { stored: true, cookie: { ...entry.cookie } };
  }

  /**
   * Store every `Set-Cookie` value of one response, in order.
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * const jar = new CookieJar();
   * const results = jar.storeFromResponse("https://example.com/", ["a=1", "=bad"]);
   * console.log(results.map((result) => result.stored)); // [true, false]
   * ```
   */
  storeFromResponse(url: string | URL, setCookieValues: readonly string[]): SetCookieResult[] {
    return setCookieValues.map((value) => this.setCookie(value, url));
  }

  /**
   * The cookies to send with a request to `url` (RFC 6265 §5.4): domain and
   * path match, Secure ones only over https or wss, none expired; longest path
   * first, then oldest creation. Their last-access time is updated. Throws a
   * `TypeError` when `url` is not a valid URL.
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * const jar = new CookieJar();
   * jar.setCookie("a=1; Path=/docs", "https://example.com/");
   * jar.getCookies("https://example.com/docs/x").map((cookie) => cookie.name); // ["a"]
   * ```
   */
  getCookies(url: string | URL): Cookie[] {
    const requestUrl = typeof url === "string" ? new URL(url) : url;
    if (this.#byDomain.size === 0) return [];
    const host = canonicalHost(requestUrl);
    const path = requestPath(requestUrl);
    const secure = requestUrl.protocol === "https:" || requestUrl.protocol === "wss:";
    const now = this.#now();
    const matches: Entry[] = [];
    for (const domain of candidateDomains(host)) {
      const group = this.#byDomain.get(domain);
      if (group === undefined) continue;
      for (const [key, entry] of group) {
        const cookie = entry.cookie;
        if (isExpired(cookie, now)) {
          this.#remove(key);
        } else if (
          (!cookie.hostOnly || domain === host) && pathMatch(path, cookie.path) && (secure || !cookie.secure)
        ) {
          matches.push(entry);
        }
      }
    }
    // §5.4 step 2: longer paths first, then earlier creation times.
    matches.sort((a, b) =>
      b.cookie.path.length - a.cookie.path.length || a.cookie.creation - b.cookie.creation ||
      a.sequence - b.sequence
    );
    return matches.map((entry) => {
      entry.cookie.lastAccess = now;
      return { ...entry.cookie };
    });
  }

  /**
   * The `Cookie` request header value for `url` (`a=1; b=2`), or `""` when no
   * cookie applies (then send no Cookie header).
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * const jar = new CookieJar();
   * jar.setCookie("a=1", "http://example.com/");
   * jar.getCookieHeader("http://example.com/"); // "a=1"
   * jar.getCookieHeader("http://other.example/"); // ""
   * ```
   */
  getCookieHeader(url: string | URL): string {
    return this.getCookies(url).map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
  }

  /**
   * Every cookie that has not expired, oldest creation first (copies).
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * const jar = new CookieJar();
   * jar.setCookie("a=1", "http://example.com/");
   * jar.all()[0].domain; // "example.com"
   * ```
   */
  all(): Cookie[] {
    const now = this.#now();
    const cookies: Cookie[] = [];
    for (const { cookie } of this.#entries.values()) if (!isExpired(cookie, now)) cookies.push({ ...cookie });
    return cookies;
  }

  /**
   * The number of cookies that have not expired.
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * const jar = new CookieJar();
   * jar.setCookie("a=1", "http://example.com/");
   * jar.size; // 1
   * ```
   */
  get size(): number {
    const now = this.#now();
    let count = 0;
    for (const { cookie } of this.#entries.values()) if (!isExpired(cookie, now)) count++;
    return count;
  }

  /**
   * Remove every cookie.
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * const jar = new CookieJar();
   * jar.setCookie("a=1", "http://example.com/");
   * jar.clear();
   * jar.size; // 0
   * ```
   */
  clear(): void {
    this.#entries.clear();
    this.#byDomain.clear();
  }

  /**
   * Remove the cookies whose expiry time has passed; returns how many.
   * (Expired cookies are never sent, so this only frees memory.)
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * const jar = new CookieJar();
   * jar.removeExpired(); // 0
   * ```
   */
  removeExpired(): number {
    const now = this.#now();
    let removed = 0;
    for (const [key, { cookie }] of this.#entries) {
      if (isExpired(cookie, now)) {
        this.#remove(key);
        removed++;
      }
    }
    return removed;
  }

  /**
   * The jar as a JSON-ready value (also what `JSON.stringify(jar)` writes).
   * Session cookies are included.
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * const jar = new CookieJar();
   * jar.setCookie("a=1", "http://example.com/");
   * const copy = CookieJar.fromJSON(JSON.parse(JSON.stringify(jar)));
   * copy.getCookieHeader("http://example.com/"); // "a=1"
   * ```
   */
  toJSON(): CookieJarJSON {
    return { version: cookieJarJSONVersion, cookies: this.all() };
  }

  /**
   * A jar holding the cookies of a {@link CookieJarJSON} value (as parsed from
   * JSON text). Invalid and expired entries are skipped; a value that is not a
   * version-1 jar throws `CookieFileError`.
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * const jar = CookieJar.fromJSON({ version: 1, cookies: [] });
   * jar.size; // 0
   * ```
   */
  static fromJSON(json: unknown, options?: CookieJarOptions): CookieJar {
    const jar = new CookieJar(options);
    jar.#restore(cookiesFromJSON(json));
    return jar;
  }

  /**
   * The jar in the Netscape `cookies.txt` format (curl's `-b`/`-c` files).
   * It cannot hold SameSite, Partitioned or creation times.
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * const jar = new CookieJar();
   * jar.setCookie("a=1; Domain=example.com", "http://example.com/");
   * jar.toNetscape(); // "# Netscape HTTP Cookie File\n\n.example.com\tTRUE\t/\tFALSE\t0\ta\t1\n"
   * ```
   */
  toNetscape(): string {
    return formatNetscape(this.all());
  }

  /**
   * A jar holding the cookies of Netscape `cookies.txt` text. Comments, blank
   * and malformed lines and expired cookies are skipped.
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * const jar = CookieJar.fromNetscape("example.com\tFALSE\t/\tFALSE\t0\ta\t1\n");
   * jar.getCookieHeader("http://example.com/"); // "a=1"
   * ```
   */
  static fromNetscape(text: string, options?: CookieJarOptions): CookieJar {
    const jar = new CookieJar(options);
    jar.#restore(parseNetscape(text, jar.#now()));
    return jar;
  }

  /**
   * Write the jar to a file in the Netscape format (atomically: readers see the
   * old file or the new one).
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * await new CookieJar().saveNetscape("cookies.txt");
   * ```
   */
  async saveNetscape(path: string): Promise<void> {
    await writeFileAtomic(path, this.toNetscape());
  }

  /**
   * Read a jar from a Netscape-format file (rejects when it cannot be read).
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * const jar = await CookieJar.loadNetscape("cookies.txt");
   * ```
   */
  static async loadNetscape(path: string, options?: CookieJarOptions): Promise<CookieJar> {
    return CookieJar.fromNetscape(await readTextFile(path), options);
  }

  /**
   * Write the jar to a file as JSON (atomically).
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * await new CookieJar().saveJSON("cookies.json");
   * ```
   */
  async saveJSON(path: string): Promise<void> {
    await writeFileAtomic(path, JSON.stringify(this.toJSON(), null, 2) + "\n");
  }

  /**
   * Read a jar from a JSON file written by {@link CookieJar.saveJSON}. Rejects
   * with `CookieFileError` when the file is not a JSON cookie jar, and with
   * the file system's error when it cannot be read.
   *
   * @example
   * ```ts
   * import { CookieJar } from "./jar.ts";
   * const jar = await CookieJar.loadJSON("cookies.json");
   * ```
   */
  static async loadJSON(path: string, options?: CookieJarOptions): Promise<CookieJar> {
    const text = await readTextFile(path);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new CookieFileError(`${path} is not JSON`, { cause: error });
    }
    return CookieJar.fromJSON(json, options);
  }

  /** Add loaded cookies, oldest first, as if each had just been set. */
  #restore(cookies: readonly Cookie[]): void {
    const now = this.#now();
    for (const cookie of cookies) if (!isExpired(cookie, now)) this.#insert(cookie, now);
  }

  /**
   * §5.3 steps 11-12: replace a cookie of the same name, domain and path
   * (keeping its creation time), then enforce the count limits.
   */
  #insert(cookie: Cookie, now: number): void {
    const key = cookieKey(cookie);
    const old = this.#entries.get(key);
    if (old !== undefined) {
      cookie.creation = old.cookie.creation;
      old.cookie = cookie;
      return;
    }
    const entry: Entry = { cookie, sequence: this.#sequence++ };
    this.#entries.set(key, entry);
    let group = this.#byDomain.get(cookie.domain);
    if (group === undefined) {
      group = new Map();
      this.#byDomain.set(cookie.domain, group);
    }
    group.set(key, entry);
    this.#evict(group, now);
  }

  /**
   * §5.3 eviction: over a limit, expired cookies go first, then the cookies
   * created longest ago (maps iterate in insertion order, and a replacement
   * keeps its place).
   */
  #evict(group: Map<string, Entry>, now: number): void {
    if (group.size > this.#maxCookiesPerDomain) {
      for (const [key, { cookie }] of group) if (isExpired(cookie, now)) this.#remove(key);
      for (const key of group.keys()) {
        if (group.size <= this.#maxCookiesPerDomain) break;
        this.#remove(key);
      }
    }
    if (this.#entries.size > this.#maxCookies) {
      this.removeExpired();
      for (const key of this.#entries.keys()) {
        if (this.#entries.size <= this.#maxCookies) break;
        this.#remove(key);
      }
    }
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    const group = this.#byDomain.get(entry.cookie.domain);
    if (group === undefined) return;
    group.delete(key);
    if (group.size === 0) this.#byDomain.delete(entry.cookie.domain);
  }
}

/** The identity of a cookie in the store (§5.3 step 11): name, domain and path. */
function cookieKey(cookie: Cookie): string {
  return JSON.stringify([cookie.domain, cookie.path, cookie.name]);
}

function toUrl(url: string | URL): URL | null {
  if (typeof url !== "string") return url;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** UTF-8 byte length of a string, without encoding it. */
function utf8Length(text: string): number {
  let length = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) length += 1;
    else if (code < 0x800) length += 2;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length += 4;
        index++;
      } else {
        length += 3;
      }
    } else length += 3;
  }
  return length;
}
