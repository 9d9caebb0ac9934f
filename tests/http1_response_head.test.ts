import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HeaderTooLargeError, ParseError } from "../lib/errors.ts";
import {
  findHeadEnd,
  isInterim,
  keepsAlive,
  parseResponseHead,
  responseFraming,
} from "../lib/http1/response_head.ts";
import type { HeadLimits, ResponseHead } from "../lib/http1/response_head.ts";
import { bytes, testLimits } from "./http1_feed.ts";

/** Parse a complete head given as a latin1 string. */
function parse(head: string, limits: HeadLimits = testLimits): ResponseHead {
  const data = bytes(head);
  const end = findHeadEnd(data, 0, data.length, 0, limits);
  assert.notEqual(end, -1, "the head is complete");
  return parseResponseHead(data, 0, end, limits);
}

function throwsParse(fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ParseError, `expected ParseError, got ${error}`);
    assert.equal(error.code, "ERR_PARSE");
    if (message) assert.match(error.message, message);
    return true;
  });
}

function throwsTooLarge(fn: () => unknown): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof HeaderTooLargeError, `expected HeaderTooLargeError, got ${error}`);
    assert.equal(error.code, "ERR_HEADER_TOO_LARGE");
    return true;
  });
}

/** A head with one extra header line. */
function withHeader(line: string): string {
  return `HTTP/1.1 200 OK\r\n${line}\r\nContent-Length: 0\r\n\r\n`;
}

describe("status line", () => {
  it("reads version, status and reason phrase", () => {
    const head = parse("HTTP/1.1 404 Not Found\r\n\r\n");
    assert.equal(head.httpVersion, "1.1");
    assert.equal(head.status, 404);
    assert.equal(head.statusText, "Not Found");
    assert.deepEqual(head.rawHeaders, []);
  });

  it("accepts an empty reason phrase, with or without the space before it", () => {
    assert.equal(parse("HTTP/1.1 200 \r\n\r\n").statusText, "");
    assert.equal(parse("HTTP/1.1 200\r\n\r\n").statusText, "");
    assert.equal(parse("HTTP/1.1 200\r\n\r\n").status, 200);
  });

  it("keeps the reason phrase as sent, obs-text included", () => {
    assert.equal(parse("HTTP/1.1 200 Tr\xe8s  bien\r\n\r\n").statusText, "Tr\xe8s  bien");
  });

  it("reads HTTP/1.0 and treats HTTP/1.2 to 1.9 as 1.1", () => {
    assert.equal(parse("HTTP/1.0 200 OK\r\n\r\n").httpVersion, "1.0");
    assert.equal(parse("HTTP/1.2 200 OK\r\n\r\n").httpVersion, "1.1");
    assert.equal(parse("HTTP/1.9 200 OK\r\n\r\n").httpVersion, "1.1");
  });

  it("accepts status codes 100 to 999", () => {
    assert.equal(parse("HTTP/1.1 100 Continue\r\n\r\n").status, 100);
    assert.equal(parse("HTTP/1.1 999 Custom\r\n\r\n").status, 999);
  });

  for (
    const line of [
      "HTTP/2.0 200 OK",
      "HTTP/0.9 200 OK",
      "HTTP/1.10 200 OK",
      "http/1.1 200 OK",
      "HTTP/1.1 099 Low",
      "HTTP/1.1 1000 Long",
      "HTTP/1.1 20 Short",
      "HTTP/1.1 2x0 Letter",
      "HTTP/1.1  200 Two spaces",
      "HTTP/1.1 200\tTab",
      "HTTP/1.1",
      "ICY 200 OK",
      "",
    ]
  ) {
    it(`refuses the status line ${JSON.stringify(line)}`, () => {
      throwsParse(() => parse(`${line}\r\nContent-Length: 0\r\n\r\n`));
    });
  }

  it("refuses a status line longer than maxLineLength", () => {
    const limits = { ...testLimits, maxLineLength: 30 };
    assert.equal(parse(`HTTP/1.1 200 ${"x".repeat(17)}\r\n\r\n`, limits).statusText.length, 17);
    throwsTooLarge(() => parse(`HTTP/1.1 200 ${"x".repeat(18)}\r\n\r\n`, limits));
  });
});

describe("header fields", () => {
  it("keeps names as received, in order, and trims OWS around values", () => {
    const head = parse(
      "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nx-custom:\t a  b \t\r\nEmpty:\r\nX-Custom: again\r\n\r\n",
    );
    assert.deepEqual(head.rawHeaders, [
      "Content-Type",
      "text/html",
      "x-custom",
      "a  b",
      "Empty",
      "",
      "X-Custom",
      "again",
    ]);
  });

  it("accepts bare LF line ends (RFC 9112 §2.2)", () => {
    const head = parse("HTTP/1.1 200 OK\nA: 1\r\nB: 2\n\n");
    assert.deepEqual(head.rawHeaders, ["A", "1", "B", "2"]);
  });

  it("decodes values one character per byte (latin1), 0x80-0x9F included", () => {
    const head = parse("HTTP/1.1 200 OK\r\nX-Bytes: \x80\x9f\xe9\xff\r\n\r\n");
    assert.equal(head.rawHeaders[1], "\x80\x9f\xe9\xff");
  });

  it("gives each head its own strings when different values share a length", () => {
    const values = ["ab", "ba", "aa", "bb", "ab"];
    for (const value of values) {
      assert.deepEqual(parse(`HTTP/1.1 200 OK\r\nX: ${value}\r\n\r\n`).rawHeaders, ["X", value]);
    }
  });

  it("refuses obs-fold instead of unfolding it (RFC 9112 §5.2)", () => {
    throwsParse(() => parse("HTTP/1.1 200 OK\r\nA: 1\r\n  continued\r\n\r\n"), /folding/);
    throwsParse(() => parse("HTTP/1.1 200 OK\r\nA: 1\r\n\tcontinued\r\n\r\n"), /folding/);
  });

  it("refuses whitespace between a field name and its colon (RFC 9112 §5.1)", () => {
    throwsParse(() => parse(withHeader("Content-Length : 5")), /colon/);
    throwsParse(() => parse(withHeader("Foo\t: bar")), /colon/);
  });

  for (const line of [": empty name", "No colon", "Bad@Name: x", "Bad Name: x", "(x): y", "\x7f: y"]) {
    it(`refuses the field line ${JSON.stringify(line)}`, () => {
      throwsParse(() => parse(withHeader(line)));
    });
  }

  it("refuses a NUL byte anywhere in the head", () => {
    throwsParse(() => parse(withHeader("X-A: a\x00b")), /NUL/);
    throwsParse(() => parse("HTTP/1.1 200 O\x00K\r\n\r\n"), /NUL/);
    throwsParse(() => parse(withHeader("X\x00: a")));
  });

  it("refuses a bare CR anywhere in the head", () => {
    throwsParse(() => parse(withHeader("X-A: a\rb")), /CR/);
    throwsParse(() => parse(withHeader("X-A: ab\r")), /CR/);
    throwsParse(() => parse("HTTP/1.1 200 O\rK\r\n\r\n"), /CR/);
  });

  it("allows maxHeaderCount fields and refuses one more", () => {
    const limits = { ...testLimits, maxHeaderCount: 3 };
    assert.equal(parse("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits).rawHeaders.length, 6);
    throwsTooLarge(() => parse("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", limits));
  });

  it("refuses a head larger than maxHeaderSize in parseResponseHead too", () => {
    const data = bytes("HTTP/1.1 200 OK\r\nA: 1\r\n\r\n");
    throwsTooLarge(() =>
      parseResponseHead(data, 0, data.length, { ...testLimits, maxHeaderSize: data.length - 1 })
    );
  });

  it("refuses bytes that do not end with the empty line", () => {
    const data = bytes("HTTP/1.1 200 OK\r\nA: 1\r\n");
    throwsParse(() => parseResponseHead(data, 0, data.length, testLimits));
    const noLine = bytes("HTTP/1.1 200 OK");
    throwsParse(() => parseResponseHead(noLine, 0, noLine.length, testLimits));
  });

  it("parses a head that starts inside a larger buffer", () => {
    const data = bytes("garbageHTTP/1.1 201 Created\r\nA: 1\r\n\r\nbody");
    const end = findHeadEnd(data, 7, data.length, 7, testLimits);
    assert.equal(end, data.length - 4);
    const head = parseResponseHead(data, 7, end, testLimits);
    assert.equal(head.status, 201);
    assert.deepEqual(head.rawHeaders, ["A", "1"]);
  });
});

describe("findHeadEnd", () => {
  const response = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n";

  it("returns the index just past the empty line, or -1 while incomplete", () => {
    const data = bytes(`${response}body`);
    assert.equal(findHeadEnd(data, 0, data.length, 0, testLimits), response.length);
    for (let end = 0; end < response.length; end++) {
      assert.equal(findHeadEnd(data, 0, end, 0, testLimits), -1, `end ${end}`);
    }
  });

  it("finds the same end when resumed after any split", () => {
    for (const lineEnd of ["\r\n", "\n"]) {
      const head = `HTTP/1.1 200 OK${lineEnd}A: 1${lineEnd}B: 2${lineEnd}${lineEnd}`;
      const data = bytes(`${head}rest`);
      for (let split = 0; split <= head.length; split++) {
        const first = findHeadEnd(data, 0, split, 0, testLimits);
        const found = first !== -1 ? first : findHeadEnd(data, 0, data.length, split, testLimits);
        assert.equal(found, head.length, `split at ${split}`);
      }
    }
  });

  it("finds the same end when fed one byte at a time", () => {
    const data = bytes(response);
    let found = -1;
    for (let end = 1; end <= data.length && found === -1; end++) {
      found = findHeadEnd(data, 0, end, end - 1, testLimits);
    }
    assert.equal(found, response.length);
  });

  it("ends at the first empty line, so a body that looks like headers stays body", () => {
    const data = bytes("HTTP/1.1 200 OK\r\n\r\nA: 1\r\n\r\n");
    assert.equal(findHeadEnd(data, 0, data.length, 0, testLimits), 19);
  });

  it("allows a head of exactly maxHeaderSize bytes", () => {
    const data = bytes(response);
    assert.equal(
      findHeadEnd(data, 0, data.length, 0, { ...testLimits, maxHeaderSize: data.length }),
      data.length,
    );
  });

  it("refuses a complete head larger than maxHeaderSize", () => {
    const data = bytes(response);
    throwsTooLarge(() =>
      findHeadEnd(data, 0, data.length, 0, { ...testLimits, maxHeaderSize: data.length - 1 })
    );
  });

  it("refuses an endless head as soon as it passes maxHeaderSize, without its end", () => {
    const limits = { ...testLimits, maxHeaderSize: 100 };
    const data = bytes(`HTTP/1.1 200 OK\r\n${"X: y\r\n".repeat(50)}`);
    assert.equal(findHeadEnd(data, 0, 100, 0, limits), -1);
    throwsTooLarge(() => findHeadEnd(data, 0, 101, 100, limits));
  });

  it("refuses a line longer than maxLineLength, finished or not", () => {
    const limits = { ...testLimits, maxLineLength: 20 };
    assert.notEqual(
      findHeadEnd(bytes(`HTTP/1.1 200 OK\r\nX: ${"a".repeat(17)}\r\n\r\n`), 0, 43, 0, limits),
      -1,
    );
    const long = bytes(`HTTP/1.1 200 OK\r\nX: ${"a".repeat(18)}\r\n\r\n`);
    throwsTooLarge(() => findHeadEnd(long, 0, long.length, 0, limits));
    const unfinished = bytes(`HTTP/1.1 200 OK\r\nX: ${"a".repeat(100)}`);
    // 20 bytes and the CR of a CRLF may still be a valid line; one more byte is not.
    assert.equal(findHeadEnd(unfinished, 0, 17 + 21, 0, limits), -1);
    throwsTooLarge(() => findHeadEnd(unfinished, 0, 17 + 22, 0, limits));
  });
});

describe("Content-Length", () => {
  it("is parsed, and null when absent", () => {
    assert.equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n").contentLength, 42);
    assert.equal(parse("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").contentLength, 0);
    assert.equal(parse("HTTP/1.1 200 OK\r\n\r\n").contentLength, null);
  });

  it("accepts repeated fields and lists of one same value (RFC 9110 §8.6)", () => {
    assert.equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nCONTENT-LENGTH: 5\r\n\r\n").contentLength, 5);
    assert.equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 5, 5 ,5\r\n\r\n").contentLength, 5);
    assert.equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 007\r\n\r\n").contentLength, 7);
  });

  it("accepts up to Number.MAX_SAFE_INTEGER", () => {
    const head = parse("HTTP/1.1 200 OK\r\nContent-Length: 9007199254740991\r\n\r\n");
    assert.equal(head.contentLength, Number.MAX_SAFE_INTEGER);
  });

  for (
    const value of [
      "-1",
      "+5",
      "0x10",
      "1e3",
      "5.0",
      "",
      "5,",
      "5, 6",
      "9007199254740992",
      "99999999999999999999",
    ]
  ) {
    it(`refuses Content-Length ${JSON.stringify(value)}`, () => {
      throwsParse(() => parse(`HTTP/1.1 200 OK\r\nContent-Length: ${value}\r\n\r\n`));
    });
  }

  it("refuses differing values in repeated fields", () => {
    throwsParse(
      () => parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"),
      /differing/,
    );
  });

  it("refuses Content-Length together with Transfer-Encoding (smuggling guard)", () => {
    throwsParse(
      () => parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"),
      /both/,
    );
    throwsParse(() => parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"));
  });
});

describe("Transfer-Encoding", () => {
  it("accepts chunked in any case, with empty list elements", () => {
    for (const value of ["chunked", "Chunked", "CHUNKED", "chunked, ", " , chunked"]) {
      const head = parse(`HTTP/1.1 200 OK\r\nTransfer-Encoding: ${value}\r\n\r\n`);
      assert.equal(head.chunked, true, value);
      assert.equal(head.hasTransferEncoding, true);
    }
    const plain = parse("HTTP/1.1 200 OK\r\n\r\n");
    assert.equal(plain.chunked, false);
    assert.equal(plain.hasTransferEncoding, false);
  });

  for (
    const value of [
      "gzip, chunked",
      "chunked, gzip",
      "chunked, chunked",
      "identity",
      "gzip",
      "",
      "chunked;x=1",
    ]
  ) {
    it(`refuses Transfer-Encoding ${JSON.stringify(value)}`, () => {
      throwsParse(() => parse(`HTTP/1.1 200 OK\r\nTransfer-Encoding: ${value}\r\n\r\n`));
    });
  }

  it("refuses chunked in two fields", () => {
    throwsParse(() =>
      parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n")
    );
  });
});

describe("Connection, Keep-Alive and Content-Encoding", () => {
  it("reads close and keep-alive among other connection options, in any case", () => {
    const head = parse("HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\nconnection: Keep-Alive\r\n\r\n");
    assert.equal(head.connectionClose, true);
    assert.equal(head.connectionKeepAlive, true);
    const other = parse("HTTP/1.1 200 OK\r\nConnection: closed, keep-alive-ish\r\n\r\n");
    assert.equal(other.connectionClose, false);
    assert.equal(other.connectionKeepAlive, false);
  });

  it("reads Keep-Alive timeout and max", () => {
    const head = parse("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=100\r\n\r\n");
    assert.equal(head.keepAliveTimeout, 5);
    assert.equal(head.keepAliveMax, 100);
    const spaced = parse('HTTP/1.1 200 OK\r\nkeep-alive: MAX = 7 ,Timeout="30"\r\n\r\n');
    assert.equal(spaced.keepAliveTimeout, 30);
    assert.equal(spaced.keepAliveMax, 7);
  });

  it("ignores malformed Keep-Alive parameters instead of failing", () => {
    const head = parse("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=-1, max=lots, timeout, =3\r\n\r\n");
    assert.equal(head.keepAliveTimeout, null);
    assert.equal(head.keepAliveMax, null);
    const absent = parse("HTTP/1.1 200 OK\r\n\r\n");
    assert.equal(absent.keepAliveTimeout, null);
    assert.equal(absent.keepAliveMax, null);
  });

  it("joins repeated Content-Encoding values", () => {
    assert.equal(parse("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n").contentEncoding, "gzip");
    const head = parse("HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\ncontent-encoding: GZIP, br\r\n\r\n");
    assert.equal(head.contentEncoding, "deflate, GZIP, br");
    assert.equal(parse("HTTP/1.1 200 OK\r\n\r\n").contentEncoding, null);
  });
});

describe("keepsAlive", () => {
  const cases: [string, boolean][] = [
    ["HTTP/1.1 200 OK\r\n\r\n", true],
    ["HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", false],
    ["HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\n\r\n", false],
    ["HTTP/1.0 200 OK\r\n\r\n", false],
    ["HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", true],
    ["HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nTransfer-Encoding: chunked\r\n\r\n", false],
  ];
  for (const [head, expected] of cases) {
    it(`${expected ? "reuses" : "closes"} after ${JSON.stringify(head)}`, () => {
      assert.equal(keepsAlive(parse(head)), expected);
    });
  }
});

describe("responseFraming and isInterim", () => {
  const lengthHead = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
  const chunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

  it("uses Content-Length, then chunked, else reads until close", () => {
    assert.deepEqual(responseFraming(parse(lengthHead), "GET"), { kind: "length", length: 5 });
    assert.deepEqual(responseFraming(parse(chunkedHead), "POST"), { kind: "chunked" });
    assert.deepEqual(responseFraming(parse("HTTP/1.1 200 OK\r\n\r\n"), "GET"), { kind: "close" });
    assert.deepEqual(responseFraming(parse("HTTP/1.0 404 Not Found\r\n\r\n"), "GET"), { kind: "close" });
  });

  it("gives no body to a response to HEAD, whatever its fields say", () => {
    assert.deepEqual(responseFraming(parse(lengthHead), "HEAD"), { kind: "none" });
    assert.deepEqual(responseFraming(parse(chunkedHead), "HEAD"), { kind: "none" });
    assert.deepEqual(responseFraming(parse("HTTP/1.1 200 OK\r\n\r\n"), "HEAD"), { kind: "none" });
  });

  it("gives no body to 1xx, 204 and 304 responses", () => {
    for (const status of ["100 Continue", "103 Early Hints", "101 Switching Protocols", "204 No Content"]) {
      assert.deepEqual(responseFraming(parse(`HTTP/1.1 ${status}\r\n\r\n`), "GET"), { kind: "none" });
    }
    const notModified = parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\n\r\n");
    assert.deepEqual(responseFraming(notModified, "GET"), { kind: "none" });
  });

  it("gives no body to a 2xx answer to CONNECT, but reads a refusal", () => {
    assert.deepEqual(responseFraming(parse("HTTP/1.1 200 OK\r\n\r\n"), "CONNECT"), { kind: "none" });
    assert.deepEqual(responseFraming(parse("HTTP/1.1 407 Auth\r\nContent-Length: 3\r\n\r\n"), "CONNECT"), {
      kind: "length",
      length: 3,
    });
  });

  it("treats 1xx other than 101 as interim", () => {
    assert.equal(isInterim(parse("HTTP/1.1 100 Continue\r\n\r\n")), true);
    assert.equal(isInterim(parse("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n")), true);
    assert.equal(isInterim(parse("HTTP/1.1 101 Switching Protocols\r\n\r\n")), false);
    assert.equal(isInterim(parse("HTTP/1.1 200 OK\r\n\r\n")), false);
  });

  it("reads 100 Continue, then the final response after it, without merging their fields", () => {
    const data = bytes(
      "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    );
    const firstEnd = findHeadEnd(data, 0, data.length, 0, testLimits);
    const interim = parseResponseHead(data, 0, firstEnd, testLimits);
    assert.equal(isInterim(interim), true);
    const finalEnd = findHeadEnd(data, firstEnd, data.length, firstEnd, testLimits);
    assert.equal(finalEnd, data.length);
    const final = parseResponseHead(data, firstEnd, finalEnd, testLimits);
    assert.equal(final.status, 200);
    assert.deepEqual(final.rawHeaders, ["Content-Length", "0"]);
  });
});
