import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { Client, HttpClientError } from "../mod.ts";
import { caCert, type CertificateName } from "./servers/fixtures.ts";
import {
  okResponse,
  type RawReply,
  type RawRequest,
  type RawTestServer,
  startRawServer,
} from "./servers/raw_http.ts";
import { startRawServer as startSocketServer } from "./servers/tcp.ts";
import { startTlsServer } from "./servers/tls.ts";

// Each case: a server misbehaves in one way; the request ends with the exact
// error code given (prefixed with "body" when the head was fine and reading
// the body fails), and the connection is never used again: the next request
// on the same client arrives on a new connection and gets the right answer.

const KIB = 1024;
const MIB = 1024 * 1024;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function head(...lines: string[]): string {
  return ["HTTP/1.1 200 OK", ...lines, "", ""].join("\r\n");
}

/** Write `pieces` one by one, `ms` apart, until they run out or the client goes away; resolves to the bytes written. */
async function trickle(socket: Socket, pieces: Iterable<string>, ms: number): Promise<number> {
  let written = 0;
  for (const piece of pieces) {
    if (socket.destroyed || socket.writableEnded) break;
    socket.write(piece);
    written += piece.length;
    await sleep(ms);
  }
  return written;
}

function* repeated(piece: string, count: number): Iterable<string> {
  for (let i = 0; i < count; i++) yield piece;
}

/** Bytes each paced server wrote before the client gave up, by case path. */
const written = new Map<string, Promise<number>>();

interface HostileCase {
  name: string;
  /** What the server does for the request. */
  reply: RawReply | ((request: RawRequest, socket: Socket) => RawReply | Promise<RawReply>);
  /** Expected outcome: an error code, `body <code>` for a body error, or `<status> <body>`. */
  expect: string;
  method?: string;
  options?: ConstructorParameters<typeof Client>[0];
}

/** Paced writes whose byte count is kept for the test to check. */
function paced(path: string, first: string, pieces: Iterable<string>, ms: number) {
  return (_request: RawRequest, socket: Socket): null => {
    socket.write(first);
    written.set(path, trickle(socket, pieces, ms));
    return null;
  };
}

const chunkedHead = head("Transfer-Encoding: chunked");

const cases: HostileCase[] = [
  // ---- status line -------------------------------------------------------
  {
    name: "a two-digit status code",
    reply: "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n",
    expect: "ERR_PARSE",
  },
  {
    name: "a four-digit status code",
    reply: "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n",
    expect: "ERR_PARSE",
  },
  {
    name: "a status code with letters",
    reply: "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
    expect: "ERR_PARSE",
  },
  { name: "a status code starting with 0", reply: "HTTP/1.1 099 Odd\r\n\r\n", expect: "ERR_PARSE" },
  {
    name: "two spaces before the status code",
    reply: "HTTP/1.1  200 OK\r\nContent-Length: 0\r\n\r\n",
    expect: "ERR_PARSE",
  },
  {
    name: "a lowercase protocol name",
    reply: "http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    expect: "ERR_PARSE",
  },
  { name: "an HTTP/2 status line", reply: "HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n", expect: "ERR_PARSE" },
  { name: "an ICY (SHOUTcast) status line", reply: "ICY 200 OK\r\n\r\n", expect: "ERR_PARSE" },
  {
    name: "a NUL in the reason phrase",
    reply: "HTTP/1.1 200 O\0K\r\nContent-Length: 0\r\n\r\n",
    expect: "ERR_PARSE",
  },
  {
    name: "a status line longer than maxLineLength",
    reply: `HTTP/1.1 200 ${"x".repeat(20 * KIB)}\r\n\r\n`,
    expect: "ERR_HEADER_TOO_LARGE",
  },
  { name: "no status line at all (garbage)", reply: "hello, this is not HTTP\r\n\r\n", expect: "ERR_PARSE" },
  {
    name: "garbage without a line end, then close",
    reply: { write: "\x16\x03\x01\x02\x00\x01", then: "end" },
    expect: "ERR_PARSE",
  },
  {
    name: "a status line and then the connection closes",
    reply: { write: "HTTP/1.1 200 OK\r\nContent-Le", then: "end" },
    expect: "ERR_PARSE",
  },
  { name: "the HTTP/2 connection preface", reply: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", expect: "ERR_PARSE" },
  {
    name: "an HTTP/2 SETTINGS frame and GOAWAY (an h2-only server)",
    reply: {
      write: new Uint8Array([
        0,
        0,
        6,
        4,
        0,
        0,
        0,
        0,
        0,
        0,
        3,
        0,
        0,
        0,
        100,
        0,
        0,
        8,
        7,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
      ]),
      then: "end",
    },
    expect: "ERR_PARSE",
  },
  // ---- header fields -----------------------------------------------------
  {
    name: "a space inside a header name",
    reply: head("Bad Name: 1", "Content-Length: 0"),
    expect: "ERR_PARSE",
  },
  {
    name: "a header name with a non-token character",
    reply: head("X@Y: 1", "Content-Length: 0"),
    expect: "ERR_PARSE",
  },
  {
    name: "a header name with a non-ASCII byte",
    reply: head("X-\xdcber: 1", "Content-Length: 0"),
    expect: "ERR_PARSE",
  },
  {
    name: "whitespace between a header name and its colon",
    reply: head("Content-Length : 0"),
    expect: "ERR_PARSE",
  },
  { name: "an empty header name", reply: head(": value", "Content-Length: 0"), expect: "ERR_PARSE" },
  {
    name: "a header line without a colon",
    reply: head("NoColonHere", "Content-Length: 0"),
    expect: "ERR_PARSE",
  },
  { name: "a NUL in a header value", reply: head("X-A: a\0b", "Content-Length: 0"), expect: "ERR_PARSE" },
  { name: "a NUL in a header name", reply: head("X-\0A: 1", "Content-Length: 0"), expect: "ERR_PARSE" },
  {
    name: "a bare CR inside a header value",
    reply: head("X-A: a\rb", "Content-Length: 0"),
    expect: "ERR_PARSE",
  },
  {
    name: "a bare CR as a line end",
    reply: "HTTP/1.1 200 OK\r\nX-A: 1\rContent-Length: 0\r\n\r\n",
    expect: "ERR_PARSE",
  },
  {
    name: "a bare LF followed by CR at the start of a line",
    reply: "HTTP/1.1 200 OK\nX-A: 1\n\rX-B: 2\r\nContent-Length: 0\r\n\r\n",
    expect: "ERR_PARSE",
  },
  {
    name: "obs-fold with a space",
    reply: head("X-A: first", " second", "Content-Length: 0"),
    expect: "ERR_PARSE",
  },
  {
    name: "obs-fold with a tab",
    reply: head("X-A: first", "\tsecond", "Content-Length: 0"),
    expect: "ERR_PARSE",
  },
  {
    name: "a header value longer than maxLineLength",
    reply: head(`X-Big: ${"v".repeat(20 * KIB)}`, "Content-Length: 0"),
    expect: "ERR_HEADER_TOO_LARGE",
  },
  {
    name: "a head larger than maxHeaderSize (70 fields of 1 KiB)",
    reply: head(...Array.from({ length: 70 }, (_, i) => `X-${i}: ${"v".repeat(KIB)}`), "Content-Length: 0"),
    expect: "ERR_HEADER_TOO_LARGE",
  },
  {
    name: "more header fields than maxHeaderCount",
    reply: head(...Array.from({ length: 201 }, (_, i) => `X-${i}: 1`), "Content-Length: 0"),
    expect: "ERR_HEADER_TOO_LARGE",
  },
  {
    name: "a head that never ends (fields sent forever)",
    reply: paced(
      "/endless-head",
      "HTTP/1.1 200 OK\r\n",
      repeated("X-Filler: 1234567890\r\n".repeat(400), 200),
      2,
    ),
    expect: "ERR_HEADER_TOO_LARGE",
  },
  // ---- framing -----------------------------------------------------------
  {
    name: "Content-Length and Transfer-Encoding together",
    reply: head("Content-Length: 5", "Transfer-Encoding: chunked") + "5\r\nhello\r\n0\r\n\r\n",
    expect: "ERR_PARSE",
  },
  {
    name: "Transfer-Encoding before Content-Length",
    reply: head("Transfer-Encoding: chunked", "Content-Length: 5") + "5\r\nhello\r\n0\r\n\r\n",
    expect: "ERR_PARSE",
  },
  {
    name: "two differing Content-Length fields",
    reply: head("Content-Length: 5", "Content-Length: 6") + "hello!",
    expect: "ERR_PARSE",
  },
  {
    name: "a Content-Length list of differing values",
    reply: head("Content-Length: 5, 6") + "hello!",
    expect: "ERR_PARSE",
  },
  { name: "a negative Content-Length", reply: head("Content-Length: -1"), expect: "ERR_PARSE" },
  {
    name: "a Content-Length with a plus sign",
    reply: head("Content-Length: +5") + "hello",
    expect: "ERR_PARSE",
  },
  {
    name: "a Content-Length past 2^53",
    reply: head("Content-Length: 99999999999999999999"),
    expect: "ERR_PARSE",
  },
  {
    name: "an unsupported transfer coding (gzip)",
    reply: head("Transfer-Encoding: gzip") + "\x1f\x8b",
    expect: "ERR_PARSE",
  },
  {
    name: "chunked not the last transfer coding",
    reply: head("Transfer-Encoding: chunked, gzip") + "0\r\n\r\n",
    expect: "ERR_PARSE",
  },
  {
    name: "chunked twice",
    reply: head("Transfer-Encoding: chunked", "Transfer-Encoding: chunked") + "0\r\n\r\n",
    expect: "ERR_PARSE",
  },
  // ---- chunked bodies ----------------------------------------------------
  {
    name: "a negative chunk size",
    reply: chunkedHead + "-5\r\nhello\r\n0\r\n\r\n",
    expect: "body ERR_PARSE",
  },
  {
    name: "a chunk size of 19 hex digits",
    reply: chunkedHead + "fffffffffffffffffff\r\nx\r\n0\r\n\r\n",
    expect: "body ERR_PARSE",
  },
  {
    name: "a chunk size past 2^53",
    reply: chunkedHead + "ffffffffffffffff\r\nx\r\n0\r\n\r\n",
    expect: "body ERR_PARSE",
  },
  { name: "a non-hex chunk size", reply: chunkedHead + "zz\r\nhello\r\n0\r\n\r\n", expect: "body ERR_PARSE" },
  {
    name: "a 0x prefix on a chunk size",
    reply: chunkedHead + "0x5\r\nhello\r\n0\r\n\r\n",
    expect: "body ERR_PARSE",
  },
  {
    name: "an empty chunk-size line",
    reply: chunkedHead + "\r\nhello\r\n0\r\n\r\n",
    expect: "body ERR_PARSE",
  },
  {
    name: "a bare CR after a chunk size",
    reply: chunkedHead + "5\r\r\nhello\r\n0\r\n\r\n",
    expect: "body ERR_PARSE",
  },
  {
    name: "chunk data longer than its size",
    reply: chunkedHead + "3\r\nhello\r\n0\r\n\r\n",
    expect: "body ERR_PARSE",
  },
  {
    name: "a bare LF after chunk data",
    reply: chunkedHead + "5\r\nhello\n0\r\n\r\n",
    expect: "body ERR_PARSE",
  },
  {
    name: "a 1 MiB chunk extension (refused once past maxLineLength, long before its end)",
    reply: paced("/chunk-extension", chunkedHead + "5;ext=", repeated("e".repeat(16 * KIB), 64), 2),
    expect: "body ERR_HEADER_TOO_LARGE",
  },
  {
    name: "trailers that never end",
    reply: paced(
      "/endless-trailers",
      chunkedHead + "5\r\nhello\r\n0\r\n",
      repeated("X-Trailer: 1\r\n".repeat(600), 150),
      2,
    ),
    expect: "body ERR_HEADER_TOO_LARGE",
  },
  {
    name: "more trailer fields than maxHeaderCount",
    reply: chunkedHead + "5\r\nhello\r\n0\r\n" + "X-T: 1\r\n".repeat(201) + "\r\n",
    expect: "body ERR_HEADER_TOO_LARGE",
  },
  {
    name: "obs-fold in a trailer",
    reply: chunkedHead + "5\r\nhello\r\n0\r\nX-T: 1\r\n folded\r\n\r\n",
    expect: "body ERR_PARSE",
  },
  // ---- connections that end or stall -------------------------------------
  {
    name: "a close in the middle of a chunk",
    reply: { write: chunkedHead + "a\r\nhell", then: "end" },
    expect: "body ERR_BODY_TRUNCATED",
  },
  {
    name: "a close before Content-Length bytes arrived",
    reply: { write: head("Content-Length: 100") + "short", then: "end" },
    expect: "body ERR_BODY_TRUNCATED",
  },
  {
    name: "a reset (RST) in the middle of the body",
    reply: (_request, socket) => {
      socket.write(head("Content-Length: 100") + "short");
      setTimeout(() => socket.resetAndDestroy(), 20);
      return null;
    },
    expect: "body ERR_SOCKET",
  },
  {
    name: "a close before any response byte",
    reply: "end",
    expect: "ERR_SOCKET",
  },
  { name: "a server that never answers", reply: null, expect: "ERR_TIMEOUT", options: { replyTimeout: 300 } },
  {
    name: "endless interim responses (100 Continue every 10 ms)",
    reply: (_request, socket) => {
      trickle(socket, repeated("HTTP/1.1 100 Continue\r\n\r\n", 500), 10);
      return null;
    },
    expect: "ERR_TIMEOUT",
    options: { replyTimeout: 300 },
  },
  {
    name: "a slow-loris head (one byte every 100 ms)",
    reply: (_request, socket) => {
      trickle(socket, head("Content-Length: 2") + "ok", 100);
      return null;
    },
    expect: "ERR_TIMEOUT",
    options: { replyTimeout: 400 },
  },
  {
    name: "a slow-loris body (one byte every 100 ms)",
    reply: (_request, socket) => {
      socket.write(head("Content-Length: 50"));
      trickle(socket, "x".repeat(50), 100);
      return null;
    },
    expect: "body ERR_TIMEOUT",
    options: { replyTimeout: 400 },
  },
];

/** Responses that are fine themselves but followed by bytes nobody asked for. */
const unsolicited: HostileCase[] = [
  {
    name: "a second response right behind the first",
    reply: okResponse("first") + okResponse("evil"),
    expect: "200 first",
  },
  {
    name: "stray bytes after a Content-Length body",
    reply: okResponse("first") + "stray bytes",
    expect: "200 first",
  },
  {
    name: "a response to a request never made, 50 ms later",
    reply: (_request, socket) => {
      socket.write(okResponse("first"));
      setTimeout(() => socket.writable && socket.write(okResponse("evil")), 50);
      return null;
    },
    expect: "200 first",
  },
  {
    name: "a body after a response to HEAD",
    reply: head("Content-Length: 4") + "evil",
    expect: "200 ",
    method: "HEAD",
  },
  {
    name: "a body after a 204",
    reply: "HTTP/1.1 204 No Content\r\nContent-Length: 4\r\n\r\nevil",
    expect: "204 ",
  },
  {
    name: "a body after a 304",
    reply: "HTTP/1.1 304 Not Modified\r\nContent-Length: 4\r\n\r\nevil",
    expect: "304 ",
  },
];

describe("hostile servers: each failure is typed and the connection is never reused", () => {
  let server: RawTestServer;
  const all = [...cases, ...unsolicited];
  const pathOf = (index: number) => `/case/${index}`;

  before(async () => {
    server = await startRawServer((request, socket) => {
      if (request.target === "/ok") return okResponse("fine");
      const index = Number(request.target.slice("/case/".length));
      const reply = all[index].reply;
      return typeof reply === "function" ? reply(request, socket) : reply;
    });
  });
  after(() => server.close());

  async function outcome(client: Client, path: string, method = "GET"): Promise<string> {
    let response;
    try {
      response = await client.request({ url: server.url + path, method });
    } catch (error) {
      return error instanceof HttpClientError ? error.code : `untyped ${String(error)}`;
    }
    try {
      return `${response.status} ${await response.text()}`;
    } catch (error) {
      return error instanceof HttpClientError ? `body ${error.code}` : `body untyped ${String(error)}`;
    }
  }

  /** The connection is gone, and the next request comes on a new one and gets the right answer. */
  async function assertNotReused(client: Client, path: string): Promise<void> {
    for (let waited = 0; client.stats.connections > 0 && waited < 1000; waited += 10) await sleep(10);
    assert.equal(client.stats.connections, 0, "the connection was closed");
    assert.equal(await outcome(client, "/ok"), "200 fine");
    const used = new Set(
      server.requests.filter((request) => request.target === path).map((r) => r.connection),
    );
    const next = server.requests.findLast((request) => request.target === "/ok");
    assert.ok(next !== undefined && !used.has(next.connection), "the next request came on a new connection");
  }

  all.forEach((hostile, index) => {
    it(`${hostile.name}: ${hostile.expect}`, async () => {
      await using client = new Client({ maxRetries: 0, replyTimeout: 5000, ...hostile.options });
      assert.equal(await outcome(client, pathOf(index), hostile.method), hostile.expect);
      await assertNotReused(client, pathOf(index));
    });
  });

  it("paced floods were refused long before they were sent whole", async () => {
    for (const path of ["/endless-head", "/chunk-extension", "/endless-trailers"]) {
      const sent = await written.get(path);
      assert.ok(sent !== undefined && sent < MIB, `${path}: ${sent} bytes sent before the client gave up`);
    }
  });
});

describe("hostile servers: early answers", () => {
  it("a 413 sent (and the connection closed) while a large streamed body is still being written reaches the caller", async () => {
    let answered: () => void = () => {};
    const answeredPromise = new Promise<void>((resolve) => (answered = resolve));
    const server = await startSocketServer((socket) => {
      let received = "";
      const onData = (data: Buffer) => {
        received += data.toString("latin1");
        if (!received.includes("\r\n\r\n")) return;
        socket.off("data", onData);
        socket.end(
          "HTTP/1.1 413 Content Too Large\r\nContent-Length: 8\r\nConnection: close\r\n\r\ntoo big!",
        );
        answered();
        socket.resume(); // keep draining: closing with unread bytes would reset the connection
      };
      socket.on("data", onData);
    });
    let produced = 0;
    const chunks = 400;
    async function* body(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < chunks; i++) {
        if (i === 1) await answeredPromise;
        if (i > 0) await sleep(5);
        produced++;
        yield new Uint8Array(64 * KIB);
      }
    }
    try {
      await using client = new Client({ maxRetries: 0 });
      const url = `http://127.0.0.1:${server.port}/upload`;
      const response = await client.request({ url, method: "POST", body: body() });
      assert.equal(response.status, 413);
      assert.equal(await response.text(), "too big!");
      assert.ok(produced < chunks, `the body was not written whole (${produced} of ${chunks} chunks)`);
      const second = await client.request({ url, method: "POST", body: "small" });
      assert.equal(second.status, 413);
      await second.text();
      assert.equal(server.connections, 2);
    } finally {
      await server.close();
    }
  });
});

describe("hostile servers: TLS", () => {
  const failures: [CertificateName, string][] = [
    ["wrong-host", "a certificate for another host name"],
    ["expired", "an expired certificate"],
    ["self-signed", "a self-signed certificate"],
  ];
  for (const [certificate, what] of failures) {
    it(`${what}: ERR_TLS, and the next request tries a new handshake`, async () => {
      const server = await startTlsServer({ certificate });
      try {
        await using client = new Client({ tls: { caCerts: [caCert] }, maxRetries: 0 });
        const url = `https://127.0.0.1:${server.port}/`;
        for (let attempt = 1; attempt <= 2; attempt++) {
          await assert.rejects(client.request({ url }), (error: unknown) => {
            assert.ok(error instanceof HttpClientError);
            assert.equal(error.code, "ERR_TLS");
            return true;
          });
          assert.equal(client.stats.connections, 0);
          assert.equal(client.stats.connectionsOpened, attempt);
        }
        assert.equal(server.connections, 0);
      } finally {
        await server.close();
      }
    });
  }

  it("the same client trusts the test CA's valid certificate (control)", async () => {
    const server = await startTlsServer({
      onConnection: (socket) => socket.on("data", () => socket.write(okResponse("secure"))),
    });
    try {
      await using client = new Client({ tls: { caCerts: [caCert] }, maxRetries: 0 });
      const response = await client.request({ url: `https://127.0.0.1:${server.port}/` });
      assert.equal(await response.text(), "secure");
    } finally {
      await server.close();
    }
  });
});
