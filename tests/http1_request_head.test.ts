import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidHeaderError, InvalidRequestError } from "../lib/errors.ts";
import {
  chunkHeader,
  CRLF,
  isTokenString,
  LAST_CHUNK,
  serializeRequestHead,
  validateHeaderName,
  validateHeaderValue,
  validateMethod,
  validateRequestTarget,
} from "../lib/http1/request_head.ts";
import type { RequestHeadInit } from "../lib/http1/request_head.ts";
import { text } from "./http1_feed.ts";

function head(overrides: Partial<RequestHeadInit> = {}): string {
  return text(serializeRequestHead({
    method: "GET",
    target: "/",
    host: "example.com",
    headers: [],
    framing: { kind: "none" },
    ...overrides,
  }));
}

function throwsError(fn: () => unknown, type: typeof InvalidHeaderError | typeof InvalidRequestError): void {
  const code = type === InvalidHeaderError ? "ERR_INVALID_HEADER" : "ERR_INVALID_REQUEST";
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${error}`);
    assert.equal(error.code, code);
    return true;
  });
}

describe("serializeRequestHead", () => {
  it("writes the request line, Host, the caller's fields in order, and the empty line", () => {
    const result = head({
      method: "GET",
      target: "/search?q=a%20b",
      host: "example.com:8080",
      headers: [["Accept", "text/html"], ["x-lower", "1"], ["X-Dup", "a"], ["X-Dup", "b"]],
    });
    assert.equal(
      result,
      "GET /search?q=a%20b HTTP/1.1\r\nHost: example.com:8080\r\nAccept: text/html\r\nx-lower: 1\r\n" +
        "X-Dup: a\r\nX-Dup: b\r\n\r\n",
    );
  });

  it("returns a fresh array of exactly the head's length each time, never overwritten by a later head", () => {
    const first = serializeRequestHead({
      method: "GET",
      target: "/a",
      host: "h",
      headers: [],
      framing: { kind: "none" },
    });
    const second = serializeRequestHead({
      method: "GET",
      target: "/b",
      host: "h",
      headers: [],
      framing: { kind: "none" },
    });
    assert.equal(text(first), "GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
    assert.equal(text(second), "GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
    second.fill(0);
    assert.equal(text(first), "GET /a HTTP/1.1\r\nHost: h\r\n\r\n", "the arrays do not overlap");
  });

  it("writes Content-Length or Transfer-Encoding for the framing, after the caller's fields", () => {
    assert.equal(
      head({ method: "POST", headers: [["A", "1"]], framing: { kind: "length", length: 12 } }),
      "POST / HTTP/1.1\r\nHost: example.com\r\nA: 1\r\nContent-Length: 12\r\n\r\n",
    );
    assert.equal(
      head({ method: "PUT", framing: { kind: "length", length: 0 } }),
      "PUT / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n",
    );
    assert.equal(
      head({ method: "POST", framing: { kind: "chunked" } }),
      "POST / HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
  });

  it("accepts OPTIONS *, absolute-form targets and IPv6 hosts", () => {
    assert.equal(head({ method: "OPTIONS", target: "*" }), "OPTIONS * HTTP/1.1\r\nHost: example.com\r\n\r\n");
    assert.equal(
      head({ target: "http://example.com/x", host: "[::1]:8080" }),
      "GET http://example.com/x HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
    );
  });

  it("trims SP and HTAB around values and keeps inner whitespace", () => {
    assert.equal(
      head({ headers: [["A", " \t a \t b\t "], ["Empty", "   "], ["B", ""]] }),
      "GET / HTTP/1.1\r\nHost: example.com\r\nA: a \t b\r\nEmpty: \r\nB: \r\n\r\n",
    );
  });

  it("writes obs-text as one latin1 byte per character", () => {
    const bytes = serializeRequestHead({
      method: "GET",
      target: "/",
      host: "h",
      headers: [["X", "caf\xe9\x80"]],
      framing: { kind: "none" },
    });
    const value = bytes.subarray(bytes.length - 9, bytes.length - 4);
    assert.deepEqual([...value], [0x63, 0x61, 0x66, 0xe9, 0x80]);
  });

  it("handles heads larger than its scratch buffer", () => {
    const big = "v".repeat(100_000);
    const result = head({ headers: [["Cookie", big], ["After", "1"]] });
    assert.equal(result, `GET / HTTP/1.1\r\nHost: example.com\r\nCookie: ${big}\r\nAfter: 1\r\n\r\n`);
    assert.equal(head(), "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
  });

  for (const method of ["", "GET POST", "GE\rT", "G\u00c9T", "GET\n", "(GET)"]) {
    it(`refuses the method ${JSON.stringify(method)}`, () => {
      throwsError(() => head({ method }), InvalidRequestError);
    });
  }

  for (const target of ["", "/a b", "/a\r\nX: y", "/\x00", "/\x7f", "/caf\xe9", "/\u20ac", "/\t"]) {
    it(`refuses the request-target ${JSON.stringify(target)}`, () => {
      throwsError(() => head({ target }), InvalidRequestError);
    });
  }

  for (const host of ["", "a b", "a\r\nX: y", "a\nb", "a\x00", "a/b", "\xe9.com"]) {
    it(`refuses the host ${JSON.stringify(host)}`, () => {
      throwsError(() => head({ host }), InvalidRequestError);
    });
  }

  for (const length of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, Infinity]) {
    it(`refuses Content-Length framing of ${length}`, () => {
      throwsError(() => head({ method: "POST", framing: { kind: "length", length } }), InvalidRequestError);
    });
  }

  for (const name of ["", "Bad Name", "Bad:Name", "X\r\nY", "X\n", "\u00e9", "A\x00"]) {
    it(`refuses the header name ${JSON.stringify(name)}`, () => {
      throwsError(() => head({ headers: [[name, "v"]] }), InvalidHeaderError);
    });
  }

  for (const value of ["a\r\nInjected: 1", "a\nb", "a\rb", "a\x00b", "\u20ac", "a\r\n", "\r\n"]) {
    it(`refuses the header value ${JSON.stringify(value)}`, () => {
      throwsError(() => head({ headers: [["X", value]] }), InvalidHeaderError);
    });
  }

  for (const name of ["Host", "host", "HOST", "Content-Length", "content-LENGTH", "Transfer-Encoding"]) {
    it(`refuses a caller's ${name} field: the client layer writes it`, () => {
      throwsError(() => head({ headers: [[name, "1"]] }), InvalidRequestError);
    });
  }

  it("accepts names that only resemble the reserved ones", () => {
    assert.equal(
      head({ headers: [["Hosts", "1"], ["Content-Lengths", "2"], ["X-Transfer-Encoding", "3"]] }),
      "GET / HTTP/1.1\r\nHost: example.com\r\nHosts: 1\r\nContent-Lengths: 2\r\nX-Transfer-Encoding: 3\r\n\r\n",
    );
  });
});

describe("validators", () => {
  it("isTokenString accepts every tchar and nothing else", () => {
    assert.equal(isTokenString("!#$%&'*+-.^_`|~09azAZ"), true);
    for (const char of ` "(),/:;<=>?@[\\]{}\x7f\x00\t\xe9\u0100`) {
      assert.equal(isTokenString(`a${char}`), false, JSON.stringify(char));
    }
    assert.equal(isTokenString(""), false);
  });

  it("validateHeaderName throws InvalidHeaderError for a non-token", () => {
    validateHeaderName("X-Ok");
    throwsError(() => validateHeaderName("X Bad"), InvalidHeaderError);
  });

  it("validateHeaderValue returns the trimmed value, the same string when nothing to trim", () => {
    assert.equal(validateHeaderValue("X", "\t a b \t"), "a b");
    assert.equal(validateHeaderValue("X", "plain"), "plain");
    assert.equal(validateHeaderValue("X", "   "), "");
    assert.equal(validateHeaderValue("X", "ctl\x01 ok\x7f"), "ctl\x01 ok\x7f");
    throwsError(() => validateHeaderValue("X", "a\nb"), InvalidHeaderError);
    throwsError(() => validateHeaderValue("X", "\u0100"), InvalidHeaderError);
  });

  it("an invalid value's error names the header, not the value", () => {
    assert.throws(() => validateHeaderValue("Authorization", "secret\r\n"), (error: unknown) => {
      assert.ok(error instanceof InvalidHeaderError);
      assert.match(error.message, /Authorization/);
      assert.doesNotMatch(error.message, /secret/);
      return true;
    });
  });

  it("validateMethod and validateRequestTarget throw InvalidRequestError", () => {
    validateMethod("PATCH");
    validateRequestTarget("/a?b=c#d");
    throwsError(() => validateMethod("GET /"), InvalidRequestError);
    throwsError(() => validateRequestTarget("/a b"), InvalidRequestError);
  });
});

describe("chunk framing for request bodies", () => {
  it("chunkHeader writes the size in hex and CRLF", () => {
    assert.equal(text(chunkHeader(1)), "1\r\n");
    assert.equal(text(chunkHeader(26)), "1a\r\n");
    assert.equal(text(chunkHeader(65536)), "10000\r\n");
    assert.equal(text(chunkHeader(Number.MAX_SAFE_INTEGER)), "1fffffffffffff\r\n");
  });

  it("chunkHeader refuses 0: an empty chunk would end the body early", () => {
    throwsError(() => chunkHeader(0), InvalidRequestError);
  });

  for (const size of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
    it(`chunkHeader refuses ${size}`, () => {
      throwsError(() => chunkHeader(size), InvalidRequestError);
    });
  }

  it("CRLF and LAST_CHUNK are the bytes of the grammar", () => {
    assert.equal(text(CRLF), "\r\n");
    assert.equal(text(LAST_CHUNK), "0\r\n\r\n");
  });
});
