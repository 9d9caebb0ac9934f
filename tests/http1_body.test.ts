import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BodyTruncatedError, HeaderTooLargeError, ParseError } from "../lib/errors.ts";
import { createBodyDecoder } from "../lib/http1/body.ts";
import type { BodyDecoder, BodyLimits } from "../lib/http1/body.ts";
import type { ResponseFraming } from "../lib/http1/response_head.ts";
import { bytes, feedBody, piecesOf, readResponses, splitAt, testLimits } from "./http1_feed.ts";

type ErrorClass = typeof ParseError | typeof HeaderTooLargeError | typeof BodyTruncatedError;

function throwsError(fn: () => unknown, type: ErrorClass, code: string, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${error}`);
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  });
}

const decoder = (framing: ResponseFraming, limits: BodyLimits = testLimits): BodyDecoder =>
  createBodyDecoder(framing, limits);
const chunked = (limits: BodyLimits = testLimits) => decoder({ kind: "chunked" }, limits);

/** Every way to feed `wire`: whole, one byte at a time, and in two pieces at each offset. */
function everySplit(wire: Uint8Array): Uint8Array[][] {
  const splits = [[wire], piecesOf(wire, 1)];
  for (let at = 1; at < wire.length; at++) splits.push(splitAt(wire, at));
  return splits;
}

describe("length bodies", () => {
  it("hand out exactly Content-Length bytes and stop where the next response starts", () => {
    const fed = feedBody(decoder({ kind: "length", length: 5 }), [bytes("helloHTTP/1.1 200 OK\r\n")]);
    assert.equal(fed.data, "hello");
    assert.equal(fed.consumed, 5);
    assert.equal(fed.decoder.done, true);
    assert.equal(fed.decoder.remaining, 0);
    assert.deepEqual(fed.decoder.trailers, []);
  });

  it("give the same data for every split of the bytes", () => {
    const wire = bytes("0123456789NEXT");
    for (const pieces of everySplit(wire)) {
      const fed = feedBody(decoder({ kind: "length", length: 10 }), pieces);
      assert.equal(fed.data, "0123456789");
      assert.equal(fed.consumed, 10);
    }
  });

  it("count down remaining as data arrives", () => {
    const body = decoder({ kind: "length", length: 10 });
    assert.equal(body.remaining, 10);
    assert.equal(body.step(bytes("abcd"), 0, 4), 4);
    assert.equal(body.remaining, 6);
    assert.equal(body.done, false);
  });

  it("are done at once for length 0, consuming nothing", () => {
    const body = decoder({ kind: "length", length: 0 });
    assert.equal(body.done, true);
    assert.equal(body.step(bytes("HTTP"), 0, 4), 0);
    assert.equal(body.dataStart, body.dataEnd);
    body.end();
  });

  it("throw BodyTruncatedError with the counts when the connection closes early", () => {
    const body = decoder({ kind: "length", length: 10 });
    body.step(bytes("abc"), 0, 3);
    throwsError(() => body.end(), BodyTruncatedError, "ERR_BODY_TRUNCATED", /3 of 10/);
  });

  it("accept the connection closing after the last byte", () => {
    const body = decoder({ kind: "length", length: 3 });
    body.step(bytes("abc"), 0, 3);
    body.end();
    assert.equal(body.done, true);
  });
});

describe("bodiless and close-delimited bodies", () => {
  it("framing none is done at once", () => {
    const body = decoder({ kind: "none" });
    assert.equal(body.done, true);
    assert.equal(body.step(bytes("HTTP/1.1"), 0, 8), 0);
    body.end();
  });

  it("close-delimited: every byte is data until end()", () => {
    const body = decoder({ kind: "close" });
    const fed = feedBody(body, piecesOf(bytes("all of this\r\n0\r\n\r\nis body"), 4));
    assert.equal(fed.data, "all of this\r\n0\r\n\r\nis body");
    assert.equal(body.done, false);
    assert.equal(body.remaining, -1);
    body.end();
    assert.equal(body.done, true);
    assert.equal(body.step(bytes("late"), 0, 4), 0);
  });
});

describe("chunked bodies", () => {
  const wire = "5\r\nhello\r\n1A;name=value;other\r\nabcdefghijklmnopqrstuvwxyz\r\n" +
    "3 ; ext\r\n\r\n\r\r\n0\r\nX-Checksum: abc\r\nX-Empty:\r\n\r\nHTTP/1.1 200 OK\r\n";
  const bodyLength = wire.indexOf("HTTP/");

  it("decode data, ignore extensions, read trailers, and stop at the body's end", () => {
    const fed = feedBody(chunked(), [bytes(wire)]);
    assert.equal(fed.data, "helloabcdefghijklmnopqrstuvwxyz\r\n\r");
    assert.equal(fed.consumed, bodyLength);
    assert.equal(fed.decoder.done, true);
    assert.deepEqual(fed.decoder.trailers, ["X-Checksum", "abc", "X-Empty", ""]);
  });

  it("give the same result for every split of the bytes, down to one byte per call", () => {
    const data = bytes(wire);
    for (const pieces of everySplit(data)) {
      const fed = feedBody(chunked(), pieces);
      assert.equal(fed.data, "helloabcdefghijklmnopqrstuvwxyz\r\n\r");
      assert.equal(fed.consumed, bodyLength);
      assert.deepEqual(fed.decoder.trailers, ["X-Checksum", "abc", "X-Empty", ""]);
    }
  });

  it("accept bare LF after size lines and trailers, and uppercase hex", () => {
    const fed = feedBody(chunked(), [bytes("A\nabcdefghij\r\n0\nT: 1\n\nnext")]);
    assert.equal(fed.data, "abcdefghij");
    assert.equal(fed.consumed, 22);
    assert.deepEqual(fed.decoder.trailers, ["T", "1"]);
  });

  it("end with no trailers at the CRLF after the last chunk", () => {
    const fed = feedBody(chunked(), [bytes("0\r\n\r\nHTTP")]);
    assert.equal(fed.data, "");
    assert.equal(fed.consumed, 5);
    assert.deepEqual(fed.decoder.trailers, []);
  });

  it("hand out one data span per step and report what is left of the chunk", () => {
    const body = chunked();
    const data = bytes("a\r\n0123");
    assert.equal(body.step(data, 0, data.length), 7);
    assert.deepEqual([body.dataStart, body.dataEnd], [3, 7]);
    assert.equal(body.remaining, 6);
    assert.equal(body.done, false);
  });

  it("consume nothing while a size line is incomplete", () => {
    const body = chunked();
    const data = bytes("ff;ext=");
    assert.equal(body.step(data, 0, data.length), 0);
    assert.equal(body.dataStart, body.dataEnd);
    assert.equal(body.remaining, -1);
  });

  it("accept a chunk size up to Number.MAX_SAFE_INTEGER", () => {
    const body = chunked();
    const data = bytes("1fffffffffffff\r\nab");
    assert.equal(body.step(data, 0, data.length), data.length);
    assert.equal(body.remaining, Number.MAX_SAFE_INTEGER - 2);
  });

  const malformed: [string, string][] = [
    ["a negative size", "-5\r\nhello\r\n0\r\n\r\n"],
    ["a plus sign", "+5\r\nhello\r\n0\r\n\r\n"],
    ["leading whitespace", " 5\r\nhello\r\n0\r\n\r\n"],
    ["an empty size line", "\r\nhello\r\n0\r\n\r\n"],
    ["a 0x prefix", "0x5\r\nhello\r\n0\r\n\r\n"],
    ["a non-hex digit", "5g\r\nhello\r\n0\r\n\r\n"],
    ["junk after the size", "5 x\r\nhello\r\n0\r\n\r\n"],
    ["17 hex digits", "00000000000000005\r\nhello\r\n0\r\n\r\n"],
    ["a size past MAX_SAFE_INTEGER", "20000000000000\r\nhello\r\n0\r\n\r\n"],
    ["a size past 2^64", "ffffffffffffffffff\r\nhello\r\n0\r\n\r\n"],
    ["data longer than its size", "5\r\nhello!\r\n0\r\n\r\n"],
    ["data followed by LF only", "5\r\nhello\n0\r\n\r\n"],
    ["data followed by CR only", "5\r\nhello\r0\r\n\r\n"],
    ["a bare CR in an extension", "5;a\rb\r\nhello\r\n0\r\n\r\n"],
    ["a NUL in an extension", "5;a\x00b\r\nhello\r\n0\r\n\r\n"],
    ["a folded trailer", "0\r\nT: 1\r\n folded\r\n\r\n"],
    ["a trailer without colon", "0\r\nTrailer\r\n\r\n"],
    ["whitespace before a trailer's colon", "0\r\nT : 1\r\n\r\n"],
    ["a NUL in a trailer", "0\r\nT: a\x00b\r\n\r\n"],
    ["a bare CR in a trailer", "0\r\nT: a\rb\r\n\r\n"],
  ];
  for (const [what, body] of malformed) {
    it(`refuse ${what} with ParseError, fed whole or byte by byte`, () => {
      for (const pieces of [[bytes(body)], piecesOf(bytes(body), 1)]) {
        throwsError(() => feedBody(chunked(), pieces), ParseError, "ERR_PARSE");
      }
    });
  }

  it("accept a size line of exactly maxLineLength bytes", () => {
    const limits = { ...testLimits, maxLineLength: 64 };
    const line = `3;${"e".repeat(62)}`;
    const fed = feedBody(chunked(limits), [bytes(`${line}\r\nabc\r\n0\r\n\r\n`)]);
    assert.equal(fed.data, "abc");
    throwsError(
      () => feedBody(chunked(limits), [bytes(`${line}e\r\nabc\r\n0\r\n\r\n`)]),
      HeaderTooLargeError,
      "ERR_HEADER_TOO_LARGE",
    );
  });

  it("refuse a huge chunk extension once it passes maxLineLength, without waiting for its end", () => {
    const limits = { ...testLimits, maxLineLength: 4096 };
    const body = chunked(limits);
    const piece = bytes(";".repeat(1024));
    let pending = bytes("5");
    let fedBytes = 1;
    assert.throws(() => {
      for (let i = 0; i < 1024; i++) {
        const next = new Uint8Array(pending.length + piece.length);
        next.set(pending);
        next.set(piece, pending.length);
        pending = next;
        fedBytes += piece.length;
        assert.equal(body.step(pending, 0, pending.length), 0);
      }
    }, HeaderTooLargeError);
    assert.ok(fedBytes <= 4096 + 1024 + 1, `refused after ${fedBytes} bytes, not 1 MiB`);
  });

  it("refuse an endless trailer section once it passes maxHeaderSize", () => {
    const limits = { ...testLimits, maxHeaderSize: 1000 };
    const endless = bytes(`0\r\n${"X-Trailer: again and again\r\n".repeat(200)}`);
    for (const pieces of [[endless], piecesOf(endless, 100)]) {
      throwsError(() => feedBody(chunked(limits), pieces), HeaderTooLargeError, "ERR_HEADER_TOO_LARGE");
    }
  });

  it("refuse more trailer fields than maxHeaderCount", () => {
    const limits = { ...testLimits, maxHeaderCount: 2 };
    assert.deepEqual(feedBody(chunked(limits), [bytes("0\r\nA: 1\r\nB: 2\r\n\r\n")]).decoder.trailers, [
      "A",
      "1",
      "B",
      "2",
    ]);
    throwsError(
      () => feedBody(chunked(limits), [bytes("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n")]),
      HeaderTooLargeError,
      "ERR_HEADER_TOO_LARGE",
    );
  });

  it("refuse a trailer line longer than maxLineLength", () => {
    const limits = { ...testLimits, maxLineLength: 20 };
    throwsError(
      () => feedBody(chunked(limits), [bytes(`0\r\nT: ${"v".repeat(30)}\r\n\r\n`)]),
      HeaderTooLargeError,
      "ERR_HEADER_TOO_LARGE",
    );
  });

  const truncated: [string, string, RegExp][] = [
    ["inside chunk data", "a\r\n0123", /4 body bytes, 6 more bytes of the current chunk/],
    ["before the CRLF after data", "3\r\nabc", /3 body bytes/],
    ["inside a size line", "3\r\nabc\r\n1", /3 body bytes/],
    ["before the last chunk", "3\r\nabc\r\n", /3 body bytes/],
    ["inside the trailer section", "3\r\nabc\r\n0\r\nT: 1\r\n", /3 body bytes/],
    ["before the final CRLF", "0\r\n", /0 body bytes/],
  ];
  for (const [where, body, message] of truncated) {
    it(`throw BodyTruncatedError when the connection closes ${where}`, () => {
      const fed = feedBody(chunked(), [bytes(body)]);
      throwsError(() => fed.decoder.end(), BodyTruncatedError, "ERR_BODY_TRUNCATED", message);
    });
  }

  it("accept the connection closing after the body is complete", () => {
    const fed = feedBody(chunked(), [bytes("3\r\nabc\r\n0\r\n\r\n")]);
    fed.decoder.end();
    assert.equal(fed.decoder.done, true);
  });
});

describe("a stream of pipelined responses", () => {
  const stream = [
    "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n",
    "HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5;x=y\r\npedia\r\n0\r\nX-Sum: 9\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n",
    "HTTP/1.1 204 No Content\r\n\r\n",
    'HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\nETag: "x"\r\n\r\n',
    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end\r\n\r\n",
  ].join("");
  const methods = ["POST", "GET", "HEAD", "DELETE", "GET", "GET", "GET"];
  const expected = [
    { status: 201, rawHeaders: ["Content-Length", "5"], body: "hello", trailers: [] },
    {
      status: 200,
      rawHeaders: ["Transfer-Encoding", "chunked"],
      body: "wikipedia",
      trailers: ["X-Sum", "9"],
    },
    { status: 200, rawHeaders: ["Content-Length", "1234"], body: "", trailers: [] },
    { status: 204, rawHeaders: [], body: "", trailers: [] },
    { status: 304, rawHeaders: ["Content-Length", "99", "ETag", '"x"'], body: "", trailers: [] },
    { status: 200, rawHeaders: ["Content-Length", "0"], body: "", trailers: [] },
    { status: 200, rawHeaders: ["Content-Type", "text/plain"], body: "until the end\r\n\r\n", trailers: [] },
  ];
  const summary = (pieces: Uint8Array[]) =>
    readResponses(pieces, methods).map(({ head, body, trailers }) => ({
      status: head.status,
      rawHeaders: head.rawHeaders,
      body,
      trailers,
    }));

  it("reads each response exactly, skipping the interim one", () => {
    assert.deepEqual(summary([bytes(stream)]), expected);
  });

  it("reads the same responses for every split of the stream, down to one byte per read", () => {
    for (const pieces of everySplit(bytes(stream))) assert.deepEqual(summary(pieces), expected);
  });

  it("reads the same responses with bare LF line ends", () => {
    const bareLf = "HTTP/1.1 100 Continue\n\nHTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n" +
      "4\nwiki\r\n0\nX-Sum: 9\n\nHTTP/1.1 204 No Content\n\nHTTP/1.1 200 OK\nContent-Length: 2\n\nok";
    for (const pieces of everySplit(bytes(bareLf))) {
      assert.deepEqual(
        readResponses(pieces, ["POST", "GET", "GET"]).map((
          { head, body, trailers },
        ) => [head.status, body, trailers]),
        [
          [200, "wiki", ["X-Sum", "9"]],
          [204, "", []],
          [200, "ok", []],
        ],
      );
    }
  });

  it("reports a truncated response when the stream ends inside a body", () => {
    const cut = bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
    throwsError(() => readResponses([cut], ["GET"]), BodyTruncatedError, "ERR_BODY_TRUNCATED", /5 of 10/);
  });
});
