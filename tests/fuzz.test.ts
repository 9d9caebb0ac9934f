import { describe, it } from "node:test";
import assert from "node:assert/strict";
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
