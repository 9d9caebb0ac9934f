import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseArgs, parseUrlList } from "../lib/cli/args.ts";
import { FileNames, fileNameForUrl } from "../lib/cli/file_name.ts";
import { Progress, progressLine, resultLine } from "../lib/cli/progress.ts";
import { formatBytes, formatSummary, Summary, summaryReport } from "../lib/cli/summary.ts";
import type { PoolStats } from "../mod.ts";

const stats: PoolStats = {
  connections: 2,
  connectionsOpened: 3,
  queued: 0,
  requests: 10,
  pipelined: 4,
  replayed: 1,
  targets: { "http://127.0.0.1:8080": 2 },
};

describe("cli arguments", () => {
  it("parses every option, in both --name value and --name=value forms", () => {
    const parsed = parseArgs([
      "get",
      "http://a.test/1",
      "-o",
      "out",
      "-H",
      "Accept: text/html",
      "--header=X-Two:  2 ",
      "-X",
      "post",
      "-d",
      "k=v",
      "--max-conn=8",
      "--max-conn-per-target",
      "2",
      "--pipeline",
      "0",
      "--client-ip",
      "127.0.0.2",
      "--client-ip=127.0.0.3",
      "--cookie-jar",
      "jar.txt",
      "--cache",
      "cache",
      "--retries",
      "5",
      "--max-redirects",
      "3",
      "--insecure",
      "--cacert",
      "ca.pem",
      "--json",
      "-i",
      "urls.txt",
      "http://a.test/2",
    ]);
    assert.equal(parsed.kind, "get");
    if (parsed.kind !== "get") return;
    assert.deepEqual(parsed.options, {
      urls: ["http://a.test/1", "http://a.test/2"],
      outputDir: "out",
      headers: [["Accept", "text/html"], ["X-Two", "2"]],
      method: "POST",
      data: "k=v",
      maxConn: 8,
      maxConnPerTarget: 2,
      maxPipelinedRequests: 0,
      clientIps: ["127.0.0.2", "127.0.0.3"],
      cookieJar: "jar.txt",
      cacheDir: "cache",
      maxRetries: 5,
      maxRedirects: 3,
      insecure: true,
      cacert: "ca.pem",
      json: true,
      inputFile: "urls.txt",
    });
  });

  it("-v is protocol, -vv (or -v -v) adds stream and pool, --debug adds its levels", () => {
    const debug = (...args: string[]) => {
      const parsed = parseArgs(["get", "http://a.test/", ...args]);
      return parsed.kind === "get" ? parsed.options.debug : parsed.kind;
    };
    assert.equal(debug("-v"), "protocol");
    assert.equal(debug("-vv"), "protocol,stream,pool");
    assert.equal(debug("-v", "-v"), "protocol,stream,pool");
    assert.equal(debug("-v", "--debug", "cookies,retry"), "protocol,cookies,retry");
    assert.equal(debug("--debug", "all"), "all");
    assert.equal(debug(), undefined);
  });

  it("usage errors say what is wrong", () => {
    const message = (...args: string[]) => {
      const parsed = parseArgs(args);
      return parsed.kind === "usage" ? parsed.message : parsed.kind;
    };
    assert.equal(message(), "missing command (get)");
    assert.match(message("fetch", "http://a.test/"), /unknown command "fetch"/);
    assert.match(message("get"), /no URL given/);
    assert.match(message("get", "http://a.test/", "--nope"), /unknown option --nope/);
    assert.match(message("get", "http://a.test/", "-o"), /-o needs a value/);
    assert.match(message("get", "file:///etc/passwd"), /unsupported URL scheme file:/);
    assert.match(message("get", "a.test/page"), /invalid URL "a\.test\/page"/);
    assert.match(message("get", "http://a.test/", "--max-conn", "0"), /--max-conn needs a whole number of at least 1/);
    assert.match(message("get", "http://a.test/", "--pipeline", "-1"), /--pipeline needs a whole number/);
    assert.match(message("get", "http://a.test/", "-H", "no colon"), /-H needs "Name: value"/);
    assert.match(message("get", "http://a.test/", "-X", "GE T"), /invalid method/);
    assert.match(message("get", "http://a.test/", "--debug", "loud"), /unknown debug level "loud"/);
    assert.equal(message("get", "--help"), "help");
  });

  it("after -- every argument is a URL", () => {
    const parsed = parseArgs(["get", "--", "http://a.test/-o"]);
    assert.equal(parsed.kind === "get" && parsed.options.urls[0], "http://a.test/-o");
  });

  it("a URL list skips blank lines and comments and names a bad line", () => {
    assert.deepEqual(parseUrlList("# list\r\nhttp://a.test/1\n\n  http://a.test/2  \n"), {
      urls: ["http://a.test/1", "http://a.test/2"],
    });
    assert.deepEqual(parseUrlList("http://a.test/\nnot a url\n", "urls.txt"), {
      message: 'urls.txt line 2: invalid URL "not a url" (an absolute http:// or https:// URL is needed)',
    });
  });
});

describe("cli file names", () => {
  it("a file name is flat and made of safe characters only", () => {
    assert.equal(fileNameForUrl("http://127.0.0.1:8080/page/1?x=2&y=3"), "127.0.0.1_8080_page_1_x=2_y=3");
    assert.equal(fileNameForUrl("https://a.test/"), "a.test_index.html");
    assert.equal(fileNameForUrl("https://a.test/dir/"), "a.test_dir_index.html");
    assert.equal(fileNameForUrl("http://[::1]:81/x"), "___1__81_x");
    for (const url of ["http://a.test/../../etc/passwd", "http://a.test/%2e%2e/%2E%2E/x", "http://a.test/a/..%2F..%2Fb", "http://a.test/~user/\\x"]) {
      const name = fileNameForUrl(url);
      assert.match(name, /^[A-Za-z0-9._=,+-]+$/, name);
      assert.ok(!name.startsWith("."), name);
      assert.ok(!name.includes("/"), name);
    }
  });

  it("a long name is cut and ends with a hash of the whole URL", () => {
    const a = fileNameForUrl(`http://a.test/${"x".repeat(300)}/a`);
    const b = fileNameForUrl(`http://a.test/${"x".repeat(300)}/b`);
    assert.equal(a.length, 200);
    assert.notEqual(a, b);
    assert.match(a, /_[0-9a-f]{8}$/);
  });

  it("names that come out the same, or differ only in case, get ~2, ~3", () => {
    const names = new FileNames();
    assert.equal(names.take("http://a.test/x?1"), "a.test_x_1");
    assert.equal(names.take("http://a.test/x/1"), "a.test_x_1~2");
    assert.equal(names.take("http://a.test/X/1"), "a.test_X_1~3");
  });
});

describe("cli progress and summary", () => {
  it("the progress line shows counts, bytes, rate and connections per target", () => {
    const summary = new Summary();
    summary.started();
    summary.started();
    summary.finished({ url: "http://a.test/", status: 200, bytes: 1500, ms: 3 });
    const line = progressLine(summary, stats, summary.startTime + 500);
    assert.equal(line, "1 done, 0 failed, 1 in flight | 1.5 kB | 2 req/s | http://127.0.0.1:8080 2 conn");
  });

  it("result lines: ok, HTTP failure, error with its code", () => {
    assert.equal(
      resultLine({ url: "http://a.test/", status: 200, bytes: 12, ms: 4, file: "out/a.test_index.html" }),
      "200 http://a.test/ -> out/a.test_index.html (12 B, 4 ms)",
    );
    assert.equal(resultLine({ url: "http://a.test/x", status: 500, bytes: 0, ms: 1 }), "error HTTP_500 http://a.test/x (0 B, 1 ms)");
    assert.equal(
      resultLine({ url: "http://a.test/", bytes: 0, ms: 1, error: { code: "ERR_CONNECT", message: "refused" } }),
      "error ERR_CONNECT http://a.test/: refused",
    );
  });

  it("on a terminal the line is redrawn in place and erased before other lines; elsewhere only plain lines", async () => {
    const written: string[] = [];
    const summary = new Summary();
    const progress = new Progress({ write: (text) => written.push(text), terminal: true, columns: () => 40, everyResult: true, summary });
    progress.start(() => stats);
    // Wait for the first redraw, however late the timer fires.
    while (written.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    progress.result({ url: "http://a.test/", status: 200, bytes: 1, ms: 1 });
    progress.result({ url: "http://a.test/gone", status: 404, bytes: 1, ms: 1 });
    progress.stop();
    assert.ok(written[0].startsWith("\r\x1b[K0 done"), JSON.stringify(written[0]));
    assert.ok(written[0].length <= "\r\x1b[K".length + 39, "cut to the terminal's width");
    assert.equal(written.filter((text) => text.includes("a.test/gone")).length, 1, "failures are printed, successes are not");
    assert.ok(written.find((text) => text.includes("a.test/gone"))!.startsWith("\r\x1b[Kerror HTTP_404"));

    const plain: string[] = [];
    const quiet = new Progress({ write: (text) => plain.push(text), terminal: false, columns: () => 40, everyResult: true, summary });
    quiet.start(() => stats);
    quiet.result({ url: "http://a.test/", status: 200, bytes: 1, ms: 1 });
    quiet.stop();
    assert.deepEqual(plain, ["200 http://a.test/ (1 B, 1 ms)\n"]);
  });

  it("the report counts statuses, errors, cache hits and the pipelined share", () => {
    const summary = new Summary();
    for (let i = 0; i < 4; i++) summary.started();
    summary.finished({ url: "http://a.test/1", status: 200, bytes: 10, ms: 1, cache: "hit" });
    summary.finished({ url: "http://a.test/2", status: 200, bytes: 5, ms: 1, cache: "revalidated" });
    summary.finished({ url: "http://a.test/3", status: 404, bytes: 3, ms: 1 });
    summary.finished({ url: "http://a.test/4", bytes: 0, ms: 1, error: { code: "ERR_TIMEOUT", message: "reply timeout" } });
    const report = summaryReport(summary, stats, summary.startTime + 2000);
    assert.equal(report.requests, 4);
    assert.equal(report.ok, 2);
    assert.equal(report.failed, 2);
    assert.deepEqual(report.statuses, { "200": 2, "404": 1 });
    assert.deepEqual(report.errors, { ERR_TIMEOUT: 1 });
    assert.equal(report.bytes, 18);
    assert.equal(report.seconds, 2);
    assert.equal(report.requestsPerSecond, 2);
    assert.equal(report.pipelinedShare, 0.4);
    assert.equal(report.cacheHits, 1);
    assert.equal(report.cacheRevalidated, 1);
    const table = formatSummary(report);
    assert.match(table, /^summary\n/);
    assert.match(table, /requests +4 \(2 ok, 2 failed\)/);
    assert.match(table, /pipelined +4 of 10 requests sent \(40%\)/);
    assert.match(table, /cache +1 hits, 1 revalidated/);
    assert.equal(formatBytes(999), "999 B");
    assert.equal(formatBytes(2_500_000_000), "2.5 GB");
  });
});
