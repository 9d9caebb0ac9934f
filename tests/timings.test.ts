import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client, type Timings } from "../mod.ts";
import { type HttpTestServer, startHttpServer } from "./servers/http.ts";
import { caCert, certificates } from "./servers/fixtures.ts";

const phases = ["queued", "dns", "connect", "tls", "sent", "firstByte", "done"] as const;

/** The milestones that are present, in the documented order, must not go backwards. */
function assertOrdered(timings: Timings): void {
  let previous = 0;
  for (const phase of phases) {
    const value = timings[phase];
    if (value === undefined) continue;
    assert.ok(
      Number.isFinite(value) && value >= previous,
      `${phase} (${value}) comes after ${previous}: ${JSON.stringify(timings)}`,
    );
    previous = value;
  }
}

describe("timings", () => {
  let server: HttpTestServer;
  let secure: HttpTestServer;
  before(async () => {
    server = await startHttpServer((request, response) => response.end(`body of ${request.url}`));
    secure = await startHttpServer((request, response) => response.end(`secure ${request.url}`), {
      tls: certificates.server,
    });
  });
  after(async () => {
    await server.close();
    await secure.close();
  });

  it("a request on a new connection has every milestone but tls, in order", async () => {
    await using client = new Client();
    const response = await client.request({ url: `${server.url}/fresh` });
    const before = { ...response.timings };
    await response.text();
    const timings = response.timings;
    assert.ok(timings.start <= Date.now());
    for (const phase of ["queued", "dns", "connect", "sent", "firstByte", "done"] as const) {
      assert.equal(typeof timings[phase], "number", `${phase} is set`);
    }
    assert.equal(timings.tls, undefined);
    assert.equal(before.done, undefined, "done is set once the body has been read");
    assertOrdered(timings);
  });

  it("a request on a reused connection has no dns, connect or tls milestone", async () => {
    await using client = new Client();
    await (await client.request({ url: `${server.url}/one` })).text();
    const response = await client.request({ url: `${server.url}/two` });
    await response.text();
    const timings = response.timings;
    assert.equal(timings.dns, undefined);
    assert.equal(timings.connect, undefined);
    assert.equal(timings.tls, undefined);
    for (const phase of ["queued", "sent", "firstByte", "done"] as const) {
      assert.equal(typeof timings[phase], "number");
    }
    assertOrdered(timings);
  });

  it("an https request has a tls milestone after connect", async () => {
    await using client = new Client({ tls: { caCerts: [caCert] } });
    const response = await client.request({ url: `${secure.url}/tls` });
    assert.equal(await response.text(), "secure /tls");
    const timings = response.timings;
    for (const phase of phases) assert.equal(typeof timings[phase], "number", `${phase} is set`);
    assertOrdered(timings);
  });

  it("a request that waited in the queue leaves it before its connection work starts", async () => {
    await using client = new Client({ maxConnPerTarget: 1, maxPipelinedRequests: 0 });
    const responses = await Promise.all(
      [1, 2, 3].map((i) =>
        client.request({ url: `${server.url}/q${i}` }).then(async (response) => {
          await response.text();
          return response;
        })
      ),
    );
    for (const response of responses) {
      assert.equal(typeof response.timings.queued, "number");
      assertOrdered(response.timings);
    }
  });

  it("after a redirect the milestones are those of the last hop, still in order", async () => {
    const redirecting = await startHttpServer((request, response) => {
      if (request.url === "/from") response.writeHead(301, { location: `${server.url}/to` }).end();
      else response.end("x");
    });
    try {
      await using client = new Client();
      await (await client.request({ url: `${server.url}/warm` })).text();
      const response = await client.request({ url: `${redirecting.url}/from` });
      assert.equal(await response.text(), "body of /to");
      assert.equal(response.timings.connect, undefined, "the last hop reused the warm connection");
      assertOrdered(response.timings);
    } finally {
      await redirecting.close();
    }
  });
});
