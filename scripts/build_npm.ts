/**
 * Builds the npm package with `tsc` from the typescript npm package: ESM
 * JavaScript and `.d.ts` files, the CLI as a `bin` (when `scripts/cli.ts`
 * exists), a `package.json` with `exports`, `engines` and `files`, the README
 * and the license.
 *
 * No CommonJS build: Node >= 20.19 can `require()` this ESM package, and a
 * second copy of every class would break `instanceof HttpClientError` for
 * code that mixes `import` and `require` (the dual-package hazard).
 *
 * Usage: `deno task build:npm` (into `npm/`), or
 * `deno run -A scripts/build_npm.ts --out DIR` (tests build into a temporary
 * directory so that they never replace an `npm/` another run is reading).
 * @module
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { compilerOptions } from "./build_npm_options.ts";

const root = new URL("..", import.meta.url).pathname;
const outFlag = Deno.args.indexOf("--out");
const out = outFlag === -1 ? join(root, "npm") : resolve(Deno.args[outFlag + 1]);
const denoJson = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
const tsc = join(root, "node_modules", ".bin", "tsc");
if (!existsSync(tsc)) {
  console.error("typescript is missing: run `npm install` first");
  Deno.exit(1);
}

/** The CLI entry; compiled to `esm/scripts/cli.js` and published as the package's `bin`. */
const cliSource = join(root, "scripts", "cli.ts");
const hasCli = existsSync(cliSource);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const tsconfig = {
  compilerOptions: {
    ...compilerOptions,
    outDir: join(out, "esm"),
    rootDir: root,
    declaration: true,
    typeRoots: [join(root, "node_modules", "@types")],
  },
  files: [join(root, "mod.ts"), ...(hasCli ? [cliSource] : [])],
};
const configDir = mkdtempSync(join(tmpdir(), "build-npm-"));
const tsconfigPath = join(configDir, "tsconfig.json");
writeFileSync(tsconfigPath, JSON.stringify(tsconfig, null, 2));
const result = spawnSync(tsc, ["-p", tsconfigPath], { stdio: "inherit" });
rmSync(configDir, { recursive: true, force: true });
if (result.status !== 0) Deno.exit(result.status ?? 1);

const npmName: string = denoJson.name.replace(/^@/, "").replace("/", "-");
let bin: Record<string, string> | undefined;
if (hasCli) {
  // Node runs the bin directly: it needs a node shebang (tsc keeps the source's, which may name deno).
  const cliJs = join(out, "esm", "scripts", "cli.js");
  const code = readFileSync(cliJs, "utf8").replace(/^#!.*\n/, "");
  writeFileSync(cliJs, "#!/usr/bin/env node\n" + code);
  chmodSync(cliJs, 0o755);
  rmSync(join(out, "esm", "scripts", "cli.d.ts"), { force: true });
  bin = { [npmName]: "./esm/scripts/cli.js" };
}

const packageJson = {
  name: npmName,
  version: denoJson.version,
  description:
    "HTTP/1.1 client for web scraping: pipelining, connection limits per host, client IPs, cookies, cache, retries, redirects, debug traces, a drop-in fetch. Zero dependencies; Deno, Bun and Node.",
  license: denoJson.license,
  type: "module",
  engines: { node: ">=20" },
  main: "./esm/mod.js",
  types: "./esm/mod.d.ts",
  exports: {
    ".": { types: "./esm/mod.d.ts", import: "./esm/mod.js", default: "./esm/mod.js" },
    "./package.json": "./package.json",
  },
  ...(bin === undefined ? {} : { bin }),
  files: ["esm/", "README.md", "LICENSE"],
  keywords: [
    "http",
    "http1.1",
    "client",
    "fetch",
    "pipelining",
    "scraping",
    "crawler",
    "cookies",
    "cache",
    "deno",
    "bun",
  ],
  sideEffects: false,
};
writeFileSync(join(out, "package.json"), JSON.stringify(packageJson, null, 2) + "\n");
for (const file of ["README.md", "LICENSE"]) {
  if (existsSync(join(root, file))) copyFileSync(join(root, file), join(out, file));
}
console.log(`built ${npmName}@${denoJson.version} into ${out}${hasCli ? " (with the CLI as bin)" : ""}`);
