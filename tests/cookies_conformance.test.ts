// The IETF http-state suite (RFC 6265), as tough-cookie ships it: 222
// Set-Cookie/Cookie cases and 70 cookie-date cases, one test each. See
// tests/fixtures/cookie-conformance/README.md for where the data comes from.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CookieJar } from "../lib/cookies/jar.ts";
import { parseCookieDate } from "../lib/cookies/date.ts";

interface ParserCase {
  test: string;
  received: string[];
  "sent-to"?: string;
  sent: { name: string; value: string }[];
}

interface DateCase {
  test: string;
  expected: string | null;
}

function fixture<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/cookie-conformance/${path}`, import.meta.url), "utf8"));
}

// Some Expires dates of the suite are in 2019 and 2027 and others in 1980 and
// 2007: the expectations hold for a clock between 2011 and 2018.
const pinnedNow = Date.UTC(2015, 5, 15, 12, 0, 0);

describe("cookies: IETF http-state parser cases (RFC 6265 §5.2-§5.4)", () => {
  const cases = fixture<ParserCase[]>("parser.json");
  it("has all 222 cases", () => assert.equal(cases.length, 222));
  for (const testCase of cases) {
    it(testCase.test, () => {
      const jar = new CookieJar({ now: () => pinnedNow });
      const setFrom = `http://home.example.org:8888/cookie-parser?${testCase.test}`;
      for (const received of testCase.received) jar.setCookie(received, setFrom);
      const sentTo = new URL(
        testCase["sent-to"] ?? `/cookie-parser-result?${testCase.test}`,
        setFrom,
      );
      const expected = testCase.sent.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
      assert.equal(jar.getCookieHeader(sentTo), expected);
    });
  }
});

describe("cookies: IETF http-state cookie-date cases (RFC 6265 §5.1.1)", () => {
  const cases = [
    ...fixture<DateCase[]>("dates/examples.json"),
    ...fixture<DateCase[]>("dates/bsd-examples.json"),
  ];
  it("has all 70 cases", () => assert.equal(cases.length, 70));
  for (const [index, testCase] of cases.entries()) {
    it(`date ${index + 1}: ${JSON.stringify(testCase.test)}`, () => {
      assert.equal(parseCookieDate(testCase.test)?.toUTCString() ?? null, testCase.expected);
    });
  }
});
