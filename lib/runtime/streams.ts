/**
 * Web Streams over any `Conn`, built once here for every transport: a byte
 * `ReadableStream` whose BYOB reads land in the caller's buffer, and a
 * `WritableStream`.
 *
 * @module
 */
import { BodyTooLargeError } from "../errors.ts";
import { defaultLimits } from "../limits.ts";
import type { Conn } from "./types.ts";

/**
 * Options of {@link connReadable}.
 *
 * @example
 * ```ts
 * import type { ConnReadableOptions } from "./streams.ts";
 * const options: ConnReadableOptions = { chunkSize: 16 * 1024 };
 * ```
 */
export interface ConnReadableOptions {
  /** Buffer size a default (non-BYOB) reader gets per read; default `defaultLimits.readBufferSize`. */
  chunkSize?: number;
}

/**
 * A byte stream of everything `conn` receives. A BYOB reader's buffer is
 * handed to `conn.read` as is, so the bytes land in it with no extra copy; a
 * default reader gets freshly allocated chunks of `chunkSize`. Cancelling the
 * stream closes the connection, and so does a read error.
 *
 * @example
 * ```ts
 * import { connReadable } from "./streams.ts";
 * import { nodeTransport } from "./node.ts";
 * const conn = await nodeTransport.connect({ host: "127.0.0.1", port: 8080 });
 * const reader = connReadable(conn).getReader({ mode: "byob" });
 * const { value } = await reader.read(new Uint8Array(4096));
 * console.log(value?.length);
 * await reader.cancel();
 * ```
 */
export function connReadable(conn: Conn, options: ConnReadableOptions = {}): ReadableStream<Uint8Array> {
  return new ReadableStream({
    type: "bytes",
    // With autoAllocateChunkSize every pull has a BYOB request, for default readers too.
    autoAllocateChunkSize: options.chunkSize ?? defaultLimits.readBufferSize,
    async pull(controller) {
      const request = controller.byobRequest as ReadableStreamBYOBRequest;
      // The Streams spec makes every BYOB request's view a Uint8Array over the reader's buffer.
      const view = request.view as Uint8Array;
      let count: number | null;
      try {
        count = await conn.read(view);
      } catch (error) {
        conn.close();
        throw error;
      }
      if (count === null) {
        conn.close();
        controller.close();
        // A BYOB read pending at close must get its (empty) buffer back.
        request.respond(0);
        return;
      }
      request.respond(count);
    },
    cancel() {
      conn.close();
    },
  });
}

/**
 * A stream that writes each chunk to `conn`; each write waits until the
 * chunk was handed over (so the stream's backpressure follows the socket's).
 * Closing or aborting the stream closes the connection.
 *
 * @example
 * ```ts
 * import { connWritable } from "./streams.ts";
 * import { nodeTransport } from "./node.ts";
 * const conn = await nodeTransport.connect({ host: "127.0.0.1", port: 8080 });
 * const writer = connWritable(conn).getWriter();
 * await writer.write(new TextEncoder().encode("ping"));
 * await writer.close();
 * ```
 */
export function connWritable(conn: Conn): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    write(chunk) {
      return conn.write(chunk);
    },
    close() {
      conn.close();
    },
    abort() {
      conn.close();
    },
  });
}

/**
 * Read a whole byte stream into one `Uint8Array`. Past `limit` bytes the
 * stream is cancelled and a `BodyTooLargeError` is thrown.
 *
 * @example
 * ```ts
 * import { readAll } from "./streams.ts";
 * const bytes = await readAll(new Blob(["hello"]).stream(), 1024);
 * console.log(bytes.length); // 5
 * ```
 */
export async function readAll(stream: ReadableStream<Uint8Array>, limit = Infinity): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      const error = new BodyTooLargeError(limit);
      // The stream's own cancel failure would hide the reason for cancelling.
      await reader.cancel(error).catch(() => undefined);
      throw error;
    }
    chunks.push(value);
  }
  reader.releaseLock();
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
