import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  Client,
  type ClientOptions,
  type DebugEvent,
  FileCacheStore,
  type HttpResponse,
  MemoryCacheStore,
} from "../mod.ts";
import { type HttpTestServer, startHttpServer } from "./servers/http.ts";

/** What a route answers. */
interface Answer {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: string | Uint8Array;
  /** Write the body in chunks of this size without Content-Length (chunked). */
  chunkSize?: number;
}

/** A route: the request, its 1-based number on this path. */
type Route = (request: IncomingMessage, count: number) => Answer;

const httpDate = (offsetMs: number) => new Date(Date.now() + offsetMs).toUTCString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** `x.test` and `y.test` are two origins on the one loopback server. */
const resolve = (host: string) => host.endsWith(".test") ? "127.0.0.1" : host;

describe("cache middleware: end to end", () => {
  let server: HttpTestServer;
  const routes = new Map<string, Route>();
  const counts = new Map<string, number>();
  const seenHeaders = new Map<string, IncomingMessage["headers"][]>();
  let nextPath = 0;

  before(async () => {
    server = await startHttpServer((request, response) => {
      const path = new URL(request.url ?? "/", "http://unused").pathname;
      const count = (counts.get(path) ?? 0) + 1;
      counts.set(path, count);
      seenHeaders.set(path, [...(seenHeaders.get(path) ?? []), request.headers]);
      const answer = routes.get(path)?.(request, count) ?? { status: 404, body: "no route" };
      response.statusCode = answer.status ?? 200;
      for (const [name, value] of Object.entries(answer.headers ?? {})) {
        if (value !== undefined) response.setHeader(name, value);
      }
      const body = typeof answer.body === "string" ? new TextEncoder().encode(answer.body) : answer.body;
      if (answer.chunkSize === undefined || body === undefined) {
        response.end(body);
        return;
      }
      for (let offset = 0; offset < body.byteLength; offset += answer.chunkSize) {
        response.write(body.subarray(offset, offset + answer.chunkSize));
      }
      response.end();
    });
  });
  after(() => server.close());

  /** A new path served by `route`; returns its URL on `host` (default 127.0.0.1). */
  function serve(route: Route, host = "127.0.0.1"): string {
    const path = `/r${++nextPath}`;
    routes.set(path, route);
    return `http://${host}:${server.port}${path}`;
  }

  /** Requests the server received for a URL's path. */
  const hits = (url: string) => counts.get(new URL(url).pathname) ?? 0;
  /** The request header fields the server saw, per request, for a URL's path. */
  const seen = (url: string) => seenHeaders.get(new URL(url).pathname) ?? [];

  function newClient(options: ClientOptions = {}): Client {
    return new Client({ cache: true, resolve, ...options });
  }

  /** GET (or another method) and read the body. */
  async function get(
    client: Client,
    url: string,
    options: { method?: string; headers?: [string, string][] } = {},
  ): Promise<{ response: HttpResponse; text: string }> {
    const response = await client.request({ url, ...options });
    return { response, text: await response.text() };
  }

  describe("freshness", () => {
    it("is off by default: every GET goes to the server", async () => {
      await using client = new Client();
      const url = serve(() => ({ headers: { "cache-control": "max-age=60" }, body: "a" }));
      await get(client, url);
      const { response } = await get(client, url);
      assert.equal(response.fromCache, "miss");
      assert.equal(hits(url), 2);
      assert.equal(client.cache, null);
    });

    it("max-age: a fresh response is served from the cache with an Age field", async () => {
      await using client = newClient();
      const url = serve(() => ({ headers: { "cache-control": "max-age=60" }, body: "hello" }));
      const first = await get(client, url);
      assert.equal(first.response.fromCache, "miss");
      const second = await get(client, url);
      assert.equal(second.response.fromCache, "hit");
      assert.equal(second.text, "hello");
      assert.equal(second.response.status, 200);
      assert.equal(second.response.headers.get("age"), "0");
      assert.equal(second.response.headers.get("content-length"), "5");
      assert.equal(second.response.request.url.href, url);
      assert.equal(hits(url), 1);
    });

    it("the Age field counts the age the server reported", async () => {
      await using client = newClient();
      const url = serve(() => ({ headers: { "cache-control": "max-age=600", age: "100" }, body: "x" }));
      await get(client, url);
      const { response } = await get(client, url);
      assert.equal(response.fromCache, "hit");
      assert.ok(Number(response.headers.get("age")) >= 100);
    });

    it("Expires in the future is fresh; in the past (or invalid) is stale", async () => {
      await using client = newClient();
      const future = serve(() => ({ headers: { date: httpDate(0), expires: httpDate(60_000) }, body: "f" }));
      const past = serve(() => ({ headers: { date: httpDate(0), expires: httpDate(-60_000) }, body: "p" }));
      const invalid = serve(() => ({ headers: { expires: "0" }, body: "i" }));
      for (const url of [future, past, invalid]) {
        await get(client, url);
        await get(client, url);
      }
      assert.equal(hits(future), 1);
      assert.equal(hits(past), 2);
      assert.equal(hits(invalid), 2);
    });

    it("heuristic freshness from Last-Modified, for heuristically cacheable statuses only", async () => {
      await using client = newClient();
      const lastModified = httpDate(-10 * 24 * 3600_000);
      const ok = serve(() => ({ headers: { "last-modified": lastModified }, body: "ok" }));
      const created = serve(() => ({ status: 201, headers: { "last-modified": lastModified }, body: "c" }));
      const plain = serve(() => ({ body: "no freshness information" }));
      for (const url of [ok, created, plain]) {
        await get(client, url);
        await get(client, url);
      }
      assert.equal(hits(ok), 1);
      assert.equal(hits(created), 2);
      assert.equal(hits(plain), 2);
    });

    it("no-store in the response, or in the request, stores nothing", async () => {
      await using client = newClient();
      const noStore = serve(() => ({ headers: { "cache-control": "no-store, max-age=60" }, body: "n" }));
      await get(client, noStore);
      await get(client, noStore);
      assert.equal(hits(noStore), 2);
      const url = serve(() => ({ headers: { "cache-control": "max-age=60" }, body: "r" }));
      await get(client, url, { headers: [["cache-control", "no-store"]] });
      const { response } = await get(client, url);
      assert.equal(response.fromCache, "miss");
      assert.equal(hits(url), 2);
    });

    it("request max-age=0, no-cache and Pragma: no-cache revalidate a fresh entry", async () => {
      await using client = newClient();
      const url = serve((request) =>
        request.headers["if-none-match"] === '"v1"'
          ? { status: 304, headers: { etag: '"v1"' } }
          : { headers: { "cache-control": "max-age=600", etag: '"v1"' }, body: "body" }
      );
      await get(client, url);
      for (
        const field of [["cache-control", "max-age=0"], ["cache-control", "no-cache"], ["pragma", "no-cache"]]
      ) {
        const { response, text } = await get(client, url, { headers: [field as [string, string]] });
        assert.equal(response.fromCache, "revalidated", field.join(": "));
        assert.equal(text, "body");
      }
      assert.equal(hits(url), 4);
    });

    it("max-stale accepts a stale response; min-fresh refuses one about to go stale", async () => {
      await using client = newClient();
      const stale = serve(() => ({ headers: { "cache-control": "max-age=60", age: "120" }, body: "s" }));
      await get(client, stale);
      const accepted = await get(client, stale, { headers: [["cache-control", "max-stale=3600"]] });
      assert.equal(accepted.response.fromCache, "hit");
      const tooStale = await get(client, stale, { headers: [["cache-control", "max-stale=30"]] });
      assert.equal(tooStale.response.fromCache, "miss");
      assert.equal(hits(stale), 2);

      const fresh = serve(() => ({ headers: { "cache-control": "max-age=60" }, body: "f" }));
      await get(client, fresh);
      assert.equal(
        (await get(client, fresh, { headers: [["cache-control", "min-fresh=10"]] })).response.fromCache,
        "hit",
      );
      assert.equal(
        (await get(client, fresh, { headers: [["cache-control", "min-fresh=120"]] })).response.fromCache,
        "miss",
      );
      assert.equal(hits(fresh), 2);
    });

    it("only-if-cached: 504 without contacting the server when nothing usable is stored", async () => {
      await using client = newClient();
      const url = serve(() => ({ headers: { "cache-control": "max-age=60" }, body: "c" }));
      const onlyIfCached: [string, string][] = [["cache-control", "only-if-cached"]];
      const missing = await get(client, url, { headers: onlyIfCached });
      assert.equal(missing.response.status, 504);
      assert.equal(missing.text, "");
      assert.equal(hits(url), 0);
      await get(client, url);
      const cached = await get(client, url, { headers: onlyIfCached });
      assert.equal(cached.response.status, 200);
      assert.equal(cached.response.fromCache, "hit");
      assert.equal(hits(url), 1);
    });

    it("a HEAD is answered from a stored GET", async () => {
      await using client = newClient();
      const url = serve(() => ({ headers: { "cache-control": "max-age=60" }, body: "twelve bytes" }));
      await get(client, url);
      const { response, text } = await get(client, url, { method: "HEAD" });
      assert.equal(response.fromCache, "hit");
      assert.equal(response.headers.get("content-length"), "12");
      assert.equal(text, "");
      assert.equal(hits(url), 1);
    });
  });

  describe("validation", () => {
    it("ETag: a 304 serves the stored body with updated header fields", async () => {
      await using client = newClient();
      const url = serve((_request, count) =>
        count === 1
          ? { headers: { "cache-control": "max-age=0", etag: '"v1"', "x-version": "1" }, body: "one" }
          : { status: 304, headers: { "cache-control": "max-age=60", etag: '"v1"', "x-version": "2" } }
      );
      await get(client, url);
      const revalidated = await get(client, url);
      assert.equal(revalidated.response.fromCache, "revalidated");
      assert.equal(revalidated.response.status, 200);
      assert.equal(revalidated.text, "one");
      assert.equal(revalidated.response.headers.get("x-version"), "2");
      assert.equal(revalidated.response.headers.get("content-length"), "3");
      assert.equal(seen(url)[1]["if-none-match"], '"v1"');
      // The 304's max-age=60 made the entry fresh again.
      const hit = await get(client, url);
      assert.equal(hit.response.fromCache, "hit");
      assert.equal(hit.response.headers.get("x-version"), "2");
      assert.equal(hits(url), 2);
    });

    it("a Set-Cookie on a 304 reaches the cookie jar (it is never stored in the cache)", async () => {
      await using client = newClient();
      const url = serve((_request, count) =>
        count === 1
          ? { headers: { "cache-control": "max-age=0", etag: '"v1"' }, body: "one" }
          : { status: 304, headers: { etag: '"v1"', "set-cookie": "session=refreshed; Path=/" } }
      );
      await get(client, url);
      const revalidated = await get(client, url);
      assert.equal(revalidated.response.fromCache, "revalidated");
      assert.equal(client.cookies?.getCookieHeader(url), "session=refreshed");
    });

    it("Last-Modified: revalidated with If-Modified-Since", async () => {
      await using client = newClient();
      const lastModified = httpDate(-3600_000);
      const url = serve((request) =>
        request.headers["if-modified-since"] === lastModified
          ? { status: 304 }
          : { headers: { "cache-control": "no-cache", "last-modified": lastModified }, body: "dated" }
      );
      await get(client, url);
      const { response, text } = await get(client, url);
      assert.equal(response.fromCache, "revalidated");
      assert.equal(text, "dated");
      assert.equal(hits(url), 2);
    });

    it("a changed resource (200 to the conditional request) replaces the entry", async () => {
      await using client = newClient();
      const url = serve((_request, count) => ({
        headers: { "cache-control": count === 1 ? "max-age=0" : "max-age=60", etag: `"v${count}"` },
        body: `version ${count}`,
      }));
      await get(client, url);
      const changed = await get(client, url);
      assert.equal(changed.response.fromCache, "miss");
      assert.equal(changed.text, "version 2");
      const hit = await get(client, url);
      assert.equal(hit.text, "version 2");
      assert.equal(hit.response.fromCache, "hit");
      assert.equal(hits(url), 2);
    });

    it("a 304 with another ETag drops the entry and the request is repeated without conditions", async () => {
      await using client = newClient();
      const url = serve((request, count) =>
        request.headers["if-none-match"] !== undefined
          ? { status: 304, headers: { etag: '"other"' } }
          : { headers: { "cache-control": "max-age=0", etag: '"v1"' }, body: `full ${count}` }
      );
      await get(client, url);
      const { response, text } = await get(client, url);
      assert.deepEqual([response.status, text, response.fromCache], [200, "full 3", "miss"]);
      assert.equal(seen(url)[2]["if-none-match"], undefined);
    });

    it("must-revalidate: a stale response is revalidated even when max-stale allows it", async () => {
      await using client = newClient();
      const route: Route = (request) =>
        request.headers["if-none-match"] === '"m"'
          ? { status: 304, headers: { etag: '"m"' } }
          : { headers: { "cache-control": "max-age=0, must-revalidate", etag: '"m"' }, body: "m" };
      const url = serve(route);
      await get(client, url);
      const { response } = await get(client, url, { headers: [["cache-control", "max-stale=600"]] });
      assert.equal(response.fromCache, "revalidated");
      assert.equal(hits(url), 2);
    });

    it("a request with its own conditional fields bypasses the cache", async () => {
      await using client = newClient();
      const url = serve((request) =>
        request.headers["if-none-match"] === '"c"'
          ? { status: 304, headers: { etag: '"c"' } }
          : { headers: { "cache-control": "max-age=60", etag: '"c"' }, body: "c" }
      );
      await get(client, url);
      const { response } = await get(client, url, { headers: [["if-none-match", '"c"']] });
      assert.equal(response.status, 304);
      assert.equal(response.fromCache, "miss");
      assert.equal(hits(url), 2);
    });
  });

  describe("Vary", () => {
    it("two Accept-Language values are two variants, each served to its own requests", async () => {
      await using client = newClient();
      const url = serve((request) => ({
        headers: { "cache-control": "max-age=60", vary: "Accept-Language" },
        body: `lang ${request.headers["accept-language"]}`,
      }));
      const en: [string, string][] = [["accept-language", "en"]];
      const de: [string, string][] = [["accept-language", "de"]];
      assert.equal((await get(client, url, { headers: en })).text, "lang en");
      assert.equal((await get(client, url, { headers: de })).text, "lang de");
      const enHit = await get(client, url, { headers: en });
      const deHit = await get(client, url, { headers: de });
      assert.deepEqual([enHit.text, enHit.response.fromCache], ["lang en", "hit"]);
      assert.deepEqual([deHit.text, deHit.response.fromCache], ["lang de", "hit"]);
      assert.equal(hits(url), 2);
    });

    it("Vary: * is never served from the cache", async () => {
      await using client = newClient();
      const url = serve(() => ({ headers: { "cache-control": "max-age=60", vary: "*" }, body: "v" }));
      await get(client, url);
      const { response } = await get(client, url);
      assert.equal(response.fromCache, "miss");
      assert.equal(hits(url), 2);
    });
  });

  describe("invalidation and authorization", () => {
    it("a POST drops the request URL and a same-origin Location, not another origin's", async () => {
      await using client = newClient();
      const cacheable: Route = () => ({ headers: { "cache-control": "max-age=60" }, body: "page" });
      const items = serve(cacheable, "x.test");
      const item = serve(cacheable, "x.test");
      const foreign = serve(cacheable, "y.test");
      for (const url of [items, item, foreign]) await get(client, url);
      routes.set(
        new URL(items).pathname,
        (request) =>
          request.method === "POST"
            ? {
              status: 201,
              headers: { location: new URL(item).pathname, "content-location": foreign },
              body: "",
            }
            : { headers: { "cache-control": "max-age=60" }, body: "page" },
      );
      const posted = await get(client, items, { method: "POST" });
      assert.equal(posted.response.status, 201);
      for (const url of [items, item, foreign]) await get(client, url);
      assert.equal(hits(items), 3);
      assert.equal(hits(item), 2);
      assert.equal(hits(foreign), 1);
    });

    it("an unsafe method answered with an error invalidates nothing", async () => {
      await using client = newClient();
      const url = serve((request) =>
        request.method === "DELETE"
          ? { status: 409, body: "" }
          : { headers: { "cache-control": "max-age=60" }, body: "d" }
      );
      await get(client, url);
      await get(client, url, { method: "DELETE" });
      assert.equal((await get(client, url)).response.fromCache, "hit");
      assert.equal(hits(url), 2);
    });

    it("with Authorization, only a response marked public (or must-revalidate, s-maxage) is stored", async () => {
      await using client = newClient();
      const auth: [string, string][] = [["authorization", "Bearer secret"]];
      const privateUrl = serve(() => ({ headers: { "cache-control": "max-age=60" }, body: "mine" }));
      const publicUrl = serve(() => ({ headers: { "cache-control": "public, max-age=60" }, body: "ours" }));
      for (const url of [privateUrl, publicUrl]) {
        await get(client, url, { headers: auth });
        await get(client, url, { headers: auth });
      }
      assert.equal(hits(privateUrl), 2);
      assert.equal(hits(publicUrl), 1);
    });
  });

  describe("stale-while-revalidate and stale-if-error (RFC 5861)", () => {
    const swr = { "cache-control": "max-age=1, stale-while-revalidate=600", age: "10" };

    it("with the option, a stale response is served at once and refreshed in the background", async () => {
      const events: DebugEvent[] = [];
      await using client = newClient({
        cache: { staleWhileRevalidate: true },
        debug: "cache",
        debugSink: (event) => events.push(event),
      });
      const url = serve((_request, count) => ({ headers: swr, body: `v${count}` }));
      await get(client, url);
      const stale = await get(client, url);
      assert.deepEqual([stale.text, stale.response.fromCache], ["v1", "hit"]);
      for (let i = 0; i < 200 && events.filter((event) => event.event === "stored").length < 2; i++) {
        await sleep(5);
      }
      const refreshed = await get(client, url);
      assert.equal(refreshed.text, "v2");
      assert.equal(refreshed.response.fromCache, "hit");
    });

    it("without the option, the stale response is revalidated before it is served", async () => {
      await using client = newClient();
      const url = serve((_request, count) => ({ headers: swr, body: `v${count}` }));
      await get(client, url);
      const { response, text } = await get(client, url);
      assert.deepEqual([text, response.fromCache], ["v2", "miss"]);
      assert.equal(hits(url), 2);
    });

    const sie = { "cache-control": "max-age=1, stale-if-error=600", age: "10", etag: '"e"' };

    it("with the option, a 5xx answer to the revalidation serves the stale response", async () => {
      await using client = newClient({ cache: { staleIfError: true } });
      const url = serve((_request, count) =>
        count === 1 ? { headers: sie, body: "good" } : { status: 503, body: "down" }
      );
      await get(client, url);
      const { response, text } = await get(client, url);
      assert.deepEqual([response.status, text, response.fromCache], [200, "good", "hit"]);
      assert.equal(hits(url), 2);
    });

    it("with the option, a network error serves the stale response", async () => {
      const flaky = await startHttpServer((_request, response) => {
        for (const [name, value] of Object.entries(sie)) response.setHeader(name, value);
        response.end("cached");
      });
      await using client = newClient({ cache: { staleIfError: true }, maxRetries: 0 });
      await get(client, `${flaky.url}/x`);
      await flaky.close();
      const { response, text } = await get(client, `${flaky.url}/x`);
      assert.deepEqual([text, response.fromCache], ["cached", "hit"]);
    });

    it("without the option, the 5xx answer is returned", async () => {
      await using client = newClient({ maxRetries: 0 });
      const url = serve((_request, count) =>
        count === 1 ? { headers: sie, body: "good" } : { status: 500, body: "down" }
      );
      await get(client, url);
      const { response, text } = await get(client, url);
      assert.deepEqual([response.status, text, response.fromCache], [500, "down", "miss"]);
    });
  });

  describe("bodies", () => {
    it("a body over the store's entry limit is passed through whole and not stored", async () => {
      const store = new MemoryCacheStore({ maxEntrySize: 1024 });
      await using client = newClient({ cache: store });
      const big = new Uint8Array(64 * 1024).map((_, index) => index % 251);
      const chunked = serve(() => ({
        headers: { "cache-control": "max-age=60" },
        body: big,
        chunkSize: 4096,
      }));
      const sized = serve(() => ({ headers: { "cache-control": "max-age=60" }, body: big }));
      for (const url of [chunked, sized]) {
        for (let i = 0; i < 2; i++) {
          const response = await client.request({ url });
          assert.deepEqual(await response.bytes(), big);
          assert.equal(response.fromCache, "miss");
        }
        assert.equal(hits(url), 2);
      }
      assert.equal(store.size, 0);
    });

    it("a body the caller cancels is not stored", async () => {
      await using client = newClient();
      const url = serve(() => ({
        headers: { "cache-control": "max-age=60" },
        body: new Uint8Array(256 * 1024),
        chunkSize: 16 * 1024,
      }));
      const reader = (await client.request({ url })).body.getReader();
      await reader.read();
      await reader.cancel();
      await get(client, url);
      assert.equal(hits(url), 2);
    });

    it("a gzip body is stored decoded, without Content-Encoding", async () => {
      await using client = newClient();
      const text = "compressible ".repeat(100);
      const url = serve(() => ({
        headers: { "cache-control": "max-age=60", "content-encoding": "gzip" },
        body: gzipSync(text),
      }));
      assert.equal((await get(client, url)).text, text);
      const { response, text: cached } = await get(client, url);
      assert.equal(response.fromCache, "hit");
      assert.equal(cached, text);
      assert.equal(response.headers.get("content-encoding"), null);
      assert.equal(response.headers.get("content-length"), String(text.length));
    });

    it("reports hit, miss and stored on the cache debug level", async () => {
      const events: DebugEvent[] = [];
      await using client = newClient({ debug: "cache", debugSink: (event) => events.push(event) });
      const url = serve(() => ({ headers: { "cache-control": "max-age=60" }, body: "d" }));
      await get(client, url);
      await get(client, url);
      assert.deepEqual(events.map((event) => event.event), ["miss", "stored", "hit"]);
      assert.ok(events.every((event) => event.level === "cache"));
    });
  });

  describe("file store", () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "cache-client-"));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    /** Every variant file under the store directory (not the temporary files). */
    async function variantFiles(): Promise<string[]> {
      const files: string[] = [];
      for (const keyDir of await readdir(dir)) {
        if (keyDir === "tmp") continue;
        for (const name of await readdir(join(dir, keyDir))) files.push(join(dir, keyDir, name));
      }
      return files;
    }

    it("entries survive a new Client on the same directory", async () => {
      const url = serve(() => ({ headers: { "cache-control": "max-age=60" }, body: "persisted" }));
      {
        await using client = newClient({ cache: new FileCacheStore({ dir }) });
        await get(client, url);
      }
      await using client = newClient({ cache: new FileCacheStore({ dir }) });
      const { response, text } = await get(client, url);
      assert.deepEqual([text, response.fromCache], ["persisted", "hit"]);
      assert.equal(hits(url), 1);
    });

    it("truncated, garbage and half-written files left by a killed process read as a miss", async () => {
      const url = serve(() => ({ headers: { "cache-control": "max-age=60" }, body: "rebuilt" }));
      {
        await using client = newClient({ cache: new FileCacheStore({ dir }) });
        await get(client, url);
      }
      for (const file of await variantFiles()) {
        const bytes = await readFile(file);
        await writeFile(file, bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
        await writeFile(join(file, "..", "f".repeat(64)), "garbage, not an entry");
      }
      await mkdir(join(dir, "tmp"), { recursive: true });
      await writeFile(join(dir, "tmp", "half-written.tmp"), "rebuil");
      await using client = newClient({ cache: new FileCacheStore({ dir }) });
      const missed = await get(client, url);
      assert.deepEqual([missed.text, missed.response.fromCache], ["rebuilt", "miss"]);
      const hit = await get(client, url);
      assert.deepEqual([hit.text, hit.response.fromCache], ["rebuilt", "hit"]);
      assert.equal(hits(url), 2);
      assert.ok((await stat(join(dir, "tmp", "half-written.tmp"))).isFile());
    });
  });
});
