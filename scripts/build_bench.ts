/**
 * Compiles the benchmark scripts, and the library they import, to JavaScript
 * for Node 20 (which cannot run TypeScript) into `build/bench/`, with the
 * compiler options of the npm build (`build_npm_options.ts`): Node runs the
 * same JavaScript the npm package ships. The library is compiled here rather
 * than imported from `npm/esm/`, because test runs rebuild `npm/` and would
 * pull it away from under a benchmark running at the same time.
 *
 * Usage: `deno run -A scripts/build_bench.ts`; then `node build/bench/scripts/bench.js`.
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compilerOptions } from "./build_npm_options.ts";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "build", "bench");
const tsc = join(root, "node_modules", ".bin", "tsc");

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
console.log("built the benchmark and the library into build/bench/");
