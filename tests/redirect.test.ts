import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Client, type DebugEvent, HttpClientError } from "../mod.ts";
import { type HttpTestServer, startHttpServer } from "./servers/http.ts";
import { caCert, certificates } from "./servers/fixtures.ts";

function code(error: unknown): string {
  return error instanceof HttpClientError ? error.code : String(error);
}

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Routes:
 * - `/echo...`, `/up`, `/dir/sub/other`: JSON of the request;
 * - `.../to?status=&location=&size=&cookie=`: that status, Location, a body of `size` bytes, a Set-Cookie;
 * - `/chain/N`: N more redirects, then 200;
 * - `/loop`: redirects to itself.
 */
function routes(seen: Seen[]) {
  return (request: IncomingMessage, response: ServerResponse, body: Buffer) => {
    const path = request.url ?? "/";
    seen.push({ method: request.method ?? "", url: path, headers: request.headers, body: body.toString() });
    const url = new URL(path, "http://localhost");
    const echoes = url.pathname.startsWith("/echo") || url.pathname === "/up" ||
      url.pathname === "/dir/sub/other";
    if (echoes) {
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({
          method: request.method,
          url: path,
          headers: request.headers,
          body: body.toString(),
        }),
      );
      return;
    }
    if (url.pathname.endsWith("/to")) {
      const status = Number(url.searchParams.get("status") ?? 302);
      const location = url.searchParams.get("location");
      if (location !== null) response.setHeader("location", location);
      const cookie = url.searchParams.get("cookie");
      if (cookie !== null) response.setHeader("set-cookie", cookie);
      const size = Number(url.searchParams.get("size") ?? 0);
      response.writeHead(status, { "content-length": String(size) });
      response.end("x".repeat(size));
      return;
    }
    const chain = /^\/chain\/(\d+)$/.exec(url.pathname);
    if (chain !== null) {
      const left = Number(chain[1]);
      if (left === 0) response.end("end of chain");
      else response.writeHead(302, { location: `/chain/${left - 1}`, "content-length": "0" }).end();
      return;
    }
    if (url.pathname === "/loop") {
      response.writeHead(302, { location: "/loop", "content-length": "0" }).end();
      return;
    }
    response.writeHead(404).end();
  };
}

function to(base: string, status: number, location: string, extra = ""): string {
  return `${base}/to?status=${status}&location=${encodeURIComponent(location)}${extra}`;
}

describe("redirects", () => {
  let a: HttpTestServer;
  let b: HttpTestServer;
  let secure: HttpTestServer;
  let seenA: Seen[];
  let seenB: Seen[];

  before(async () => {
    seenA = [];
    seenB = [];
    a = await startHttpServer(routes(seenA));
    b = await startHttpServer(routes(seenB));
    secure = await startHttpServer((_request, response) => {
      response.writeHead(302, { location: `${a.url}/echo/plain`, "content-length": "0" }).end();
    }, { tls: certificates.server });
  });
  after(async () => {
    await a.close();
    await b.close();
    await secure.close();
  });

  for (const status of [301, 302]) {
    it(`${status} turns a POST into a GET without its body or body headers`, async () => {
      await using client = new Client();
      const response = await client.request({
        url: to(a.url, status, "/echo/after-post"),
        method: "POST",
        body: "form=1",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-keep": "yes" },
      });
      const echo = await response.json<Echo>();
      assert.equal(echo.method, "GET");
      assert.equal(echo.body, "");
      assert.equal(echo.headers["content-type"], undefined);
      assert.equal(echo.headers["content-length"], undefined);
      assert.equal(echo.headers["x-keep"], "yes");
      assert.equal(response.request.method, "GET");
    });
  }

  it("301 keeps the method and body of a PUT (only POST becomes GET)", async () => {
    await using client = new Client();
    const response = await client.request({ url: to(a.url, 301, "/echo/put"), method: "PUT", body: "data" });
    const echo = await response.json<Echo>();
    assert.equal(echo.method, "PUT");
    assert.equal(echo.body, "data");
  });

  it("303 turns a PUT into a GET, and a HEAD stays a HEAD", async () => {
    await using client = new Client();
    const put = await client.request({ url: to(a.url, 303, "/echo/see-other"), method: "PUT", body: "data" });
    const echo = await put.json<Echo>();
    assert.equal(echo.method, "GET");
    assert.equal(echo.body, "");
    const head = await client.request({ url: to(a.url, 303, "/echo/see-other-head"), method: "HEAD" });
    assert.equal(head.status, 200);
    await head.text();
    assert.equal(seenA.find((seen) => seen.url === "/echo/see-other-head")?.method, "HEAD");
  });

  for (const status of [307, 308]) {
    it(`${status} keeps the method, the body and its Content-Type`, async () => {
      await using client = new Client();
      const response = await client.request({
        url: to(a.url, status, `/echo/kept-${status}`),
        method: "POST",
        body: JSON.stringify({ n: status }),
        headers: { "content-type": "application/json" },
      });
      const echo = await response.json<Echo>();
      assert.equal(echo.method, "POST");
      assert.equal(echo.body, JSON.stringify({ n: status }));
      assert.equal(echo.headers["content-type"], "application/json");
    });
  }

  it("307 with a streamed body fails with ERR_REDIRECT instead of sending an empty body", async () => {
    await using client = new Client();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("streamed"));
        controller.close();
      },
    });
    await assert.rejects(
      client.request({ url: to(a.url, 307, "/echo/never-streamed"), method: "POST", body: stream }),
      (error) => code(error) === "ERR_REDIRECT" && /stream/.test((error as Error).message),
    );
    assert.equal(seenA.some((seen) => seen.url === "/echo/never-streamed"), false);
  });

  it("Location is resolved against the current URL: relative, parent, query-only, scheme-relative", async () => {
    await using client = new Client();
    const from = `${a.url}/dir/sub/to?status=302&location=`;
    const cases: [string, string][] = [
      ["other", `${a.url}/dir/sub/other`],
      ["../../up", `${a.url}/up`],
      ["?q=2", `${a.url}/dir/sub/to?q=2`],
      [`//127.0.0.1:${b.port}/echo/scheme-relative`, `${b.url}/echo/scheme-relative`],
      [`${b.url}/echo/absolute`, `${b.url}/echo/absolute`],
    ];
    for (const [location, expected] of cases) {
      const response = await client.request({ url: from + encodeURIComponent(location) });
      assert.equal(response.url, expected, location);
      assert.equal(response.redirects.length, 1);
      await response.text();
    }
  });

  it("the fragment is kept for the caller when Location has none, replaced when it has one, and never sent", async () => {
    await using client = new Client();
    const kept = await client.request({ url: `${to(a.url, 302, "/echo/fragment-kept")}#section` });
    assert.equal(kept.request.url.hash, "#section");
    assert.equal(kept.url, `${a.url}/echo/fragment-kept`);
    assert.equal((await kept.json<Echo>()).url, "/echo/fragment-kept");
    const replaced = await client.request({ url: `${to(a.url, 302, "/echo/fragment-new#other")}#section` });
    assert.equal(replaced.request.url.hash, "#other");
    assert.equal((await replaced.json<Echo>()).url, "/echo/fragment-new");
    assert.equal(seenA.some((seen) => seen.url.includes("#")), false);
  });

  for (
    const location of [
      "ftp://127.0.0.1/file",
      "data:text/plain,hi",
      "javascript:alert(1)",
      "file:///etc/passwd",
    ]
  ) {
    it(`a redirect to ${location.split(":")[0]}: is refused with ERR_REDIRECT`, async () => {
      await using client = new Client();
      await assert.rejects(
        client.request({ url: to(a.url, 302, location) }),
        (error) => code(error) === "ERR_REDIRECT",
      );
    });
  }

  it("a cross-origin hop drops Authorization, Cookie, Proxy-Authorization and Host; other headers stay", async () => {
    await using client = new Client();
    const response = await client.request({
      url: to(a.url, 302, `${b.url}/echo/cross`),
      headers: {
        authorization: "Bearer secret",
        cookie: "session=secret",
        "proxy-authorization": "Basic c2VjcmV0",
        host: "example.test",
        "x-custom": "kept",
      },
    });
    const echo = await response.json<Echo>();
    assert.equal(echo.headers.authorization, undefined);
    assert.equal(echo.headers.cookie, undefined);
    assert.equal(echo.headers["proxy-authorization"], undefined);
    assert.equal(echo.headers.host, `127.0.0.1:${b.port}`);
    assert.equal(echo.headers["x-custom"], "kept");
    const first = seenA.findLast((seen) => seen.url.startsWith("/to?") && seen.url.includes("cross"));
    assert.equal(first?.headers.authorization, "Bearer secret");
  });

  it("a same-origin hop keeps them, and a hop back to the caller's origin gets them again", async () => {
    await using client = new Client({ cookies: false });
    const headers = { authorization: "Bearer secret", cookie: "session=secret" };
    const same = await client.request({ url: to(a.url, 302, "/echo/same-origin"), headers });
    const echo = await same.json<Echo>();
    assert.equal(echo.headers.authorization, "Bearer secret");
    assert.equal(echo.headers.cookie, "session=secret");
    const back = await client.request({
      url: to(a.url, 302, to(b.url, 302, `${a.url}/echo/back-home`)),
      headers,
    });
    const home = await back.json<Echo>();
    assert.equal(home.headers.authorization, "Bearer secret");
    const viaB = seenB.findLast((seen) => seen.url.startsWith("/to?") && seen.url.includes("back-home"));
    assert.equal(viaB?.headers.authorization, undefined);
    assert.equal(back.redirects.length, 2);
  });

  it("https to http is refused with ERR_REDIRECT unless allowHttpsDowngrade", async () => {
    {
      await using client = new Client({ tls: { caCerts: [caCert] } });
      await assert.rejects(
        client.request({ url: `${secure.url}/downgrade` }),
        (error) => code(error) === "ERR_REDIRECT" && /allowHttpsDowngrade/.test((error as Error).message),
      );
    }
    await using client = new Client({ tls: { caCerts: [caCert] }, allowHttpsDowngrade: true });
    const response = await client.request({ url: `${secure.url}/downgrade` });
    assert.equal(response.url, `${a.url}/echo/plain`);
    assert.deepEqual(response.redirects, [{ url: `${secure.url}/downgrade`, status: 302 }]);
    await response.text();
  });

  it("20 hops are followed by default and the chain is exposed; the 21st is ERR_TOO_MANY_REDIRECTS", async () => {
    await using client = new Client();
    const response = await client.request({ url: `${a.url}/chain/20` });
    assert.equal(await response.text(), "end of chain");
    assert.equal(response.url, `${a.url}/chain/0`);
    assert.equal(response.redirects.length, 20);
    assert.deepEqual(response.redirects[0], { url: `${a.url}/chain/20`, status: 302 });
    assert.deepEqual(response.redirects[19], { url: `${a.url}/chain/1`, status: 302 });
    await assert.rejects(
      client.request({ url: `${a.url}/chain/21` }),
      (error) => code(error) === "ERR_TOO_MANY_REDIRECTS",
    );
  });

  it("maxRedirects per request and per client; 0 follows none", async () => {
    await using client = new Client({ maxRedirects: 0 });
    await assert.rejects(
      client.request({ url: `${a.url}/chain/1` }),
      (error) => code(error) === "ERR_TOO_MANY_REDIRECTS",
    );
    const two = await client.request({ url: `${a.url}/chain/2`, maxRedirects: 2 });
    assert.equal(await two.text(), "end of chain");
    await assert.rejects(
      client.request({ url: `${a.url}/chain/3`, maxRedirects: 2 }),
      (error) => code(error) === "ERR_TOO_MANY_REDIRECTS",
    );
  });

  it("a redirect loop ends with ERR_TOO_MANY_REDIRECTS", async () => {
    await using client = new Client({ maxRedirects: 5 });
    const before = seenA.length;
    await assert.rejects(
      client.request({ url: `${a.url}/loop` }),
      (error) => code(error) === "ERR_TOO_MANY_REDIRECTS",
    );
    assert.equal(seenA.length - before, 6);
  });

  it('redirect: "manual" returns the 3xx as it is, per request or for the client', async () => {
    {
      await using client = new Client();
      const response = await client.request({ url: to(a.url, 302, "/echo/manual"), redirect: "manual" });
      assert.equal(response.status, 302);
      assert.equal(response.headers.get("location"), "/echo/manual");
      assert.deepEqual(response.redirects, []);
      await response.text();
    }
    await using client = new Client({ redirect: "manual" });
    const response = await client.request({ url: to(a.url, 301, "/echo/manual") });
    assert.equal(response.status, 301);
    await response.text();
    const followed = await client.request({ url: to(a.url, 301, "/echo/followed"), redirect: "follow" });
    assert.equal(followed.status, 200);
    await followed.text();
  });

  it('redirect: "error" fails with ERR_REDIRECT on a redirect', async () => {
    await using client = new Client({ redirect: "error" });
    await assert.rejects(
      client.request({ url: to(a.url, 307, "/echo/refused") }),
      (error) => code(error) === "ERR_REDIRECT",
    );
    const plain = await client.request({ url: `${a.url}/echo/not-a-redirect` });
    assert.equal(plain.status, 200);
    await plain.text();
  });

  it("300, 304 and a 3xx without Location are returned as they are", async () => {
    await using client = new Client();
    for (const [status, location] of [[300, "/echo/a"], [304, "/echo/b"], [302, null]] as const) {
      const url = location === null ? `${a.url}/to?status=${status}` : to(a.url, status, location);
      const response = await client.request({ url });
      assert.equal(response.status, status);
      assert.deepEqual(response.redirects, []);
      await response.text();
    }
  });

  it("a small redirect body is read so the connection is reused for the next hop", async () => {
    await using client = new Client();
    const before = a.connections;
    const response = await client.request({ url: to(a.url, 302, "/echo/reused", "&size=1000") });
    await response.text();
    assert.equal(a.connections - before, 1);
  });

  it("a large redirect body is not read: the hop still succeeds", async () => {
    await using client = new Client();
    const response = await client.request({
      url: to(a.url, 302, "/echo/after-large", `&size=${256 * 1024}`),
    });
    assert.equal((await response.json<Echo>()).url, "/echo/after-large");
  });

  it("a Set-Cookie on a redirect is stored and sent with the next hop", async () => {
    await using client = new Client();
    const response = await client.request({
      url: to(a.url, 302, "/echo/with-cookie", `&cookie=${encodeURIComponent("hop=1; Path=/")}`),
    });
    assert.equal((await response.json<Echo>()).headers.cookie, "hop=1");
  });

  it("each hop is a redirect debug event", async () => {
    const events: DebugEvent[] = [];
    await using client = new Client({ debug: "redirect", debugSink: (event) => events.push(event) });
    await (await client.request({ url: `${a.url}/chain/2` })).text();
    const hops = events.filter((event) => event.level === "redirect");
    assert.equal(hops.length, 2);
    assert.equal(hops[0].data?.to, `${a.url}/chain/1`);
  });
});
