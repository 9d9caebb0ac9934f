import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Cookie, CookieJar, type CookieJarOptions, type SetCookieResult } from "../lib/cookies/jar.ts";
import { loadPublicSuffixList, PublicSuffixList } from "../lib/cookies/public_suffix.ts";
import { parseSetCookie } from "../lib/cookies/parse.ts";
import { CookieFileError } from "../lib/errors.ts";
import { defaultLimits } from "../lib/limits.ts";

const start = Date.UTC(2024, 0, 1);

/** A jar whose clock the test moves by hand. */
function clockedJar(options: CookieJarOptions = {}): { jar: CookieJar; advance: (ms: number) => void } {
  let now = start;
  const jar = new CookieJar({ ...options, now: () => now });
  return { jar, advance: (ms) => (now += ms) };
}

function stored(result: SetCookieResult): Cookie {
  assert.ok(result.stored, result.stored ? "" : result.reason);
  return result.cookie;
}

function reason(result: SetCookieResult): string {
  assert.equal(result.stored, false);
  return result.stored ? "" : result.reason;
}

describe("cookie jar: domains", () => {
  it("a cookie without Domain is host-only: not sent to subdomains", () => {
    const { jar } = clockedJar();
    const cookie = stored(jar.setCookie("a=1", "http://example.com/"));
    assert.equal(cookie.hostOnly, true);
    assert.equal(cookie.domain, "example.com");
    assert.equal(jar.getCookieHeader("http://example.com/"), "a=1");
    assert.equal(jar.getCookieHeader("http://www.example.com/"), "");
  });

  it("a Domain cookie is sent to the domain and its subdomains, not to look-alikes", () => {
    const { jar } = clockedJar();
    const cookie = stored(jar.setCookie("a=1; Domain=example.com", "http://www.example.com/"));
    assert.equal(cookie.hostOnly, false);
    assert.equal(jar.getCookieHeader("http://example.com/"), "a=1");
    assert.equal(jar.getCookieHeader("http://deep.sub.example.com/"), "a=1");
    assert.equal(jar.getCookieHeader("http://badexample.com/"), "");
    assert.equal(jar.getCookieHeader("http://example.org/"), "");
  });

  it("a leading dot in Domain is ignored and the domain is lowercased", () => {
    const { jar } = clockedJar();
    const cookie = stored(jar.setCookie("a=1; Domain=.EXAMPLE.com", "http://www.example.com/"));
    assert.equal(cookie.domain, "example.com");
    assert.equal(cookie.hostOnly, false);
  });

  it("a Domain the request host is not inside is refused", () => {
    const { jar } = clockedJar();
    assert.match(reason(jar.setCookie("a=1; Domain=other.com", "http://example.com/")), /domain-match/);
    assert.match(reason(jar.setCookie("a=1; Domain=www.example.com", "http://example.com/")), /domain-match/);
    assert.equal(jar.size, 0);
  });

  it("a public-suffix Domain (com, co.uk, github.io) is refused", () => {
    const { jar } = clockedJar();
    assert.match(reason(jar.setCookie("a=1; Domain=com", "http://example.com/")), /public suffix/);
    assert.match(reason(jar.setCookie("a=1; Domain=.co.uk", "http://shop.example.co.uk/")), /public suffix/);
    assert.match(reason(jar.setCookie("a=1; Domain=github.io", "https://me.github.io/")), /public suffix/);
    const cookie = stored(jar.setCookie("a=1; Domain=example.co.uk", "http://shop.example.co.uk/"));
    assert.equal(cookie.domain, "example.co.uk");
    assert.equal(jar.size, 1);
  });

  it("a public-suffix Domain equal to the host makes a host-only cookie", () => {
    const { jar } = clockedJar();
    const cookie = stored(jar.setCookie("a=1; Domain=github.io", "https://github.io/"));
    assert.equal(cookie.hostOnly, true);
    assert.equal(jar.getCookieHeader("https://github.io/"), "a=1");
    assert.equal(jar.getCookieHeader("https://me.github.io/"), "");
  });

  it("localhost cookies are host-only, with or without Domain=localhost", () => {
    const { jar } = clockedJar();
    assert.equal(stored(jar.setCookie("a=1", "http://localhost:8080/")).hostOnly, true);
    assert.equal(stored(jar.setCookie("b=2; Domain=localhost", "http://localhost:8080/")).hostOnly, true);
    assert.equal(jar.getCookieHeader("http://localhost:9090/"), "a=1; b=2");
    assert.equal(jar.getCookieHeader("http://app.localhost/"), "");
  });

  it("IP address cookies are host-only and match only that address", () => {
    const { jar } = clockedJar();
    assert.equal(stored(jar.setCookie("a=1; Domain=127.0.0.1", "http://127.0.0.1:3000/")).hostOnly, true);
    assert.equal(stored(jar.setCookie("b=2", "http://127.0.0.1:3000/")).hostOnly, true);
    assert.match(reason(jar.setCookie("c=3; Domain=0.0.1", "http://127.0.0.1/")), /domain-match/);
    assert.equal(jar.getCookieHeader("http://127.0.0.1/"), "a=1; b=2");
    assert.equal(jar.getCookieHeader("http://127.0.0.10/"), "");
    assert.equal(stored(jar.setCookie("v6=1", "http://[::1]:8080/")).domain, "[::1]");
    assert.equal(jar.getCookieHeader("http://[::1]/"), "v6=1");
  });

  it("the port and the host's case do not matter", () => {
    const { jar } = clockedJar();
    jar.setCookie("a=1", "http://Example.COM:8080/");
    assert.equal(jar.getCookieHeader("http://example.com:9090/"), "a=1");
  });
});

describe("cookie jar: public suffix list", () => {
  it("implements normal, wildcard and exception rules and the default rule", () => {
    const list = PublicSuffixList.parse(
      "// comment\n\nuk\nco.uk\n*.ck\n!www.ck\n// ===BEGIN PRIVATE DOMAINS===\ngithub.io  trailing text\n",
    );
    assert.equal(list.isPublicSuffix("co.uk"), true);
    assert.equal(list.isPublicSuffix("example.co.uk"), false);
    assert.equal(list.isPublicSuffix("anything.ck"), true);
    assert.equal(list.isPublicSuffix("www.ck"), false);
    assert.equal(list.isPublicSuffix("a.www.ck"), false);
    assert.equal(list.isPublicSuffix("github.io"), true);
    assert.equal(list.isPublicSuffix("zz"), true);
    assert.equal(list.isPublicSuffix("com."), true);
  });

  it("stores internationalized rules as punycode, the form URLs give hosts", () => {
    const list = new PublicSuffixList(["公司.cn"]);
    assert.equal(list.isPublicSuffix(new URL("http://公司.cn/").hostname), true);
  });

  describe("loaded from a file", () => {
    let dir = "";
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "psl-"));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("a jar given a loaded list refuses its suffixes", async () => {
      const path = join(dir, "public_suffix_list.dat");
      await writeFile(path, "com\nexample.com\n");
      const jar = new CookieJar({ publicSuffixes: await loadPublicSuffixList(path) });
      assert.match(
        reason(jar.setCookie("a=1; Domain=example.com", "http://www.example.com/")),
        /public suffix/,
      );
      // co.uk is not in this list, so the built-in list no longer applies.
      assert.equal(stored(jar.setCookie("a=1; Domain=co.uk", "http://shop.co.uk/")).hostOnly, false);
    });
  });
});

describe("cookie jar: paths", () => {
  it("the default path is the request path's directory", () => {
    const { jar } = clockedJar();
    assert.equal(
      stored(jar.setCookie("a=1", "http://example.com/docs/guide/page.html?x=1")).path,
      "/docs/guide",
    );
    assert.equal(stored(jar.setCookie("b=1", "http://example.com/top")).path, "/");
    assert.equal(stored(jar.setCookie("c=1; Path=relative", "http://example.com/d/e")).path, "/d");
  });

  it("a path matches itself, its subdirectories, and nothing that only shares a prefix", () => {
    const { jar } = clockedJar();
    jar.setCookie("a=1; Path=/docs", "http://example.com/");
    assert.equal(jar.getCookieHeader("http://example.com/docs"), "a=1");
    assert.equal(jar.getCookieHeader("http://example.com/docs/x/y"), "a=1");
    assert.equal(jar.getCookieHeader("http://example.com/docsearch"), "");
    assert.equal(jar.getCookieHeader("http://example.com/"), "");
    assert.equal(jar.getCookieHeader("http://example.com/Docs"), "");
  });

  it("the same name under two paths makes two cookies", () => {
    const { jar } = clockedJar();
    jar.setCookie("a=root; Path=/", "http://example.com/");
    jar.setCookie("a=docs; Path=/docs", "http://example.com/");
    assert.equal(jar.size, 2);
    assert.equal(jar.getCookieHeader("http://example.com/docs/1"), "a=docs; a=root");
  });
});

describe("cookie jar: replacement, expiry and deletion", () => {
  it("a cookie with the same name, domain and path replaces the old one and keeps its creation time", () => {
    const { jar, advance } = clockedJar();
    const first = stored(jar.setCookie("a=1", "http://example.com/"));
    advance(5_000);
    const second = stored(jar.setCookie("a=2; HttpOnly", "http://example.com/"));
    assert.equal(second.creation, first.creation);
    assert.equal(second.lastAccess, start + 5_000);
    assert.equal(jar.size, 1);
    assert.equal(jar.getCookieHeader("http://example.com/"), "a=2");
  });

  it("Max-Age=0 and negative Max-Age delete the cookie", () => {
    const { jar } = clockedJar();
    jar.setCookie("a=1", "http://example.com/");
    jar.setCookie("b=1", "http://example.com/");
    assert.match(reason(jar.setCookie("a=x; Max-Age=0", "http://example.com/")), /expired/);
    reason(jar.setCookie("b=x; Max-Age=-1", "http://example.com/"));
    assert.equal(jar.size, 0);
  });

  it("an Expires date in the past deletes the cookie", () => {
    const { jar } = clockedJar();
    jar.setCookie("a=1", "http://example.com/");
    reason(jar.setCookie("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "http://example.com/"));
    assert.equal(jar.getCookieHeader("http://example.com/"), "");
  });

  it("deleting needs the same domain and path", () => {
    const { jar } = clockedJar();
    jar.setCookie("a=1; Path=/x", "http://example.com/");
    reason(jar.setCookie("a=1; Max-Age=0", "http://example.com/"));
    assert.equal(jar.size, 1);
  });

  it("Max-Age wins over Expires in either order", () => {
    const { jar } = clockedJar();
    const maxAgeFirst = stored(
      jar.setCookie("a=1; Max-Age=60; Expires=Wed, 01 Jan 2098 00:00:00 GMT", "http://e.com/"),
    );
    assert.equal(maxAgeFirst.expires, start + 60_000);
    const expiresFirst = stored(
      jar.setCookie("b=1; Expires=Wed, 01 Jan 2098 00:00:00 GMT; Max-Age=60", "http://e.com/"),
    );
    assert.equal(expiresFirst.expires, start + 60_000);
    reason(jar.setCookie("c=1; Expires=Wed, 01 Jan 2098 00:00:00 GMT; Max-Age=0", "http://e.com/"));
  });

  it("a cookie stops being sent when it expires, and removeExpired frees it", () => {
    const { jar, advance } = clockedJar();
    jar.setCookie("short=1; Max-Age=10", "http://example.com/");
    jar.setCookie("session=1", "http://example.com/");
    assert.equal(stored(jar.setCookie("x=1; Max-Age=10", "http://other.com/")).expires, start + 10_000);
    advance(9_999);
    assert.equal(jar.getCookieHeader("http://example.com/"), "short=1; session=1");
    advance(1);
    assert.equal(jar.getCookieHeader("http://example.com/"), "session=1");
    assert.equal(jar.size, 1);
    assert.equal(jar.removeExpired(), 1);
    assert.deepEqual(jar.all().map((cookie) => cookie.name), ["session"]);
  });
});

describe("cookie jar: sending", () => {
  it("cookies are ordered by longer path first, then earlier creation", () => {
    const { jar, advance } = clockedJar();
    jar.setCookie("late=1; Path=/", "http://example.com/");
    advance(1);
    jar.setCookie("deep=1; Path=/a/b", "http://example.com/");
    jar.setCookie("mid=1; Path=/a", "http://example.com/");
    jar.setCookie("domain=1; Domain=example.com", "http://example.com/");
    jar.setCookie("late=2", "http://example.com/");
    assert.equal(jar.getCookieHeader("http://example.com/a/b/c"), "deep=1; mid=1; late=2; domain=1");
  });

  it("Secure cookies are stored from http but sent only over https", () => {
    const { jar } = clockedJar();
    stored(jar.setCookie("s=1; Secure", "http://example.com/"));
    jar.setCookie("p=1", "https://example.com/");
    assert.equal(jar.getCookieHeader("http://example.com/"), "p=1");
    assert.equal(jar.getCookieHeader("https://example.com/"), "s=1; p=1");
  });

  it("HttpOnly cookies are sent; SameSite and Partitioned are kept", () => {
    const { jar } = clockedJar();
    const cookie = stored(
      jar.setCookie("a=1; HttpOnly; SameSite=lax; Partitioned; Secure", "https://e.com/"),
    );
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Lax");
    assert.equal(cookie.partitioned, true);
    assert.equal(jar.getCookieHeader("https://e.com/"), "a=1");
  });

  it("getCookies updates the last-access time and returns copies", () => {
    const { jar, advance } = clockedJar();
    jar.setCookie("a=1", "http://example.com/");
    advance(1_000);
    const [cookie] = jar.getCookies(new URL("http://example.com/"));
    assert.equal(cookie.lastAccess, start + 1_000);
    assert.equal(cookie.creation, start);
    cookie.value = "changed";
    assert.equal(jar.getCookieHeader("http://example.com/"), "a=1");
  });

  it("an invalid request URL is a TypeError for getCookies and a reason for setCookie", () => {
    const { jar } = clockedJar();
    assert.throws(() => jar.getCookies("not a url"), TypeError);
    assert.equal(reason(jar.setCookie("a=1", "not a url")), "invalid request URL");
  });
});

describe("cookie jar: invalid Set-Cookie values", () => {
  it("strings the RFC ignores are skipped with a reason", () => {
    const { jar } = clockedJar();
    assert.match(reason(jar.setCookie("novalue", "http://e.com/")), /no '='/);
    assert.match(reason(jar.setCookie("=value", "http://e.com/")), /empty cookie name/);
    assert.match(reason(jar.setCookie("", "http://e.com/")), /no '='/);
    assert.match(reason(jar.setCookie("a=b\u0001c", "http://e.com/")), /control character/);
    assert.equal(jar.size, 0);
  });

  it("NUL, CR or LF ends the value", () => {
    const { jar } = clockedJar();
    assert.equal(stored(jar.setCookie("a=b\r\nSet-Cookie: evil=1", "http://e.com/")).value, "b");
  });

  it("a Set-Cookie larger than maxCookieSize is refused; one of exactly that size is kept", () => {
    const { jar } = clockedJar();
    const fits = "a=" + "x".repeat(defaultLimits.maxCookieSize - 2);
    stored(jar.setCookie(fits, "http://e.com/"));
    assert.match(reason(jar.setCookie(fits + "x", "http://e.com/")), /maxCookieSize/);
    const small = clockedJar({ maxCookieSize: 10 }).jar;
    assert.match(reason(small.setCookie("a=ééééé", "http://e.com/")), /maxCookieSize/);
  });

  it("invalid attributes are ignored, the cookie is kept", () => {
    const parsed = parseSetCookie("a=1; Max-Age=1e3; Expires=never; Domain=; SameSite=sometimes; Path");
    assert.deepEqual(parsed, { name: "a", value: "1", secure: false, httpOnly: false, partitioned: false });
  });
});

describe("cookie jar: limits and eviction", () => {
  it("over maxCookiesPerDomain the oldest cookie of that domain is evicted", () => {
    const { jar, advance } = clockedJar({ maxCookiesPerDomain: 3 });
    for (const name of ["a", "b", "c"]) {
      jar.setCookie(`${name}=1`, "http://example.com/");
      advance(1);
    }
    jar.setCookie("other=1", "http://other.com/");
    jar.setCookie("a=2", "http://example.com/");
    jar.setCookie("d=1", "http://example.com/");
    assert.equal(jar.getCookieHeader("http://example.com/"), "b=1; c=1; d=1");
    assert.equal(jar.getCookieHeader("http://other.com/"), "other=1");
  });

  it("over maxCookies expired cookies go first, then the oldest", () => {
    const { jar, advance } = clockedJar({ maxCookies: 3 });
    jar.setCookie("old=1", "http://a.com/");
    jar.setCookie("brief=1; Max-Age=1", "http://b.com/");
    jar.setCookie("mid=1", "http://c.com/");
    advance(2_000);
    jar.setCookie("new=1", "http://d.com/");
    assert.deepEqual(jar.all().map((cookie) => cookie.name), ["old", "mid", "new"]);
    jar.setCookie("newest=1", "http://e.com/");
    assert.deepEqual(jar.all().map((cookie) => cookie.name), ["mid", "new", "newest"]);
  });

  it("the defaults come from defaultLimits", () => {
    assert.equal(defaultLimits.maxCookieSize, 4096);
    assert.equal(defaultLimits.maxCookiesPerDomain, 180);
    assert.equal(defaultLimits.maxCookies, 3000);
  });
});

describe("cookie jar: persistence", () => {
  function filledJar(): CookieJar {
    const { jar, advance } = clockedJar();
    jar.setCookie("session=s1", "http://example.com/app/login");
    advance(1);
    jar.setCookie("persistent=p1; Max-Age=3600; Domain=example.com; Secure", "https://www.example.com/");
    advance(1);
    jar.setCookie("token=t1; HttpOnly; Path=/; SameSite=Strict", "http://127.0.0.1:8080/");
    return jar;
  }

  it("JSON round trip keeps every field and the order", () => {
    const jar = filledJar();
    const json = JSON.parse(JSON.stringify(jar));
    assert.equal(json.version, 1);
    const copy = CookieJar.fromJSON(json, { now: () => start });
    assert.deepEqual(copy.all(), jar.all());
    assert.deepEqual(copy.toJSON(), jar.toJSON());
  });

  it("fromJSON skips invalid entries and refuses other versions", () => {
    const good = filledJar().toJSON().cookies[0];
    const copy = CookieJar.fromJSON({
      version: 1,
      cookies: [good, { ...good, name: "" }, null, { ...good, path: 3 }],
    });
    assert.equal(copy.size, 1);
    assert.throws(() => CookieJar.fromJSON({ version: 2, cookies: [] }), CookieFileError);
    assert.throws(() => CookieJar.fromJSON("cookies"), CookieFileError);
  });

  it("fromJSON drops cookies that expired since they were saved", () => {
    const json = filledJar().toJSON();
    const later = CookieJar.fromJSON(json, { now: () => start + 7_200_000 });
    assert.deepEqual(later.all().map((cookie) => cookie.name), ["session", "token"]);
  });

  it("the Netscape format writes domain dots, flags, HttpOnly prefixes and 0 for session cookies", () => {
    const text = filledJar().toNetscape();
    const expires = Math.ceil((start + 1 + 3_600_000) / 1000);
    assert.equal(
      text,
      "# Netscape HTTP Cookie File\n\n" +
        "example.com\tFALSE\t/app\tFALSE\t0\tsession\ts1\n" +
        `.example.com\tTRUE\t/\tTRUE\t${expires}\tpersistent\tp1\n` +
        "#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\ttoken\tt1\n",
    );
  });

  it("Netscape round trip keeps names, values, domains, paths and flags", () => {
    const jar = filledJar();
    const copy = CookieJar.fromNetscape(jar.toNetscape(), { now: () => start });
    const fields = (cookie: Cookie) => {
      const { name, value, domain, path, hostOnly, secure, httpOnly } = cookie;
      return { name, value, domain, path, hostOnly, secure, httpOnly, session: cookie.expires === null };
    };
    assert.deepEqual(copy.all().map(fields), jar.all().map(fields));
    assert.equal(copy.getCookieHeader("https://www.example.com/"), "persistent=p1");
    assert.equal(copy.getCookieHeader("http://127.0.0.1/"), "token=t1");
  });

  it("fromNetscape skips comments, blank and malformed lines and expired cookies, and reads CRLF", () => {
    const text = [
      "# Netscape HTTP Cookie File",
      "# a comment",
      "",
      "example.com\tFALSE\t/\tFALSE\t0\tempty",
      "example.com\tMAYBE\t/\tFALSE\t0\tbad\tflag",
      "example.com\tFALSE\t/\tFALSE\tsoon\tbad\texpiry",
      "example.com\tFALSE\t/\tFALSE\t0\t\tnoname",
      "example.com\tFALSE\t/\tFALSE\t1\told\tgone",
      "too\tfew\tfields",
      ".Example.com\ttrue\t/\tfalse\t0\tok\tyes",
    ].join("\r\n");
    const jar = CookieJar.fromNetscape(text, { now: () => start });
    assert.deepEqual(jar.all().map((cookie) => [cookie.name, cookie.value, cookie.domain]), [
      ["empty", "", "example.com"],
      ["ok", "yes", "example.com"],
    ]);
  });

  describe("files", () => {
    let dir = "";
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "cookie-jar-"));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("saveJSON and loadJSON restore the jar", async () => {
      const jar = filledJar();
      const path = join(dir, "cookies.json");
      await jar.saveJSON(path);
      const loaded = await CookieJar.loadJSON(path, { now: () => start });
      assert.deepEqual(loaded.all(), jar.all());
    });

    it("saveNetscape and loadNetscape restore the jar", async () => {
      const jar = filledJar();
      const path = join(dir, "cookies.txt");
      await jar.saveNetscape(path);
      assert.equal(await readFile(path, "utf8"), jar.toNetscape());
      const loaded = await CookieJar.loadNetscape(path, { now: () => start });
      assert.equal(loaded.getCookieHeader("http://example.com/app/x"), "session=s1");
    });

    it("loadJSON rejects a file that is not JSON with CookieFileError", async () => {
      const path = join(dir, "broken.json");
      await writeFile(path, "# Netscape HTTP Cookie File\n");
      await assert.rejects(CookieJar.loadJSON(path), CookieFileError);
    });
  });
});
