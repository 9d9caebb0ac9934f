import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, runCommand, runtime, toolPath } from "./support/commands.ts";

/** Building, packing and installing take a few seconds; each step gets this long. */
const slow = { timeout: 60_000 };

const work = mkdtempSync(join(tmpdir(), "npm-package-"));
const project = join(work, "project");

interface Installed {
  /** Paths in the tarball. */
  files: string[];
  /** The installed package.json. */
  packageJson: { bin?: Record<string, string>; exports?: unknown; engines?: { node?: string } };
}

let installing: Promise<Installed> | undefined;

/**
 * Pack the package and install the tarball into a new project. The Node run
 * uses npm/, which the test runner has just built from this tree; Deno and
 * Bun build into a temporary directory (never replacing an npm/ that
 * another run may be reading).
 */
function install(): Promise<Installed> {
  installing ??= (async () => {
    let packageDir = join(repoRoot, "npm");
    if (runtime !== "node" || !existsSync(join(packageDir, "package.json"))) {
      packageDir = join(work, "package");
      const build = await runCommand(toolPath("deno"), [
        "run",
        "-A",
        "scripts/build_npm.ts",
        "--out",
        packageDir,
      ], {
        timeoutMs: 50_000,
      });
      assert.equal(build.code, 0, build.stdout + build.stderr);
    }
    const pack = await runCommand("npm", ["pack", "--json", "--pack-destination", work], { cwd: packageDir });
    assert.equal(pack.code, 0, pack.stderr);
    const packed = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    mkdirSync(project);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "consumer", private: true, type: "module" }),
    );
    const tarball = join(work, packed[0].filename);
    const installed = await runCommand("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], {
      cwd: project,
    });
    assert.equal(installed.code, 0, installed.stderr);
    const packageJson = JSON.parse(
      readFileSync(join(project, "node_modules", "webscrape-http-client", "package.json"), "utf8"),
    );
    return { files: packed[0].files.map((file) => file.path), packageJson };
  })();
  return installing;
}

const consumerScript = `
import { createServer } from "node:http";
import { Client, closeDefaultClient, defaultLimits, fetch, HttpClientError } from "webscrape-http-client";

const server = createServer((request, response) => {
  response.setHeader("content-type", "application/json");
  response.end(JSON.stringify({ path: request.url }));
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = "http://127.0.0.1:" + server.address().port;
const client = new Client({ maxConnPerTarget: 2 });
const response = await client.request({ url: base + "/request" });
const viaRequest = await response.json();
const viaFetch = await (await fetch(base + "/fetch")).json();
const closed = createServer();
await new Promise((resolve) => closed.listen(0, "127.0.0.1", resolve));
const closedUrl = "http://127.0.0.1:" + closed.address().port + "/";
await new Promise((resolve) => closed.close(resolve));
let code = null;
try {
  await client.request({ url: closedUrl, maxRetries: 0 });
} catch (error) {
  code = error instanceof HttpClientError ? error.code : String(error);
}
await client.closeAll();
await closeDefaultClient();
server.close();
console.log(JSON.stringify({ status: response.status, viaRequest, viaFetch, code, maxConn: defaultLimits.maxConn }));
`;

const consumerTypes = `
import { Client, type ClientOptions, fetch, HttpClientError, type HttpResponse } from "webscrape-http-client";

const options: ClientOptions = { maxConnPerTarget: 2, cookies: false, debug: "pool" };

export async function page(url: string): Promise<string> {
  const client = new Client(options);
  try {
    const response: HttpResponse = await client.request({ url, headers: { accept: "text/html" } });
    return await response.text();
  } finally {
    await client.closeAll();
  }
}

export async function data(url: string): Promise<unknown> {
  const response: Response = await fetch(url, { redirect: "manual" });
  return response.json();
}

export function errorCode(error: unknown): string | null {
  return error instanceof HttpClientError ? error.code : null;
}
`;

/** Strict TypeScript as a Node project would configure it; the package's .d.ts are checked too (no skipLibCheck). */
function tsconfig(file: string): string {
  return JSON.stringify({
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2023", "DOM", "DOM.Iterable"],
      types: ["node"],
      typeRoots: [join(repoRoot, "node_modules", "@types")],
    },
    files: [file],
  });
}

async function typeCheck(name: string, source: string): Promise<{ code: number | null; output: string }> {
  writeFileSync(join(project, `${name}.ts`), source);
  writeFileSync(join(project, `tsconfig.${name}.json`), tsconfig(`${name}.ts`));
  const result = await runCommand(toolPath("tsc"), ["-p", `tsconfig.${name}.json`], { cwd: project });
  return { code: result.code, output: result.stdout + result.stderr };
}

describe("npm package: packed, installed into a new project and used from Node", () => {
  after(() => rmSync(work, { recursive: true, force: true }));

  it(
    "the tarball holds the ESM build, its types, the CLI, README and LICENSE, and nothing else",
    slow,
    async () => {
      const { files, packageJson } = await install();
      for (const needed of ["esm/mod.js", "esm/mod.d.ts", "package.json", "README.md", "LICENSE"]) {
        assert.ok(files.includes(needed), needed);
      }
      const unwanted = files.filter((path) =>
        !(path.startsWith("esm/") || ["package.json", "README.md", "LICENSE"].includes(path)) ||
        /(^|\/)tests?\/|\.test\.|\.map$|tsconfig/.test(path)
      );
      assert.deepEqual(unwanted, []);
      assert.equal(packageJson.engines?.node, ">=20");
      assert.deepEqual(Object.keys(packageJson.exports as object), [".", "./package.json"]);
      for (const path of Object.values(packageJson.bin ?? {})) {
        assert.ok(
          files.includes(path.replace(/^\.\//, "")),
          path,
        );
      }
    },
  );

  it(
    "an ESM import runs on Node: a request and a fetch to a loopback server, and a typed error",
    slow,
    async () => {
      await install();
      writeFileSync(join(project, "consumer.mjs"), consumerScript);
      const result = await runCommand("node", ["consumer.mjs"], { cwd: project });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), {
        status: 200,
        viaRequest: { path: "/request" },
        viaFetch: { path: "/fetch" },
        code: "ERR_CONNECT",
        maxConn: 50,
      });
    },
  );

  it(
    "a TypeScript consumer type-checks against the package's declarations (NodeNext resolution)",
    slow,
    async () => {
      await install();
      const good = await typeCheck("consumer", consumerTypes);
      assert.equal(good.code, 0, good.output);
      const bad = await typeCheck(
        "misspelled",
        `import { Client } from "webscrape-http-client";\nnew Client({ maxConnPerTargett: 2 });\n`,
      );
      assert.notEqual(bad.code, 0);
      assert.match(bad.output, /maxConnPerTargett/);
    },
  );

  it("the CLI is installed as the package's bin and runs on Node", slow, async () => {
    const { packageJson } = await install();
    const names = Object.keys(packageJson.bin ?? {});
    assert.deepEqual(names, ["webscrape-http-client"]);
    const result = await runCommand(join(project, "node_modules", ".bin", names[0]), ["--help"], {
      cwd: project,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Usage/);
  });
});
