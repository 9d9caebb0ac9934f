import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { Client, HttpClientError } from "../mod.ts";
import { type HttpTestServer, startHttpServer } from "./servers/http.ts";

function code(error: unknown): string {
  return error instanceof HttpClientError ? error.code : String(error);
}

/** Whether this runtime's DecompressionStream has one of these format names. */
function runtimeDecodes(...names: string[]): boolean {
  return names.some((name) => {
    try {
      new DecompressionStream(name as CompressionFormat);
      return true;
    } catch {
      return false;
    }
  });
}

const brSupported = runtimeDecodes("br", "brotli");
const zstdSupported = runtimeDecodes("zstd");

const text = "hello, compressed world! ".repeat(200);
const plain = new TextEncoder().encode(text);
const gzipped = gzipSync(plain);
const zlibbed = deflateSync(plain);
const rawDeflated = deflateRawSync(plain);
const brotlied = brotliCompressSync(plain);
/** A zstd frame of "zstd-encoded body" (made with node:zlib zstdCompressSync, which Node 20 lacks). */
const zstdFrame = Uint8Array.from(atob("KLUv/SARiQAAenN0ZC1lbmNvZGVkIGJvZHk="), (c) => c.charCodeAt(0));
const corrupt = Uint8Array.from(gzipped);

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
for (let i = 20; i < 40; i++) corrupt[i] ^= 0x5a;

/** The bomb: 64 MiB of zeros, about 64 KiB gzipped, built once the server starts. */
const BOMB_SIZE = 64 * 1024 * 1024;

interface Route {
  encoding?: string;
  body: Uint8Array;
  status?: number;
}

describe("decompression", () => {
  let server: HttpTestServer;
  let bomb: Uint8Array;
  const routes = new Map<string, Route>();
  const acceptEncodings = new Map<string, string | undefined>();

  before(async () => {
    bomb = gzipSync(new Uint8Array(BOMB_SIZE), { level: 9 });
    routes.set("/gzip", { encoding: "gzip", body: gzipped });
    routes.set("/x-gzip", { encoding: "x-gzip", body: gzipped });
    routes.set("/deflate", { encoding: "deflate", body: zlibbed });
    routes.set("/deflate-raw", { encoding: "deflate", body: rawDeflated });
    routes.set("/stacked", { encoding: "gzip, deflate", body: deflateSync(gzipSync(plain)) });
    routes.set("/stacked-fields", { encoding: "gzip, deflate", body: deflateSync(gzipSync(plain)) });
    routes.set("/br", { encoding: "br", body: brotlied });
    routes.set("/zstd", { encoding: "zstd", body: zstdFrame });
    routes.set("/unknown", { encoding: "compress", body: gzipped });
    routes.set("/unknown-stacked", { encoding: "gzip, snappy", body: gzipped });
    routes.set("/identity", { encoding: "identity", body: plain });
    routes.set("/corrupt", { encoding: "gzip", body: corrupt });
    routes.set("/truncated-gzip", { encoding: "gzip", body: gzipped.subarray(0, gzipped.length - 8) });
    routes.set("/truncated-deflate", { encoding: "deflate", body: zlibbed.subarray(0, zlibbed.length - 3) });
    routes.set("/empty", { encoding: "gzip", body: new Uint8Array(0) });
    routes.set("/no-content", { encoding: "gzip", body: new Uint8Array(0), status: 204 });
    routes.set("/bomb", { encoding: "gzip", body: bomb });
    // Two gzip members: the trailer at the end gives only the second one's size.
    routes.set("/two-members", { encoding: "gzip", body: concatBytes(gzipSync(plain), gzipSync(plain)) });
    // A trailer that claims 4 GiB - 1 decoded bytes for a small body: a wrong size hint, then a failed length check.
    routes.set("/lying-trailer", {
      encoding: "gzip",
      body: concatBytes(gzipped.subarray(0, gzipped.length - 4), new Uint8Array([255, 255, 255, 255])),
    });
    server = await startHttpServer((request, response) => {
      const path = request.url ?? "/";
      acceptEncodings.set(path, request.headers["accept-encoding"]);
      const route = routes.get(path);
      if (route === undefined) {
        response.writeHead(404).end();
        return;
      }
      const headers: Record<string, string> = {
        "content-type": "text/plain",
        "content-length": String(route.body.length),
      };
      if (route.encoding !== undefined && path === "/stacked-fields") {
        // Two field lines: "gzip" applied first, then "deflate" (RFC 9110 §5.3 list).
        response.setHeader("content-encoding", ["gzip", "deflate"]);
      } else if (route.encoding !== undefined) {
        headers["content-encoding"] = route.encoding;
      }
      response.writeHead(route.status ?? 200, headers);
      response.end(route.body);
    });
  });
  after(() => server.close());

  it("sends Accept-Encoding with exactly the codings this runtime decodes", async () => {
    await using client = new Client();
    await (await client.request({ url: `${server.url}/gzip` })).text();
    const expected = ["gzip", "deflate", ...(brSupported ? ["br"] : []), ...(zstdSupported ? ["zstd"] : [])];
    assert.equal(acceptEncodings.get("/gzip"), expected.join(", "));
  });

  it("a caller's own Accept-Encoding is sent unchanged, and the answer still decoded", async () => {
    await using client = new Client();
    const response = await client.request({
      url: `${server.url}/x-gzip`,
      headers: { "Accept-Encoding": "gzip" },
    });
    assert.equal(acceptEncodings.get("/x-gzip"), "gzip");
    assert.equal(await response.text(), text);
  });

  it("gzip is decoded; headers stay as received", async () => {
    await using client = new Client();
    const response = await client.request({ url: `${server.url}/gzip` });
    assert.equal(response.headers.get("content-encoding"), "gzip");
    assert.equal(response.headers.get("content-length"), String(gzipped.length));
    assert.equal(await response.text(), text);
  });

  it("a body of two gzip members decodes to both (the size in the last trailer is only a hint)", async () => {
    await using client = new Client();
    assert.equal(await (await client.request({ url: `${server.url}/two-members` })).text(), text + text);
  });

  it("a gzip trailer with a false size fails with ERR_DECOMPRESS", async () => {
    await using client = new Client();
    const response = await client.request({ url: `${server.url}/lying-trailer` });
    await assert.rejects(response.bytes(), (error) => code(error) === "ERR_DECOMPRESS");
  });

  it("x-gzip is decoded as gzip", async () => {
    await using client = new Client();
    assert.equal(await (await client.request({ url: `${server.url}/x-gzip` })).text(), text);
  });

  it("deflate (zlib-wrapped) is decoded", async () => {
    await using client = new Client();
    assert.equal(await (await client.request({ url: `${server.url}/deflate` })).text(), text);
  });

  it("deflate sent as raw deflate (no zlib header) is detected and decoded", async () => {
    await using client = new Client();
    assert.equal(await (await client.request({ url: `${server.url}/deflate-raw` })).text(), text);
  });

  it("stacked codings are decoded in reverse order of application", async () => {
    await using client = new Client();
    assert.equal(await (await client.request({ url: `${server.url}/stacked` })).text(), text);
  });

  it("codings spread over two Content-Encoding field lines are stacked too", async () => {
    await using client = new Client();
    assert.equal(await (await client.request({ url: `${server.url}/stacked-fields` })).text(), text);
  });

  it(
    brSupported
      ? "br is decoded (this runtime decodes br)"
      : "br is passed through undecoded with its header (this runtime has no br decoder)",
    async () => {
      await using client = new Client();
      const response = await client.request({ url: `${server.url}/br` });
      assert.equal(response.headers.get("content-encoding"), "br");
      const body = await response.bytes();
      if (brSupported) assert.equal(new TextDecoder().decode(body), text);
      else assert.deepEqual(body, new Uint8Array(brotlied));
    },
  );

  it(
    zstdSupported
      ? "zstd is decoded (this runtime decodes zstd)"
      : "zstd is passed through undecoded with its header (this runtime has no zstd decoder)",
    async () => {
      await using client = new Client();
      const response = await client.request({ url: `${server.url}/zstd` });
      const body = await response.bytes();
      if (zstdSupported) assert.equal(new TextDecoder().decode(body), "zstd-encoded body");
      else assert.deepEqual(body, zstdFrame);
    },
  );

  it("an unknown coding leaves the body undecoded and the header in place", async () => {
    await using client = new Client();
    const response = await client.request({ url: `${server.url}/unknown` });
    assert.equal(response.headers.get("content-encoding"), "compress");
    assert.deepEqual(await response.bytes(), new Uint8Array(gzipped));
  });

  it("a known coding stacked with an unknown one leaves the whole body undecoded", async () => {
    await using client = new Client();
    const response = await client.request({ url: `${server.url}/unknown-stacked` });
    assert.deepEqual(await response.bytes(), new Uint8Array(gzipped));
  });

  it("identity is no coding at all", async () => {
    await using client = new Client();
    assert.equal(await (await client.request({ url: `${server.url}/identity` })).text(), text);
  });

  it("corrupt gzip fails with ERR_DECOMPRESS", async () => {
    await using client = new Client();
    const response = await client.request({ url: `${server.url}/corrupt` });
    await assert.rejects(response.text(), (error) => code(error) === "ERR_DECOMPRESS");
  });

  it("truncated gzip (a complete HTTP message) fails with ERR_DECOMPRESS, never a short body", async () => {
    await using client = new Client();
    const response = await client.request({ url: `${server.url}/truncated-gzip` });
    await assert.rejects(response.text(), (error) => code(error) === "ERR_DECOMPRESS");
  });

  it("truncated zlib deflate fails with ERR_DECOMPRESS (its Adler-32 is checked on every runtime)", async () => {
    await using client = new Client();
    const response = await client.request({ url: `${server.url}/truncated-deflate` });
    await assert.rejects(response.text(), (error) => code(error) === "ERR_DECOMPRESS");
  });

  it("an empty body with Content-Encoding is an empty body, also on 204 and HEAD", async () => {
    await using client = new Client();
    assert.equal(await (await client.request({ url: `${server.url}/empty` })).text(), "");
    const noContent = await client.request({ url: `${server.url}/no-content` });
    assert.equal(noContent.status, 204);
    assert.equal(await noContent.text(), "");
    assert.equal(await (await client.request({ url: `${server.url}/gzip`, method: "HEAD" })).text(), "");
  });

  it("the decoded body streams through a BYOB reader into the caller's buffer", async () => {
    await using client = new Client();
    const response = await client.request({ url: `${server.url}/gzip` });
    const reader = response.body.getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(1000);
    let total = "";
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read(new Uint8Array(buffer));
      if (done) break;
      total += decoder.decode(value, { stream: true });
      buffer = value.buffer as ArrayBuffer;
    }
    assert.equal(total, text);
  });

  it("decompress: false (client) sends no Accept-Encoding and returns the raw bytes", async () => {
    await using client = new Client({ decompress: false });
    const response = await client.request({ url: `${server.url}/deflate` });
    assert.equal(acceptEncodings.get("/deflate"), undefined);
    assert.deepEqual(await response.bytes(), new Uint8Array(zlibbed));
  });

  it("decompress: false on one request returns its raw bytes; decompress: true overrides a client's false", async () => {
    await using client = new Client();
    const raw = await client.request({ url: `${server.url}/x-gzip`, decompress: false });
    assert.equal(acceptEncodings.get("/x-gzip"), undefined);
    assert.deepEqual(await raw.bytes(), new Uint8Array(gzipped));
    await using plainClient = new Client({ decompress: false });
    const decoded = await plainClient.request({ url: `${server.url}/x-gzip`, decompress: true });
    assert.equal(await decoded.text(), text);
  });

  it("a decompression bomb stops at maxBodySize with ERR_BODY_TOO_LARGE and memory stays bounded", async () => {
    await using client = new Client({ maxBodySize: 1024 * 1024 });
    const baseline = process.memoryUsage().rss;
    const response = await client.request({ url: `${server.url}/bomb` });
    await assert.rejects(response.bytes(), (error) => code(error) === "ERR_BODY_TOO_LARGE");
    const grown = process.memoryUsage().rss - baseline;
    assert.ok(grown < 48 * 1024 * 1024, `rss grew by ${grown} bytes while decoding a ${BOMB_SIZE}-byte bomb`);
  });

  it("the bomb limit holds while streaming too: the body stream errors at maxBodySize", async () => {
    await using client = new Client({ maxBodySize: 1024 * 1024 });
    const baseline = process.memoryUsage().rss;
    const response = await client.request({ url: `${server.url}/bomb` });
    const reader = response.body.getReader();
    let received = 0;
    await assert.rejects(
      (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          received += value.length;
        }
      })(),
      (error) => code(error) === "ERR_BODY_TOO_LARGE",
    );
    assert.ok(received <= 1024 * 1024, `${received} bytes were handed out past the limit`);
    const grown = process.memoryUsage().rss - baseline;
    assert.ok(
      grown < 48 * 1024 * 1024,
      `rss grew by ${grown} bytes while streaming a ${BOMB_SIZE}-byte bomb`,
    );
  });
});
