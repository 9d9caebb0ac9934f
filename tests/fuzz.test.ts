import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ChunkedBodyDecoder } from "../lib/http1/chunked_body.ts";
import { findHeadEnd } from "../lib/http1/response_head.ts";
import { defaultLimits } from "../lib/limits.ts";
import { loadCorpus } from "./fuzz/corpus.ts";
import { runFuzz } from "./fuzz/engine.ts";
import { Random } from "./fuzz/random.ts";
import { checkCorpus, fuzzTargets } from "./fuzz/targets.ts";

// A short, seeded run of `deno task fuzz` (scripts/fuzz.ts runs the long ones).
const corpus = loadCorpus();

describe("fuzz: response parser, Set-Cookie, Cache-Control", () => {
  it("the corpus holds valid and invalid responses", () => {
    assert.ok(corpus.filter((entry) => entry.valid).length >= 15);
    assert.ok(corpus.filter((entry) => !entry.valid).length >= 15);
  });

  it("every corpus entry reads the same split at every offset; valid ones as the reference reads them, invalid ones end in a typed error", () => {
    const outcomes = checkCorpus(corpus, new Random(1));
    assert.equal(outcomes.get("invalid-08-content-length-and-chunked.http")?.error, "ERR_PARSE");
    assert.equal(outcomes.get("invalid-17-length-truncated.http")?.error, "ERR_BODY_TRUNCATED");
    assert.equal(outcomes.get("valid-12-pipelined-three-with-204.http")?.responses.length, 3);
  });

  it("4,000 seeded inputs keep every property (typed errors only, bounded, split-invariant, reference agreement)", () => {
    const targets = fuzzTargets(corpus, { everyOffsetUpTo: 64, randomSplits: 8 });
    const report = runFuzz({ seed: 20240601, count: 4000, seconds: 60, targets });
    assert.deepEqual(report.findings, []);
    assert.equal(report.inputs, 4000);
  });

  it("the same seed gives the same inputs", () => {
    const inputs: string[][] = [[], []];
    for (const run of [0, 1]) {
      const recording = fuzzTargets(corpus, { everyOffsetUpTo: 0, randomSplits: 0 }).map((target) => ({
        name: target.name,
        run: (random: Random) => {
          inputs[run].push(String(random.next()));
          target.run(random);
        },
      }));
      runFuzz({ seed: 99, count: 60, seconds: 60, targets: recording });
    }
    assert.deepEqual(inputs[0], inputs[1]);
  });
});

describe("fuzz findings, kept as regressions", () => {
  const latin1 = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));

  // The LF search ran on past `end` into the stale rest of a connection's
  // reusable buffer, so a server sending one byte per packet made every read
  // scan the whole buffer: 64 KiB per byte with the default buffer, and here
  // (32 MiB of zeros behind the data) minutes instead of milliseconds.
  // Corpus: valid-22-long-header-line.http, invalid-25-long-chunk-extension.http.
  it("a head and a chunk-size line fed one byte per read never make the parser scan past the bytes it was given", () => {
    // Each byte lands in the buffer when it is "read", as from a socket.
    const buf = new Uint8Array(32 * 1024 * 1024);
    const head = latin1(`HTTP/1.1 200 OK\r\nX-Long: ${"v".repeat(8000)}\r\n\r\n`);
    let headEnd = -1;
    for (let end = 1; end <= head.length && headEnd === -1; end++) {
      buf[end - 1] = head[end - 1];
      headEnd = findHeadEnd(buf, 0, end, Math.max(0, end - 4), defaultLimits);
    }
    assert.equal(headEnd, head.length);

    buf.fill(0, 0, head.length);
    const chunk = latin1(`5;ext=${"e".repeat(8000)}\r\nhello`);
    const decoder = new ChunkedBodyDecoder(defaultLimits);
    let consumed = 0;
    for (let end = 1; end <= chunk.length && consumed === 0; end++) {
      buf[end - 1] = chunk[end - 1];
      consumed = decoder.step(buf, 0, end);
    }
    assert.equal(consumed, chunk.length - 5);
    assert.equal(decoder.remaining, 5);
  });
});
