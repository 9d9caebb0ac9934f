import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseCacheControl } from "../lib/cache/cache_control.ts";
import { formatHttpDate, parseHttpDate } from "../lib/cache/http_date.ts";
import { isStorable } from "../lib/cache/storable.ts";
import { type CachedResponseMeta, createResponseMeta } from "../lib/cache/response_meta.ts";
import { freshnessLifetime } from "../lib/cache/freshness_lifetime.ts";
import { ageHeaderValue, currentAge } from "../lib/cache/age.ts";
import { freshness, isStaleIfErrorStatus, onlyIfCached } from "../lib/cache/freshness.ts";
import { selectVariant, variantKey, varyMatches, varyValuesOf } from "../lib/cache/vary.ts";
import { notModifiedMatches, updateFrom304 } from "../lib/cache/not_modified.ts";
import { invalidatedUrls } from "../lib/cache/invalidation.ts";
import { cacheKey } from "../lib/cache/cache_key.ts";

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
/** The pinned "now" of every test: 2024-01-01T00:00:00Z. */
const t0 = Date.UTC(2024, 0, 1);
const date = (ms: number) => formatHttpDate(ms);
const firstAge = (stored: CachedResponseMeta) => stored.headers.find(([name]) => name === "age")?.[1];

/** A response received at t0 (sent 0 ms earlier) with these header fields and a Date of t0. */
function meta(headers: Record<string, string>, extra: Partial<CachedResponseMeta> = {}): CachedResponseMeta {
  return {
    status: 200,
    statusText: "OK",
    headers: Object.entries({ date: date(t0), ...headers }),
    requestTime: t0,
    responseTime: t0,
    varyValues: {},
    ...extra,
  };
}

const get = (headers: Record<string, string> = {}) => ({
  method: "GET",
  url: "http://example.com/page",
  headers: new Headers(headers),
});

describe("parseCacheControl", () => {
  it("lowercases names, unquotes values and reads the numeric directives", () => {
    const cc = parseCacheControl(
      'Max-Age="60", S-MAXAGE=120, stale-while-revalidate=30, stale-if-error=300, MIN-FRESH=5',
    );
    assert.equal(cc.maxAge, 60);
    assert.equal(cc.sMaxAge, 120);
    assert.equal(cc.staleWhileRevalidate, 30);
    assert.equal(cc.staleIfError, 300);
    assert.equal(cc.minFresh, 5);
    assert.equal(cc.directives.get("max-age"), "60");
  });

  it("reads every flag directive", () => {
    const cc = parseCacheControl(
      "no-store, private, public, must-revalidate, proxy-revalidate, immutable, only-if-cached, no-transform, must-understand",
    );
    assert.deepEqual(
      [
        cc.noStore,
        cc.private,
        cc.public,
        cc.mustRevalidate,
        cc.proxyRevalidate,
        cc.immutable,
        cc.onlyIfCached,
        cc.noTransform,
        cc.mustUnderstand,
        cc.noCache,
      ],
      [true, true, true, true, true, true, true, true, true, false],
    );
  });

  it("reads no-cache with and without a field list, commas inside quotes included", () => {
    const qualified = parseCacheControl('no-cache="Set-Cookie, X-Trace", max-age=5');
    assert.equal(qualified.noCache, true);
    assert.deepEqual(qualified.noCacheFields, ["set-cookie", "x-trace"]);
    assert.equal(qualified.maxAge, 5);
    const bare = parseCacheControl("no-cache");
    assert.equal(bare.noCache, true);
    assert.deepEqual(bare.noCacheFields, []);
  });

  it("keeps the first of duplicate directives", () => {
    assert.equal(parseCacheControl("max-age=10, max-age=3600").maxAge, 10);
  });

  it("reads an invalid delta-seconds as 0 and caps huge ones at 2^31", () => {
    assert.equal(parseCacheControl("max-age=abc").maxAge, 0);
    assert.equal(parseCacheControl("max-age=-5").maxAge, 0);
    assert.equal(parseCacheControl("max-age=1.5").maxAge, 0);
    assert.equal(parseCacheControl("max-age").maxAge, 0);
    assert.equal(parseCacheControl("max-age=99999999999999999999").maxAge, 2 ** 31);
  });

  it("reads max-stale without a value as any staleness", () => {
    assert.equal(parseCacheControl("max-stale").maxStale, Infinity);
    assert.equal(parseCacheControl("max-stale=30").maxStale, 30);
    assert.equal(parseCacheControl("").maxStale, undefined);
    assert.equal(parseCacheControl(null).maxAge, undefined);
  });

  it("skips malformed directives and never throws on arbitrary input", () => {
    const cc = parseCacheControl(' , ,bad name=1, "quoted", max-age=7 junk, public');
    assert.equal(cc.public, true);
    assert.equal(cc.directives.has("bad name"), false);
    assert.equal(cc.maxAge, 0);
    const alphabet = 'ab=,"\\ \t-max-age0129;\u00e9\u0000';
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 500; run++) {
      let input = "";
      const length = Math.floor(random() * 24);
      for (let index = 0; index < length; index++) input += alphabet[Math.floor(random() * alphabet.length)];
      assert.doesNotThrow(() => parseCacheControl(input));
    }
  });
});

describe("HTTP dates", () => {
  const expected = Date.UTC(1994, 10, 6, 8, 49, 37);

  it("parses IMF-fixdate, RFC 850 and asctime to the same time", () => {
    assert.equal(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), expected);
    assert.equal(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), expected);
    assert.equal(parseHttpDate("Sun Nov  6 08:49:37 1994"), expected);
  });

  it("matches case-insensitively, as RFC 9111 §4.2 asks of caches", () => {
    assert.equal(parseHttpDate("sun, 06 nov 1994 08:49:37 gmt"), expected);
  });

  it("reads invalid dates as null", () => {
    for (
      const value of [
        "0",
        "",
        "-1",
        "Sun, 30 Feb 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "tomorrow",
      ]
    ) {
      assert.equal(parseHttpDate(value), null, value);
    }
    assert.equal(parseHttpDate(null), null);
  });

  it("places two-digit RFC 850 years within 50 years of now", () => {
    assert.equal(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", t0), expected);
    assert.equal(parseHttpDate("Thursday, 01-Jan-30 00:00:00 GMT", t0), Date.UTC(2030, 0, 1));
  });

  it("formats IMF-fixdate", () => {
    assert.equal(formatHttpDate(expected), "Sun, 06 Nov 1994 08:49:37 GMT");
  });
});

describe("isStorable", () => {
  const response = (status: number, headers: Record<string, string> = {}) => ({
    status,
    headers: new Headers(headers),
  });

  it("stores a GET only", () => {
    assert.equal(isStorable(get(), response(200)), true);
    assert.equal(isStorable({ ...get(), method: "HEAD" }, response(200)), false);
    assert.equal(
      isStorable({ ...get(), method: "POST" }, response(200, { "cache-control": "max-age=60" })),
      false,
    );
  });

  it("refuses interim, partial and not-modified responses", () => {
    for (const status of [100, 206, 304]) {
      assert.equal(
        isStorable(get(), response(status, { "cache-control": "max-age=60" })),
        false,
        String(status),
      );
    }
  });

  it("stores heuristically cacheable statuses without freshness information, and no others", () => {
    for (const status of [200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]) {
      assert.equal(isStorable(get(), response(status)), true, String(status));
    }
    for (const status of [201, 302, 303, 307, 403, 500, 503]) {
      assert.equal(isStorable(get(), response(status)), false, String(status));
    }
  });

  it("stores other statuses with max-age, Expires, public or private", () => {
    assert.equal(isStorable(get(), response(302, { "cache-control": "max-age=60" })), true);
    assert.equal(isStorable(get(), response(302, { expires: date(t0 + hour) })), true);
    assert.equal(isStorable(get(), response(302, { expires: "0" })), true);
    assert.equal(isStorable(get(), response(302, { "cache-control": "public" })), true);
    assert.equal(isStorable(get(), response(302, { "cache-control": "private" })), true);
    assert.equal(isStorable(get(), response(302, { "cache-control": "s-maxage=60" })), false);
  });

  it("honours no-store in the request and in the response", () => {
    assert.equal(isStorable(get(), response(200, { "cache-control": "max-age=60, no-store" })), false);
    assert.equal(isStorable(get({ "cache-control": "no-store" }), response(200)), false);
  });

  it("lets must-understand override no-store for understood statuses only", () => {
    const headers = { "cache-control": "must-understand, no-store, max-age=60" };
    assert.equal(isStorable(get(), response(200, headers)), true);
    assert.equal(isStorable(get(), response(299, headers)), false);
  });

  it("refuses Vary: *", () => {
    assert.equal(isStorable(get(), response(200, { vary: "Accept, *" })), false);
  });

  it("stores a response to an Authorization request only with public, must-revalidate or s-maxage", () => {
    const request = get({ authorization: "Bearer x" });
    assert.equal(isStorable(request, response(200, { "cache-control": "max-age=60" })), false);
    assert.equal(isStorable(request, response(200, { "cache-control": "public" })), true);
    assert.equal(isStorable(request, response(200, { "cache-control": "must-revalidate" })), true);
    assert.equal(isStorable(request, response(200, { "cache-control": "s-maxage=60" })), true);
  });
});

describe("createResponseMeta", () => {
  it("drops hop-by-hop fields and Set-Cookie, adds a missing Date and records Vary values", () => {
    const stored = createResponseMeta(get({ "accept-language": "en,  de" }), {
      status: 200,
      statusText: "OK",
      headers: new Headers([
        ["connection", "keep-alive, X-Hop"],
        ["keep-alive", "timeout=5"],
        ["x-hop", "1"],
        ["transfer-encoding", "chunked"],
        ["set-cookie", "a=1"],
        ["etag", '"v1"'],
        ["vary", "Accept-Language"],
      ]),
      requestTime: t0 - 100,
      responseTime: t0,
    });
    assert.deepEqual(stored.headers, [["etag", '"v1"'], ["vary", "Accept-Language"], ["date", date(t0)]]);
    assert.deepEqual(stored.varyValues, { "accept-language": "en,de" });
    assert.equal(stored.requestTime, t0 - 100);
  });
});

describe("freshnessLifetime", () => {
  it("prefers max-age over Expires and ignores s-maxage", () => {
    assert.equal(
      freshnessLifetime(meta({ "cache-control": "max-age=60", expires: date(t0 + hour) })),
      minute,
    );
    assert.equal(
      freshnessLifetime(meta({ "cache-control": "s-maxage=600", expires: date(t0 + hour) })),
      hour,
    );
  });

  it("takes Expires minus Date", () => {
    assert.equal(freshnessLifetime(meta({ date: date(t0 - hour), expires: date(t0 + hour) })), 2 * hour);
    assert.equal(freshnessLifetime(meta({ expires: date(t0 - hour) })), 0);
  });

  it("treats an invalid Expires or max-age as already stale", () => {
    assert.equal(freshnessLifetime(meta({ expires: "0", "last-modified": date(t0 - 10 * day) })), 0);
    assert.equal(freshnessLifetime(meta({ "cache-control": "max-age=soon", expires: date(t0 + hour) })), 0);
  });

  it("uses 10% of the time since Last-Modified, capped", () => {
    assert.equal(freshnessLifetime(meta({ "last-modified": date(t0 - 5 * day) })), 12 * hour);
    assert.equal(freshnessLifetime(meta({ "last-modified": date(t0 - 30 * day) })), day);
    assert.equal(
      freshnessLifetime(meta({ "last-modified": date(t0 - 30 * day) }), { heuristicMaxAge: hour }),
      hour,
    );
    assert.equal(freshnessLifetime(meta({})), 0);
    assert.equal(freshnessLifetime(meta({ "last-modified": date(t0 + day) })), 0);
  });

  it("applies the heuristic only to heuristically cacheable statuses or public/private responses", () => {
    const lastModified = { "last-modified": date(t0 - 5 * day) };
    assert.equal(freshnessLifetime(meta(lastModified, { status: 404 })), 12 * hour);
    assert.equal(freshnessLifetime(meta(lastModified, { status: 302 })), 0);
    assert.equal(
      freshnessLifetime(meta({ ...lastModified, "cache-control": "public" }, { status: 302 })),
      12 * hour,
    );
  });
});

describe("currentAge and the Age field", () => {
  it("adds the Age field, the round trip and the time spent in the cache", () => {
    const stored = meta({ age: "30" }, { requestTime: t0 - 2 * second });
    assert.equal(currentAge(stored, t0 + 10 * second), 42 * second);
  });

  it("uses the apparent age when Date is older than Age says", () => {
    const stored = meta({ date: date(t0 - minute), age: "5" });
    assert.equal(currentAge(stored, t0), minute);
  });

  it("counts an invalid Age as 0 and falls back to the receipt time without Date", () => {
    const stored: CachedResponseMeta = { ...meta({}), headers: [["age", "soon"]] };
    assert.equal(currentAge(stored, t0 + 5 * second), 5 * second);
  });

  it("sends whole seconds, capped at 2^31", () => {
    assert.equal(ageHeaderValue(meta({ age: "10" }), t0 + 2500), "12");
    assert.equal(ageHeaderValue(meta({ age: "999999999999" }), t0), String(2 ** 31));
  });
});

describe("freshness decisions", () => {
  const validated = { "cache-control": "max-age=60", etag: '"v1"', "last-modified": date(t0 - day) };

  it("serves a fresh response, then revalidates with both validators", () => {
    assert.deepEqual(freshness(meta(validated), new Headers(), { now: t0 + 59 * second }), { kind: "fresh" });
    assert.deepEqual(freshness(meta(validated), new Headers(), { now: t0 + 60 * second }), {
      kind: "revalidate",
      headers: { ifNoneMatch: '"v1"', ifModifiedSince: date(t0 - day) },
      staleIfError: false,
    });
  });

  it("is a miss when a stale response has no validator", () => {
    assert.deepEqual(freshness(meta({ "cache-control": "max-age=60" }), new Headers(), { now: t0 + hour }), {
      kind: "miss",
    });
  });

  it("counts the Age field towards staleness", () => {
    const stored = meta({ ...validated, age: "50" });
    assert.equal(freshness(stored, new Headers(), { now: t0 + 9 * second }).kind, "fresh");
    assert.equal(freshness(stored, new Headers(), { now: t0 + 10 * second }).kind, "revalidate");
  });

  it("computes freshness from Expires and Date", () => {
    const stored = meta({ expires: date(t0 + minute), etag: '"e"' });
    assert.equal(freshness(stored, new Headers(), { now: t0 + 30 * second }).kind, "fresh");
    assert.equal(freshness(stored, new Headers(), { now: t0 + 2 * minute }).kind, "revalidate");
  });

  it("honours the request's max-age and min-fresh", () => {
    const options = { now: t0 + 30 * second };
    assert.equal(
      freshness(meta(validated), new Headers({ "cache-control": "max-age=0" }), options).kind,
      "revalidate",
    );
    assert.equal(
      freshness(meta(validated), new Headers({ "cache-control": "max-age=40" }), options).kind,
      "fresh",
    );
    assert.equal(
      freshness(meta(validated), new Headers({ "cache-control": "max-age=20" }), options).kind,
      "revalidate",
    );
    assert.equal(
      freshness(meta(validated), new Headers({ "cache-control": "min-fresh=30" }), options).kind,
      "fresh",
    );
    assert.equal(
      freshness(meta(validated), new Headers({ "cache-control": "min-fresh=31" }), options).kind,
      "revalidate",
    );
  });

  it("serves stale responses within the request's max-stale", () => {
    const now = { now: t0 + 90 * second };
    assert.deepEqual(freshness(meta(validated), new Headers({ "cache-control": "max-stale=30" }), now), {
      kind: "stale-ok",
      revalidateInBackground: false,
      headers: { ifNoneMatch: '"v1"', ifModifiedSince: date(t0 - day) },
    });
    assert.equal(
      freshness(meta(validated), new Headers({ "cache-control": "max-stale=29" }), now).kind,
      "revalidate",
    );
    assert.equal(
      freshness(meta(validated), new Headers({ "cache-control": "max-stale" }), { now: t0 + 365 * day }).kind,
      "stale-ok",
    );
  });

  it("never serves a stale must-revalidate response", () => {
    const stored = meta({
      ...validated,
      "cache-control": "max-age=60, must-revalidate, stale-while-revalidate=60",
    });
    const decision = freshness(stored, new Headers({ "cache-control": "max-stale" }), {
      now: t0 + 90 * second,
    });
    assert.equal(decision.kind, "revalidate");
    assert.equal(freshness(stored, new Headers(), { now: t0 + 30 * second }).kind, "fresh");
  });

  it("revalidates on no-cache in the response, the request, or a request Pragma", () => {
    const options = { now: t0 + 10 * second };
    const noCache = meta({ ...validated, "cache-control": "max-age=60, no-cache" });
    assert.equal(freshness(noCache, new Headers(), options).kind, "revalidate");
    assert.equal(
      freshness(noCache, new Headers({ "cache-control": "max-stale" }), options).kind,
      "revalidate",
    );
    assert.equal(
      freshness(meta(validated), new Headers({ "cache-control": "no-cache" }), options).kind,
      "revalidate",
    );
    assert.equal(freshness(meta(validated), new Headers({ pragma: "no-cache" }), options).kind, "revalidate");
    assert.equal(
      freshness(meta(validated), new Headers({ pragma: "no-cache", "cache-control": "max-stale" }), options)
        .kind,
      "fresh",
    );
  });

  it("serves stale within stale-while-revalidate and asks for a background revalidation", () => {
    const stored = meta({ ...validated, "cache-control": "max-age=60, stale-while-revalidate=30" });
    assert.deepEqual(freshness(stored, new Headers(), { now: t0 + 90 * second }), {
      kind: "stale-ok",
      revalidateInBackground: true,
      headers: { ifNoneMatch: '"v1"', ifModifiedSince: date(t0 - day) },
    });
    assert.equal(freshness(stored, new Headers(), { now: t0 + 91 * second }).kind, "revalidate");
    assert.equal(
      freshness(stored, new Headers({ "cache-control": "max-age=120" }), { now: t0 + 90 * second }).kind,
      "revalidate",
    );
  });

  it("reports stale-if-error within its window, never for must-revalidate", () => {
    const validators = { ifNoneMatch: '"v1"', ifModifiedSince: date(t0 - day) };
    const stored = meta({ ...validated, "cache-control": "max-age=60, stale-if-error=60" });
    assert.deepEqual(freshness(stored, new Headers(), { now: t0 + 2 * minute }), {
      kind: "revalidate",
      headers: validators,
      staleIfError: true,
    });
    assert.deepEqual(freshness(stored, new Headers(), { now: t0 + 2 * minute + second }), {
      kind: "revalidate",
      headers: validators,
      staleIfError: false,
    });
    const strict = meta({ ...validated, "cache-control": "max-age=60, stale-if-error=60, must-revalidate" });
    assert.deepEqual(freshness(strict, new Headers(), { now: t0 + 2 * minute }), {
      kind: "revalidate",
      headers: validators,
      staleIfError: false,
    });
  });

  it("keeps a response without validators for stale-if-error, from the request too", () => {
    const stored = meta({ "cache-control": "max-age=60" });
    assert.deepEqual(
      freshness(stored, new Headers({ "cache-control": "stale-if-error=600" }), { now: t0 + hour }),
      {
        kind: "miss",
      },
    );
    assert.deepEqual(
      freshness(stored, new Headers({ "cache-control": "stale-if-error=3600" }), { now: t0 + hour }),
      {
        kind: "revalidate",
        headers: {},
        staleIfError: true,
      },
    );
  });

  it("tells the caller about only-if-cached and which statuses are errors", () => {
    assert.equal(onlyIfCached(new Headers({ "cache-control": "max-stale, only-if-cached" })), true);
    assert.equal(onlyIfCached(new Headers()), false);
    assert.deepEqual([500, 502, 503, 504].map(isStaleIfErrorStatus), [true, true, true, true]);
    assert.deepEqual([404, 501, 200].map(isStaleIfErrorStatus), [false, false, false]);
  });
});

describe("Vary", () => {
  const response = new Headers({ vary: "Accept-Encoding, Accept-Language" });

  it("matches requests whose named fields are equal after whitespace normalization", () => {
    const request = new Headers([["accept-encoding", "gzip, br"], ["accept-language", "en"]]);
    const stored = meta({ vary: "Accept-Encoding, Accept-Language" }, {
      varyValues: varyValuesOf(response, request),
    });
    assert.deepEqual(stored.varyValues, { "accept-encoding": "gzip,br", "accept-language": "en" });
    const sameOnTwoLines = new Headers([["accept-encoding", "gzip"], ["accept-encoding", "br"], [
      "accept-language",
      "en",
    ]]);
    assert.equal(varyMatches(stored, sameOnTwoLines), true);
    assert.equal(
      varyMatches(stored, new Headers([["accept-encoding", "gzip,br"], ["accept-language", "de"]])),
      false,
    );
    assert.equal(varyMatches(stored, new Headers([["accept-encoding", "gzip,br"]])), false);
  });

  it("matches an absent field only when it was absent", () => {
    const stored = meta({ vary: "cookie" }, {
      varyValues: varyValuesOf(new Headers({ vary: "Cookie" }), new Headers()),
    });
    assert.deepEqual(stored.varyValues, { cookie: null });
    assert.equal(varyMatches(stored, new Headers()), true);
    assert.equal(varyMatches(stored, new Headers({ cookie: "a=1" })), false);
  });

  it("never matches Vary: *", () => {
    assert.equal(varyMatches(meta({ vary: "*" }), new Headers()), false);
    assert.deepEqual(varyValuesOf(new Headers({ vary: "*" }), new Headers()), {});
  });

  it("does not match a field the stored Vary values do not cover", () => {
    assert.equal(varyMatches(meta({ vary: "accept" }, { varyValues: {} }), new Headers()), false);
  });

  it("keeps hostile field names as plain keys", () => {
    const values = varyValuesOf(new Headers({ vary: "__proto__, constructor" }), new Headers());
    assert.equal(Object.getPrototypeOf(values), Object.prototype);
    assert.deepEqual(Object.keys(values), ["__proto__", "constructor"]);
    assert.equal(
      varyMatches(meta({ vary: "__proto__, constructor" }, { varyValues: values }), new Headers()),
      true,
    );
  });

  it("names a variant by its Vary values and selects the most recent matching one", () => {
    assert.equal(variantKey({ b: null, a: "1" }), variantKey({ a: "1", b: null }));
    assert.notEqual(variantKey({ a: "1" }), variantKey({ a: "2" }));
    const english = { meta: meta({ vary: "accept-language" }, { varyValues: { "accept-language": "en" } }) };
    const older = { meta: { ...english.meta, responseTime: t0 - hour } };
    const german = { meta: meta({ vary: "accept-language" }, { varyValues: { "accept-language": "de" } }) };
    const entries = [older, german, english];
    assert.equal(selectVariant(entries, new Headers({ "accept-language": "en" })), english);
    assert.equal(selectVariant(entries, new Headers({ "accept-language": "fr" })), undefined);
  });
});

describe("updateFrom304", () => {
  const stored = meta(
    {
      date: date(t0 - hour),
      age: "100",
      "cache-control": "max-age=60",
      etag: '"v1"',
      "content-length": "5",
      "content-encoding": "identity",
      "content-type": "text/plain",
    },
    { requestTime: t0 - hour, responseTime: t0 - hour, varyValues: { accept: "text/plain" } },
  );

  it("replaces stored fields with the 304's, except Content-Length and Content-Encoding, and restarts the age", () => {
    const updated = updateFrom304(stored, {
      headers: new Headers({
        "cache-control": "max-age=600",
        etag: '"v1"',
        "content-length": "0",
        "content-encoding": "gzip",
        connection: "close",
        "x-new": "1",
      }),
      requestTime: t0 - second,
      responseTime: t0,
    });
    assert.deepEqual(updated.headers, [
      ["content-length", "5"],
      ["content-encoding", "identity"],
      ["content-type", "text/plain"],
      ["cache-control", "max-age=600"],
      ["etag", '"v1"'],
      ["x-new", "1"],
      ["date", date(t0)],
    ]);
    assert.equal(updated.requestTime, t0 - second);
    assert.equal(updated.responseTime, t0);
    assert.deepEqual(updated.varyValues, { accept: "text/plain" });
    assert.equal(freshness(stored, new Headers(), { now: t0 }).kind, "revalidate");
    assert.equal(freshness(updated, new Headers(), { now: t0 + 5 * minute }).kind, "fresh");
    assert.equal(firstAge(stored), "100", "the input is not modified");
  });

  it("applies only to the stored response its validators match", () => {
    assert.equal(notModifiedMatches(stored, new Headers({ etag: '"v1"' })), true);
    assert.equal(notModifiedMatches(stored, new Headers({ etag: '"v2"' })), false);
    assert.equal(notModifiedMatches(stored, new Headers({ etag: 'W/"v1"' })), true);
    const weak = meta({ etag: 'W/"v1"' });
    assert.equal(notModifiedMatches(weak, new Headers({ etag: '"v1"' })), false);
    const dated = meta({ "last-modified": date(t0 - day) });
    assert.equal(notModifiedMatches(dated, new Headers({ "last-modified": date(t0 - day) })), true);
    assert.equal(notModifiedMatches(dated, new Headers({ "last-modified": date(t0) })), false);
    assert.equal(notModifiedMatches(dated, new Headers()), true);
  });
});

describe("invalidation and keys", () => {
  it("invalidates the URL, and same-origin Location and Content-Location, after an unsafe request", () => {
    const urls = invalidatedUrls(
      { method: "POST", url: "http://example.com/items#form" },
      {
        status: 201,
        headers: new Headers({ location: "/items/7", "content-location": "http://other.example/items/7" }),
      },
    );
    assert.deepEqual(urls, ["http://example.com/items", "http://example.com/items/7"]);
    const redirected = invalidatedUrls(
      { method: "PURGE", url: "https://example.com/a" },
      { status: 303, headers: new Headers({ location: "https://example.com:8443/b" }) },
    );
    assert.deepEqual(redirected, ["https://example.com/a"]);
  });

  it("invalidates nothing for safe methods or error statuses", () => {
    const headers = new Headers({ location: "/x" });
    assert.deepEqual(
      invalidatedUrls({ method: "GET", url: "http://example.com/" }, { status: 200, headers }),
      [],
    );
    assert.deepEqual(
      invalidatedUrls({ method: "DELETE", url: "http://example.com/" }, { status: 404, headers }),
      [],
    );
    assert.deepEqual(
      invalidatedUrls({ method: "PUT", url: "http://example.com/" }, { status: 500, headers }),
      [],
    );
  });

  it("keys GET and HEAD by the URL without fragment, other methods apart", () => {
    assert.equal(cacheKey("GET", "HTTP://Example.COM:80/a?b=1#frag"), "http://example.com/a?b=1");
    assert.equal(cacheKey("HEAD", "http://example.com/a"), cacheKey("GET", "http://example.com/a"));
    assert.equal(cacheKey("POST", "http://example.com/a"), "POST http://example.com/a");
    assert.equal(cacheKey("GET", "not a url#x"), "not a url");
  });
});
