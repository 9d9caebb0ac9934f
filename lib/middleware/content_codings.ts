/**
 * Which content codings (RFC 9110 §8.4.1) this runtime can decode, probed once
 * on the runtime's `DecompressionStream`, and the `Accept-Encoding` value that
 * advertises exactly those.
 *
 * @module
 */

/**
 * A content coding the client knows how to decode.
 *
 * @example
 * ```ts
 * import { type ContentCoding, supportedCodings } from "../../mod.ts";
 * const codings: ContentCoding[] = supportedCodings();
 * console.log(codings.includes("br") ? "Brotli bodies are decoded" : "no Brotli here");
 * ```
 */
export type ContentCoding = "gzip" | "deflate" | "br" | "zstd";

/** In preference order (the order of `Accept-Encoding`). */
const codings: readonly ContentCoding[] = ["gzip", "deflate", "br", "zstd"];

/**
 * `DecompressionStream` format names to try per coding: runtimes spell
 * Brotli "brotli" (Deno, Bun) or, per the Compression Streams draft, "br".
 */
const formatNames: Record<ContentCoding, readonly string[]> = {
  gzip: ["gzip"],
  deflate: ["deflate"],
  br: ["br", "brotli"],
  zstd: ["zstd"],
};

let formats: Map<ContentCoding, string> | undefined;
let acceptValue: string | undefined;

function supports(format: string): boolean {
  if (typeof DecompressionStream !== "function") return false;
  try {
    new DecompressionStream(format as CompressionFormat);
    return true;
  } catch {
    return false;
  }
}

function probe(): Map<ContentCoding, string> {
  if (formats === undefined) {
    formats = new Map();
    for (const coding of codings) {
      const format = formatNames[coding].find(supports);
      if (format !== undefined) formats.set(coding, format);
    }
  }
  return formats;
}

/**
 * The `DecompressionStream` format for a content coding (case-insensitive;
 * `x-gzip` is gzip, RFC 9110 §8.4.1.3), or `null` when this runtime cannot
 * decode it.
 *
 * @example
 * ```ts
 * import { decoderFormat } from "./content_codings.ts";
 * decoderFormat("X-GZIP"); // "gzip"
 * decoderFormat("compress"); // null
 * ```
 */
export function decoderFormat(coding: string): string | null {
  const name = coding.toLowerCase();
  const known = name === "x-gzip" ? "gzip" : name;
  return probe().get(known as ContentCoding) ?? null;
}

/**
 * The codings this runtime decodes, in preference order.
 *
 * @example
 * ```ts
 * import { supportedCodings } from "./content_codings.ts";
 * supportedCodings(); // e.g. ["gzip", "deflate", "br"]
 * ```
 */
export function supportedCodings(): ContentCoding[] {
  return [...probe().keys()];
}

/**
 * The `Accept-Encoding` value to send: every coding this runtime decodes,
 * or `null` when it decodes none.
 *
 * @example
 * ```ts
 * import { acceptEncoding } from "./content_codings.ts";
 * acceptEncoding(); // e.g. "gzip, deflate, br, zstd"
 * ```
 */
export function acceptEncoding(): string | null {
  if (acceptValue === undefined) acceptValue = supportedCodings().join(", ");
  return acceptValue === "" ? null : acceptValue;
}

/**
 * The codings of a `Content-Encoding` value in the order they were applied,
 * lowercased, without `identity` (RFC 9110 §8.4).
 *
 * @example
 * ```ts
 * import { parseContentEncoding } from "./content_codings.ts";
 * parseContentEncoding("gzip, BR"); // ["gzip", "br"]
 * ```
 */
export function parseContentEncoding(value: string): string[] {
  const result: string[] = [];
  for (const part of value.split(",")) {
    const coding = part.trim().toLowerCase();
    if (coding !== "" && coding !== "identity") result.push(coding);
  }
  return result;
}
