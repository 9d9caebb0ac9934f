/**
 * A body source that copies every chunk the caller reads into a cache entry
 * writer: a response is stored while it is read, without being buffered
 * twice (RFC 9111 §3: a cache may store a response as it arrives, and only a
 * complete one is stored, §3.3).
 *
 * @module
 */
import type { BodySource } from "../body_source.ts";
import type { CacheEntryWriter } from "../cache/store.ts";

/**
 * Wrap `source` so that each chunk read is also written to `writer`; the
 * entry is committed when the body ends: at its last byte when its length
 * is known, else at the read that returns 0. That read waits for the commit,
 * so the entry is in the store by the time the caller has read the whole
 * body, and `onCommitted` has run with the body's length. The entry is aborted when
 * the body fails or the caller cancels it. A writer that dropped the entry
 * (a body past the store's entry limit) makes later writes no-ops, so the
 * caller still reads the whole body.
 *
 * @example
 * ```ts
 * import { bytesSource, readSource } from "../body_source.ts";
 * import { MemoryCacheStore } from "../cache/memory_store.ts";
 * import { teeSource } from "./cache_tee.ts";
 * const store = new MemoryCacheStore();
 * const meta = {
 *   key: "http://example.com/", url: "http://example.com/", method: "GET",
 *   status: 200, statusText: "OK", headers: [], requestTime: 0, responseTime: 0, varyValues: {},
 * };
 * const source = teeSource(bytesSource(new Uint8Array([1, 2, 3])), store.open(meta)!, () => {});
 * await readSource(source, 1024); // Uint8Array [1, 2, 3], now also in the store
 * ```
 */
export function teeSource(
  source: BodySource,
  writer: CacheEntryWriter,
  onCommitted: (bodyLength: number) => void,
): BodySource {
  let settled = false;
  let total = 0;
  const abort = () => {
    if (settled) return;
    settled = true;
    // A writer never rejects (see CacheEntryWriter), but a user's store might.
    Promise.resolve(writer.abort()).catch(() => undefined);
  };
  return {
    async read(into) {
      let count: number;
      try {
        count = await source.read(into);
      } catch (error) {
        abort();
        throw error;
      }
      if (settled) return count;
      total += count;
      // A failing store loses the entry, never the caller's body.
      try {
        if (count > 0) await writer.write(into.subarray(0, count));
        // A body of known length has ended with its last byte: readers stop there without
        // asking for the end (`readSource` does).
        if (count === 0 || total === source.length) {
          await writer.commit();
          settled = true;
          onCommitted(total);
        }
      } catch {
        abort();
      }
      return count;
    },
    cancel(reason) {
      abort();
      source.cancel(reason);
    },
    length: source.length,
  };
}
