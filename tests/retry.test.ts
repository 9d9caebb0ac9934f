import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { Client, type DebugEvent, HttpClientError } from "../mod.ts";
import { type HttpTestServer, startHttpServer } from "./servers/http.ts";
import { okResponse, startRawServer } from "./servers/raw_http.ts";

function code(error: unknown): string {
  return error instanceof HttpClientError ? error.code : String(error);
}

/** No waiting between attempts, so that tests stay fast. */
const noWait = { backoff: () => 0 };

/** A port on 127.0.0.1 that refuses connections (a server was there and is closed). */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function retryEvents(events: DebugEvent[]): DebugEvent[] {
  return events.filter((event) => event.level === "retry");
}

describe("retries", () => {
  let server: HttpTestServer;
  /** Requests seen per path (with query). */
  const counts = new Map<string, number>();

  /**
   * Routes: `/status/<code>/<times>/<name>`: `code` for the first `times`
   * requests, then 200 "ok"; `?retry-after=<value>` adds that header.
   */
  before(async () => {
    server = await startHttpServer((request, response) => {
      const path = request.url ?? "/";
      const count = (counts.get(path) ?? 0) + 1;
      counts.set(path, count);
      const url = new URL(path, "http://localhost");
      const match = /^\/status\/(\d+)\/(\d+)\//.exec(url.pathname);
      if (match === null) {
        response.writeHead(404).end();
        return;
      }
      if (count > Number(match[2])) {
        response.end("ok");
        return;
      }
      const retryAfter = url.searchParams.get("retry-after");
      if (retryAfter !== null) response.setHeader("retry-after", retryAfter);
      response.writeHead(Number(match[1]), { "content-type": "text/plain" }).end(`failed attempt ${count}`);
    });
  });
  after(() => server.close());

  function seen(path: string): number {
    return counts.get(path) ?? 0;
  }

  it("a GET answered 503 is sent maxRetries + 1 times, and the last 503 is returned", async () => {
    await using client = new Client({ retry: noWait });
    const response = await client.request({ url: `${server.url}/status/503/99/always` });
    assert.equal(response.status, 503);
    assert.equal(await response.text(), "failed attempt 3");
    assert.equal(seen("/status/503/99/always"), 3);
  });

  it("a GET answered 503 then 200 gets the 200", async () => {
    await using client = new Client({ retry: noWait });
    const response = await client.request({ url: `${server.url}/status/503/1/once` });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "ok");
    assert.equal(seen("/status/503/1/once"), 2);
  });

  it("a POST answered 503 is never retried: the server sees it exactly once", async () => {
    await using client = new Client({ retry: noWait });
    const response = await client.request({
      url: `${server.url}/status/503/99/post`,
      method: "POST",
      body: "x",
    });
    assert.equal(response.status, 503);
    await response.text();
    assert.equal(seen("/status/503/99/post"), 1);
  });

  it("methods: ['POST'] opts a POST into status retries", async () => {
    await using client = new Client({ retry: { ...noWait, methods: ["POST"] } });
    const response = await client.request({
      url: `${server.url}/status/503/99/post-opt-in`,
      method: "POST",
      body: "x",
    });
    await response.text();
    assert.equal(seen("/status/503/99/post-opt-in"), 3);
  });

  it("408, 429, 500, 502, 503, 504 are retried by default; 404, 501 are not", async () => {
    await using client = new Client({ maxRetries: 1, retry: noWait });
    for (const status of [408, 429, 500, 502, 503, 504, 404, 501]) {
      const path = `/status/${status}/99/defaults`;
      await (await client.request({ url: server.url + path })).text();
      assert.equal(seen(path), [404, 501].includes(status) ? 1 : 2, `status ${status}`);
    }
  });

  it("statusCodes replaces the list of retried statuses", async () => {
    await using client = new Client({ retry: { ...noWait, statusCodes: [418] } });
    await (await client.request({ url: `${server.url}/status/418/99/teapot` })).text();
    assert.equal(seen("/status/418/99/teapot"), 3);
    await (await client.request({ url: `${server.url}/status/503/99/not-listed` })).text();
    assert.equal(seen("/status/503/99/not-listed"), 1);
  });

  it("maxRetries applies per client and per request", async () => {
    await using client = new Client({ maxRetries: 4, retry: noWait });
    await (await client.request({ url: `${server.url}/status/500/99/client-four` })).text();
    assert.equal(seen("/status/500/99/client-four"), 5);
    await (await client.request({ url: `${server.url}/status/500/99/request-zero`, maxRetries: 0 })).text();
    assert.equal(seen("/status/500/99/request-zero"), 1);
    await (await client.request({ url: `${server.url}/status/500/99/request-one`, maxRetries: 1 })).text();
    assert.equal(seen("/status/500/99/request-one"), 2);
  });

  it("a request's retry fields override the client's", async () => {
    await using client = new Client({ retry: { ...noWait, statusCodes: [500] } });
    await (await client.request({
      url: `${server.url}/status/503/99/override`,
      retry: { statusCodes: [503] },
    })).text();
    assert.equal(seen("/status/503/99/override"), 3);
  });

  it("Retry-After: 0 is retried at once", async () => {
    const events: DebugEvent[] = [];
    await using client = new Client({
      retry: { backoff: () => 5000 },
      debug: "retry",
      debugSink: (event) => events.push(event),
    });
    const response = await client.request({ url: `${server.url}/status/429/1/ra-zero?retry-after=0` });
    assert.equal(response.status, 200);
    await response.text();
    assert.deepEqual(retryEvents(events).map((event) => event.data?.delay), [0]);
  });

  it("Retry-After in seconds sets the wait (1 s here), not the backoff", async () => {
    const events: DebugEvent[] = [];
    await using client = new Client({
      retry: { backoff: () => 5000 },
      debug: "retry",
      debugSink: (event) => events.push(event),
    });
    const response = await client.request({ url: `${server.url}/status/503/1/ra-one?retry-after=1` });
    assert.equal(response.status, 200);
    await response.text();
    assert.deepEqual(retryEvents(events).map((event) => event.data?.delay), [1000]);
  });

  it("Retry-After as an HTTP-date sets the wait until that date", async () => {
    const events: DebugEvent[] = [];
    await using client = new Client({
      retry: { backoff: () => 5000 },
      debug: "retry",
      debugSink: (event) => events.push(event),
    });
    const date = encodeURIComponent(new Date(Date.now() + 1000).toUTCString());
    const response = await client.request({ url: `${server.url}/status/503/1/ra-date?retry-after=${date}` });
    assert.equal(response.status, 200);
    await response.text();
    const delays = retryEvents(events).map((event) => event.data?.delay as number);
    assert.equal(delays.length, 1);
    assert.ok(delays[0] >= 0 && delays[0] <= 1000, `waited ${delays[0]} ms`);
  });

  it("a Retry-After longer than maxDelay returns the answer without retrying", async () => {
    await using client = new Client({ retry: { ...noWait, maxDelay: 2000 } });
    const response = await client.request({ url: `${server.url}/status/429/99/ra-long?retry-after=120` });
    assert.equal(response.status, 429);
    assert.equal(response.headers.get("retry-after"), "120");
    assert.equal(await response.text(), "failed attempt 1");
    assert.equal(seen("/status/429/99/ra-long?retry-after=120"), 1);
  });

  it("exponential backoff with full jitter stays under base * factor^(n - 1), capped by maxDelay", async () => {
    const events: DebugEvent[] = [];
    await using client = new Client({
      maxRetries: 4,
      retry: { backoff: { base: 4, factor: 2 }, maxDelay: 20 },
      debug: "retry",
      debugSink: (event) => events.push(event),
    });
    await (await client.request({ url: `${server.url}/status/502/99/jitter` })).text();
    const delays = retryEvents(events).map((event) => event.data?.delay as number);
    assert.equal(delays.length, 4);
    [4, 8, 16, 20].forEach((bound, i) =>
      assert.ok(delays[i] >= 0 && delays[i] <= bound, `retry ${i + 1}: ${delays[i]}`)
    );
  });

  it("maxDelay caps a backoff function", async () => {
    const events: DebugEvent[] = [];
    await using client = new Client({
      maxRetries: 1,
      retry: { backoff: () => 60_000, maxDelay: 5 },
      debug: "retry",
      debugSink: (event) => events.push(event),
    });
    await (await client.request({ url: `${server.url}/status/500/99/capped` })).text();
    assert.deepEqual(retryEvents(events).map((event) => event.data?.delay), [5]);
  });

  it("each retry is a debug event with its attempt number and reason", async () => {
    const events: DebugEvent[] = [];
    await using client = new Client({
      retry: noWait,
      debug: "retry",
      debugSink: (event) => events.push(event),
    });
    await (await client.request({ url: `${server.url}/status/504/99/visible` })).text();
    const retries = retryEvents(events);
    assert.deepEqual(retries.map((event) => event.data?.attempt), [2, 3]);
    assert.match(retries[0].message, /504/);
  });

  it("a streamed body is never retried", async () => {
    await using client = new Client({ retry: noWait });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("streamed"));
        controller.close();
      },
    });
    const response = await client.request({ url: `${server.url}/status/503/99/stream`, method: "PUT", body });
    await response.text();
    assert.equal(seen("/status/503/99/stream"), 1);
  });

  it("an abort during the backoff wait ends it with ERR_ABORTED", async () => {
    await using client = new Client({ retry: { backoff: () => 20_000, maxDelay: 30_000 } });
    const controller = new AbortController();
    const pending = client.request({ url: `${server.url}/status/503/99/abort`, signal: controller.signal });
    const timer = setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, (error) => {
      assert.equal(code(error), "ERR_ABORTED");
      assert.equal((error as HttpClientError).attempts?.length, 2);
      return true;
    });
    clearTimeout(timer);
    assert.equal(seen("/status/503/99/abort"), 1);
  });

  it("ERR_CONNECT is retried whatever the method (never sent), and the error carries every attempt", async () => {
    const port = await refusedPort();
    const events: DebugEvent[] = [];
    await using client = new Client({
      retry: noWait,
      debug: "retry",
      debugSink: (event) => events.push(event),
    });
    await assert.rejects(
      client.request({ url: `http://127.0.0.1:${port}/`, method: "POST", body: "x" }),
      (error) => {
        assert.equal(code(error), "ERR_CONNECT");
        const attempts = (error as HttpClientError).attempts ?? [];
        assert.equal(attempts.length, 3);
        assert.deepEqual(attempts.map(code), ["ERR_CONNECT", "ERR_CONNECT", "ERR_CONNECT"]);
        assert.equal(attempts[2], error);
        return true;
      },
    );
    assert.equal(retryEvents(events).length, 2);
  });
});

describe("retries after connection failures", () => {
  it("a POST whose connection is reset after the server read it is not retried: the server sees it once", async () => {
    const server = await startRawServer(() => "destroy");
    try {
      await using client = new Client({ retry: noWait });
      await assert.rejects(
        client.request({ url: `${server.url}/reset`, method: "POST", body: "order=1" }),
        (error) => code(error) === "ERR_SOCKET",
      );
      assert.equal(server.requests.length, 1);
    } finally {
      await server.close();
    }
  });

  it("a GET whose fresh connection is reset is sent maxRetries + 1 times: the pool does not replay it too", async () => {
    const server = await startRawServer(() => "destroy");
    try {
      await using client = new Client({ retry: noWait });
      await assert.rejects(client.request({ url: `${server.url}/reset` }), (error) => {
        assert.equal(code(error), "ERR_SOCKET");
        assert.equal((error as HttpClientError).attempts?.length, 3);
        return true;
      });
      assert.equal(server.requests.length, 3);
    } finally {
      await server.close();
    }
  });

  it("a GET whose connection is reset once gets the answer of the next attempt", async () => {
    const server = await startRawServer((request) =>
      request.connection === 0 ? "destroy" : okResponse("second")
    );
    try {
      await using client = new Client({ retry: noWait });
      assert.equal(await (await client.request({ url: `${server.url}/flaky` })).text(), "second");
      assert.equal(server.requests.length, 2);
    } finally {
      await server.close();
    }
  });

  it("ERR_TIMEOUT is retried only with retryOnTimeout", async () => {
    const server = await startRawServer(() => null);
    try {
      {
        await using client = new Client({ replyTimeout: 50, retry: noWait });
        await assert.rejects(
          client.request({ url: `${server.url}/slow` }),
          (error) => code(error) === "ERR_TIMEOUT",
        );
        assert.equal(server.requests.length, 1);
      }
      await using client = new Client({ replyTimeout: 50, retry: { ...noWait, retryOnTimeout: true } });
      await assert.rejects(client.request({ url: `${server.url}/slow` }), (error) => {
        assert.equal(code(error), "ERR_TIMEOUT");
        assert.equal((error as HttpClientError).attempts?.length, 3);
        return true;
      });
      assert.equal(server.requests.length, 4);
    } finally {
      await server.close();
    }
  });

  it("a response that is not HTTP (ERR_PARSE) is never retried", async () => {
    const server = await startRawServer(() => ({ write: "garbage\r\n\r\n", then: "close" }));
    try {
      await using client = new Client({ retry: noWait });
      await assert.rejects(
        client.request({ url: `${server.url}/garbage` }),
        (error) => code(error) === "ERR_PARSE",
      );
      assert.equal(server.requests.length, 1);
    } finally {
      await server.close();
    }
  });
});
