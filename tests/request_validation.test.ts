import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client, HttpClientError, type RequestOptions } from "../mod.ts";
import { serializeRequestHead } from "../lib/http1/request_head.ts";
import { okResponse, type RawTestServer, startRawServer } from "./servers/raw_http.ts";

// What the caller gives is trusted to mean what it says, never to smuggle:
// every name, value, method and target is checked, and framing fields must
// agree with the body, before a connection is even opened.

function codeOf(error: unknown): string {
  return error instanceof HttpClientError ? error.code : `untyped ${String(error)}`;
}

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

describe("request validation: nothing invalid reaches the wire", () => {
  let server: RawTestServer;
  before(async () => {
    server = await startRawServer(() => okResponse("ok"));
  });
  after(() => server.close());

  /** The request fails with `code` and the server never saw a connection. */
  async function refused(options: Omit<RequestOptions, "url">, code: string): Promise<void> {
    const before = server.connections;
    await using client = new Client();
    let outcome = "sent";
    try {
      await client.request({ url: `${server.url}/`, ...options });
    } catch (error) {
      outcome = codeOf(error);
    }
    assert.equal(outcome, code);
    assert.equal(client.stats.connectionsOpened, 0);
    assert.equal(server.connections, before);
  }

  /** The request as the server received it. */
  async function sent(options: RequestOptions) {
    await using client = new Client();
    const response = await client.request(options);
    await response.text();
    return { response, request: server.requests[server.requests.length - 1] };
  }

  const badNames: [string, string][] = [
    ["a space", "X Bad"],
    ["a colon", "X:Bad"],
    ["a CR", "X\rBad"],
    ["an LF", "X\nBad"],
    ["a CRLF", "X-A: 1\r\nX-B"],
    ["a NUL", "X\0Bad"],
    ["a non-ASCII letter", "X-\u00dcber"],
    ["parentheses", "X(Y)"],
    ["nothing (empty)", ""],
  ];
  for (const [what, name] of badNames) {
    it(`a header name with ${what} is refused (ERR_INVALID_HEADER)`, () =>
      refused({ headers: [[name, "1"]] }, "ERR_INVALID_HEADER"));
  }

  const badValues: [string, string][] = [
    ["CRLF and a second field", "a\r\nInjected: 1"],
    ["a bare CR", "a\rb"],
    ["a bare LF", "a\nb"],
    ["a NUL", "a\0b"],
    ["a trailing CRLF", "a\r\n"],
    ["a character above U+00FF", "snow \u2603"],
  ];
  for (const [what, value] of badValues) {
    it(`a header value with ${what} is refused (ERR_INVALID_HEADER)`, () =>
      refused({ headers: { "x-value": value } }, "ERR_INVALID_HEADER"));
  }

  const badMethods: [string, string][] = [
    ["a space and a target", "GET /other"],
    ["a CR", "GE\rT"],
    ["an LF", "G\nET"],
    ["a NUL", "GET\0"],
    ["braces", "DELETE{}"],
    ["nothing (empty)", ""],
  ];
  for (const [what, method] of badMethods) {
    it(`a method with ${what} is refused (ERR_INVALID_REQUEST)`, () =>
      refused({ method }, "ERR_INVALID_REQUEST"));
  }

  const framing: [string, Omit<RequestOptions, "url">][] = [
    ["a Content-Length on a GET without a body", { headers: { "content-length": "5" } }],
    ["a Content-Length that is not the body's length", {
      method: "POST",
      body: "hello",
      headers: { "content-length": "3" },
    }],
    ["a negative Content-Length", { method: "POST", body: "hello", headers: { "content-length": "-5" } }],
    ["a Content-Length list", { method: "POST", body: "hello", headers: { "content-length": "5, 5" } }],
    ["two differing Content-Length fields", {
      method: "POST",
      body: "hello",
      headers: [["content-length", "5"], ["Content-Length", "6"]],
    }],
    ["Content-Length and Transfer-Encoding together", {
      method: "POST",
      body: "hello",
      headers: { "content-length": "5", "transfer-encoding": "chunked" },
    }],
    ["a Transfer-Encoding other than chunked", {
      method: "POST",
      body: "hello",
      headers: { "transfer-encoding": "gzip" },
    }],
    ["Transfer-Encoding: chunked without a body", {
      method: "POST",
      headers: { "transfer-encoding": "chunked" },
    }],
    ["two differing Transfer-Encoding fields", {
      method: "POST",
      body: "hello",
      headers: [["transfer-encoding", "gzip"], ["transfer-encoding", "chunked"]],
    }],
    ["two differing Host fields", { headers: [["host", "a.test"], ["Host", "b.test"]] }],
    ["a Host with a space", { headers: { host: "a.test evil" } }],
    ["a Host with a path", { headers: { host: "a.test/path" } }],
    ["an empty Host", { headers: { host: "" } }],
    ["a GET with a body", { body: "hello" }],
    ["a HEAD with a body", { method: "HEAD", body: "hello" }],
  ];
  for (const [what, options] of framing) {
    it(`${what} is refused before a connection is opened (ERR_INVALID_REQUEST)`, () =>
      refused(options, "ERR_INVALID_REQUEST"));
  }

  const injectedFraming: [string, [string, string]][] = [
    ["a Content-Length with CRLF and a second field", ["content-length", "5\r\nX-Injected: 1"]],
    ["a Content-Length ending in CRLF", ["content-length", "5\r\n"]],
    ["a Transfer-Encoding ending in LF", ["transfer-encoding", "chunked\n"]],
    ["a Host with CRLF and a second field", ["host", "a.test\r\nX-Injected: 1"]],
    ["a Host ending in CRLF", ["host", "a.test\r\n"]],
    ["a Host with a NUL", ["host", "a.test\0"]],
  ];
  for (const [what, field] of injectedFraming) {
    it(`${what} is refused like any header value (ERR_INVALID_HEADER)`, () => {
      return refused({ method: "POST", body: "hello", headers: [field] }, "ERR_INVALID_HEADER");
    });
  }

  it("a request-target with spaces or controls never goes out raw: the URL percent-encodes or drops them", async () => {
    const { request } = await sent({ url: `${server.url}/a b\t/c\r\nX-Injected: 1/\u0001?q=x y` });
    assert.equal(request.target, "/a%20b/cX-Injected:%201/%01?q=x%20y");
    assert.ok(!request.headers.some(([name]) => name === "x-injected"));
    assert.ok(request.head.split("\r\n")[0].endsWith(" HTTP/1.1"));
  });

  it("the serializer refuses a raw request-target with a space, a control or non-ASCII", () => {
    for (const target of ["/a b", "/a\tb", "/a\r\nb", "/\0", "/caf\u00e9", ""]) {
      assert.throws(
        () =>
          serializeRequestHead({
            method: "GET",
            target,
            host: "a.test",
            headers: [],
            framing: { kind: "none" },
          }),
        (error: unknown) => codeOf(error) === "ERR_INVALID_REQUEST",
        JSON.stringify(target),
      );
    }
  });

  it("valid values are sent as given: trimmed of spaces and tabs, HTAB inside, latin1 one byte per character", async () => {
    const { request } = await sent({
      url: `${server.url}/`,
      headers: { "x-a": " \t in\tside \t", "x-b": "caf\u00e9" },
    });
    assert.ok(request.head.includes("\r\nx-a: in\tside\r\n"));
    assert.deepEqual(request.headers.find(([name]) => name === "x-b"), ["x-b", "caf\xe9"]);
  });

  it("a caller's Host (sent twice with the same value) replaces the URL's, in one Host field", async () => {
    const { request } = await sent({
      url: `${server.url}/`,
      headers: [["Host", "virtual.test"], ["host", "virtual.test"]],
    });
    assert.deepEqual(request.headers.filter(([name]) => name === "host"), [["host", "virtual.test"]]);
  });

  it("a caller's Content-Length that matches the body, and chunked with a byte body, are sent as asked", async () => {
    const length = await sent({
      url: `${server.url}/`,
      method: "POST",
      body: "hello",
      headers: { "Content-Length": "5" },
    });
    assert.deepEqual(length.request.headers.filter(([name]) => name === "content-length"), [[
      "content-length",
      "5",
    ]]);
    const chunked = await sent({
      url: `${server.url}/`,
      method: "POST",
      body: "hello",
      headers: { "Transfer-Encoding": "chunked" },
    });
    assert.deepEqual(chunked.request.headers.filter(([name]) => name === "transfer-encoding"), [[
      "transfer-encoding",
      "chunked",
    ]]);
    assert.equal(chunked.request.body.toString(), "hello");
  });

  it("a streamed body shorter than its declared Content-Length fails the request as invalid, and the connection is dropped", async () => {
    await using client = new Client({ maxRetries: 0 });
    async function* short() {
      yield "abc";
    }
    const request = client.request({
      url: `${server.url}/`,
      method: "PUT",
      body: short(),
      headers: { "Content-Length": "10" },
    });
    await assert.rejects(request, (error: unknown) => codeOf(error) === "ERR_INVALID_REQUEST");
    assert.equal(client.stats.connections, 0);
  });
});

describe("request validation: credentials in URLs", () => {
  let server: RawTestServer;
  let other: RawTestServer;
  before(async () => {
    const script = (request: { target: string }) => {
      if (request.target.startsWith("/redirect-to/")) {
        return `HTTP/1.1 302 Found\r\nLocation: ${
          decodeURIComponent(request.target.slice(13))
        }\r\nContent-Length: 0\r\n\r\n`;
      }
      return okResponse("ok");
    };
    server = await startRawServer(script);
    other = await startRawServer(script);
  });
  after(async () => {
    await server.close();
    await other.close();
  });

  function withCredentials(base: string, userinfo: string, path: string): string {
    return base.replace("http://", `http://${userinfo}@`) + path;
  }

  async function get(url: string, headers?: [string, string][]) {
    await using client = new Client();
    const response = await client.request({ url, headers });
    await response.text();
    return response;
  }

  function authorization(target: RawTestServer, path: string): string | undefined {
    const request = target.requests.findLast((r) => r.target === path);
    assert.ok(request !== undefined, `${path} was requested`);
    return request.headers.find(([name]) => name === "authorization")?.[1];
  }

  it("user:pass@ becomes Authorization: Basic, never part of the request line, the Host or the response URL", async () => {
    const response = await get(withCredentials(server.url, "user:s%3Acret%20pw", "/basic"));
    assert.equal(authorization(server, "/basic"), `Basic ${base64("user:s:cret pw")}`);
    const request = server.requests.findLast((r) => r.target === "/basic");
    assert.ok(request !== undefined);
    assert.ok(!request.head.includes("user") && !request.head.includes("cret"));
    assert.equal(request.headers.find(([name]) => name === "host")?.[1], `127.0.0.1:${server.port}`);
    assert.equal(response.url, `${server.url}/basic`);
    assert.equal(response.request.url.username, "");
    assert.equal(response.request.url.password, "");
  });

  it("percent-encoded UTF-8 is decoded to its bytes; a user without a password gets an empty one", async () => {
    await get(withCredentials(server.url, "j%C3%BCrgen:p%C3%A4ss", "/utf8"));
    assert.equal(authorization(server, "/utf8"), `Basic ${base64("jürgen:päss")}`);
    await get(withCredentials(server.url, "alone", "/alone"));
    assert.equal(authorization(server, "/alone"), `Basic ${base64("alone:")}`);
  });

  it("a malformed percent escape is sent as it is, not an error", async () => {
    await get(withCredentials(server.url, "a%zz:b%", "/malformed"));
    assert.equal(authorization(server, "/malformed"), `Basic ${base64("a%zz:b%")}`);
  });

  it("a caller's own Authorization wins over the URL's credentials, which are still dropped", async () => {
    await get(withCredentials(server.url, "user:pass", "/own"), [["Authorization", "Bearer token"]]);
    assert.equal(authorization(server, "/own"), "Bearer token");
    const request = server.requests.findLast((r) => r.target === "/own");
    assert.equal(request?.headers.filter(([name]) => name === "authorization").length, 1);
  });

  it("the credential follows a same-origin redirect but not a cross-origin one", async () => {
    const sameOrigin = encodeURIComponent(`${server.url}/landed-same`);
    await get(withCredentials(server.url, "user:pass", `/redirect-to/${sameOrigin}`));
    assert.equal(authorization(server, "/landed-same"), `Basic ${base64("user:pass")}`);
    const crossOrigin = encodeURIComponent(`${other.url}/landed-other`);
    const response = await get(withCredentials(server.url, "user:pass", `/redirect-to/${crossOrigin}`));
    assert.equal(response.url, `${other.url}/landed-other`);
    assert.equal(authorization(other, "/landed-other"), undefined);
  });
});
