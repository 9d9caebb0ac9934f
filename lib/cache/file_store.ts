/**
 * A cache store on disk that survives the process (and is shared by every
 * store opened on the same directory).
 *
 * Layout under `dir`:
 * - `<sha256(key)>/<sha256(variantKey)>`: one file per variant (see
 *   `entry_file.ts` for its format), in one directory per primary key, so
 *   that a key's variants are listed without scanning the whole cache and a
 *   variant is replaced by one `rename`;
 * - `tmp/`: files being written. A variant is streamed into a temporary file
 *   and renamed into place on commit, so a reader sees the old or the new
 *   variant, never a torn one.
 *
 * @module
 */
import { defaultLimits } from "../limits.ts";
import {
  ensureDir,
  type FileWriter,
  listDir,
  modifiedTime,
  openFileWriter,
  readBytesIfExists,
  removePath,
  renamePath,
} from "../runtime/fs.ts";
import { decodeEntryFile, encodeEntryTrailer } from "./entry_file.ts";
import {
  type CacheEntry,
  type CacheEntryWriter,
  type CacheStore,
  declaredLength,
  type StoredResponseMeta,
} from "./store.ts";
import { variantKey } from "./vary.ts";

/**
 * Options of {@link FileCacheStore}.
 *
 * @example
 * ```ts
 * import { Client, FileCacheStore, type FileCacheStoreOptions } from "../../mod.ts";
 * const options: FileCacheStoreOptions = { dir: "./http-cache", maxEntrySize: 16 * 1024 * 1024 };
 * await using client = new Client({ cache: new FileCacheStore(options) });
 * ```
 */
export interface FileCacheStoreOptions {
  /** The cache directory; created on the first write. */
  dir: string;
  /** Bytes of one body (default `defaultLimits.cacheMaxEntrySize`, 8 MiB). */
  maxEntrySize?: number;
}

const variantFilePattern = /^[0-9a-f]{64}$/;

/**
 * A {@link CacheStore} in a directory. Entries persist across processes; a
 * corrupt or truncated entry file is deleted and read as a miss; temporary
 * files left by a killed process are ignored, and deleted once older than
 * `defaultLimits.cacheTempFileMaxAge` when a store on the directory first
 * writes. Reads and writes never reject (a failure is a miss, or an entry
 * not stored); `delete` and `clear` reject only on unexpected file-system
 * errors. The directory's total size is not bounded: `clear()` empties it.
 *
 * @example
 * ```ts
 * import { FileCacheStore } from "./file_store.ts";
 * const store = new FileCacheStore({ dir: "./http-cache" });
 * const meta = {
 *   key: "http://example.com/", url: "http://example.com/", method: "GET",
 *   status: 200, statusText: "OK", headers: [], requestTime: 0, responseTime: 0, varyValues: {},
 * };
 * const writer = store.open(meta);
 * await writer?.write(new TextEncoder().encode("hello"));
 * await writer?.commit();
 * const entries = await store.get("http://example.com/");
 * console.log(new TextDecoder().decode(entries?.[0].body)); // "hello"
 * ```
 */
export class FileCacheStore implements CacheStore {
  readonly #dir: string;
  readonly #tempDir: string;
  readonly #maxEntrySize: number;
  #sweep: Promise<void> | undefined;

  /** Create a store over a directory (nothing is touched until the first use). */
  constructor(options: FileCacheStoreOptions) {
    this.#dir = options.dir;
    this.#tempDir = `${options.dir}/tmp`;
    this.#maxEntrySize = options.maxEntrySize ?? defaultLimits.cacheMaxEntrySize;
  }

  /** Every stored variant of a key; corrupt files are deleted on the way. */
  async get(key: string): Promise<CacheEntry[] | undefined> {
    try {
      const keyDir = await this.#keyDir(key);
      const entries: CacheEntry[] = [];
      for (const name of await listDir(keyDir)) {
        // Anything but a variant file (a stray temporary file, say) is not ours to read.
        if (!variantFilePattern.test(name)) continue;
        const path = `${keyDir}/${name}`;
        const bytes = await readBytesIfExists(path);
        if (bytes === null) continue;
        const entry = decodeEntryFile(bytes, key);
        if (entry === null) await removePath(path);
        else entries.push(entry);
      }
      return entries.length === 0 ? undefined : entries;
    } catch {
      return undefined;
    }
  }

  /** Start storing a response; `undefined` when its Content-Length is over `maxEntrySize`. */
  open(meta: StoredResponseMeta): CacheEntryWriter | undefined {
    const length = declaredLength(meta.headers);
    if (length !== null && length > this.#maxEntrySize) return undefined;
    return this.#writer(meta, this.#maxEntrySize);
  }

  /** Replace the metadata of a stored variant (same key and Vary values), rewriting its file. */
  async updateMeta(meta: StoredResponseMeta): Promise<void> {
    try {
      const path = await this.#variantPath(meta);
      const bytes = await readBytesIfExists(path);
      const entry = bytes === null ? null : decodeEntryFile(bytes, meta.key);
      if (entry === null) return;
      const writer = this.#writer(meta, Infinity);
      await writer.write(entry.body);
      await writer.commit();
    } catch {
      // The entry stays as it was: a later revalidation updates it again.
    }
  }

  /** Drop every variant of a key. */
  async delete(key: string): Promise<void> {
    await removePath(await this.#keyDir(key));
  }

  /** Drop everything, including files being written (their commits then store nothing). */
  async clear(): Promise<void> {
    for (const name of await listDir(this.#dir)) await removePath(`${this.#dir}/${name}`);
  }

  async #keyDir(key: string): Promise<string> {
    return `${this.#dir}/${await sha256Hex(key)}`;
  }

  async #variantPath(meta: StoredResponseMeta): Promise<string> {
    return `${await this.#keyDir(meta.key)}/${await sha256Hex(variantKey(meta.varyValues))}`;
  }

  #writer(meta: StoredResponseMeta, limit: number): FileEntryWriter {
    return new FileEntryWriter(meta, limit, {
      create: () => this.#createTemp(),
      place: async (temp) => {
        const path = await this.#variantPath(meta);
        await ensureDir(path.slice(0, path.lastIndexOf("/")));
        await renamePath(temp, path);
      },
    });
  }

  async #createTemp(): Promise<{ path: string; file: FileWriter }> {
    // Once per store, before its own first temporary file exists, so that only others' files are swept.
    this.#sweep ??= this.#sweepTemps().catch(() => undefined);
    await this.#sweep;
    await ensureDir(this.#tempDir);
    const path = `${this.#tempDir}/${crypto.randomUUID()}.tmp`;
    return { path, file: await openFileWriter(path) };
  }

  /**
   * Delete temporary files nobody has touched for `cacheTempFileMaxAge`:
   * leftovers of a killed process. A live writer elsewhere whose file is
   * deleted only loses its entry (its rename fails).
   */
  async #sweepTemps(): Promise<void> {
    const now = Date.now();
    for (const name of await listDir(this.#tempDir)) {
      const path = `${this.#tempDir}/${name}`;
      try {
        const modified = await modifiedTime(path);
        if (modified !== null && now - modified > defaultLimits.cacheTempFileMaxAge) await removePath(path);
      } catch {
        // Another store may be sweeping the same file; either way it goes.
      }
    }
  }
}

/** What a {@link FileEntryWriter} needs from its store. */
interface TempFiles {
  /** Create a temporary file to write into. */
  create(): Promise<{ path: string; file: FileWriter }>;
  /** Move a finished temporary file into place. */
  place(temp: string): Promise<void>;
}

class FileEntryWriter implements CacheEntryWriter {
  readonly #meta: StoredResponseMeta;
  readonly #limit: number;
  readonly #temps: TempFiles;
  /** The open temporary file after all queued writes, or `null` once the entry is dropped. */
  #pending: Promise<{ path: string; file: FileWriter } | null>;
  #length = 0;
  #done = false;

  constructor(meta: StoredResponseMeta, limit: number, temps: TempFiles) {
    this.#meta = meta;
    this.#limit = limit;
    this.#temps = temps;
    this.#pending = temps.create().catch(() => null);
  }

  write(chunk: Uint8Array): Promise<void> {
    if (this.#done) return Promise.resolve();
    this.#length += chunk.byteLength;
    if (this.#length > this.#limit) return this.abort();
    // A copy, so the caller may reuse its buffer at once while the disk catches up.
    const bytes = chunk.slice();
    return this.#then(async (temp) => {
      await temp.file.write(bytes);
    });
  }

  async commit(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#then(async (temp) => {
      await temp.file.write(encodeEntryTrailer(this.#meta, this.#length));
      await temp.file.close();
      await this.#temps.place(temp.path);
    });
    this.#pending = Promise.resolve(null);
  }

  async abort(): Promise<void> {
    this.#done = true;
    const temp = await this.#pending;
    this.#pending = Promise.resolve(null);
    if (temp !== null) await this.#discard(temp);
  }

  /** Queue a step on the open file; a failing step drops the entry. */
  #then(step: (temp: { path: string; file: FileWriter }) => Promise<void>): Promise<void> {
    this.#pending = this.#pending.then(async (temp) => {
      if (temp === null) return null;
      try {
        await step(temp);
        return temp;
      } catch {
        this.#done = true;
        await this.#discard(temp);
        return null;
      }
    });
    return this.#pending.then(() => undefined);
  }

  async #discard(temp: { path: string; file: FileWriter }): Promise<void> {
    await temp.file.close().catch(() => undefined);
    await removePath(temp.path).catch(() => undefined);
  }
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
