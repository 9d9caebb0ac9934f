/**
 * The cookies middleware: sends the jar's cookies with each request and
 * stores each response's `Set-Cookie` fields (RFC 6265 §5.3, §5.4).
 *
 * It sits inside redirect and retry (see DESIGN.md): every redirect hop and
 * every retry passes through it, so each hop stores its cookies and each
 * attempt carries the jar's cookies as they are at that moment. It never
 * changes the caller's request: it passes a copy with its own header list
 * down the chain, so a re-sent request does not carry the previous attempt's
 * jar cookies as if the caller had given them.
 *
 * @module
 */
import { CookieJar, type CookieJarOptions } from "../cookies/jar.ts";
import { headerValueFromText, textFromHeaderValue } from "../cookies/header_text.ts";
import { type HeaderList, setHeader } from "../header_list.ts";
import type { Limits } from "../limits.ts";
import type { ClientRequest } from "../request.ts";
import type { HttpResponse } from "../response.ts";
import type { Middleware } from "./compose.ts";

/** Jar key of requests without a pinned `clientIp` (the Lua original's `'*'`). */
const unpinned = "*";

/** Characters of a refused Set-Cookie shown in a debug message (the event's data has all of it). */
const maxShownLength = 120;

/**
 * The jars of one client: one jar for every request, or (with
 * `perClientIp`) one jar per pinned `clientIp`, so that sessions bound to
 * different local addresses stay apart. Requests without a `clientIp` use the
 * first jar; the pool picks their address after the cookies are chosen.
 *
 * @example
 * ```ts
 * import { CookieJar } from "../cookies/jar.ts";
 * import { CookieJars } from "./cookies.ts";
 * const jars = new CookieJars(new CookieJar(), { perClientIp: true });
 * jars.jar("10.0.0.2") === jars.jar("10.0.0.3"); // false
 * jars.jar() === jars.jar(undefined); // true: the jar of unpinned requests
 * ```
 */
export class CookieJars {
  readonly #jars = new Map<string, CookieJar>();
  readonly #perClientIp: boolean;
  readonly #options: CookieJarOptions;

  /** `jar` serves unpinned requests (and every request without `perClientIp`); `options` make the per-IP jars. */
  constructor(jar: CookieJar, options: { perClientIp?: boolean; jarOptions?: CookieJarOptions } = {}) {
    this.#jars.set(unpinned, jar);
    this.#perClientIp = options.perClientIp ?? false;
    this.#options = options.jarOptions ?? {};
  }

  /** The jar for requests pinned to `clientIp` (created empty on first use), or the unpinned jar. */
  jar(clientIp?: string): CookieJar {
    const key = this.#perClientIp && clientIp !== undefined ? clientIp : unpinned;
    let jar = this.#jars.get(key);
    if (jar === undefined) {
      jar = new CookieJar(this.#options);
      this.#jars.set(key, jar);
    }
    return jar;
  }
}

/**
 * The jar options that follow a client's limits (cookie size and counts).
 *
 * @example
 * ```ts
 * import { defaultLimits } from "../limits.ts";
 * import { cookieJarOptions } from "./cookies.ts";
 * cookieJarOptions(defaultLimits).maxCookies; // 3000
 * ```
 */
export function cookieJarOptions(limits: Limits): CookieJarOptions {
  return {
    maxCookieSize: limits.maxCookieSize,
    maxCookiesPerDomain: limits.maxCookiesPerDomain,
    maxCookies: limits.maxCookies,
  };
}

/**
 * Middleware that adds the jar's cookies to each request's `Cookie` header
 * and stores the `Set-Cookie` fields of each response.
 *
 * A caller's own `Cookie` header is kept first and merged with the jar's
 * cookies into one field (RFC 6265 §5.4: at most one Cookie header); a jar
 * cookie with the name of one of the caller's is left out, so the caller's
 * value wins. A refused `Set-Cookie` is never an error: it is reported on the
 * `cookies` debug level with the reason. Responses answered by the cache
 * without the server (`fromCache === "hit"`) store nothing: their Set-Cookie
 * fields are old, and would undo what later responses set.
 *
 * @example
 * ```ts
 * import { CookieJar } from "../cookies/jar.ts";
 * import { compose } from "./compose.ts";
 * import { CookieJars, cookiesMiddleware } from "./cookies.ts";
 * const jars = new CookieJars(new CookieJar());
 * const handler = compose([cookiesMiddleware(jars)], (request) => Promise.reject(new Error(request.url.href)));
 * ```
 */
export function cookiesMiddleware(jars: CookieJars): Middleware {
  // Not async: a plain `then` costs less per request than an async frame.
  return (request, next) => {
    const jar = jars.jar(request.clientIp);
    return next(withJarCookies(request, jar)).then((response) => {
      if (response.fromCache !== "hit") storeCookies(request, response, jar);
      return response;
    });
  };
}

/** The request to send: a copy with the jar's cookies merged into its Cookie header, or itself when none apply. */
function withJarCookies(request: ClientRequest, jar: CookieJar): ClientRequest {
  const cookies = jar.getCookies(request.url);
  if (cookies.length === 0) return request;
  const callerValues: string[] = [];
  for (const [name, value] of request.headers) if (name.toLowerCase() === "cookie") callerValues.push(value);
  const callerNames = cookieNames(callerValues);
  const pairs = [...callerValues];
  const sent: string[] = [];
  for (const cookie of cookies) {
    if (callerNames.has(cookie.name)) continue;
    pairs.push(headerValueFromText(`${cookie.name}=${cookie.value}`));
    sent.push(cookie.name);
  }
  const debug = request.debug;
  if (debug?.flags.cookies) {
    const skipped = cookies.length - sent.length;
    debug.emit(
      "cookies",
      "sent",
      {},
      `${sent.length} to ${request.url.host}${request.url.pathname}: ${sent.join(", ")}` +
        (skipped > 0 ? ` (${skipped} left out: the caller's Cookie header has the name)` : ""),
      { url: request.url.href, names: sent },
    );
  }
  if (sent.length === 0) return request;
  const headers: HeaderList = request.headers.map(([name, value]) => [name, value]);
  setHeader(headers, "cookie", pairs.join("; "));
  return { ...request, headers };
}

/** The cookie names of Cookie header values (`a=1; b=2`; a pair without `=` is a value with an empty name). */
function cookieNames(values: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const value of values) {
    for (const pair of value.split(";")) {
      const equals = pair.indexOf("=");
      names.add(equals === -1 ? "" : pair.slice(0, equals).trim());
    }
  }
  return names;
}

/** Store each Set-Cookie field of a response to `request` (RFC 6265 §5.3), reporting what the jar did. */
function storeCookies(request: ClientRequest, response: HttpResponse, jar: CookieJar): void {
  const raw = response.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index];
    if (name.length !== 10 || name.toLowerCase() !== "set-cookie") continue;
    const setCookie = textFromHeaderValue(raw[index + 1]);
    const result = jar.setCookie(setCookie, request.url);
    const debug = request.debug;
    if (!debug?.flags.cookies) continue;
    if (result.stored) {
      const cookie = result.cookie;
      const scope = `${cookie.hostOnly ? "" : "."}${cookie.domain}${cookie.path}`;
      const expiry = cookie.expires === null
        ? "session"
        : `expires ${new Date(cookie.expires).toISOString()}`;
      debug.emit("cookies", "stored", {}, `${cookie.name} for ${scope} (${expiry})`, {
        url: request.url.href,
        name: cookie.name,
        domain: cookie.domain,
        path: cookie.path,
        hostOnly: cookie.hostOnly,
      });
    } else {
      const shown = setCookie.length > maxShownLength
        ? `${setCookie.slice(0, maxShownLength)}...`
        : setCookie;
      debug.emit(
        "cookies",
        "refused",
        {},
        `${JSON.stringify(shown)} from ${request.url.host}: ${result.reason}`,
        {
          url: request.url.href,
          setCookie,
          reason: result.reason,
        },
      );
    }
  }
}
