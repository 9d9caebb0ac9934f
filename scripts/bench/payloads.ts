/**
 * What the benchmark servers answer: a fixed response per server, and the
 * description of each server that the load processes are given.
 *
 * @module
 */
import { gzipSync } from "node:zlib";

/** Names of the benchmark servers (one port each; every request gets the same response). */
export type ServerName =
  | "raw-13"
  | "raw-64k"
  | "raw-1m"
  | "raw-gzip64k"
  | "http-13"
  | "tls-13"
  | "tls-64k"
  | "silent";

/** One running server, as the server process announces it. */
export interface ServerInfo {
  /** Port on 127.0.0.1. */
  port: number;
  /** Served over TLS (the test CA signed its certificate). */
  tls: boolean;
  /** Bytes of one whole response on the wire (head and body); 0 when the size varies (node:http). */
  wireSize: number;
  /** Body bytes a client hands to its caller (after decompression). */
  bodySize: number;
  /** The body is sent with `Content-Encoding: gzip`. */
  gzip: boolean;
  /** What answers: "raw node:net", "node:http", "raw node:tls", "never answers". */
  kind: string;
}

/** Every server of one server process, by name. */
export type ServerMap = Record<ServerName, ServerInfo>;

/** A fixed response: its bytes, and the body size a client should see. */
export interface FixedResponse {
  /** The whole response, head and body. */
  wire: Uint8Array;
  /** The body as sent. */
  body: Uint8Array;
  /** Header fields of the response (for node:http). */
  headers: Record<string, string>;
  /** Body bytes after decompression. */
  bodySize: number;
}

const encoder = new TextEncoder();

/**
 * `size` bytes of markup-like text, the same on every run; gzip shrinks it about 7:1, as it does HTML.
 *
 * @example
 * ```ts
 * import { pageText } from "./payloads.ts";
 * pageText(1024).length; // 1024
 * ```
 */
export function pageText(size: number): Uint8Array {
  const words = [
    "scrape",
    "client",
    "request",
    "header",
    "<div>",
    "</div>",
    "cookie",
    "pipeline",
    "gzip",
    "body",
  ];
  const bytes = new Uint8Array(size);
  let seed = 1;
  let offset = 0;
  while (offset < size) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const word = words[seed % words.length] + (seed % 7 === 0 ? String(seed % 1000) : "") + " ";
    offset += encoder.encodeInto(word, bytes.subarray(offset)).written;
  }
  return bytes;
}

function response(body: Uint8Array, extra: Record<string, string>, bodySize: number): FixedResponse {
  const headers: Record<string, string> = {
    "content-type": "text/plain",
    "content-length": String(body.length),
    ...extra,
  };
  const head = "HTTP/1.1 200 OK\r\n" +
    Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("") +
    "\r\n";
  const wire = new Uint8Array(head.length + body.length);
  wire.set(encoder.encode(head));
  wire.set(body, head.length);
  return { wire, body, headers, bodySize };
}

/**
 * The response of each payload: 13 bytes, 64 KiB, 1 MiB, and 64 KiB of text gzipped.
 *
 * @example
 * ```ts
 * import { fixedResponses } from "./payloads.ts";
 * fixedResponses()["13"].bodySize; // 13
 * ```
 */
export function fixedResponses(): Record<"13" | "64k" | "1m" | "gzip64k", FixedResponse> {
  const page = pageText(64 * 1024);
  return {
    "13": response(encoder.encode("Hello, World!"), {}, 13),
    "64k": response(pageText(64 * 1024), {}, 64 * 1024),
    "1m": response(pageText(1024 * 1024), {}, 1024 * 1024),
    "gzip64k": response(new Uint8Array(gzipSync(page)), { "content-encoding": "gzip" }, page.length),
  };
}
