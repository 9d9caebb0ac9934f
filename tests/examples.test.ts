import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { type ExampleSite, largeByte, PAGES, startExampleSite } from "./servers/example_site.ts";
import { repoRoot, runCommand, typeScriptRunner } from "./support/commands.ts";

/** Each example is a new process (deno or bun) that starts, type-strips and runs. */
const slow = { timeout: 30_000 };

describe("examples: each runs against a loopback site and exits 0", () => {
  let site: ExampleSite;
  before(async () => {
    site = await startExampleSite();
  });
  after(() => site.close());

  async function run(name: string): Promise<string> {
    const [command, args] = typeScriptRunner();
    const result = await runCommand(command, [...args, join(repoRoot, "examples", `${name}.ts`), site.url], {
      timeoutMs: 25_000,
    });
    assert.equal(result.code, 0, `${name}: ${result.stdout}${result.stderr}`);
    return result.stdout;
  }

  it(
    "crawl.ts visits every page once, never a path robots.txt disallows, and skips non-HTML",
    slow,
    async () => {
      const output = await run("crawl");
      // "/", /page/0 (linked from "/") and /page/1 to /page/PAGES.
      assert.match(output, new RegExp(`crawled ${PAGES + 2} pages, skipped \\d+, failed 0`));
      assert.match(output, /robots\.txt disallows: \/private\//);
      assert.equal(site.privateHits, 0);
      assert.equal(site.pageHits, PAGES + 2);
    },
  );

  it("client_ips.ts spreads connections over two local addresses and pins one request", slow, async () => {
    const output = await run("client_ips");
    assert.match(output, /127\.0\.0\.2: \d+ requests/);
    assert.match(output, /127\.0\.0\.3: \d+ requests/);
    assert.match(output, /pinned to 127\.0\.0\.2: the server saw 127\.0\.0\.2/);
    assert.ok(site.remoteAddresses.has("127.0.0.2") && site.remoteAddresses.has("127.0.0.3"));
  });

  it("cookies_persist.ts resumes a session from the saved jar in a new client", slow, async () => {
    const output = await run("cookies_persist");
    assert.match(output, /login: 200 logged in/);
    assert.match(output, /account with the saved jar: 200 welcome back/);
    assert.match(output, /account without cookies: 401/);
  });

  it("cache_to_disk.ts answers the second run from the directory", slow, async () => {
    const before = site.cachedHits;
    const output = await run("cache_to_disk");
    assert.match(output, /run 1: 200, from cache: miss/);
    assert.match(output, /run 2: 200, from cache: hit/);
    assert.equal(site.cachedHits, before + 1);
  });

  it("byob_large_body.ts reads 8 MiB into one buffer, every byte right", slow, async () => {
    const output = await run("byob_large_body");
    const size = 8 * 1024 * 1024;
    let checksum = 0;
    for (let i = 0; i < size; i++) checksum = (checksum + largeByte(i)) % 65_521;
    assert.match(
      output,
      new RegExp(`read ${size} bytes into one buffer of ${size} in \\d+ reads; checksum ${checksum}\\b`),
    );
  });

  it("fetch.ts: GET, POST with a Request, client.fetch, abort and a refused connection", slow, async () => {
    const output = await run("fetch");
    assert.match(output, /GET \/json: 200 application\/json/);
    assert.match(output, /POST \/echo: 200/);
    assert.match(output, /4 fetches over \d connection\(s\)/);
    assert.match(output, /aborted while reading the body: TimeoutError/);
    assert.match(output, /refused: TypeError, cause ERR_CONNECT/);
  });
});
