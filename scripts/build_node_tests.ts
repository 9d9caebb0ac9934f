/**
 * Compiles `tests/` to JavaScript for Node 20 (which cannot run TypeScript)
 * and points every import of the library at the npm build in `npm/esm/`, so
 * the Node run tests the package users install.
 *
 * Usage: `deno run -A scripts/build_node_tests.ts` (after `scripts/build_npm.ts`).
 * @module
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { compilerOptions } from "./build_npm_options.ts";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "build", "node-tests");
const tsc = join(root, "node_modules", ".bin", "tsc");

rmSync(out, { recursive: true, force: true });
const tsconfig = {
  compilerOptions: { ...compilerOptions, outDir: out, rootDir: root, noEmitOnError: true },
  include: [join(root, "tests", "**", "*.ts")],
};
const tsconfigPath = join(root, "build", "tsconfig.node-tests.json");
mkdirSync(join(root, "build"), { recursive: true });
writeFileSync(tsconfigPath, JSON.stringify(tsconfig, null, 2));
const result = spawnSync(tsc, ["-p", tsconfigPath], { stdio: "inherit" });
if (result.status !== 0) Deno.exit(result.status ?? 1);

// The library compiled along with the tests is dropped: tests must use npm/esm.
const builtLibrary = [join(out, "lib"), join(out, "mod.js")];
const npmEsm = join(root, "npm", "esm");

function* jsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* jsFiles(path);
    else if (name.endsWith(".js")) yield path;
  }
}

for (const file of jsFiles(join(out, "tests"))) {
  const source = readFileSync(file, "utf8");
  const rewritten = source.replace(/(from\s*|import\s*\(\s*)(["'])(\.{1,2}\/[^"']+)\2/g, (whole, prefix, quote, spec) => {
    const target = join(dirname(file), spec);
    const inLibrary = builtLibrary.some((path) => target === path || target.startsWith(path + "/"));
    if (!inLibrary) return whole;
    let newSpec = relative(dirname(file), join(npmEsm, relative(out, target)));
    if (!newSpec.startsWith(".")) newSpec = "./" + newSpec;
    return `${prefix}${quote}${newSpec}${quote}`;
  });
  if (rewritten !== source) writeFileSync(file, rewritten);
}
for (const path of builtLibrary) rmSync(path, { recursive: true, force: true });
// Data files the tests read next to their own module.
for (const data of [["fixtures"], ["fuzz", "corpus"]]) {
  if (existsSync(join(root, "tests", ...data))) {
    cpSync(join(root, "tests", ...data), join(out, "tests", ...data), { recursive: true });
  }
}
console.log("built Node tests into build/node-tests/ (library imports point at npm/esm/)");
