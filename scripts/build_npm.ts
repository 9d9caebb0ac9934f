/**
 * Builds the npm package into `npm/` with `tsc` from the typescript npm package:
 * ESM JavaScript and `.d.ts` files, a `package.json` with `exports`, the README
 * and the license.
 *
 * Usage: `deno task build:npm`
 * @module
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compilerOptions } from "./build_npm_options.ts";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "npm");
const denoJson = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
const tsc = join(root, "node_modules", ".bin", "tsc");
if (!existsSync(tsc)) {
  console.error("typescript is missing: run `npm install` first");
  Deno.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const tsconfig = {
  compilerOptions: { ...compilerOptions, outDir: join(out, "esm"), rootDir: root, declaration: true },
  files: [join(root, "mod.ts")],
};
const tsconfigPath = join(root, "build", "tsconfig.npm.json");
mkdirSync(join(root, "build"), { recursive: true });
writeFileSync(tsconfigPath, JSON.stringify(tsconfig, null, 2));
const result = spawnSync(tsc, ["-p", tsconfigPath], { stdio: "inherit" });
if (result.status !== 0) Deno.exit(result.status ?? 1);

const npmName = denoJson.name.replace(/^@/, "").replace("/", "-");
const packageJson = {
  name: npmName,
  version: denoJson.version,
  description:
    "HTTP/1.1 client for web scraping: pipelining, connection limits per host, client IPs, cookies, cache, retries, redirects, debug traces. Zero dependencies; Deno, Bun and Node.",
  license: denoJson.license,
  type: "module",
  engines: { node: ">=20" },
  main: "./esm/mod.js",
  types: "./esm/mod.d.ts",
  exports: { ".": { types: "./esm/mod.d.ts", import: "./esm/mod.js" } },
  files: ["esm/", "README.md", "LICENSE"],
  keywords: ["http", "http1.1", "client", "pipelining", "scraping", "crawler", "cookies", "cache", "deno", "bun"],
  sideEffects: false,
};
writeFileSync(join(out, "package.json"), JSON.stringify(packageJson, null, 2) + "\n");
for (const file of ["README.md", "LICENSE"]) {
  if (existsSync(join(root, file))) copyFileSync(join(root, file), join(out, file));
}
console.log(`built ${npmName}@${denoJson.version} into npm/`);
