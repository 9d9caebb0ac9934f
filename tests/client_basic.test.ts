import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { availableTransports, Client, HttpClientError } from "../mod.ts";
import { startHttpServer, type HttpTestServer } from "./servers/http.ts";
import { okResponse, startRawServer } from "./servers/raw_http.ts";

function code(error: unknown): string {
  return error instanceof HttpClientError ? error.code : String(error);
}

describe("client: requests and responses", () => {
  let server: HttpTestServer;
  before(async () => {
    server = await startHttpServer((request, response, body) => {
      if (request.url === "/echo") {
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({
          method: request.method,
          headers: request.rawHeaders,
          body: body.toString("utf8"),
        }));
        return;
      }
      if (request.url === "/status/204") {
        response.writeHead(204).end();
        return;
      }
      response.setHeader("x-order-b", "2");
      response.setHeader("x-order-a", "1");
      response.end("hello " + request.url);
    });
  });
  after(() => server.close());

  it("a GET returns status, headers in order, version and body", async () => {
    await using client = new Client();
    const response = await client.request({ url: `${server.url}/page` });
    assert.equal(response.status, 200);
    assert.equal(response.statusText, "OK");
    assert.equal(response.httpVersion, "1.1");
    assert.equal(response.headers.get("x-order-a"), "1");
    const names = response.rawHeaders.filter((_, i) => i % 2 === 0);
    assert.ok(names.indexOf("x-order-b") < names.indexOf("x-order-a"));
    assert.equal(await response.text(), "hello /page");
    assert.equal(response.url, `${server.url}/page`);
  });

  for (const transport of availableTransports()) {
    it(`the ${transport} transport, chosen with the transport option, serves requests on this runtime`, async () => {
      await using client = new Client({ transport });
      for (let i = 0; i < 3; i++) {
        const response = await client.request({ url: `${server.url}/t` });
        assert.equal(await response.text(), "hello /t");
      }
      assert.equal(client.stats.connectionsOpened, 1);
    });
  }

  it("host, port, https and path work instead of a URL", async () => {
    await using client = new Client();
    const response = await client.request({ host: "127.0.0.1", port: server.port, path: "/x?y=1" });
    assert.equal(await response.text(), "hello /x?y=1");
  });

  it("sends headers in the given order and no Content-Length on a GET", async () => {
    await using client = new Client();
    const response = await client.request({
      url: `${server.url}/echo`,
      headers: [["X-First", "1"], ["x-second", "2"]],
    });
    const echoed = await response.json<{ headers: string[] }>();
    const names = echoed.headers.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
    assert.deepEqual(names.slice(0, 3), ["host", "x-first", "x-second"]);
    assert.ok(!names.includes("content-length"));
    assert.ok(!names.includes("transfer-encoding"));
  });

  const bodies: [string, () => unknown][] = [
    ["a string", () => "text body"],
    ["a Uint8Array", () => new TextEncoder().encode("text body")],
    ["a ReadableStream", () => new Blob(["text ", "body"]).stream()],
    ["an async iterable", () => (async function* () {
      yield "text ";
      yield new TextEncoder().encode("body");
    })()],
  ];
  for (const [name, make] of bodies) {
    it(`a POST with ${name} body arrives whole`, async () => {
      await using client = new Client();
      const response = await client.request({
        url: `${server.url}/echo`,
        method: "POST",
        body: make() as string,
      });
      const echoed = await response.json<{ body: string; method: string }>();
      assert.equal(echoed.method, "POST");
      assert.equal(echoed.body, "text body");
    });
  }

  it("URLSearchParams are sent as a form", async () => {
    await using client = new Client();
    const response = await client.request({
      url: `${server.url}/echo`,
      method: "POST",
      body: new URLSearchParams({ a: "1", b: "x y" }),
    });
    const echoed = await response.json<{ body: string; headers: string[] }>();
    assert.equal(echoed.body, "a=1&b=x+y");
    assert.ok(echoed.headers.includes("application/x-www-form-urlencoded;charset=UTF-8"));
  });

  it("a POST without a body sends Content-Length: 0", async () => {
    await using client = new Client();
    const response = await client.request({ url: `${server.url}/echo`, method: "POST" });
    const echoed = await response.json<{ headers: string[] }>();
    const index = echoed.headers.findIndex((name) => name.toLowerCase() === "content-length");
    assert.equal(echoed.headers[index + 1], "0");
  });

  it("a 204 has an empty body and the connection is reused", async () => {
    await using client = new Client();
    const before = server.connections;
    const first = await client.request({ url: `${server.url}/status/204` });
    assert.equal(first.status, 204);
    assert.equal((await first.bytes()).length, 0);
    const second = await client.request({ url: `${server.url}/a` });
    await second.text();
    assert.equal(server.connections - before, 1);
  });

  it("a body can be read with a BYOB reader into the caller's buffer", async () => {
    await using client = new Client();
    const response = await client.request({ url: `${server.url}/byob` });
    const reader = response.body.getReader({ mode: "byob" });
    let buffer = new Uint8Array(4);
    const chunks: string[] = [];
    for (;;) {
      const { done, value } = await reader.read(buffer);
      if (done) break;
      chunks.push(new TextDecoder().decode(value));
      buffer = new Uint8Array(value.buffer);
    }
    assert.equal(chunks.join(""), "hello /byob");
    assert.ok(chunks.every((chunk) => chunk.length <= 4));
  });

  it("invalid header names and values are refused before anything is sent", async () => {
    await using client = new Client();
    const before = server.connections;
    for (const headers of [{ "bad name": "x" }, { ok: "a\r\nInjected: 1" }, { ok: "nul\0" }]) {
      await assert.rejects(
        client.request({ url: `${server.url}/`, headers }),
        (error) => code(error) === "ERR_INVALID_HEADER",
      );
    }
    assert.equal(server.connections, before);
  });

  it("a conflicting Content-Length is refused before anything is sent", async () => {
    await using client = new Client();
    await assert.rejects(
      client.request({ url: `${server.url}/`, method: "POST", body: "abc", headers: { "content-length": "5" } }),
      (error) => code(error) === "ERR_INVALID_REQUEST",
    );
  });

  it("a refused connection is ERR_CONNECT", async () => {
    const probe = await startHttpServer(() => {});
    const port = probe.port;
    await probe.close();
    await using client = new Client();
    await assert.rejects(client.request({ url: `http://127.0.0.1:${port}/` }), (e) => code(e) === "ERR_CONNECT");
  });

  it("a non-http URL is refused", async () => {
    await using client = new Client();
    await assert.rejects(client.request({ url: "ftp://127.0.0.1/" }), (e) => code(e) === "ERR_INVALID_REQUEST");
  });

  it("after closeAll, requests fail with ERR_CLIENT_CLOSED", async () => {
    const client = new Client();
    await client.closeAll();
    await assert.rejects(client.request({ url: `${server.url}/` }), (e) => code(e) === "ERR_CLIENT_CLOSED");
  });
});

describe("client: response framing over raw bytes", () => {
  it("chunked bodies are decoded and trailers exposed", async () => {
    const server = await startRawServer(() =>
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 42\r\n\r\n"
    );
    try {
      await using client = new Client();
      const response = await client.request({ url: `${server.url}/` });
      assert.equal(await response.text(), "hello world");
      assert.deepEqual(response.trailers, ["X-Sum", "42"]);
    } finally {
      await server.close();
    }
  });

  it("a close-delimited body is read to the end and the connection not reused", async () => {
    const server = await startRawServer(() => ({ write: "HTTP/1.1 200 OK\r\n\r\nuntil close", then: "end" }));
    try {
      await using client = new Client();
      assert.equal(await (await client.request({ url: `${server.url}/` })).text(), "until close");
      assert.equal(await (await client.request({ url: `${server.url}/` })).text(), "until close");
      assert.equal(server.connections, 2);
    } finally {
      await server.close();
    }
  });

  it("100 Continue is skipped and its headers are not merged", async () => {
    const server = await startRawServer(() =>
      "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n" + okResponse("final", { "x-final": "yes" })
    );
    try {
      await using client = new Client();
      const response = await client.request({ url: `${server.url}/` });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("x-interim"), null);
      assert.equal(response.headers.get("x-final"), "yes");
      assert.equal(await response.text(), "final");
    } finally {
      await server.close();
    }
  });

  it("a HEAD response has no body even with a Content-Length", async () => {
    const server = await startRawServer((request) =>
      request.method === "HEAD" ? "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" : okResponse("after head")
    );
    try {
      await using client = new Client();
      const head = await client.request({ url: `${server.url}/`, method: "HEAD" });
      assert.equal((await head.bytes()).length, 0);
      const get = await client.request({ url: `${server.url}/` });
      assert.equal(await get.text(), "after head");
      assert.equal(server.connections, 1);
    } finally {
      await server.close();
    }
  });

  it("a truncated body is ERR_BODY_TRUNCATED, never a short success", async () => {
    const server = await startRawServer(() => ({
      write: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this",
      then: "destroy",
    }));
    try {
      await using client = new Client();
      const response = await client.request({ url: `${server.url}/` });
      await assert.rejects(response.text(), (e) => code(e) === "ERR_BODY_TRUNCATED");
    } finally {
      await server.close();
    }
  });

  it("a truncated chunked body is ERR_BODY_TRUNCATED", async () => {
    const server = await startRawServer(() => ({
      write: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
      then: "destroy",
    }));
    try {
      await using client = new Client();
      const response = await client.request({ url: `${server.url}/` });
      await assert.rejects(response.bytes(), (e) => code(e) === "ERR_BODY_TRUNCATED");
    } finally {
      await server.close();
    }
  });

  it("Content-Length with Transfer-Encoding is ERR_PARSE", async () => {
    const server = await startRawServer(() =>
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    );
    try {
      await using client = new Client();
      await assert.rejects(client.request({ url: `${server.url}/` }), (e) => code(e) === "ERR_PARSE");
    } finally {
      await server.close();
    }
  });

  it("a response head past maxHeaderSize is ERR_HEADER_TOO_LARGE", async () => {
    const server = await startRawServer(() => `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(5000)}\r\n\r\n`);
    try {
      await using client = new Client({ maxHeaderSize: 1024, maxLineLength: 8192 });
      await assert.rejects(client.request({ url: `${server.url}/` }), (e) => code(e) === "ERR_HEADER_TOO_LARGE");
    } finally {
      await server.close();
    }
  });

  it("no reply within replyTimeout is ERR_TIMEOUT", async () => {
    const server = await startRawServer(() => null);
    try {
      await using client = new Client({ replyTimeout: 100 });
      await assert.rejects(client.request({ url: `${server.url}/` }), (e) => code(e) === "ERR_TIMEOUT");
    } finally {
      await server.close();
    }
  });

  it("an HTTP/1.0 response without keep-alive closes the connection", async () => {
    const server = await startRawServer(() => ({
      write: "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
      then: "end",
    }));
    try {
      await using client = new Client();
      for (let i = 0; i < 2; i++) assert.equal(await (await client.request({ url: `${server.url}/` })).text(), "ok");
      assert.equal(server.connections, 2);
    } finally {
      await server.close();
    }
  });

  it("Connection: close is honoured even on a body-less response", async () => {
    const server = await startRawServer(() => "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
    try {
      await using client = new Client();
      for (let i = 0; i < 2; i++) assert.equal((await client.request({ url: `${server.url}/` })).status, 204);
      assert.equal(server.connections, 2);
    } finally {
      await server.close();
    }
  });
});
