import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client, HttpClientError } from "../mod.ts";
import { startHttpServer } from "./servers/http.ts";
import { okResponse, startRawServer } from "./servers/raw_http.ts";

function code(error: unknown): string {
  return error instanceof HttpClientError ? error.code : String(error);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("pool: keep-alive and connection reuse", () => {
  it("sequential requests reuse one keep-alive connection", async () => {
    const server = await startHttpServer((_, response) => response.end("ok"));
    try {
      await using client = new Client();
      for (let i = 0; i < 5; i++) assert.equal(await (await client.request({ url: server.url })).text(), "ok");
      assert.equal(server.connections, 1);
    } finally {
      await server.close();
    }
  });

  it("a connection the server closed while idle is never handed out", async () => {
    const server = await startRawServer((_request, socket) => {
      socket.write(okResponse("ok"));
      setTimeout(() => socket.end(), 10);
      return null;
    });
    try {
      await using client = new Client();
      assert.equal(await (await client.request({ url: server.url })).text(), "ok");
      await sleep(100);
      assert.equal(await (await client.request({ url: server.url })).text(), "ok");
      assert.equal(server.connections, 2);
      assert.equal(server.requests.length, 2);
    } finally {
      await server.close();
    }
  });

  it("a stale keep-alive connection is replaced and the GET is sent once more on a new connection", async () => {
    // The server takes the second request on a connection and closes without answering,
    // as a server does when its keep-alive timer fires at the same moment.
    const server = await startRawServer((request) => (request.index === 0 ? okResponse("first") : "destroy"));
    try {
      await using client = new Client();
      assert.equal(await (await client.request({ url: server.url })).text(), "first");
      assert.equal(await (await client.request({ url: server.url })).text(), "first");
      assert.equal(server.connections, 2);
      assert.deepEqual(server.requests.map((r) => [r.connection, r.index]), [[0, 0], [0, 1], [1, 0]]);
    } finally {
      await server.close();
    }
  });

  it("an unread body keeps its connection busy; cancelling it frees the pool", async () => {
    const server = await startHttpServer((_, response) => response.end("x".repeat(200_000)));
    try {
      await using client = new Client({ maxConn: 1 });
      const first = await client.request({ url: server.url });
      let secondDone = false;
      const second = client.request({ url: server.url }).then((response) => {
        secondDone = true;
        return response;
      });
      await sleep(50);
      assert.equal(secondDone, false);
      first.cancel();
      assert.equal((await (await second).text()).length, 200_000);
    } finally {
      await server.close();
    }
  });

  it("the idle timeout closes an unused connection", async () => {
    const server = await startHttpServer((_, response) => response.end("ok"));
    try {
      await using client = new Client({ idleTimeout: 30 });
      await (await client.request({ url: server.url })).text();
      await sleep(120);
      assert.equal(client.stats.connections, 0);
      await (await client.request({ url: server.url })).text();
      assert.equal(server.connections, 2);
    } finally {
      await server.close();
    }
  });
});

describe("pool: keep-alive limits", () => {
  it("a server's Keep-Alive timeout is honoured: the client closes first", async () => {
    const server = await startRawServer(() => okResponse("ok", { "keep-alive": "timeout=1" }));
    try {
      await using client = new Client();
      assert.equal(await (await client.request({ url: server.url })).text(), "ok");
      await sleep(50);
      assert.equal(client.stats.connections, 0);
      assert.equal(await (await client.request({ url: server.url })).text(), "ok");
      assert.equal(server.connections, 2);
    } finally {
      await server.close();
    }
  });

  it("maxRequestsPerConnection closes a connection after that many requests", async () => {
    const server = await startHttpServer((_, response) => response.end("ok"));
    try {
      await using client = new Client({ maxRequestsPerConnection: 2 });
      for (let i = 0; i < 5; i++) assert.equal(await (await client.request({ url: server.url })).text(), "ok");
      assert.equal(server.connections, 3);
    } finally {
      await server.close();
    }
  });
});

describe("pool: limits and the wait queue", () => {
  it("maxConnPerTarget bounds the connections to one target", async () => {
    const server = await startHttpServer((_, response) => setTimeout(() => response.end("ok"), 5));
    try {
      await using client = new Client({ maxConnPerTarget: 4, maxPipelinedRequests: 0 });
      const responses = await Promise.all(
        Array.from({ length: 40 }, () => client.request({ url: server.url }).then((r) => r.text())),
      );
      assert.ok(responses.every((text) => text === "ok"));
      assert.ok(server.peakConnections <= 4, `peak ${server.peakConnections}`);
    } finally {
      await server.close();
    }
  });

  it("a full wait queue fails the overflow with ERR_QUEUE_FULL and serves the rest", async () => {
    const server = await startHttpServer((_, response) => setTimeout(() => response.end("ok"), 5));
    try {
      await using client = new Client({ maxConn: 2, maxPipelinedRequests: 0, maxQueuedRequests: 10 });
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => client.request({ url: server.url }).then((r) => r.text())),
      );
      const ok = results.filter((r) => r.status === "fulfilled").length;
      const full = results.filter((r) => r.status === "rejected" && code(r.reason) === "ERR_QUEUE_FULL").length;
      assert.equal(ok, 12);
      assert.equal(full, 8);
    } finally {
      await server.close();
    }
  });

  it("an aborted queued request leaves the queue; an aborted in-flight one fails with ERR_ABORTED", async () => {
    const server = await startHttpServer((_, response) => setTimeout(() => response.end("ok"), 50));
    try {
      await using client = new Client({ maxConn: 1, maxPipelinedRequests: 0 });
      const inFlight = new AbortController();
      const queued = new AbortController();
      const first = client.request({ url: server.url, signal: inFlight.signal });
      const second = client.request({ url: server.url, signal: queued.signal });
      const third = client.request({ url: server.url });
      queued.abort();
      inFlight.abort();
      await assert.rejects(first, (e) => code(e) === "ERR_ABORTED");
      await assert.rejects(second, (e) => code(e) === "ERR_ABORTED");
      assert.equal(await (await third).text(), "ok");
    } finally {
      await server.close();
    }
  });

  it("closeAll fails waiting requests with ERR_CLIENT_CLOSED", async () => {
    const server = await startHttpServer((_, response) => setTimeout(() => response.end("ok"), 50));
    try {
      const client = new Client({ maxConn: 1, maxPipelinedRequests: 0 });
      const first = client.request({ url: server.url });
      const waiting = client.request({ url: server.url });
      await client.closeAll();
      await assert.rejects(waiting, (e) => code(e) === "ERR_CLIENT_CLOSED");
      await assert.rejects(first, (e) => code(e) === "ERR_CLIENT_CLOSED");
    } finally {
      await server.close();
    }
  });
});

describe("pool: client IPs and name resolution", () => {
  it("clientIps rotate round-robin per new connection and clientIp pins a request", async () => {
    const server = await startHttpServer((_, response) => setTimeout(() => response.end("ok"), 20));
    try {
      await using client = new Client({ clientIps: ["127.0.0.2", "127.0.0.3"], maxPipelinedRequests: 0 });
      await Promise.all(Array.from({ length: 4 }, () => client.request({ url: server.url }).then((r) => r.text())));
      assert.deepEqual([...server.remoteAddresses].sort(), ["127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3"]);
      await (await client.request({ url: server.url, clientIp: "127.0.0.4" })).text();
      assert.equal(server.remoteAddresses.at(-1), "127.0.0.4");
    } finally {
      await server.close();
    }
  });

  it("the client IP rotation continues across targets", async () => {
    const first = await startHttpServer((_, response) => response.end("a"));
    const second = await startHttpServer((_, response) => response.end("b"));
    try {
      await using client = new Client({ clientIps: ["127.0.0.2", "127.0.0.3"] });
      await (await client.request({ url: first.url })).text();
      await (await client.request({ url: second.url })).text();
      await (await client.request({ url: first.url })).text();
      assert.deepEqual(first.remoteAddresses, ["127.0.0.2"]);
      assert.deepEqual(second.remoteAddresses, ["127.0.0.3"]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("resolve maps host names and its answers are cached", async () => {
    const server = await startHttpServer((request, response) => response.end(request.headers.host));
    try {
      let lookups = 0;
      await using client = new Client({
        resolve: (host) => {
          lookups++;
          return host === "a.test" ? "127.0.0.1" : host;
        },
        maxPipelinedRequests: 0,
      });
      const texts = await Promise.all(
        Array.from({ length: 3 }, () => client.request({ url: `http://a.test:${server.port}/` }).then((r) => r.text())),
      );
      assert.deepEqual(texts, Array(3).fill(`a.test:${server.port}`));
      assert.equal(lookups, 1);
    } finally {
      await server.close();
    }
  });
});
