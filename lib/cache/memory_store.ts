/**
 * A cache store in memory, bounded by bytes, least recently used entries evicted first.
 *
 * @module
 */
import { defaultLimits } from "../limits.ts";
import {
  type CacheEntry,
  type CacheEntryWriter,
  type CacheStore,
  declaredLength,
  type StoredResponseMeta,
} from "./store.ts";
import { variantKey } from "./vary.ts";

/**
 * Options of {@link MemoryCacheStore}.
 *
 * @example
 * ```ts
 * import { Client, MemoryCacheStore, type MemoryCacheStoreOptions } from "../../mod.ts";
 * const options: MemoryCacheStoreOptions = { maxSize: 32 * 1024 * 1024, maxEntrySize: 1024 * 1024 };
 * await using client = new Client({ cache: new MemoryCacheStore(options) });
 * ```
 */
export interface MemoryCacheStoreOptions {
  /** Bytes of all entries together (default `defaultLimits.cacheMaxSize`, 64 MiB). */
  maxSize?: number;
  /** Bytes of one body (default `defaultLimits.cacheMaxEntrySize`, 8 MiB). */
  maxEntrySize?: number;
}

interface StoredVariant {
  meta: StoredResponseMeta;
  body: Uint8Array;
  size: number;
}

/**
 * A {@link CacheStore} in memory. Its size counts body bytes plus the
 * characters of the URL, key and header fields, so that many empty bodies
 * still add up; past `maxSize` the least recently used variants are evicted
 * (a `get` counts as a use of every variant of the key).
 *
 * @example
 * ```ts
 * import { MemoryCacheStore } from "./memory_store.ts";
 * const store = new MemoryCacheStore({ maxSize: 1024 * 1024 });
 * const meta = {
 *   key: "http://example.com/", url: "http://example.com/", method: "GET",
 *   status: 200, statusText: "OK", headers: [], requestTime: 0, responseTime: 0, varyValues: {},
 * };
 * const writer = store.open(meta);
 * writer?.write(new TextEncoder().encode("hello"));
 * await writer?.commit();
 * const entries = await store.get("http://example.com/");
 * console.log(new TextDecoder().decode(entries?.[0].body)); // "hello"
 * ```
 */
export class MemoryCacheStore implements CacheStore {
  readonly #maxSize: number;
  readonly #maxEntrySize: number;
  /** Every variant by `[key, variantKey]` id; iteration order is least recently used first. */
  readonly #variants = new Map<string, StoredVariant>();
  /** The variant ids of each primary key. */
  readonly #idsByKey = new Map<string, Set<string>>();
  #size = 0;

  /** Create an empty store. */
  constructor(options: MemoryCacheStoreOptions = {}) {
    this.#maxSize = options.maxSize ?? defaultLimits.cacheMaxSize;
    this.#maxEntrySize = options.maxEntrySize ?? defaultLimits.cacheMaxEntrySize;
  }

  /** The bytes held now, as counted against `maxSize`. */
  get size(): number {
    return this.#size;
  }

  /** Every stored variant of a key, marked as used. */
  get(key: string): Promise<CacheEntry[] | undefined> {
    const ids = this.#idsByKey.get(key);
    if (ids === undefined) return Promise.resolve(undefined);
    const entries: CacheEntry[] = [];
    for (const id of ids) {
      const variant = this.#variants.get(id);
      if (variant === undefined) continue;
      this.#variants.delete(id);
      this.#variants.set(id, variant);
      // Copies: the caller may transfer the body into a byte stream or change the metadata.
      entries.push({ meta: structuredClone(variant.meta), body: variant.body.slice() });
    }
    return Promise.resolve(entries);
  }

  /** Start storing a response; `undefined` when its Content-Length is over `maxEntrySize`. */
  open(meta: StoredResponseMeta): CacheEntryWriter | undefined {
    const limit = Math.min(this.#maxEntrySize, this.#maxSize);
    const length = declaredLength(meta.headers);
    if (length !== null && length > limit) return undefined;
    const stored = structuredClone(meta);
    return new MemoryEntryWriter(limit, (body) => this.#insert(stored, body));
  }

  /** Replace the metadata of a stored variant (same key and Vary values). */
  updateMeta(meta: StoredResponseMeta): Promise<void> {
    const id = variantId(meta);
    const variant = this.#variants.get(id);
    if (variant !== undefined) this.#insert(structuredClone(meta), variant.body);
    return Promise.resolve();
  }

  /** Drop every variant of a key. */
  delete(key: string): Promise<void> {
    for (const id of this.#idsByKey.get(key) ?? []) this.#remove(id);
    return Promise.resolve();
  }

  /** Drop everything. */
  clear(): Promise<void> {
    this.#variants.clear();
    this.#idsByKey.clear();
    this.#size = 0;
    return Promise.resolve();
  }

  #insert(meta: StoredResponseMeta, body: Uint8Array): void {
    const size = entrySize(meta, body);
    // Like a body over the limit, an entry too large to keep leaves the store as it was.
    if (size > this.#maxSize) return;
    const id = variantId(meta);
    this.#remove(id);
    this.#variants.set(id, { meta, body, size });
    const ids = this.#idsByKey.get(meta.key) ?? new Set<string>();
    ids.add(id);
    this.#idsByKey.set(meta.key, ids);
    this.#size += size;
    for (const [oldestId] of this.#variants) {
      if (this.#size <= this.#maxSize) break;
      this.#remove(oldestId);
    }
  }

  #remove(id: string): void {
    const variant = this.#variants.get(id);
    if (variant === undefined) return;
    this.#variants.delete(id);
    this.#size -= variant.size;
    const ids = this.#idsByKey.get(variant.meta.key);
    ids?.delete(id);
    if (ids?.size === 0) this.#idsByKey.delete(variant.meta.key);
  }
}

class MemoryEntryWriter implements CacheEntryWriter {
  readonly #limit: number;
  readonly #store: (body: Uint8Array) => void;
  #chunks: Uint8Array[] = [];
  #length = 0;
  #done = false;

  constructor(limit: number, store: (body: Uint8Array) => void) {
    this.#limit = limit;
    this.#store = store;
  }

  write(chunk: Uint8Array): void {
    if (this.#done) return;
    this.#length += chunk.byteLength;
    if (this.#length > this.#limit) {
      this.abort();
      return;
    }
    // A copy: the caller may reuse its buffer (BYOB reads) as soon as this returns.
    this.#chunks.push(chunk.slice());
  }

  commit(): Promise<void> {
    if (!this.#done) {
      this.#done = true;
      const body = new Uint8Array(this.#length);
      let offset = 0;
      for (const chunk of this.#chunks) {
        body.set(chunk, offset);
        offset += chunk.byteLength;
      }
      this.#chunks = [];
      this.#store(body);
    }
    return Promise.resolve();
  }

  abort(): void {
    this.#done = true;
    this.#chunks = [];
  }
}

function variantId(meta: StoredResponseMeta): string {
  return JSON.stringify([meta.key, variantKey(meta.varyValues)]);
}

function entrySize(meta: StoredResponseMeta, body: Uint8Array): number {
  let size = body.byteLength + meta.url.length + meta.key.length + meta.statusText.length;
  for (const [name, value] of meta.headers) size += name.length + value.length;
  return size;
}
