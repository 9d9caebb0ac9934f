/**
 * `BodySource`: the pull interface a response body is read through. The
 * connection implements it over its socket buffer (BYOB: the caller's buffer
 * is filled directly); middleware wraps one source in another (decompression,
 * cache tee) without a Web Streams hop on the hot path.
 *
 * @module
 */
import { BodyTooLargeError } from "./errors.ts";

/**
 * A body that can be read into the caller's buffers.
 *
 * @example
 * ```ts
 * import type { BodySource, Middleware } from "../mod.ts";
 * const countBytes: Middleware = async (request, next) => {
 *   const response = await next(request);
 *   const source = response.takeSource();
 *   let total = 0;
 *   const counting: BodySource = {
 *     read: async (into) => {
 *       const count = await source.read(into);
 *       total += count;
 *       if (count === 0) console.log(request.url.href, total, "bytes");
 *       return count;
 *     },
 *     cancel: (reason) => source.cancel(reason),
 *     length: source.length,
 *   };
 *   response.replaceSource(counting);
 *   return response;
 * };
 * ```
 */
export interface BodySource {
  /** Fill `into` (length > 0) with body bytes; resolves the count, or 0 once the body has ended. */
  read(into: Uint8Array): Promise<number>;
  /** Stop reading: frees or closes the underlying connection. Idempotent. */
  cancel(reason?: unknown): void;
  /** Total body bytes when known in advance (Content-Length), else null. */
  readonly length: number | null;
  /**
   * Optional: the next piece of the body as it was produced, handed over
   * (the caller owns it), or null at the end. Sources that produce their own
   * buffers (a decoder) offer it so that reading a whole body copies nothing.
   */
  next?(): Promise<Uint8Array | null>;
}

/** A source with no bytes. */
export const emptySource: BodySource = {
  read: () => Promise.resolve(0),
  cancel: () => {},
  length: 0,
};

/**
 * A source over bytes already in memory.
 *
 * @example
 * ```ts
 * import { bytesSource } from "./body_source.ts";
 * const source = bytesSource(new Uint8Array([1, 2, 3]));
 * const into = new Uint8Array(2);
 * await source.read(into); // 2
 * ```
 */
export function bytesSource(bytes: Uint8Array): BodySource {
  let offset = 0;
  return {
    read(into) {
      const count = Math.min(into.length, bytes.length - offset);
      into.set(bytes.subarray(offset, offset + count));
      offset += count;
      return Promise.resolve(count);
    },
    cancel() {
      offset = bytes.length;
    },
    length: bytes.length,
  };
}

/**
 * Read a whole source into one buffer. When the length is known the buffer is
 * allocated once; otherwise it grows by doubling. Past `limit` bytes the
 * source is cancelled and `BodyTooLargeError` thrown.
 *
 * @example
 * ```ts
 * import { bytesSource, readSource } from "./body_source.ts";
 * await readSource(bytesSource(new Uint8Array(3)), 1024); // Uint8Array(3)
 * ```
 */
export async function readSource(source: BodySource, limit: number): Promise<Uint8Array> {
  if (source.length !== null && source.length > limit) {
    const error = new BodyTooLargeError(limit);
    source.cancel(error);
    throw error;
  }
  if (source.next !== undefined) return await readPieces(source, source.next.bind(source), limit);
  let buffer = new Uint8Array(source.length ?? 16 * 1024);
  let size = 0;
  for (;;) {
    if (size === buffer.length) {
      // A source with a known length ends exactly there (the connection's
      // decoder enforces it), so no probing read is needed.
      if (source.length !== null && size === source.length) return buffer;
      const grown = new Uint8Array(Math.min(buffer.length * 2, limit + 1) || 16 * 1024);
      grown.set(buffer);
      buffer = grown;
    }
    const count = await source.read(size === 0 ? buffer : buffer.subarray(size));
    if (count === 0) return size === buffer.length ? buffer : buffer.slice(0, size);
    size += count;
    if (size > limit) {
      const error = new BodyTooLargeError(limit);
      source.cancel(error);
      throw error;
    }
  }
}

/** Collect a source's own pieces and join them once (no copy at all for a single piece). */
async function readPieces(
  source: BodySource,
  next: () => Promise<Uint8Array | null>,
  limit: number,
): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  let size = 0;
  for (let piece = await next(); piece !== null; piece = await next()) {
    size += piece.length;
    if (size > limit) {
      const error = new BodyTooLargeError(limit);
      source.cancel(error);
      throw error;
    }
    pieces.push(piece);
  }
  if (pieces.length === 1) return pieces[0];
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const piece of pieces) {
    joined.set(piece, offset);
    offset += piece.length;
  }
  return joined;
}

/**
 * A byte `ReadableStream` over a source. BYOB readers get their buffer filled
 * by `source.read` directly; default readers get chunks of `chunkSize`.
 *
 * @example
 * ```ts
 * import { bytesSource, sourceStream } from "./body_source.ts";
 * const stream = sourceStream(bytesSource(new Uint8Array(10)));
 * const reader = stream.getReader({ mode: "byob" });
 * ```
 */
export function sourceStream(source: BodySource, chunkSize = 64 * 1024): ReadableStream<Uint8Array> {
  return new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: chunkSize,
    async pull(controller) {
      const request = controller.byobRequest;
      if (!request?.view) return;
      const view = request.view;
      const into = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      const count = await source.read(into);
      if (count === 0) {
        controller.close();
        request.respond(0);
      } else {
        request.respond(count);
      }
    },
    cancel(reason) {
      source.cancel(reason);
    },
  });
}
