/**
 * Decompression middleware: sends `Accept-Encoding` for the codings this
 * runtime decodes, and decodes the response body as the caller reads it.
 *
 * Decisions:
 * - Codings: gzip and x-gzip, deflate (zlib-wrapped, or raw deflate, told
 *   apart by the first bytes), br and zstd where the runtime's
 *   `DecompressionStream` has them. Stacked codings (`gzip, br`) are decoded
 *   last-applied first (RFC 9110 §8.4).
 * - A `Content-Encoding` with a coding this runtime cannot decode leaves the
 *   whole body undecoded, header included, as a user agent must not guess
 *   (RFC 9110 §8.4): the caller sees exactly what was sent.
 * - Headers stay as received, as `fetch()` keeps them: `Content-Encoding` and
 *   `Content-Length` describe the bytes on the wire, the body is decoded.
 * - `maxBodySize` counts decoded bytes while decoding, so a small compressed
 *   body that inflates enormously stops at the limit with `ERR_BODY_TOO_LARGE`
 *   (the connection's `maxEncodedBodySize` counts wire bytes).
 * - Corrupt or truncated data fails with `ERR_DECOMPRESS`. gzip and zlib end
 *   with a checksum, so a cut stream is always noticed; raw deflate has none,
 *   and a raw stream cut at a block boundary is noticed only where the
 *   runtime reports a missing final block (Bun, Node; not Deno).
 * - `decompress: false` (client or request) sends no `Accept-Encoding` of its
 *   own and returns the body as received.
 *
 * @module
 */
import { getHeader } from "../header_list.ts";
import type { BodySource } from "../body_source.ts";
import type { HttpResponse } from "../response.ts";
import type { Middleware } from "./compose.ts";
import { acceptEncoding, decoderFormat, parseContentEncoding } from "./content_codings.ts";
import { DecodingSource } from "./decoding_source.ts";

/** Options of {@link decompressMiddleware}. */
export interface DecompressOptions {
  /** Decode by default (a request's `decompress` overrides it). */
  decompress: boolean;
  /** Decoded bytes allowed per body (the client's `maxBodySize`). */
  maxBodySize: number;
}

/**
 * The decompression middleware.
 *
 * @example
 * ```ts
 * import { decompressMiddleware } from "./decompress.ts";
 * const middleware = decompressMiddleware({ decompress: true, maxBodySize: 1024 * 1024 });
 * ```
 */
export function decompressMiddleware(options: DecompressOptions): Middleware {
  // One function for every response: no closure or async frame per request.
  const decoded = (response: HttpResponse): HttpResponse => {
    decodeBody(response, options.maxBodySize);
    return response;
  };
  return (request, next) => {
    if (!(request.decompress ?? options.decompress)) return next(request);
    const accept = acceptEncoding();
    if (accept !== null && getHeader(request.headers, "accept-encoding") === null) {
      // A copy: outer layers resend or redirect the request they hold.
      request = { ...request, headers: [...request.headers, ["accept-encoding", accept]] };
    }
    return next(request).then(decoded);
  };
}

/** The value of `Content-Encoding` from the raw header list (every field line joined), or null. */
function contentEncoding(rawHeaders: readonly string[]): string | null {
  let value: string | null = null;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === 16 && name.toLowerCase() === "content-encoding") {
      value = value === null ? rawHeaders[i + 1] : `${value}, ${rawHeaders[i + 1]}`;
    }
  }
  return value;
}

/**
 * Wrap a response's body in decoders for its `Content-Encoding`, when every
 * coding is one this runtime decodes; otherwise leave it as it is.
 *
 * @example
 * ```ts
 * import { decodeBody } from "./decompress.ts";
 * import type { HttpResponse } from "../response.ts";
 * declare const response: HttpResponse;
 * decodeBody(response, 64 * 1024 * 1024);
 * ```
 */
export function decodeBody(response: HttpResponse, maxBodySize: number): void {
  const value = contentEncoding(response.rawHeaders);
  if (value === null || response.bodyUsed) return;
  const codings = parseContentEncoding(value);
  if (codings.length === 0) return;
  const formats: string[] = [];
  for (const coding of codings) {
    const format = decoderFormat(coding);
    if (format === null) return;
    formats.push(format);
  }
  let source: BodySource = response.takeSource();
  // Decode last-applied first; only the final stage counts against the limit.
  for (let i = formats.length - 1; i >= 0; i--) {
    source = new DecodingSource(source, {
      format: formats[i],
      coding: codings[i],
      limit: i === 0 ? maxBodySize : Number.POSITIVE_INFINITY,
    });
  }
  response.replaceSource(source);
}
