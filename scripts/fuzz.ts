/**
 * Fuzz the response parser, the Set-Cookie parser and jar, and the
 * Cache-Control parser (engine and properties: `tests/fuzz/`).
 *
 * Usage: `deno task fuzz [--seed N] [--count N] [--seconds N] [--start N] [--target NAME]`
 * (defaults: seed from the clock, count unbounded, 60 seconds). The run
 * stops at whichever of count and seconds comes first, prints what it ran
 * and every finding with the command that replays it, and exits 1 when
 * anything was found.
 * @module
 */
import { loadCorpus } from "../tests/fuzz/corpus.ts";
import { runFuzz } from "../tests/fuzz/engine.ts";
import { Random } from "../tests/fuzz/random.ts";
import { checkCorpus, fuzzTargets } from "../tests/fuzz/targets.ts";

function option(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(Deno.args[at + 1]);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} needs a number`);
    Deno.exit(2);
  }
  return value;
}

const seed = option("seed", Date.now() % 0x1_0000_0000);
const count = option("count", Infinity);
const seconds = option("seconds", 60);
const start = option("start", 0);
const targetAt = Deno.args.indexOf("--target");
const only = targetAt === -1 ? undefined : Deno.args[targetAt + 1];

const corpus = loadCorpus();
try {
  checkCorpus(corpus, new Random(seed));
  console.log(`corpus: ${corpus.length} entries agree with the reference and across every split`);
} catch (error) {
  console.log(`FINDING in the corpus: ${error instanceof Error ? error.message : String(error)}`);
  Deno.exit(1);
}

const targets = fuzzTargets(corpus, { everyOffsetUpTo: 512, randomSplits: 64 });
const report = runFuzz({
  seed,
  count,
  seconds,
  start,
  targets,
  only,
  progress: (inputs, ms) => console.log(`  ${inputs} inputs in ${(ms / 1000).toFixed(0)} s`),
});
console.log(`seed ${seed}: ${report.inputs} inputs in ${(report.ms / 1000).toFixed(1)} s`);
for (const [name, inputs] of Object.entries(report.byTarget)) console.log(`  ${name}: ${inputs}`);
for (const finding of report.findings) {
  console.log(`\nFINDING ${finding.target} #${finding.index}: ${finding.message}`);
  if (finding.input !== undefined) console.log(`  input: ${finding.input}`);
  console.log(`  replay: deno task fuzz --seed ${seed} --start ${finding.index} --count 1`);
}
console.log(report.findings.length === 0 ? "no findings" : `${report.findings.length} findings`);
Deno.exit(report.findings.length === 0 ? 0 : 1);
