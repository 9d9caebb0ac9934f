/**
 * Redirect middleware: follows 301, 302, 303, 307 and 308 answers that carry
 * a `Location` (RFC 9110 §15.4), each hop through the rest of the chain.
 *
 * Decisions:
 * - 301/302 turn POST into GET without a body (RFC 9110 §15.4.2, §15.4.3:
 *   what every browser does); 303 turns anything but HEAD into GET (§15.4.4);
 *   307/308 keep method and body (§15.4.8, §15.4.9). A streamed body was
 *   consumed by the first request and cannot be sent again: the redirect
 *   fails with `ERR_REDIRECT` instead of sending an empty body.
 * - When the body is dropped, so are the headers that describe it.
 * - `Location` is resolved against the current URL (RFC 9110 §10.2.2); when it
 *   has no fragment the previous one is kept for the caller
 *   (`response.request.url`), never sent.
 * - Only http and https are followed; https to http only with
 *   `allowHttpsDowngrade`.
 * - `Authorization`, `Cookie`, `Proxy-Authorization` and `Host` given by the
 *   caller go only to hops on the caller's origin (scheme, host, port).
 * - `maxRedirects` hops are followed; one more is `ERR_TOO_MANY_REDIRECTS`.
 *   That limit also ends loops: a repeated URL alone is not treated as a loop,
 *   since a site may send a client back to the same URL once a cookie is set.
 * - The body of each redirect answer is read when small (the connection stays
 *   reusable) or cancelled.
 * - 300, 304, other 3xx and 3xx without `Location` are returned as they are.
 *
 * @module
 */
import { RedirectError, TooManyRedirectsError } from "../errors.ts";
import type { HeaderList } from "../header_list.ts";
import type { ClientRequest } from "../request.ts";
import type { HttpResponse, RedirectHop } from "../response.ts";
import type { Handler, Middleware } from "./compose.ts";
import { discardBody } from "./discard_body.ts";

/**
 * What to do with a redirect answer: follow it, return it as it is
 * (`"manual"`), or fail with `ERR_REDIRECT` (`"error"`).
 *
 * @example
 * ```ts
 * import { Client, type RedirectMode } from "../../mod.ts";
 * await using client = new Client();
 * const redirect: RedirectMode = "manual";
 * const response = await client.request({ url: "http://127.0.0.1:8080/old", redirect });
 * console.log(response.status, response.headers.get("location"));
 * ```
 */
export type RedirectMode = "follow" | "manual" | "error";

/** Options of {@link redirectMiddleware}: the client's defaults. */
export interface RedirectOptions {
  /** Default mode; a request's `redirect` overrides it. */
  redirect: RedirectMode;
  /** Hops followed; a request's `maxRedirects` overrides it. */
  maxRedirects: number;
  /** Follow an https URL's redirect to plain http. */
  allowHttpsDowngrade: boolean;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Sent only to the caller's origin. */
const ORIGIN_BOUND = new Set(["authorization", "cookie", "proxy-authorization", "host"]);

/** Headers that describe a request body (the Fetch standard's list, plus framing). */
const BODY_HEADERS = new Set([
  "content-type",
  "content-length",
  "transfer-encoding",
  "content-encoding",
  "content-language",
  "content-location",
]);

/**
 * The redirect middleware.
 *
 * @example
 * ```ts
 * import { redirectMiddleware } from "./redirect.ts";
 * const middleware = redirectMiddleware({ redirect: "follow", maxRedirects: 20, allowHttpsDowngrade: false });
 * ```
 */
export function redirectMiddleware(options: RedirectOptions): Middleware {
  // Not async: most answers are no redirect, and pass through a plain `then`.
  return (request, next) => {
    const mode = request.redirect ?? options.redirect;
    if (mode === "manual") return next(request);
    return next(request).then((response) => {
      if (!isRedirect(response)) return response;
      // The caller's headers: inner layers add theirs to copies, never to this list.
      return follow(request, response, next, { ...options, redirect: mode }, request.headers);
    });
  };
}

function isRedirect(response: HttpResponse): boolean {
  return REDIRECT_STATUSES.has(response.status) && response.headers.has("location");
}

function withoutFragment(url: URL): string {
  if (url.hash === "") return url.href;
  const copy = new URL(url);
  copy.hash = "";
  return copy.href;
}

async function follow(
  first: ClientRequest,
  firstResponse: HttpResponse,
  next: Handler,
  options: RedirectOptions,
  callerHeaders: HeaderList,
): Promise<HttpResponse> {
  const limit = first.maxRedirects ?? options.maxRedirects;
  const origin = first.url.origin;
  const hops: RedirectHop[] = [];
  let bodyDropped = false;
  let current = first;
  let response = firstResponse;
  do {
    let hop: ClientRequest;
    try {
      const location = response.headers.get("location") as string;
      if (options.redirect === "error") {
        throw new RedirectError(
          `${response.status} redirect to ${location} not followed (redirect: "error")`,
        );
      }
      if (hops.length >= limit) throw new TooManyRedirectsError(limit);
      const url = resolveLocation(location, current.url, options.allowHttpsDowngrade);
      const toGet = changesToGet(current.method, response.status);
      if (toGet) bodyDropped = true;
      hop = nextRequest(current, response.status, url, toGet);
      hop.headers = hopHeaders(callerHeaders, url.origin === origin, bodyDropped);
    } catch (error) {
      await discardBody(response);
      throw error;
    }
    await discardBody(response);
    hops.push({ url: withoutFragment(current.url), status: response.status });
    const debug = current.debug;
    if (debug?.flags.redirect) {
      debug.emit(
        "redirect",
        "redirect",
        {},
        `${response.status} ${withoutFragment(current.url)} -> ${hop.method} ${withoutFragment(hop.url)}`,
        {
          status: response.status,
          from: withoutFragment(current.url),
          to: withoutFragment(hop.url),
          method: hop.method,
          hop: hops.length,
        },
      );
    }
    current = hop;
    response = await next(current);
  } while (isRedirect(response));
  response.redirects = hops;
  return response;
}

/** Resolve `Location` (RFC 9110 §10.2.2) and check the target is one we may follow. */
function resolveLocation(location: string, base: URL, allowHttpsDowngrade: boolean): URL {
  let url: URL;
  try {
    url = new URL(location, base);
  } catch (error) {
    throw new RedirectError(`invalid Location ${JSON.stringify(location)}`, { cause: error });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new RedirectError(`redirect to ${url.protocol} refused: only http: and https: are followed`);
  }
  if (base.protocol === "https:" && url.protocol === "http:" && !allowHttpsDowngrade) {
    throw new RedirectError(
      `redirect from https to ${withoutFragment(url)} refused (set allowHttpsDowngrade to follow it)`,
    );
  }
  // RFC 9110 §10.2.2: a Location without a fragment inherits the request's.
  if (url.hash === "" && base.hash !== "") url.hash = base.hash;
  return url;
}

/** Whether a redirect status turns the method into GET without a body. */
function changesToGet(method: string, status: number): boolean {
  if (status === 303) return method !== "HEAD";
  return (status === 301 || status === 302) && method === "POST";
}

/** The next hop's request: GET without a body, or the same method and body. */
function nextRequest(current: ClientRequest, status: number, url: URL, toGet: boolean): ClientRequest {
  if (toGet) return { ...current, url, method: "GET", body: null };
  if (current.body?.kind === "stream") {
    throw new RedirectError(
      `${status} redirect to ${withoutFragment(url)} needs the ${current.method} body again, ` +
        "but it was a stream and has been sent: give the body as bytes to follow such redirects",
    );
  }
  return { ...current, url };
}

/** The caller's headers for a hop: origin-bound ones only on the caller's origin, body ones only with a body. */
function hopHeaders(callerHeaders: HeaderList, sameOrigin: boolean, bodyDropped: boolean): HeaderList {
  const headers: HeaderList = [];
  for (const [name, value] of callerHeaders) {
    const lower = name.toLowerCase();
    if (!sameOrigin && ORIGIN_BOUND.has(lower)) continue;
    if (bodyDropped && BODY_HEADERS.has(lower)) continue;
    headers.push([name, value]);
  }
  return headers;
}
