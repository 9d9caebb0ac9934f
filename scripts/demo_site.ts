/**
 * The demo's web site, served by node:http on 127.0.0.1: a few hundred
 * linked pages, gzip-compressed when asked, a login cookie that member pages
 * require, old addresses that redirect, slow pages, and flaky pages that
 * fail every other time (a 503, or a dropped connection) so that retries
 * show. It counts what it saw, to print beside the client's summary.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { gzipSync } from "node:zlib";

/** Pages `/page/0` to `/page/{PAGES - 1}`. */
export const PAGES = 300;
/** Member pages (cookie required): every tenth page links one. */
const MEMBER_PAGES = PAGES / 10;
/** Slow pages and how slow. */
const SLOW_PAGES = 4;
const SLOW_MS = 300;
/** Flaky pages: even ones answer 503 every other time, odd ones drop the connection every other time. */
const FLAKY_PAGES = 6;

/** What the site saw. */
export interface DemoSiteCounts {
  /** Requests received. */
  requests: number;
  /** Connections accepted. */
  connections: number;
  /** Responses sent gzip-compressed. */
  gzipped: number;
  /** Redirects answered. */
  redirects: number;
  /** Member pages refused for want of the login cookie. */
  refused: number;
  /** 503 answers and dropped connections of the flaky pages. */
  failures: number;
}

/** A running demo site. */
export interface DemoSite {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** What it saw so far. */
  counts: DemoSiteCounts;
  /** Stop it (open connections are closed). */
  close(): Promise<void>;
}

/** The links of page `n`: the next page, two pages further away, and now and then a special one. */
function pageLinks(n: number): string[] {
  const links = [`/page/${(n + 1) % PAGES}`, `/page/${(n * 7 + 3) % PAGES}`, `/page/${(n * 13 + 5) % PAGES}`];
  if (n % 10 === 0) links.push(`/members/${n / 10}`);
  if (n % 25 === 0) links.push(`/old/${(n + 50) % PAGES}`);
  if (n % 75 === 0) links.push(`/slow/${(n / 75) % SLOW_PAGES}`);
  if (n % 50 === 7) links.push(`/flaky/${((n - 7) / 50) % FLAKY_PAGES}`);
  return links;
}

function html(title: string, links: string[]): string {
  const anchors = links.map((link) => `<li><a href="${link}">${link}</a></li>`).join("\n");
  // Some filler, so that gzip has something to do.
  const filler = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>\n".repeat(8);
  return `<!doctype html>\n<html><head><title>${title}</title></head><body>\n<h1>${title}</h1>\n${filler}<ul>\n${anchors}\n</ul>\n</body></html>\n`;
}

/**
 * Start the site on a free port of 127.0.0.1.
 *
 * @example
 * ```ts
 * import { startDemoSite } from "./demo_site.ts";
 * const site = await startDemoSite();
 * console.log(site.url);
 * await site.close();
 * ```
 */
export async function startDemoSite(): Promise<DemoSite> {
  const counts: DemoSiteCounts = { requests: 0, connections: 0, gzipped: 0, redirects: 0, refused: 0, failures: 0 };
  const hits = new Map<string, number>();
  const sockets = new Set<Socket>();

  const send = (request: IncomingMessage, response: ServerResponse, status: number, body: string): void => {
    response.statusCode = status;
    response.setHeader("content-type", "text/html; charset=utf-8");
    response.setHeader("vary", "Accept-Encoding");
    if (/\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""))) {
      counts.gzipped++;
      response.setHeader("content-encoding", "gzip");
      response.end(gzipSync(body));
    } else {
      response.end(body);
    }
  };
  const redirect = (response: ServerResponse, location: string): void => {
    counts.redirects++;
    response.writeHead(301, { location }).end();
  };

  const server = createServer((request, response) => {
    counts.requests++;
    const path = request.url ?? "/";
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    let match: RegExpExecArray | null;
    if (path === "/") {
      redirect(response, "/login");
    } else if (path === "/login") {
      response.setHeader("set-cookie", "session=demo-visitor; Path=/; HttpOnly; Max-Age=3600");
      send(request, response, 200, html("Welcome", ["/page/0"]));
    } else if ((match = /^\/page\/(\d+)$/.exec(path)) && Number(match[1]) < PAGES) {
      const n = Number(match[1]);
      send(request, response, 200, html(`Page ${n}`, pageLinks(n)));
    } else if ((match = /^\/members\/(\d+)$/.exec(path)) && Number(match[1]) < MEMBER_PAGES) {
      if (!/(^|;\s*)session=demo-visitor(;|$)/.test(request.headers.cookie ?? "")) {
        counts.refused++;
        send(request, response, 403, html("Members only: log in first", ["/login"]));
      } else {
        send(request, response, 200, html(`Member page ${match[1]}`, [`/page/${Number(match[1]) * 10 + 1}`]));
      }
    } else if ((match = /^\/old\/(\d+)$/.exec(path))) {
      redirect(response, `/page/${match[1]}`);
    } else if ((match = /^\/slow\/(\d+)$/.exec(path))) {
      const title = `Slow page ${match[1]}`;
      setTimeout(() => send(request, response, 200, html(title, ["/page/0"])), SLOW_MS);
    } else if ((match = /^\/flaky\/(\d+)$/.exec(path))) {
      const n = Number(match[1]);
      if (hit % 2 === 1 && n % 2 === 0) {
        counts.failures++;
        response.writeHead(503, { "retry-after": "0" }).end("busy, try again");
      } else if (hit % 2 === 1) {
        counts.failures++;
        request.socket.destroy();
      } else {
        send(request, response, 200, html(`Flaky page ${n}`, ["/page/0"]));
      }
    } else {
      send(request, response, 404, html("Not found", ["/page/0"]));
    }
  });
  server.on("connection", (socket: Socket) => {
    counts.connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
