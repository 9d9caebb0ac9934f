/**
 * The small site the examples run against (tests/examples.test.ts): linked
 * pages with a robots.txt, a login that sets a cookie, a cacheable page, a
 * large body, an address echo, JSON and a response that never ends.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { OpenSockets } from "./open_sockets.ts";

/** The running site and what it counted. */
export interface ExampleSite {
  url: string;
  /** Requests for pages under /private/ (robots.txt disallows them). */
  privateHits: number;
  /** Pages served (/, /page/N). */
  pageHits: number;
  /** Times /cached was generated (not answered from a cache). */
  cachedHits: number;
  /** Local addresses the requests came from. */
  remoteAddresses: Set<string>;
  close(): Promise<void>;
}

/** Pages /page/1 to /page/PAGES exist; others are 404. */
export const PAGES = 30;

function page(n: number): string {
  const links = [
    `/page/${n + 1}`,
    `/page/${n * 2}`,
    "/private/secret",
    "/asset.bin",
    "http://example.invalid/",
    "#top",
  ];
  return `<!doctype html><title>page ${n}</title>` +
    links.map((href) => `<a href="${href}">${href}</a>`).join("\n");
}

/** Byte i of a /large body. */
export function largeByte(i: number): number {
  return i % 251;
}

function route(site: ExampleSite, request: IncomingMessage, response: ServerResponse, body: Buffer): void {
  const url = new URL(request.url ?? "/", "http://site.test");
  site.remoteAddresses.add(request.socket.remoteAddress ?? "");
  const pageMatch = /^\/page\/(\d+)$/.exec(url.pathname);
  if (url.pathname === "/robots.txt") {
    response.end("User-agent: *\nDisallow: /private/\n");
  } else if (url.pathname === "/" || (pageMatch && Number(pageMatch[1]) <= PAGES)) {
    site.pageHits++;
    response.setHeader("content-type", "text/html; charset=utf-8");
    response.end(page(pageMatch ? Number(pageMatch[1]) : 0));
  } else if (url.pathname.startsWith("/private/")) {
    site.privateHits++;
    response.end("secret");
  } else if (url.pathname === "/asset.bin") {
    response.setHeader("content-type", "application/octet-stream");
    response.end(Buffer.alloc(64 * 1024));
  } else if (url.pathname === "/ip") {
    response.end(request.socket.remoteAddress ?? "");
  } else if (url.pathname === "/login" && request.method === "POST") {
    const form = new URLSearchParams(body.toString("utf8"));
    if (form.get("user") !== "me") {
      response.writeHead(403).end("who are you?");
      return;
    }
    response.setHeader("set-cookie", "session=s3cret; Path=/; HttpOnly; Max-Age=3600");
    response.end("logged in");
  } else if (url.pathname === "/account") {
    const signedIn = /(^|;\s*)session=s3cret(;|$)/.test(request.headers.cookie ?? "");
    response.writeHead(signedIn ? 200 : 401).end(signedIn ? "welcome back" : "please log in");
  } else if (url.pathname === "/cached") {
    site.cachedHits++;
    response.setHeader("cache-control", "max-age=300");
    response.setHeader("content-type", "text/plain");
    response.end(`generated ${site.cachedHits} time(s)`);
  } else if (url.pathname === "/large") {
    const size = Number(url.searchParams.get("size") ?? 1024 * 1024);
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = largeByte(i);
    response.setHeader("content-type", "application/octet-stream");
    response.end(bytes);
  } else if (url.pathname === "/json") {
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ hello: "world", n: Number(url.searchParams.get("n") ?? 0) }));
  } else if (url.pathname === "/echo") {
    response.setHeader("content-type", request.headers["content-type"] ?? "application/octet-stream");
    response.end(body);
  } else if (url.pathname === "/slow") {
    response.writeHead(200, { "content-type": "text/plain" });
    response.write("starting...");
    setTimeout(() => response.end("done"), 10_000).unref();
  } else {
    response.writeHead(404).end("not found");
  }
}

/** Start the site on 127.0.0.1. */
export async function startExampleSite(): Promise<ExampleSite> {
  const sockets = new OpenSockets();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => route(site, request, response, Buffer.concat(chunks)));
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
  });
  const site: ExampleSite = {
    url: "",
    privateHits: 0,
    pageHits: 0,
    cachedHits: 0,
    remoteAddresses: new Set(),
    close: () =>
      sockets.closeServer(server),
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  site.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return site;
}
