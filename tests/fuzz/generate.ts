/**
 * Random well-formed response streams, inside the subset `reference.ts`
 * reads: one to four pipelined responses with interim responses, optional
 * reason phrases, OWS around values, obs-text, binary bodies framed by
 * Content-Length, chunked (extensions, trailers, uppercase hex) or the end
 * of the connection, and answers to HEAD.
 *
 * @module
 */
import type { Random } from "./random.ts";

/** A stream of responses and the methods of the requests they answer. */
export interface GeneratedStream {
  wire: Uint8Array;
  methods: string[];
}

const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const REASONS = ["OK", "Not Found", "Moved Permanently", "caf\xe9", "a\tb", "x y z", "\x01odd"];
const STATUSES = [200, 200, 201, 206, 299, 301, 302, 404, 418, 500, 503, 999];

function token(random: Random, maxLength: number): string {
  let text = "";
  const length = random.range(1, maxLength);
  for (let i = 0; i < length; i++) text += TCHARS[random.int(TCHARS.length)];
  return text;
}

/** A field value: visible latin1 (obs-text included) with inner spaces and tabs. */
function fieldValue(random: Random): string {
  let text = "";
  const length = random.int(24);
  for (let i = 0; i < length; i++) {
    const roll = random.int(10);
    if (roll === 0 && i > 0 && i < length - 1) text += random.pick([" ", "\t"]);
    else if (roll === 1) text += String.fromCharCode(random.range(0x80, 0xff));
    else text += String.fromCharCode(random.range(0x21, 0x7e));
  }
  return text;
}

function fieldLine(name: string, value: string, random: Random): string {
  const ows = () => random.pick(["", "", " ", "  ", "\t"]);
  return `${name}:${ows()}${value}${value === "" ? "" : ows()}\r\n`;
}

function extraFields(random: Random): string {
  let text = "";
  const count = random.int(5);
  for (let i = 0; i < count; i++) text += fieldLine(`X-${token(random, 12)}`, fieldValue(random), random);
  return text;
}

function body(random: Random): string {
  let text = "";
  const length = random.chance(0.2) ? 0 : random.int(random.chance(0.9) ? 64 : 600);
  for (let i = 0; i < length; i++) text += String.fromCharCode(random.int(256));
  return text;
}

function chunked(data: string, random: Random): string {
  let text = "";
  let at = 0;
  while (at < data.length) {
    const size = Math.min(data.length - at, random.range(1, 40));
    let hex = size.toString(16);
    if (random.chance(0.3)) hex = hex.toUpperCase();
    if (random.chance(0.2)) hex = "0" + hex;
    const extension = random.chance(0.2) ? random.pick([";a", ";a=b", ';q="x y"', ";x=1;y"]) : "";
    text += `${hex}${extension}\r\n${data.slice(at, at + size)}\r\n`;
    at += size;
  }
  text += random.chance(0.2) ? "0;last\r\n" : "0\r\n";
  if (random.chance(0.3)) text += fieldLine(`X-${token(random, 8)}`, fieldValue(random), random);
  return text + "\r\n";
}

function statusLine(version: string, status: number, random: Random): string {
  const form = random.int(6);
  if (form === 0) return `HTTP/${version} ${status}\r\n`;
  if (form === 1) return `HTTP/${version} ${status} \r\n`;
  return `HTTP/${version} ${status} ${random.pick(REASONS)}\r\n`;
}

/**
 * One random well-formed stream.
 *
 * @example
 * ```ts
 * import { generateStream } from "./generate.ts";
 * import { Random } from "./random.ts";
 * const { wire, methods } = generateStream(new Random(1));
 * ```
 */
export function generateStream(random: Random): GeneratedStream {
  const count = random.range(1, 4);
  const methods: string[] = [];
  let text = "";
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    const method = random.chance(0.15) ? "HEAD" : "GET";
    methods.push(method);
    if (random.chance(0.15)) {
      text += statusLine("1.1", random.pick([100, 102, 103]), random) + extraFields(random) + "\r\n";
    }
    const version = random.chance(0.15) ? "1.0" : random.chance(0.1) ? "1.2" : "1.1";
    const status = random.chance(0.15) ? random.pick([204, 304]) : random.pick(STATUSES);
    let head = statusLine(version, status, random) + extraFields(random);
    if (version === "1.0") head += fieldLine("Connection", "keep-alive", random);
    if (random.chance(0.1)) head += fieldLine("Keep-Alive", "timeout=5, max=100", random);
    const data = body(random);
    const noBody = method === "HEAD" || status === 204 || status === 304;
    const framing = last && version !== "1.0" ? random.int(3) : random.int(2);
    let content = "";
    if (framing === 0) {
      const length = String(noBody ? random.int(100) : data.length);
      head += random.chance(0.1)
        ? fieldLine("Content-Length", `${length}, ${length}`, random)
        : fieldLine(random.pick(["Content-Length", "content-length", "CONTENT-LENGTH"]), length, random);
      if (!noBody) content = data;
    } else if (framing === 1 && version !== "1.0") {
      head += fieldLine("Transfer-Encoding", random.pick(["chunked", "Chunked", "CHUNKED"]), random);
      if (!noBody) content = chunked(data, random);
    } else if (!noBody) {
      head += fieldLine("Connection", "close", random);
      content = data;
    }
    if (last && framing !== 2 && random.chance(0.1)) head += fieldLine("Connection", "close", random);
    text += head + extraFields(random) + "\r\n" + content;
  }
  return { wire: Uint8Array.from(text, (char) => char.charCodeAt(0)), methods };
}
