import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client, HttpClientError } from "../mod.ts";
import { Random } from "./fuzz/random.ts";
import { expectedBody, startFaultyServer } from "./servers/faulty.ts";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The codes a request may end with when its server resets, closes or stalls. */
const FAULT_CODES = new Set(["ERR_SOCKET", "ERR_TIMEOUT", "ERR_BODY_TRUNCATED", "ERR_PARSE"]);
const REQUESTS = 2000;
const WORKERS = 100;

describe("faults under load", () => {
  it("2,000 mixed requests against a server that resets, stalls, closes and dawdles: each ends once, right or typed, and nothing leaks", async () => {
    const server = await startFaultyServer(20240607);
    const random = new Random(7);
    const plans = Array.from({ length: REQUESTS }, (_, i) => {
      const post = random.chance(0.25);
      return {
        path: `/item/${i}`,
        method: post ? "POST" : "GET",
        body: post ? "b".repeat(random.int(3000)) : null,
      };
    });
    const settled = new Array<number>(REQUESTS).fill(0);
    const wrong: string[] = [];
    const untyped: unknown[] = [];
    const codes = new Map<string, number>();
    let succeeded = 0;
    const client = new Client({
      maxConnPerTarget: 6,
      replyTimeout: 250,
      pipelineFallbackTime: 100,
      retry: { maxDelay: 20 },
    });
    try {
      const run = async (i: number) => {
        const plan = plans[i];
        try {
          const response = await client.request({
            url: server.url + plan.path,
            method: plan.method,
            body: plan.body,
          });
          const text = await response.text();
          const expected = expectedBody(plan.method, plan.path, plan.body?.length ?? 0);
          if (text === expected) succeeded++;
          else wrong.push(`${plan.method} ${plan.path}: ${text.slice(0, 60)}`);
        } catch (error) {
          if (error instanceof HttpClientError && FAULT_CODES.has(error.code)) {
            codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
          } else {
            untyped.push(error);
          }
        }
        settled[i]++;
      };
      let next = 0;
      await Promise.all(Array.from({ length: WORKERS }, async () => {
        while (next < REQUESTS) await run(next++);
      }));

      assert.deepEqual(untyped, []);
      assert.deepEqual(wrong, []);
      assert.ok(settled.every((count) => count === 1), "every request ended exactly once");
      const failed = [...codes.values()].reduce((sum, count) => sum + count, 0);
      assert.equal(succeeded + failed, REQUESTS);
      assert.ok(succeeded > REQUESTS / 2, `${succeeded} succeeded`);
      assert.ok(failed > 0, "faults reached the caller");
      assert.ok(client.stats.pipelined > 0, "some requests were pipelined");
      for (const [fault, count] of Object.entries(server.faults)) {
        assert.ok(count > 0, `the server chose ${fault}`);
      }
      // A POST is sent again only after a stale keep-alive connection died unanswered, and only once.
      const posts = new Map<string, number>();
      for (const request of server.requests) {
        if (request.method === "POST") posts.set(request.target, (posts.get(request.target) ?? 0) + 1);
      }
      assert.ok([...posts.values()].every((count) => count <= 2), "no POST was sent more than twice");
    } finally {
      await client.closeAll();
    }
    assert.equal(client.stats.connections, 0);
    for (let waited = 0; server.openConnections > 0 && waited < 2000; waited += 10) await sleep(10);
    assert.equal(server.openConnections, 0, "the server sees every connection closed");
    await server.close();
  });
});
