import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { type HttpTestServer, startHttpServer } from "./servers/http.ts";
import { type CommandResult, repoRoot, runCommand, runtime, toolPath } from "./support/commands.ts";

/**
 * How this runtime runs the CLI: Deno and Bun run the TypeScript entry; Node
 * runs the npm build's bin (`deno task build:npm`), or Deno from
 * node_modules when there is no build.
 */
function cliCommand(): { command: string; args: string[] } {
  const entry = join(repoRoot, "scripts", "cli.ts");
  if (runtime === "deno") return { command: process.execPath, args: ["run", "-A", entry] };
  if (runtime === "bun") return { command: process.execPath, args: ["run", entry] };
  const bin = join(repoRoot, "npm", "esm", "scripts", "cli.js");
  if (existsSync(bin)) return { command: process.execPath, args: [bin] };
  return { command: toolPath("deno"), args: ["run", "-A", entry] };
}

/** Run the CLI as a subprocess; resolves when it exits. */
function cli(...args: string[]): Promise<CommandResult> {
  const { command, args: prefix } = cliCommand();
  return runCommand(command, [...prefix, ...args]);
}

describe("cli", () => {
  let server: HttpTestServer;
  let temp: string;
  let cachedHits = 0;
  before(async () => {
    temp = mkdtempSync(join(tmpdir(), "cli-test-"));
    server = await startHttpServer((request, response, body) => {
      const url = request.url ?? "/";
      if (url === "/echo") {
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ method: request.method, header: request.headers["x-test"], body: body.toString() }));
      } else if (url === "/login") {
        response.setHeader("set-cookie", "session=s3cret; Path=/; Max-Age=3600");
        response.end("welcome");
      } else if (url === "/private") {
        const ok = /(^|; )session=s3cret(;|$)/.test(request.headers.cookie ?? "");
        response.writeHead(ok ? 200 : 403).end(ok ? "secret page" : "log in first");
      } else if (url === "/cached") {
        cachedHits++;
        response.setHeader("cache-control", "max-age=600");
        response.end("cached body");
      } else if (url === "/moved") {
        response.writeHead(302, { location: "/page/1" }).end();
      } else if (url === "/missing") {
        response.writeHead(404).end("no such page");
      } else {
        response.end(`page ${url}`);
      }
    });
  });
  after(async () => {
    await server.close();
    rmSync(temp, { recursive: true, force: true });
  });

  it("one URL: the body goes to stdout, exit 0; -X, -H and -d are sent", async () => {
    const plain = await cli("get", `${server.url}/hello`);
    assert.equal(plain.stdout, "page /hello");
    assert.equal(plain.stderr, "");
    assert.equal(plain.code, 0);
    const posted = await cli("get", `${server.url}/echo`, "-X", "put", "-H", "X-Test: yes", "-d", "a=1");
    assert.deepEqual(JSON.parse(posted.stdout), { method: "PUT", header: "yes", body: "a=1" });
    assert.equal(posted.code, 0);
  });

  it("several URLs with -o DIR: one file each, named from the URL and kept inside DIR; summary on stderr", async () => {
    const out = join(temp, "pages");
    const run = await cli(
      "get",
      `${server.url}/page/1`,
      `${server.url}/page/2?x=1`,
      `${server.url}/`,
      `${server.url}/a/..%2F..%2Fescape`,
      "-o",
      out,
    );
    assert.equal(run.code, 0, run.stderr);
    const port = server.port;
    const files = readdirSync(out).sort();
    assert.deepEqual(files, [
      `127.0.0.1_${port}_a_.._2F.._2Fescape`,
      `127.0.0.1_${port}_index.html`,
      `127.0.0.1_${port}_page_1`,
      `127.0.0.1_${port}_page_2_x=1`,
    ]);
    assert.equal(readFileSync(join(out, `127.0.0.1_${port}_page_1`), "utf8"), "page /page/1");
    assert.equal(readFileSync(join(out, `127.0.0.1_${port}_page_2_x=1`), "utf8"), "page /page/2?x=1");
    assert.ok(!existsSync(join(temp, "escape")));
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^summary$/m);
    assert.match(run.stderr, /requests +4 \(4 ok, 0 failed\)/);
    assert.match(run.stderr, /statuses +200: 4/);
  });

  it("failures: exit 1, each on stderr with its error code; --json summary on stdout", async () => {
    const dead = await startHttpServer(() => {});
    await dead.close();
    const input = join(temp, "urls.txt");
    writeFileSync(input, `# a list\n${server.url}/page/1\n\n${server.url}/missing\nhttp://127.0.0.1:${dead.port}/\n`);
    const run = await cli("get", "-i", input, `${server.url}/moved`, "--retries", "0", "--json");
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`^error ERR_CONNECT http://127\\.0\\.0\\.1:${dead.port}/: `, "m"));
    assert.match(run.stderr, new RegExp(`^error HTTP_404 ${server.url}/missing `, "m"));
    const report = JSON.parse(run.stdout);
    assert.equal(report.requests, 4);
    assert.equal(report.ok, 2);
    assert.equal(report.failed, 2);
    assert.deepEqual(report.statuses, { "200": 2, "404": 1 });
    assert.deepEqual(report.errors, { ERR_CONNECT: 1 });
    assert.equal(report.bytes, "page /page/1".length * 2 + "no such page".length);
    assert.equal(typeof report.seconds, "number");
    assert.ok(report.connectionsOpened >= 2);
    assert.equal(report.requestsSent >= 5, true, "the redirect hop counts");
    assert.equal(typeof report.pipelinedShare, "number");
    assert.equal(report.cacheHits, 0);
    const byUrl = new Map(report.results.map((result: { url: string }) => [result.url, result]));
    assert.equal((byUrl.get(`${server.url}/moved`) as { status: number }).status, 200);
    assert.equal((byUrl.get(`http://127.0.0.1:${dead.port}/`) as { error: { code: string } }).error.code, "ERR_CONNECT");
  });

  it("usage errors exit 2 with ERR_USAGE on stderr; --help exits 0", async () => {
    const runs = await Promise.all([
      cli(),
      cli("get"),
      cli("get", `${server.url}/`, "--bogus"),
      cli("get", "not a url"),
      cli("get", `${server.url}/`, "--max-conn", "0"),
      cli("get", "-i", join(temp, "no-such-file.txt")),
      cli("get", `${server.url}/`, "--debug", "protocol,nope"),
    ]);
    for (const run of runs) {
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /^error ERR_USAGE /);
      assert.equal(run.stdout, "");
    }
    const help = await cli("--help");
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: /);
    assert.match(help.stdout, /--cookie-jar FILE/);
  });

  it("--cookie-jar FILE: the jar is saved in Netscape format and loaded by the next run", async () => {
    const jar = join(temp, "cookies.txt");
    const denied = await cli("get", `${server.url}/private`, "--cookie-jar", jar);
    assert.equal(denied.code, 1);
    assert.equal(denied.stdout, "log in first");
    const login = await cli("get", `${server.url}/login`, "--cookie-jar", jar);
    assert.equal(login.code, 0, login.stderr);
    const saved = readFileSync(jar, "utf8");
    assert.match(saved, /^# Netscape HTTP Cookie File/);
    assert.match(saved, /\tsession\ts3cret$/m);
    const allowed = await cli("get", `${server.url}/private`, "--cookie-jar", jar);
    assert.equal(allowed.stdout, "secret page");
    assert.equal(allowed.code, 0);
  });

  it("--cache DIR: a second run is answered by the cache", async () => {
    const cache = join(temp, "cache");
    const first = await cli("get", `${server.url}/cached`, "--cache", cache, "--json");
    assert.equal(JSON.parse(first.stdout).cacheHits, 0);
    const second = await cli("get", `${server.url}/cached`, "--cache", cache, "--json");
    const report = JSON.parse(second.stdout);
    assert.equal(report.cacheHits, 1);
    assert.equal(report.results[0].cache, "hit");
    assert.equal(report.connectionsOpened, 0);
    assert.equal(cachedHits, 1);
  });

  it("-v prints the protocol level, --max-redirects 0 makes a redirect a failure", async () => {
    const verbose = await cli("get", `${server.url}/page/9`, "-v");
    assert.equal(verbose.code, 0);
    assert.equal(verbose.stdout, "page /page/9");
    assert.match(verbose.stderr, / protocol +T\d+ +C\d+ +R\d+ +=> +GET \/page\/9 HTTP\/1\.1$/m);
    assert.match(verbose.stderr, / protocol .* <= +HTTP\/1\.1 200 OK$/m);
    const veryVerbose = await cli("get", `${server.url}/page/9`, "-vv");
    assert.match(veryVerbose.stderr, / stream /);
    assert.match(veryVerbose.stderr, / pool /);
    const redirect = await cli("get", `${server.url}/moved`, "--max-redirects", "0");
    assert.equal(redirect.code, 1);
    assert.match(redirect.stderr, /^error ERR_TOO_MANY_REDIRECTS /m);
  });
});
