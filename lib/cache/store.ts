/**
 * The contract between the cache policy and where cached responses live.
 *
 * @module
 */
import type { CachedResponseMeta } from "./response_meta.ts";

/**
 * A stored response's metadata with where it belongs: its primary key
 * (`cacheKey`) and the request it answered. Within a key, a variant is
 * identified by `variantKey(varyValues)`.
 *
 * @example
 * ```ts
 * import { MemoryCacheStore, type StoredResponseMeta } from "../../mod.ts";
 * const store = new MemoryCacheStore();
 * const entries = await store.get("http://127.0.0.1:8080/");
 * const metas: StoredResponseMeta[] = (entries ?? []).map((entry) => entry.meta);
 * ```
 */
export interface StoredResponseMeta extends CachedResponseMeta {
  /** The primary cache key (`cacheKey(method, url)`). */
  key: string;
  /** The request URL. */
  url: string;
  /** The request method. */
  method: string;
}

/**
 * One stored variant: metadata and the whole body.
 *
 * @example
 * ```ts
 * import { type CacheEntry, MemoryCacheStore } from "../../mod.ts";
 * const store = new MemoryCacheStore();
 * const entries: CacheEntry[] = (await store.get("http://127.0.0.1:8080/")) ?? [];
 * for (const entry of entries) console.log(entry.meta.status, entry.body.length);
 * ```
 */
export interface CacheEntry {
  /** The metadata. */
  meta: StoredResponseMeta;
  /** The body; a copy the caller owns (it may be transferred, e.g. into a byte stream). */
  body: Uint8Array;
}

/**
 * Streams one response body into a store while the user reads it.
 *
 * Write chunks in order, then `commit()` once the body ended normally, or
 * `abort()` when it did not. A body growing past the store's `maxEntrySize`
 * makes the writer drop the entry quietly: the bytes so far are released,
 * later writes are no-ops and `commit()` stores nothing. No method rejects:
 * a failing store only loses the entry.
 *
 * @example
 * ```ts
 * import type { CacheEntryWriter } from "../../mod.ts";
 * async function storeAll(writer: CacheEntryWriter, chunks: Uint8Array[]): Promise<void> {
 *   for (const chunk of chunks) await writer.write(chunk);
 *   await writer.commit();
 * }
 * ```
 */
export interface CacheEntryWriter {
  /** Add a chunk; the store keeps no reference to it once the returned promise (if any) settles. */
  write(chunk: Uint8Array): Promise<void> | void;
  /** Store the entry, replacing the variant with the same key and Vary values; readers see the old or the new one, never a mix. */
  commit(): Promise<void>;
  /** Discard what was written. */
  abort(): Promise<void> | void;
}

/**
 * Where cached responses live: `MemoryCacheStore`, `FileCacheStore`, or your own.
 *
 * Entries are grouped by primary key; each key holds the variants that
 * differ by Vary values (RFC 9111 §4.1), identified by
 * `variantKey(meta.varyValues)`.
 *
 * @example
 * ```ts
 * import type { CacheStore } from "./store.ts";
 * import { MemoryCacheStore } from "./memory_store.ts";
 * const store: CacheStore = new MemoryCacheStore();
 * console.log(await store.get("http://example.com/")); // undefined
 * ```
 */
export interface CacheStore {
  /** Every stored variant of a primary key, or `undefined` when there is none. Never rejects. */
  get(key: string): Promise<CacheEntry[] | undefined>;
  /**
   * Start storing a response; `undefined` when the store refuses it up front
   * (a Content-Length over its `maxEntrySize`).
   */
  open(meta: StoredResponseMeta): CacheEntryWriter | undefined;
  /**
   * Replace the metadata of the variant with the same `key` and Vary values
   * (after `updateFrom304`, which keeps them); nothing happens when that
   * variant is no longer stored. Never rejects.
   */
  updateMeta(meta: StoredResponseMeta): Promise<void>;
  /** Drop every variant of a primary key. */
  delete(key: string): Promise<void>;
  /** Drop everything. */
  clear(): Promise<void>;
}

/**
 * The Content-Length of a stored response when it is a plain number, else
 * `null`; stores use it to refuse a body known to be too large.
 *
 * @example
 * ```ts
 * import { declaredLength } from "./store.ts";
 * declaredLength([["content-length", "42"]]); // 42
 * ```
 */
export function declaredLength(headers: readonly (readonly [string, string])[]): number | null {
  const field = headers.find(([name]) => name === "content-length");
  return field !== undefined && /^[0-9]+$/.test(field[1].trim()) ? Number(field[1].trim()) : null;
}
