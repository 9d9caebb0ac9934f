import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryCacheStore } from "../lib/cache/memory_store.ts";
import { FileCacheStore } from "../lib/cache/file_store.ts";
import type { CacheStore, StoredResponseMeta } from "../lib/cache/store.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const url = "http://example.com/page";

function meta(
  overrides: Partial<StoredResponseMeta> = {},
  headers: [string, string][] = [],
): StoredResponseMeta {
  return {
    key: url,
    url,
    method: "GET",
    status: 200,
    statusText: "OK",
    headers,
    requestTime: 1_000,
    responseTime: 1_100,
    varyValues: {},
    ...overrides,
  };
}

async function put(store: CacheStore, entryMeta: StoredResponseMeta, ...chunks: string[]): Promise<void> {
  const writer = store.open(entryMeta);
  assert.ok(writer, "the store accepts the entry");
  for (const chunk of chunks) await writer.write(encoder.encode(chunk));
  await writer.commit();
}

async function bodies(store: CacheStore, key = url): Promise<string[] | undefined> {
  return (await store.get(key))?.map((entry) => decoder.decode(entry.body)).sort();
}

/** The behaviour both stores share. */
function sharedBehaviour(create: () => CacheStore): void {
  it("streams a body in chunks and returns it with its metadata", async () => {
    const store = create();
    const entryMeta = meta({}, [["etag", '"v1"']]);
    await put(store, entryMeta, "hel", "lo");
    const entries = await store.get(url);
    assert.equal(entries?.length, 1);
    assert.equal(decoder.decode(entries[0].body), "hello");
    assert.deepEqual(entries[0].meta, entryMeta);
    assert.equal(await store.get("http://example.com/other"), undefined);
  });

  it("copies written chunks, so the caller may reuse its buffer", async () => {
    const store = create();
    const writer = store.open(meta());
    assert.ok(writer);
    const buffer = encoder.encode("abc");
    const written = writer.write(buffer);
    buffer.fill(0x78);
    await written;
    await writer.write(buffer);
    await writer.commit();
    assert.deepEqual(await bodies(store), ["abcxxx"]);
  });

  it("keeps one entry per Vary values: a new response replaces the same variant only", async () => {
    const store = create();
    await put(store, meta({ varyValues: { "accept-language": "en" } }), "english");
    await put(store, meta({ varyValues: { "accept-language": "de" } }), "deutsch");
    await put(store, meta({ varyValues: { "accept-language": "en" } }), "english 2");
    assert.deepEqual(await bodies(store), ["deutsch", "english 2"]);
  });

  it("stores nothing when aborted", async () => {
    const store = create();
    const writer = store.open(meta());
    assert.ok(writer);
    await writer.write(encoder.encode("partial"));
    await writer.abort();
    await writer.commit();
    assert.equal(await store.get(url), undefined);
  });

  it("refuses an entry whose Content-Length is over maxEntrySize", async () => {
    const store = create();
    assert.equal(store.open(meta({}, [["content-length", "11"]])), undefined);
    const accepted = store.open(meta({}, [["content-length", "10"]]));
    assert.ok(accepted);
    await accepted.abort();
  });

  it("drops an entry whose body grows past maxEntrySize, leaving the stored variant as it was", async () => {
    const store = create();
    await put(store, meta(), "old");
    const writer = store.open(meta());
    assert.ok(writer);
    await writer.write(encoder.encode("123456"));
    await writer.write(encoder.encode("78901"));
    await writer.write(encoder.encode("2"));
    await writer.commit();
    assert.deepEqual(await bodies(store), ["old"]);
  });

  it("updates the metadata of a variant and ignores a variant it does not hold", async () => {
    const store = create();
    await put(store, meta({ varyValues: { accept: "a" } }), "body");
    const updated = meta({ varyValues: { accept: "a" }, responseTime: 9_999 }, [["etag", '"v2"']]);
    await store.updateMeta(updated);
    await store.updateMeta(meta({ varyValues: { accept: "b" } }));
    const entries = await store.get(url);
    assert.equal(entries?.length, 1);
    assert.deepEqual(entries[0].meta, updated);
    assert.equal(decoder.decode(entries[0].body), "body");
  });

  it("deletes a key and clears everything", async () => {
    const store = create();
    const other = "http://example.com/other";
    await put(store, meta(), "a");
    await put(store, meta({ key: other, url: other }), "b");
    await store.delete(url);
    assert.equal(await store.get(url), undefined);
    assert.deepEqual(await bodies(store, other), ["b"]);
    await store.clear();
    assert.equal(await store.get(other), undefined);
  });
}

describe("MemoryCacheStore", () => {
  sharedBehaviour(() => new MemoryCacheStore({ maxEntrySize: 10 }));

  /** Metadata under a one-character key and URL. */
  const keyed = (name: string) => meta({ key: name, url: name });

  it("evicts the least recently used entries once maxSize bytes are exceeded", async () => {
    // Each entry: 1-char key + 1-char url + "OK" + 6 body bytes = 10 bytes.
    const store = new MemoryCacheStore({ maxSize: 30 });
    await put(store, keyed("a"), "aaaaaa");
    await put(store, keyed("b"), "bbbbbb");
    await put(store, keyed("c"), "cccccc");
    assert.equal(store.size, 30);
    await store.get("a");
    await put(store, keyed("d"), "dddddd");
    assert.equal(await store.get("b"), undefined, "b was the least recently used");
    assert.deepEqual(await bodies(store, "a"), ["aaaaaa"]);
    assert.deepEqual(await bodies(store, "c"), ["cccccc"]);
    assert.deepEqual(await bodies(store, "d"), ["dddddd"]);
    assert.equal(store.size, 30);
  });

  it("counts header fields towards the size", async () => {
    const store = new MemoryCacheStore({ maxSize: 100 });
    await put(store, meta({ key: "k", url: "u" }, [["etag", '"12345678"']]), "");
    assert.equal(store.size, 1 + 1 + 2 + 4 + 10);
  });

  it("never stores an entry larger than maxSize, headers included", async () => {
    const store = new MemoryCacheStore({ maxSize: 12, maxEntrySize: 100 });
    await put(store, keyed("a"), "aaaaaa");
    await put(store, keyed("a"), "a body of more than maxSize bytes");
    assert.deepEqual(await bodies(store, "a"), ["aaaaaa"]);
    await put(store, meta({ key: "b", url: "b" }, [["x-large", "a header value over the size"]]), "b");
    assert.equal(await store.get("b"), undefined);
    assert.equal(store.size, 10);
  });

  it("returns copies that the caller may change", async () => {
    const store = new MemoryCacheStore();
    await put(store, meta(), "body");
    const [first] = (await store.get(url)) ?? [];
    first.body.fill(0);
    first.meta.headers.push(["x", "y"]);
    const [second] = (await store.get(url)) ?? [];
    assert.equal(decoder.decode(second.body), "body");
    assert.deepEqual(second.meta.headers, []);
  });
});

describe("FileCacheStore", () => {
  let root = "";
  let count = 0;
  const freshDir = () => join(root, `store-${count++}`);

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "cache-stores-"));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  sharedBehaviour(() => new FileCacheStore({ dir: freshDir(), maxEntrySize: 10 }));

  /** The variant files of the only key stored in `dir`. */
  async function variantFiles(dir: string): Promise<string[]> {
    const keyDirs = (await readdir(dir)).filter((name) => name !== "tmp");
    assert.equal(keyDirs.length, 1);
    return (await readdir(join(dir, keyDirs[0]))).map((name) => join(dir, keyDirs[0], name));
  }

  it("keeps entries across store instances on the same directory", async () => {
    const dir = freshDir();
    await put(
      new FileCacheStore({ dir }),
      meta({ varyValues: { accept: "x" } }, [["etag", '"v1"']]),
      "persisted",
    );
    const reopened = new FileCacheStore({ dir });
    const entries = await reopened.get(url);
    assert.equal(entries?.length, 1);
    assert.equal(decoder.decode(entries[0].body), "persisted");
    assert.deepEqual(entries[0].meta.headers, [["etag", '"v1"']]);
    assert.deepEqual(entries[0].meta.varyValues, { accept: "x" });
  });

  it("shows readers the old entry until the new one is committed", async () => {
    const dir = freshDir();
    const store = new FileCacheStore({ dir });
    await put(store, meta(), "old");
    const writer = store.open(meta());
    assert.ok(writer);
    await writer.write(encoder.encode("new, half written"));
    assert.deepEqual(await bodies(new FileCacheStore({ dir })), ["old"]);
    await writer.commit();
    assert.deepEqual(await bodies(new FileCacheStore({ dir })), ["new, half written"]);
    assert.deepEqual(await readdir(join(dir, "tmp")), [], "the temporary file was renamed into place");
  });

  it("deletes a truncated or corrupt entry file and reads it as a miss", async () => {
    const dir = freshDir();
    const store = new FileCacheStore({ dir });
    await put(store, meta(), "some body bytes");
    const [file] = await variantFiles(dir);
    await truncate(file, (await stat(file)).size - 3);
    assert.equal(await store.get(url), undefined);
    assert.deepEqual(await variantFiles(dir), []);

    await put(store, meta(), "body");
    const [again] = await variantFiles(dir);
    const bytes = await readFile(again);
    bytes[10] ^= 0xff;
    await writeFile(again, bytes);
    assert.equal(await new FileCacheStore({ dir }).get(url), undefined);
  });

  it("ignores stray files beside entries", async () => {
    const dir = freshDir();
    const store = new FileCacheStore({ dir });
    await put(store, meta(), "body");
    const [file] = await variantFiles(dir);
    await writeFile(`${file}.tmp-leftover`, "garbage");
    assert.deepEqual(await bodies(store), ["body"]);
  });

  it("deletes old leftover temporary files on its first write and keeps recent ones", async () => {
    const dir = freshDir();
    await mkdir(join(dir, "tmp"), { recursive: true });
    const leftover = join(dir, "tmp", "killed.tmp");
    const recent = join(dir, "tmp", "in-progress.tmp");
    await writeFile(leftover, "half an entry");
    await writeFile(recent, "another process is writing");
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(leftover, twoHoursAgo, twoHoursAgo);
    const store = new FileCacheStore({ dir });
    assert.equal(await store.get(url), undefined);
    await put(store, meta(), "body");
    assert.deepEqual(await readdir(join(dir, "tmp")), ["in-progress.tmp"]);
    assert.deepEqual(await bodies(store), ["body"]);
  });

  it("leaves no temporary file behind when an entry is dropped or aborted", async () => {
    const dir = freshDir();
    const store = new FileCacheStore({ dir, maxEntrySize: 4 });
    const tooLarge = store.open(meta());
    assert.ok(tooLarge);
    await tooLarge.write(encoder.encode("12345"));
    await tooLarge.commit();
    const aborted = store.open(meta());
    assert.ok(aborted);
    await aborted.write(encoder.encode("12"));
    await aborted.abort();
    assert.deepEqual(await readdir(join(dir, "tmp")), []);
    assert.equal(await store.get(url), undefined);
  });

  it("reads a missing directory as empty", async () => {
    const store = new FileCacheStore({ dir: join(root, "never-created") });
    assert.equal(await store.get(url), undefined);
    await store.delete(url);
  });
});
