/**
 * A deliberately simple reading of well-formed responses, to check the real
 * parser against: string operations and regular expressions over the whole
 * input at once, no limits, no incremental state. It understands only a
 * subset of HTTP/1.1 (CRLF line ends, at most one transfer coding, no
 * whitespace in chunk-size lines) and throws `OutsideSubset` for anything
 * else, so it can only ever be used on inputs known to be valid.
 *
 * @module
 */
import type { WireOutcome, WireResponse } from "./wire_reader.ts";

/** The input is not in the subset this reference reads. */
export class OutsideSubset extends Error {
  /** Create the error with what was not understood. */
  constructor(message: string) {
    super(message);
    this.name = "OutsideSubset";
  }
}

const STATUS_LINE = /^HTTP\/1\.([0-9]) ([1-9][0-9][0-9])(?: ([^\0\r\n]*))?$/;
const FIELD_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([^\0\r\n]*?)[ \t]*$/;
const CHUNK_SIZE_LINE = /^([0-9A-Fa-f]{1,8})(;[^\0\r\n]*)?$/;

/** Reads lines and bytes from a latin1 string. */
class Cursor {
  #text: string;
  at = 0;
  constructor(text: string) {
    this.#text = text;
  }
  get atEnd(): boolean {
    return this.at >= this.#text.length;
  }
  line(): string {
    const end = this.#text.indexOf("\r\n", this.at);
    if (end === -1) throw new OutsideSubset("a line without CRLF");
    const line = this.#text.slice(this.at, end);
    this.at = end + 2;
    return line;
  }
  take(count: number): string {
    if (this.at + count > this.#text.length) throw new OutsideSubset("a truncated body");
    const taken = this.#text.slice(this.at, this.at + count);
    this.at += count;
    return taken;
  }
  rest(): string {
    return this.take(this.#text.length - this.at);
  }
}

function fields(cursor: Cursor): string[] {
  const result: string[] = [];
  for (let line = cursor.line(); line !== ""; line = cursor.line()) {
    const match = FIELD_LINE.exec(line);
    if (match === null) throw new OutsideSubset(`field line ${JSON.stringify(line)}`);
    result.push(match[1], match[2]);
  }
  return result;
}

/** Every list element of the fields named `name`, trimmed (empty ones too). */
function elements(headers: string[], name: string): string[] {
  const result: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i].toLowerCase() !== name) continue;
    for (const element of headers[i + 1].split(",")) result.push(element.replace(/^[ \t]+|[ \t]+$/g, ""));
  }
  return result;
}

function chunkedBody(cursor: Cursor): { body: string; trailers: string[] } {
  let body = "";
  for (;;) {
    const match = CHUNK_SIZE_LINE.exec(cursor.line());
    if (match === null) throw new OutsideSubset("chunk-size line");
    const size = parseInt(match[1], 16);
    if (size === 0) return { body, trailers: fields(cursor) };
    body += cursor.take(size);
    if (cursor.take(2) !== "\r\n") throw new OutsideSubset("chunk data without CRLF");
  }
}

/**
 * The responses to `methods` in `input` (latin1 text), read the simple way.
 *
 * @example
 * ```ts
 * import { referenceRead } from "./reference.ts";
 * referenceRead("HTTP/1.1 204 No Content\r\n\r\n", ["GET"]).responses[0].status; // 204
 * ```
 */
export function referenceRead(input: string, methods: readonly string[]): WireOutcome {
  const cursor = new Cursor(input);
  const responses: WireResponse[] = [];
  while (!cursor.atEnd) {
    if (responses.length >= methods.length) throw new OutsideSubset("more responses than requests");
    const status = STATUS_LINE.exec(cursor.line());
    if (status === null) throw new OutsideSubset("status line");
    const version = status[1] === "0" ? "1.0" : "1.1";
    const code = Number(status[2]);
    const headers = fields(cursor);
    if (code < 200 && code !== 101) continue; // interim: skipped
    const lengths = new Set(elements(headers, "content-length"));
    const codings = elements(headers, "transfer-encoding").map((coding) => coding.toLowerCase());
    const options = elements(headers, "connection").map((option) => option.toLowerCase());
    if (lengths.size > 1 || [...lengths].some((length) => !/^[0-9]{1,9}$/.test(length))) {
      throw new OutsideSubset("Content-Length");
    }
    const hasTransferEncoding = codings.length > 0;
    if (hasTransferEncoding && (codings.length > 1 || codings[0] !== "chunked" || lengths.size > 0)) {
      throw new OutsideSubset("Transfer-Encoding");
    }
    let keepAlive = !options.includes("close") &&
      (version === "1.1" || (options.includes("keep-alive") && !hasTransferEncoding));
    const method = methods[responses.length];
    let body = "";
    let trailers: string[] = [];
    if (method === "HEAD" || code < 200 || code === 204 || code === 304) {
      // no body
    } else if (hasTransferEncoding) {
      ({ body, trailers } = chunkedBody(cursor));
    } else if (lengths.size === 1) {
      body = cursor.take(Number([...lengths][0]));
    } else {
      body = cursor.rest();
      keepAlive = false;
    }
    responses.push({ version, status: code, statusText: status[3] ?? "", headers, body, trailers });
    if (!keepAlive) break;
  }
  return { responses, error: null };
}
