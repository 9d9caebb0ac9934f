import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client, type DebugEvent, formatDebugEvent, HttpClientError } from "../mod.ts";
import { type HttpTestServer, startHttpServer } from "./servers/http.ts";
import { okResponse, startRawServer } from "./servers/raw_http.ts";

/** A sink that keeps every event. */
function capture(): { events: DebugEvent[]; sink: (event: DebugEvent) => void } {
  const events: DebugEvent[] = [];
  return { events, sink: (event) => events.push(event) };
}

function ofLevel(events: DebugEvent[], level: string, event?: string): DebugEvent[] {
  return events.filter((e) => e.level === level && (event === undefined || e.event === event));
}

/** A port nothing listens on: a server is started and closed. */
async function closedPort(): Promise<number> {
  const server = await startHttpServer(() => {});
  await server.close();
  return server.port;
}

describe("debug levels", () => {
  let server: HttpTestServer;
  let flaky = 0;
  before(async () => {
    server = await startHttpServer((request, response) => {
      const url = request.url ?? "/";
      if (url === "/login") {
        response.setHeader("set-cookie", "session=abc; Path=/");
        response.end("logged in");
      } else if (url === "/moved") {
        response.writeHead(302, { location: "/login" }).end();
      } else if (url === "/flaky") {
        flaky++;
        if (flaky % 2 === 1) response.writeHead(503, { "retry-after": "0" }).end("busy");
        else response.end("fine");
      } else if (url === "/cached") {
        response.setHeader("cache-control", "max-age=60");
        response.end("cache me");
      } else if (url === "/bytes") {
        response.end(Buffer.concat([Buffer.from("a\x00b\x7f\r\n"), Buffer.alloc(600, "z")]));
      } else {
        response.end(`page ${url}`);
      }
    });
  });
  after(() => server.close());

  it("with debug off the sink is never called, whatever happens", async () => {
    const { events, sink } = capture();
    const port = await closedPort();
    {
      await using client = new Client({ debugSink: sink, maxConnPerTarget: 1, cache: true });
      await (await client.request({ url: `${server.url}/first` })).text();
      await Promise.all([1, 2, 3].map((i) => client.request({ url: `${server.url}/p${i}` }).then((r) => r.text())));
      await (await client.request({ url: `${server.url}/moved` })).text();
      await (await client.request({ url: `${server.url}/flaky` })).text();
      await (await client.request({ url: `${server.url}/cached` })).text();
      await client.request({ url: `http://127.0.0.1:${port}/`, maxRetries: 0 }).catch(() => {});
      await client.request({ url: "ftp://127.0.0.1/" }).catch(() => {});
    }
    assert.equal(events.length, 0);
  });

  it("true, \"all\", a list and a comma string name the levels; an unknown level is ERR_INVALID_REQUEST", async () => {
    for (const debug of [true, "all"] as const) {
      const { events, sink } = capture();
      await using client = new Client({ debug, debugSink: sink });
      await (await client.request({ url: `${server.url}/all` })).text();
      const levels = new Set(events.map((e) => e.level));
      for (const level of ["pool", "protocol", "stream"]) assert.ok(levels.has(level as DebugEvent["level"]), level);
    }
    for (const debug of ["protocol, stream", ["protocol", "stream"] as const]) {
      const { events, sink } = capture();
      await using client = new Client({ debug, debugSink: sink });
      await (await client.request({ url: `${server.url}/some` })).text();
      assert.deepEqual([...new Set(events.map((e) => e.level))].sort(), ["protocol", "stream"]);
    }
    assert.throws(
      () => new Client({ debug: "protocol,nope" }),
      (error: unknown) => error instanceof HttpClientError && error.code === "ERR_INVALID_REQUEST",
    );
  });

  it("pool: open with client IP and counts, connect, start, queued, pipeline, end, close", async () => {
    const { events, sink } = capture();
    {
      await using client = new Client({ debug: "pool", debugSink: sink, maxConnPerTarget: 1, maxPipelinedRequests: 4 });
      await (await client.request({ url: `${server.url}/warm` })).text();
      await Promise.all([1, 2, 3].map((i) => client.request({ url: `${server.url}/p${i}` }).then((r) => r.text())));
      await Promise.all([1, 2, 3, 4, 5, 6, 7].map((i) => client.request({ url: `${server.url}/q${i}` }).then((r) => r.text())));
    }
    assert.ok(events.every((e) => e.level === "pool"));
    const open = ofLevel(events, "pool", "open")[0];
    assert.match(open.message, /from the default address \(target 1\/1, total 1\/50\)/);
    assert.equal(open.data?.clientIp, null);
    assert.equal(open.data?.targetConnections, 1);
    assert.equal(open.data?.totalConnections, 1);
    const connect = ofLevel(events, "pool", "connect")[0];
    assert.match(connect.message, /127\.0\.0\.1:\d+ -> http:\/\/127\.0\.0\.1:\d+ .*\(target 1, total 1\)/);
    assert.equal(connect.data?.localAddress, "127.0.0.1");
    assert.ok(ofLevel(events, "pool", "start").length >= 1, "a request on an idle connection");
    assert.ok(ofLevel(events, "pool", "pipeline").length >= 1, "pipelined requests");
    assert.ok(ofLevel(events, "pool", "queued").length >= 1, "requests waiting past the pipeline depth");
    assert.equal(ofLevel(events, "pool", "end").length, 11, "one end per request");
    const close = ofLevel(events, "pool", "close");
    assert.equal(close.length, 1);
    assert.equal(close[0].data?.totalConnections, 0);
    for (const event of events) {
      if (event.target !== undefined) assert.match(event.target, /^T\d+$/);
      if (event.connection !== undefined) assert.match(event.connection, /^C\d+$/);
      if (event.request !== undefined) assert.match(event.request, /^R\d+$/);
      assert.equal(typeof event.time, "number");
    }
  });

  it("pool: a pinned client IP is the one chosen and reported", async () => {
    const { events, sink } = capture();
    {
      await using client = new Client({ debug: "pool", debugSink: sink, clientIps: ["127.0.0.1"] });
      await (await client.request({ url: `${server.url}/ip` })).text();
    }
    const open = ofLevel(events, "pool", "open")[0];
    assert.equal(open.data?.clientIp, "127.0.0.1");
    assert.match(open.message, /from 127\.0\.0\.1 /);
  });

  it("protocol: request line and headers sent, status line and headers received, body sizes and times", async () => {
    const { events, sink } = capture();
    {
      await using client = new Client({ debug: "protocol", debugSink: sink, decompress: false, cookies: false });
      const response = await client.request({
        url: `${server.url}/form`,
        method: "POST",
        headers: [["x-trace", "yes"]],
        body: "a=1",
      });
      assert.equal(await response.text(), "page /form");
    }
    const sent = ofLevel(events, "protocol", "=>").map((e) => e.message);
    assert.equal(sent[0], "POST /form HTTP/1.1");
    assert.ok(sent.some((line) => /^host: 127\.0\.0\.1:\d+$/i.test(line)), sent.join("|"));
    assert.ok(sent.includes("x-trace: yes"));
    const body = ofLevel(events, "protocol", ">>")[0];
    assert.equal(body.data?.bytes, 3);
    assert.equal(typeof body.data?.ms, "number");
    const status = ofLevel(events, "protocol", "<=")[0];
    assert.equal(status.message, "HTTP/1.1 200 OK");
    assert.equal(status.data?.status, 200);
    assert.equal(typeof status.data?.ms, "number");
    assert.ok(ofLevel(events, "protocol", "<-").some((e) => /^content-length: 10$/i.test(e.message)));
    assert.equal(ofLevel(events, "protocol", "<<")[0].data?.bytes, 10);
  });

  it("stream: raw bytes both ways, control bytes escaped, long runs cut with a count", async () => {
    const { events, sink } = capture();
    {
      await using client = new Client({ debug: "stream", debugSink: sink, decompress: false });
      await (await client.request({ url: `${server.url}/bytes` })).bytes();
    }
    const written = ofLevel(events, "stream", ">");
    assert.match(written[0].message, /GET \/bytes HTTP\/1\.1\\r\\n/);
    const read = ofLevel(events, "stream", "<").map((e) => e.message).join("");
    assert.match(read, /HTTP\/1\.1 200 OK\\r\\n/);
    assert.match(read, /a\\x00b\\x7f\\r\\nzzz/);
    assert.match(read, /\.\.\. \(\d+ more bytes\)/);
    assert.ok(ofLevel(events, "stream", "CC").length >= 1, "the close is reported");
    assert.ok(events.every((e) => e.connection !== undefined && e.target !== undefined));
  });

  it("ids link interleaved pipelined traffic: each request's lines carry its R id, on one C id, answered in order", async () => {
    const raw = await startRawServer((request) => okResponse(request.target));
    try {
      const { events, sink } = capture();
      {
        await using client = new Client({ debug: "protocol,pool", debugSink: sink, maxConnPerTarget: 1 });
        await (await client.request({ url: `${raw.url}/warm` })).text();
        const paths = ["/a", "/b", "/c", "/d"];
        const bodies = await Promise.all(paths.map((path) => client.request({ url: raw.url + path }).then((r) => r.text())));
        assert.deepEqual(bodies, paths);
      }
      const lines = ofLevel(events, "protocol", "=>").filter((e) => / HTTP\/1\.1$/.test(e.message));
      const requestIds = lines.map((e) => e.request);
      assert.equal(new Set(requestIds).size, 5, "one R id per request");
      assert.equal(new Set(events.filter((e) => e.connection !== undefined).map((e) => e.connection)).size, 1);
      const byId = new Map(lines.map((e) => [e.request, e.message.split(" ")[1]]));
      // Every response line belongs to the request with the same id, and they come back in request order.
      const statusIds = ofLevel(events, "protocol", "<=").map((e) => e.request);
      assert.deepEqual(statusIds, requestIds);
      for (const done of ofLevel(events, "protocol", "<<")) {
        const size = byId.get(done.request)!.length;
        assert.equal(done.data?.bytes, size, `body of ${done.request} is its own path`);
      }
      const pipelined = ofLevel(events, "pool", "pipeline");
      assert.ok(pipelined.length >= 1);
      assert.ok(pipelined.every((e) => requestIds.includes(e.request)));
    } finally {
      await raw.close();
    }
  });

  it("errors: a failed request is reported with its code and cause chain", async () => {
    const port = await closedPort();
    const { events, sink } = capture();
    {
      await using client = new Client({ debug: "errors", debugSink: sink, maxRetries: 0 });
      await assert.rejects(client.request({ url: `http://127.0.0.1:${port}/x` }));
      await assert.rejects(client.request({ url: "ftp://127.0.0.1/" }));
    }
    const failed = ofLevel(events, "errors", "failed");
    assert.equal(failed.length, 2);
    assert.equal(failed[0].data?.code, "ERR_CONNECT");
    assert.match(failed[0].message, new RegExp(`^GET http://127\\.0\\.0\\.1:${port}/x: ERR_CONNECT .* <- `));
    assert.equal(failed[1].data?.code, "ERR_INVALID_REQUEST");
  });

  it("errors: a connection that breaks mid-response is reported with its ids", async () => {
    const raw = await startRawServer(() => ({ write: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", then: "destroy" }));
    try {
      const { events, sink } = capture();
      {
        await using client = new Client({ debug: "errors", debugSink: sink, maxRetries: 0 });
        const response = await client.request({ url: `${raw.url}/cut` });
        await assert.rejects(response.text());
      }
      const error = ofLevel(events, "errors", "error")[0];
      assert.match(error.message, /^ERR_BODY_TRUNCATED /);
      assert.match(error.connection ?? "", /^C\d+$/);
      assert.match(error.request ?? "", /^R\d+$/);
    } finally {
      await raw.close();
    }
  });

  it("a request's own debug option adds levels for that request only", async () => {
    const { events, sink } = capture();
    {
      await using client = new Client({ debugSink: sink });
      await (await client.request({ url: `${server.url}/quiet` })).text();
      assert.equal(events.length, 0);
      await (await client.request({ url: `${server.url}/loud`, debug: "protocol,stream" })).text();
      await (await client.request({ url: `${server.url}/quiet-again` })).text();
    }
    assert.ok(ofLevel(events, "protocol", "=>").some((e) => e.message === "GET /loud HTTP/1.1"));
    assert.ok(ofLevel(events, "stream", ">").some((e) => e.message.includes("GET /loud ")));
    assert.ok(!events.some((e) => e.level === "protocol" && e.message.includes("quiet")));
  });

  it("cookies, redirect, retry and cache levels report each middleware's decisions", async () => {
    const { events, sink } = capture();
    {
      await using client = new Client({ debug: "cookies,redirect,retry,cache", debugSink: sink, cache: true });
      await (await client.request({ url: `${server.url}/moved` })).text();
      await (await client.request({ url: `${server.url}/login` })).text();
      flaky = 0;
      assert.equal(await (await client.request({ url: `${server.url}/flaky` })).text(), "fine");
      await (await client.request({ url: `${server.url}/cached` })).text();
      const again = await client.request({ url: `${server.url}/cached` });
      assert.equal(again.fromCache, "hit");
      await again.text();
    }
    assert.match(ofLevel(events, "redirect")[0].message, /^302 .*\/moved -> GET .*\/login/);
    // Middleware events carry the id of their request, which its hops and retries keep.
    for (const event of events) assert.match(event.request ?? "", /^R\d+$/, `${event.level} ${event.event}`);
    const redirectId = ofLevel(events, "redirect")[0].request;
    assert.ok(ofLevel(events, "cookies", "stored").some((e) => e.request === redirectId), "the hop stored the cookie");
    assert.ok(ofLevel(events, "cookies", "stored").some((e) => e.message.startsWith("session ")));
    assert.ok(ofLevel(events, "cookies", "sent").length >= 1);
    assert.match(ofLevel(events, "retry")[0].message, /503/);
    assert.ok(ofLevel(events, "cache", "miss").length >= 1);
    assert.ok(ofLevel(events, "cache", "hit").length >= 1);
  });

  it("the default line format shows time, level, ids, event and message", () => {
    const line = formatDebugEvent({
      level: "pool",
      event: "connect",
      time: Date.UTC(2024, 0, 1, 12, 30, 45, 123),
      target: "T1",
      connection: "C3",
      request: "R12",
      message: "127.0.0.1:5000 -> http://127.0.0.1:80",
    });
    assert.equal(line, "12:30:45.123 pool     T1   C3   R12  connect    127.0.0.1:5000 -> http://127.0.0.1:80");
  });
});
