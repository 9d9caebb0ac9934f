/**
 * The functions that take the most CPU time in one or more `.cpuprofile`
 * files (Chrome format: `node --cpu-prof`, `bun --cpu-prof`, or
 * `scripts/bench.ts --profile DIR`), as a markdown table: self time (the
 * function's own code) and total time (with what it calls).
 *
 * Usage: `deno run -A scripts/profile_top.ts [--top 15] FILE.cpuprofile...`
 * (several files are added up, e.g. the runs of one cell).
 * @module
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

interface Totals {
  self: number;
  total: number;
}

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { top: { type: "string", default: "15" } },
  allowPositionals: true,
});
if (positionals.length === 0) {
  console.error("usage: profile_top.ts [--top 15] FILE.cpuprofile...");
  process.exit(2);
}

/** A readable name for a profile node: function, file (repository-relative) and line. */
function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName === "" ? "(anonymous)" : functionName;
  if (url === "") return name;
  const file = url.replace(/^file:\/\//, "").replace(
    /^.*?\/(lib|npm\/esm\/lib|scripts|node_modules)\//,
    "$1/",
  );
  return `${name} ${file}:${lineNumber + 1}`;
}

const byName = new Map<string, Totals>();
let allMicros = 0;
for (const path of positionals) {
  const profile = JSON.parse(readFileSync(path, "utf8")) as Profile;
  const micros = profile.endTime - profile.startTime;
  const perSample = profile.samples.length === 0 ? 0 : micros / profile.samples.length;
  allMicros += micros;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stackNames = new Map<number, string[]>();
  const namesOf = (id: number): string[] => {
    let names = stackNames.get(id);
    if (names === undefined) {
      const up = parent.get(id);
      names = [
        ...new Set([frameName(nodes.get(id) as ProfileNode), ...(up === undefined ? [] : namesOf(up))]),
      ];
      stackNames.set(id, names);
    }
    return names;
  };
  for (const id of profile.samples) {
    const names = namesOf(id);
    names.forEach((name, depth) => {
      const totals = byName.get(name) ?? { self: 0, total: 0 };
      if (depth === 0) totals.self += perSample;
      totals.total += perSample;
      byName.set(name, totals);
    });
  }
}

const top = [...byName.entries()].sort((a, b) => b[1].self - a[1].self).slice(0, Number(values.top));
const percent = (micros: number) => `${(micros / allMicros * 100).toFixed(1)}%`;
console.log(`${positionals.length} profile(s), ${(allMicros / 1000).toFixed(0)} ms sampled\n`);
console.log("| # | self | total | function |");
console.log("| ---: | ---: | ---: | --- |");
top.forEach(([name, totals], index) => {
  console.log(`| ${index + 1} | ${percent(totals.self)} | ${percent(totals.total)} | \`${name}\` |`);
});
