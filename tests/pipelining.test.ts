import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { Client, type DebugEvent } from "../mod.ts";
import { startHttpServer } from "./servers/http.ts";
import { okResponse, startRawServer } from "./servers/raw_http.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("pipelining", () => {
  it("pipelined responses come back in order, matched to their requests, with random server delays", async () => {
    const server = await startRawServer(async (request) => {
      await sleep(Math.floor(Math.random() * 5));
      return okResponse(request.target);
    });
    try {
      await using client = new Client({ maxConnPerTarget: 1, maxPipelinedRequests: 10 });
      await (await client.request({ url: `${server.url}/warmup` })).text();
      const paths = Array.from({ length: 40 }, (_, i) => `/item/${i}`);
      const bodies = await Promise.all(
        paths.map((path) => client.request({ url: server.url + path }).then((r) => r.text())),
      );
      assert.deepEqual(bodies, paths);
      assert.equal(server.connections, 1);
      assert.ok(client.stats.pipelined > 0, "some requests were pipelined");
    } finally {
      await server.close();
    }
  });

  it("a connection pipelines only after its first response proved HTTP/1.1 keep-alive", async () => {
    const server = await startRawServer(async (request) => {
      await sleep(20);
      return okResponse(request.target);
    });
    try {
      await using client = new Client({ maxConnPerTarget: 1, maxPipelinedRequests: 10 });
      const bodies = await Promise.all(
        [1, 2, 3].map((i) => client.request({ url: `${server.url}/${i}` }).then((r) => r.text())),
      );
      assert.deepEqual(bodies, ["/1", "/2", "/3"]);
      // The second request was written only after the first response arrived.
      assert.equal(client.stats.pipelined > 0, true);
      assert.equal(server.requests[0].target, "/1");
    } finally {
      await server.close();
    }
  });

  it("nothing is written behind a POST until its response has arrived", async () => {
    const arrivals: { target: string; at: number }[] = [];
    let postAnsweredAt = 0;
    const server = await startRawServer(async (request) => {
      arrivals.push({ target: request.target, at: Date.now() });
      if (request.method === "POST") {
        await sleep(50);
        postAnsweredAt = Date.now();
      }
      return okResponse(request.target);
    });
    try {
      await using client = new Client({ maxConnPerTarget: 1, maxPipelinedRequests: 10 });
      await (await client.request({ url: `${server.url}/warmup` })).text();
      const post = client.request({ url: `${server.url}/post`, method: "POST", body: "x" }).then((r) =>
        r.text()
      );
      const gets = [1, 2, 3].map((i) =>
        client.request({ url: `${server.url}/get${i}` }).then((r) => r.text())
      );
      assert.deepEqual(await Promise.all([post, ...gets]), ["/post", "/get1", "/get2", "/get3"]);
      const after = arrivals.filter((a) => a.target.startsWith("/get"));
      assert.ok(after.every((a) => a.at >= postAnsweredAt), "GETs arrived after the POST was answered");
    } finally {
      await server.close();
    }
  });

  it("a server closing after every 3rd response: 100 mixed requests all succeed exactly once (no duplicate POST)", async () => {
    const server = await startRawServer((request) => {
      const body = `${request.method} ${request.target}`;
      return request.index === 2 ? { write: okResponse(body), then: "end" } : okResponse(body);
    });
    try {
      await using client = new Client({ maxConnPerTarget: 2, maxPipelinedRequests: 10 });
      const requests = Array.from({ length: 100 }, (_, i) => ({
        method: i % 10 === 5 ? "POST" : "GET",
        path: `/r/${i}`,
      }));
      const bodies = await Promise.all(
        requests.map(({ method, path }) =>
          client.request({ url: server.url + path, method, body: method === "POST" ? "p" : undefined }).then((
            r,
          ) => r.text())
        ),
      );
      assert.deepEqual(bodies, requests.map(({ method, path }) => `${method} ${path}`));
      const answered = new Map<string, number>();
      for (const request of server.requests) {
        if (request.index <= 2) answered.set(request.target, (answered.get(request.target) ?? 0) + 1);
      }
      for (const { path } of requests) assert.equal(answered.get(path), 1, `${path} answered once`);
      // The server processes only the first 3 requests of a connection: a POST that
      // arrived after it had closed was never processed, so sending it again is safe.
      const processedPosts = server.requests.filter((r) => r.method === "POST" && r.index <= 2);
      assert.equal(processedPosts.length, 10, "each POST was processed exactly once");
    } finally {
      await server.close();
    }
  });

  it("an origin that breaks pipelines twice falls back to one request at a time, and debug output says so", async () => {
    const events: DebugEvent[] = [];
    const server = await startRawServer(async (request) => {
      await sleep(2);
      return request.index === 1
        ? { write: okResponse(request.target), then: "end" }
        : okResponse(request.target);
    });
    try {
      await using client = new Client({
        maxConnPerTarget: 1,
        maxPipelinedRequests: 5,
        debug: "pool",
        debugSink: (event) => events.push(event),
      });
      for (let round = 0; round < 4; round++) {
        await (await client.request({ url: `${server.url}/warm${round}` })).text();
        const paths = Array.from({ length: 6 }, (_, i) => `/r${round}-${i}`);
        const bodies = await Promise.all(
          paths.map((path) => client.request({ url: server.url + path }).then((r) => r.text())),
        );
        assert.deepEqual(bodies, paths);
      }
      assert.ok(events.some((event) => event.event === "fallback"), "a fallback event was emitted");
    } finally {
      await server.close();
    }
  });
});

describe("limits under load", () => {
  it("200 requests to one target with maxConnPerTarget 4: peak ≤ 4 and all succeed", async () => {
    const server = await startHttpServer((request, response) =>
      setTimeout(() => response.end(request.url), 1)
    );
    try {
      await using client = new Client({ maxConnPerTarget: 4 });
      const paths = Array.from({ length: 200 }, (_, i) => `/n${i}`);
      const bodies = await Promise.all(
        paths.map((path) => client.request({ url: server.url + path }).then((r) => r.text())),
      );
      assert.deepEqual(bodies, paths);
      assert.ok(server.peakConnections <= 4, `peak ${server.peakConnections}`);
    } finally {
      await server.close();
    }
  });

  it("maxConn 3 across 3 targets: never more than 3 connections open in total", async () => {
    let open = 0;
    let peak = 0;
    const servers = await Promise.all([0, 1, 2].map(async () => {
      const server = createServer((socket: Socket) => {
        open++;
        peak = Math.max(peak, open);
        socket.on("close", () => open--);
        socket.on("error", () => {});
        socket.on("data", () => {
          setTimeout(() => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), 3);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
      return server;
    }));
    try {
      await using client = new Client({ maxConn: 3, maxPipelinedRequests: 0 });
      const urls = Array.from(
        { length: 60 },
        (_, i) => `http://127.0.0.1:${(servers[i % 3].address() as AddressInfo).port}/${i}`,
      );
      const bodies = await Promise.all(urls.map((url) => client.request({ url }).then((r) => r.text())));
      assert.ok(bodies.every((body) => body === "ok"));
      assert.ok(peak <= 3, `peak ${peak}`);
    } finally {
      for (const server of servers) server.close();
    }
  });

  it("1,000 queued requests with a queue bound of 500: the overflow fails clearly, the others succeed", async () => {
    const server = await startHttpServer((_, response) => response.end("ok"));
    try {
      await using client = new Client({ maxConn: 2, maxPipelinedRequests: 0, maxQueuedRequests: 500 });
      const results = await Promise.allSettled(
        Array.from({ length: 1000 }, () => client.request({ url: server.url }).then((r) => r.text())),
      );
      const ok = results.filter((r) => r.status === "fulfilled" && r.value === "ok").length;
      const full = results.filter((r) =>
        r.status === "rejected" && (r.reason as { code?: string }).code === "ERR_QUEUE_FULL"
      );
      assert.equal(ok, 502);
      assert.equal(full.length, 498);
    } finally {
      await server.close();
    }
  });

  it("pipelined responses that arrive in one packet, empty bodies and a final close among them, all end right", async () => {
    const answers = [
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na",
      "HTTP/1.1 204 No Content\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nd",
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    ];
    let connections = 0;
    const server = createServer((socket: Socket) => {
      connections++;
      let seen = 0;
      let text = "";
      socket.on("data", (chunk: Uint8Array) => {
        text += new TextDecoder().decode(chunk);
        const heads = text.split("\r\n\r\n").length - 1;
        if (seen === 0 && heads >= 1) {
          seen = 1;
          socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }
        if (seen === 1 && heads >= 1 + answers.length) {
          seen = 2;
          socket.end(answers.join(""));
        }
      });
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await using client = new Client({ maxConnPerTarget: 1, maxPipelinedRequests: 10 });
      assert.equal(await (await client.request({ url: `${url}/warmup` })).text(), "ok");
      const seen = await Promise.all(
        answers.map((_, i) =>
          client.request({ url: `${url}/${i}` }).then(async (r) => `${r.status}:${await r.text()}`)
        ),
      );
      assert.deepEqual(seen, ["200:a", "204:", "200:", "200:d", "200:"]);
      assert.equal(client.stats.pipelined > 0, true);
      // The close was honoured: the next request opens a second connection.
      assert.equal(await (await client.request({ url: `${url}/after` })).text(), "ok");
      assert.equal(connections, 2);
    } finally {
      server.close();
    }
  });
});
