/**
 * Compiles the benchmark scripts to JavaScript for Node 20 (which cannot run
 * TypeScript) into `build/bench/`, and points their imports of the library at
 * the npm build in `npm/esm/`, so Node measures the package users install.
 *
 * Usage: `deno run -A scripts/build_bench.ts` (after `deno task build:npm`).
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { compilerOptions } from "./build_npm_options.ts";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "build", "bench");
const tsc = join(root, "node_modules", ".bin", "tsc");
const npmEsm = join(root, "npm", "esm");
if (!existsSync(join(npmEsm, "mod.js"))) {
  console.error("npm/esm/mod.js is missing: run `deno task build:npm` first");
  Deno.exit(1);
}

rmSync(out, { recursive: true, force: true });
const tsconfig = {
  compilerOptions: { ...compilerOptions, outDir: out, rootDir: root, noEmitOnError: true },
  files: ["bench.ts", "soak.ts", "bench/server.ts"].map((name) => join(root, "scripts", name)),
};
const tsconfigPath = join(root, "build", "tsconfig.bench.json");
mkdirSync(join(root, "build"), { recursive: true });
writeFileSync(tsconfigPath, JSON.stringify(tsconfig, null, 2));
const result = spawnSync(tsc, ["-p", tsconfigPath], { stdio: "inherit" });
if (result.status !== 0) Deno.exit(result.status ?? 1);

// The library compiled along with the scripts is dropped: they must use npm/esm.
const builtLibrary = [join(out, "lib"), join(out, "mod.js")];

function* jsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* jsFiles(path);
    else if (name.endsWith(".js")) yield path;
  }
}

for (const file of jsFiles(join(out, "scripts"))) {
  const source = readFileSync(file, "utf8");
  const rewritten = source.replace(
    /(from\s*|import\s*\(\s*)(["'])(\.{1,2}\/[^"']+)\2/g,
    (whole, prefix, quote, spec) => {
      const target = join(dirname(file), spec);
      if (!builtLibrary.some((path) => target === path || target.startsWith(path + "/"))) return whole;
      let newSpec = relative(dirname(file), join(npmEsm, relative(out, target)));
      if (!newSpec.startsWith(".")) newSpec = "./" + newSpec;
      return `${prefix}${quote}${newSpec}${quote}`;
    },
  );
  if (rewritten !== source) writeFileSync(file, rewritten);
}
for (const path of builtLibrary) rmSync(path, { recursive: true, force: true });
console.log("built the benchmark into build/bench/ (library imports point at npm/esm/)");
