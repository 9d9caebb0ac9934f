import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, type ClientOptions, CookieJar, type DebugEvent, type Middleware } from "../mod.ts";
import { type HttpTestServer, startHttpServer } from "./servers/http.ts";
import { okResponse, startRawServer } from "./servers/raw_http.ts";
import { headerValueFromText, textFromHeaderValue } from "../lib/cookies/header_text.ts";

/** What the echo server saw: the Host header and every Cookie field. */
interface Seen {
  host: string;
  cookies: string[];
}

/** `a.test`, `b.a.test` and `c.a.test` all resolve to the loopback server. */
const resolve = (host: string) => host.endsWith(".test") ? "127.0.0.1" : host;

describe("cookies middleware: end to end", () => {
  let server: HttpTestServer;
  /** `http://127.0.0.1:port` */
  let base: string;
  /** A URL on the server through another host name, e.g. `origin("b.a.test")`. */
  const origin = (host: string) => `http://${host}:${server.port}`;

  before(async () => {
    // `?set=<Set-Cookie>` (repeatable) sets cookies, `?location=` answers 302;
    // the body tells which Cookie fields arrived.
    server = await startHttpServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://unused");
      const setCookies = url.searchParams.getAll("set");
      if (setCookies.length > 0) response.setHeader("set-cookie", setCookies);
      const location = url.searchParams.get("location");
      if (location !== null) {
        response.statusCode = 302;
        response.setHeader("location", location);
      }
      const cookies: string[] = [];
      const raw = request.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === "cookie") cookies.push(raw[i + 1]);
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ host: request.headers.host ?? "", cookies }));
    });
    base = server.url;
  });
  after(() => server.close());

  /** A URL that sets the given cookies. */
  function setting(url: string, ...setCookies: string[]): string {
    const query = setCookies.map((value) => `set=${encodeURIComponent(value)}`).join("&");
    return `${url}${url.includes("?") ? "&" : "?"}${query}`;
  }

  /** The Cookie fields the server received for one GET. */
  async function seen(
    client: Client,
    url: string,
    options: { headers?: [string, string][]; clientIp?: string } = {},
  ) {
    const response = await client.request({ url, ...options });
    return (await response.json<Seen>()).cookies;
  }

  function newClient(options: ClientOptions = {}): Client {
    return new Client({ resolve, ...options });
  }

  it("cookies are on by default: stored from a response and sent back", async () => {
    await using client = newClient();
    assert.deepEqual(await seen(client, setting(`${base}/login`, "sid=abc; Path=/", "lang=en")), []);
    assert.deepEqual(await seen(client, `${base}/account`), ["sid=abc; lang=en"]);
    assert.equal(client.cookies?.size, 2);
    assert.equal(client.cookieJar(), client.cookies);
  });

  it("a host-only cookie goes to its host only; a Domain cookie to the domain and its subdomains", async () => {
    await using client = newClient();
    await seen(client, setting(`${origin("b.a.test")}/`, "host=1", "wide=2; Domain=a.test"));
    assert.deepEqual(await seen(client, `${origin("b.a.test")}/`), ["host=1; wide=2"]);
    assert.deepEqual(await seen(client, `${origin("a.test")}/`), ["wide=2"]);
    assert.deepEqual(await seen(client, `${origin("c.a.test")}/`), ["wide=2"]);
    assert.deepEqual(await seen(client, `${base}/`), []);
  });

  it("a Domain that does not domain-match the host is refused", async () => {
    await using client = newClient();
    await seen(client, setting(`${origin("a.test")}/`, "x=1; Domain=b.a.test", "y=2; Domain=other.test"));
    assert.equal(client.cookies?.size, 0);
    assert.deepEqual(await seen(client, `${origin("b.a.test")}/`), []);
  });

  it("Path limits where a cookie is sent; without Path it is the directory of the request", async () => {
    await using client = newClient();
    await seen(client, setting(`${base}/docs/page`, "explicit=1; Path=/docs", "implicit=2"));
    assert.deepEqual(await seen(client, `${base}/docs/page/more`), ["explicit=1; implicit=2"]);
    assert.deepEqual(await seen(client, `${base}/docs`), ["explicit=1; implicit=2"]);
    assert.deepEqual(await seen(client, `${base}/docsearch`), []);
    assert.deepEqual(await seen(client, `${base}/`), []);
  });

  it("a Secure cookie set over http is kept but not sent over http", async () => {
    await using client = newClient();
    await seen(client, setting(`${base}/`, "s=1; Secure", "plain=2"));
    const kept = client.cookies?.all().map((cookie) => `${cookie.name} ${cookie.secure}`);
    assert.deepEqual(kept, ["s true", "plain false"]);
    assert.deepEqual(await seen(client, `${base}/`), ["plain=2"]);
  });

  it("Max-Age=0 and an Expires in the past delete a cookie", async () => {
    await using client = newClient();
    await seen(client, setting(`${base}/`, "a=1", "b=2", "c=3"));
    await seen(client, setting(`${base}/`, "a=; Max-Age=0", "b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"));
    assert.deepEqual(await seen(client, `${base}/`), ["c=3"]);
  });

  it("a caller's Cookie header comes first; the jar adds its other cookies in the same field", async () => {
    await using client = newClient();
    await seen(client, setting(`${base}/`, "a=jar", "b=jar"));
    const cookies = await seen(client, `${base}/`, {
      headers: [["X-Before", "1"], ["Cookie", "a=mine; c=3"]],
    });
    assert.deepEqual(cookies, ["a=mine; c=3; b=jar"]);
    // The caller's headers were not changed: the next request gets the jar's value again.
    assert.deepEqual(await seen(client, `${base}/`), ["a=jar; b=jar"]);
  });

  it("a caller's Cookie header is sent unchanged when the jar has nothing for the URL", async () => {
    await using client = newClient();
    assert.deepEqual(await seen(client, `${base}/`, { headers: [["cookie", "own=1"]] }), ["own=1"]);
  });

  it("each redirect hop stores its cookies, and the next hop sends them", async () => {
    await using client = newClient();
    const final = `${base}/final`;
    const second = setting(`${base}/step2?location=${encodeURIComponent(final)}`, "v=2");
    const first = setting(`${base}/step1?location=${encodeURIComponent(second)}`, "v=1", "first=1");
    const response = await client.request({ url: first });
    assert.deepEqual(response.redirects.map((hop) => hop.status), [302, 302]);
    assert.equal(response.url, final);
    // v=2 replaced v=1 at the second hop and kept its creation time (order).
    assert.deepEqual((await response.json<Seen>()).cookies, ["v=2; first=1"]);
  });

  it("across origins the jar's cookies follow their domain; the caller's Cookie stays on its origin", async () => {
    await using client = newClient();
    const target = `${origin("a.test")}/home`;
    const login = setting(
      `${origin("b.a.test")}/login?location=${encodeURIComponent(target)}`,
      "sid=1; Domain=a.test",
      "hostonly=1",
    );
    const response = await client.request({ url: login, headers: [["Cookie", "own=1"]] });
    assert.equal(response.url, target);
    const body = await response.json<Seen>();
    assert.equal(body.host, `a.test:${server.port}`);
    assert.deepEqual(body.cookies, ["sid=1"]);
  });

  it("a request sent again by an outer middleware (as retry does) carries the jar's cookies of that moment", async () => {
    const sendTwice: Middleware = async (request, next) => {
      await (await next(request)).bytes();
      return next(request);
    };
    await using client = newClient({ middleware: [sendTwice] });
    await seen(client, setting(`${base}/`, "v=1"));
    // Both attempts go to a URL that sets v=2: the second one carries it.
    const response = await client.request({
      url: setting(`${base}/`, "v=2"),
      headers: [["Cookie", "own=1"]],
    });
    assert.deepEqual((await response.json<Seen>()).cookies, ["own=1; v=2"]);
  });

  it("cookies: false sends and stores nothing, and keeps the caller's Cookie header", async () => {
    await using client = newClient({ cookies: false });
    await seen(client, setting(`${base}/`, "a=1"));
    assert.deepEqual(await seen(client, `${base}/`), []);
    assert.deepEqual(await seen(client, `${base}/`, { headers: [["Cookie", "own=1"]] }), ["own=1"]);
    assert.equal(client.cookies, null);
    assert.equal(client.cookieJar("127.0.0.2"), null);
  });

  it("a CookieJar given as the option is the one used", async () => {
    const jar = new CookieJar();
    jar.setCookie("preset=1", `${base}/`);
    await using client = newClient({ cookies: jar });
    assert.equal(client.cookies, jar);
    assert.deepEqual(await seen(client, setting(`${base}/`, "later=2")), ["preset=1"]);
    assert.equal(jar.getCookieHeader(`${base}/`), "preset=1; later=2");
  });

  it("cookieJarPerClientIp keeps the jars of pinned client IPs apart", async () => {
    await using client = newClient({ cookieJarPerClientIp: true });
    await seen(client, setting(`${base}/`, "who=two"), { clientIp: "127.0.0.2" });
    await seen(client, setting(`${base}/`, "who=three"), { clientIp: "127.0.0.3" });
    assert.deepEqual(await seen(client, `${base}/`, { clientIp: "127.0.0.2" }), ["who=two"]);
    assert.deepEqual(await seen(client, `${base}/`, { clientIp: "127.0.0.3" }), ["who=three"]);
    // Requests without clientIp use the main jar, which has neither.
    assert.deepEqual(await seen(client, `${base}/`), []);
    assert.equal(client.cookieJar("127.0.0.2")?.getCookieHeader(`${base}/`), "who=two");
    assert.equal(client.cookies?.size, 0);
    assert.ok(server.remoteAddresses.includes("127.0.0.2") && server.remoteAddresses.includes("127.0.0.3"));
  });

  it("without cookieJarPerClientIp every client IP shares one jar", async () => {
    await using client = newClient();
    await seen(client, setting(`${base}/`, "shared=1"), { clientIp: "127.0.0.2" });
    assert.deepEqual(await seen(client, `${base}/`, { clientIp: "127.0.0.3" }), ["shared=1"]);
    assert.equal(client.cookieJar("127.0.0.3"), client.cookies);
  });

  it("a jar saved in the Netscape format and loaded into a new client sends its cookies", async () => {
    const directory = await mkdtemp(join(tmpdir(), "cookies-client-"));
    try {
      const file = join(directory, "cookies.txt");
      {
        await using client = newClient();
        await seen(
          client,
          setting(`${origin("b.a.test")}/`, "sid=s1; Domain=a.test", "lang=en; Max-Age=3600"),
        );
        await client.cookies?.saveNetscape(file);
      }
      await using client = newClient({ cookies: await CookieJar.loadNetscape(file) });
      assert.deepEqual(await seen(client, `${origin("b.a.test")}/`), ["sid=s1; lang=en"]);
      assert.deepEqual(await seen(client, `${origin("a.test")}/`), ["sid=s1"]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("debug events on the cookies level show what was stored, sent and refused", async () => {
    const events: DebugEvent[] = [];
    await using client = newClient({ debug: "cookies", debugSink: (event) => events.push(event) });
    await seen(client, setting(`${base}/`, "sid=1; Path=/", "=no-name", "big=1; Domain=com"));
    await seen(client, `${base}/page`);
    const summary = events.map((event) => [event.level, event.event]);
    assert.deepEqual(summary, [
      ["cookies", "stored"],
      ["cookies", "refused"],
      ["cookies", "refused"],
      ["cookies", "sent"],
    ]);
    assert.match(events[0].message, /^sid for 127\.0\.0\.1\/ \(session\)$/);
    assert.match(events[1].message, /=no-name/);
    assert.match(events[2].message, /big=1; Domain=com.*(public suffix|domain-match)/);
    assert.deepEqual(events[3].data?.names, ["sid"]);
  });

  it("no cookies events are emitted when the level is off", async () => {
    const events: DebugEvent[] = [];
    await using client = newClient({ debug: "redirect", debugSink: (event) => events.push(event) });
    await seen(client, setting(`${base}/`, "sid=1", "=bad"));
    await seen(client, `${base}/`);
    assert.deepEqual(events.filter((event) => event.level === "cookies"), []);
  });
});

describe("cookies middleware: non-ASCII values", () => {
  it("a UTF-8 Set-Cookie value is kept as text and sent back as the same bytes", async () => {
    const server = await startRawServer((request) =>
      request.index === 0 && request.connection === 0
        ? okResponse("set", { "Set-Cookie": "lang=café; Path=/" })
        : okResponse("ok")
    );
    try {
      await using client = new Client();
      await (await client.request({ url: `${server.url}/` })).bytes();
      assert.equal(client.cookies?.all()[0].value, "café");
      client.cookies?.setCookie("city=東京", `${server.url}/`);
      await (await client.request({ url: `${server.url}/` })).bytes();
      const head = server.requests[1].head;
      const cookieLine = head.split("\r\n").find((line) => line.toLowerCase().startsWith("cookie:"));
      // The raw server reads the head as latin1: each character is one byte.
      const bytes = Uint8Array.from(cookieLine ?? "", (char) => char.charCodeAt(0));
      assert.equal(new TextDecoder().decode(bytes), "cookie: lang=café; city=東京");
    } finally {
      await server.close();
    }
  });
});

describe("cookie header text: UTF-8 on the wire, text in the jar", () => {
  it("ASCII passes through both ways unchanged", () => {
    assert.equal(textFromHeaderValue("a=1; Path=/"), "a=1; Path=/");
    assert.equal(headerValueFromText("a=1"), "a=1");
  });

  it("bytes that are not UTF-8 are read as latin1 characters", () => {
    assert.equal(textFromHeaderValue("name=Jos\u00e9"), "name=José");
    assert.equal(headerValueFromText("name=José"), "name=Jos\u00c3\u00a9");
  });

  it("a string that already holds characters above 0xFF is text, not bytes", () => {
    assert.equal(textFromHeaderValue("city=東京"), "city=東京");
  });
});
