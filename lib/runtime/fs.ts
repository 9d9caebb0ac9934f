/**
 * File access for the cookie jar and the file cache store. `node:fs/promises`
 * exists on Deno, Bun and Node alike, so this one module serves all three.
 *
 * @module
 */
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";

/** Read a whole file as UTF-8 text. */
export function readTextFile(path: string): Promise<string> {
  return readFile(path, "utf8");
}

/** Read a whole file as bytes; resolves `null` when it does not exist. */
export async function readBytesIfExists(path: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return null;
    throw error;
  }
}

let tempCounter = 0;

/**
 * Write a file so that readers see either the old content or the new one,
 * never a torn mix: write a temporary file beside it, then rename it over.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.tmp-${Date.now().toString(36)}-${(tempCounter++).toString(36)}`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Create a directory and its parents (no error when it exists). */
export async function ensureDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
}

/** Names of the entries of a directory; empty when it does not exist. */
export async function listDir(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return [];
    throw error;
  }
}

/** Remove a file or directory tree (no error when it does not exist). */
export async function removePath(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/**
 * A file being written chunk by chunk (see {@link openFileWriter}).
 *
 * @example
 * ```ts
 * import { type FileWriter, openFileWriter } from "./fs.ts";
 * const file: FileWriter = await openFileWriter(`${await Deno.makeTempDir()}/out.bin`);
 * await file.close();
 * ```
 */
export interface FileWriter {
  /** Append bytes; the caller may reuse them once this resolves. */
  write(bytes: Uint8Array): Promise<void>;
  /** Close the file (no fsync: a file cut short by a crash is detected by its reader). */
  close(): Promise<void>;
}

/**
 * Create (or truncate) a file and write it chunk by chunk, without holding it in memory.
 *
 * @example
 * ```ts
 * import { openFileWriter } from "./fs.ts";
 * const file = await openFileWriter(`${await Deno.makeTempDir()}/out.bin`);
 * await file.write(new Uint8Array([1, 2, 3]));
 * await file.close();
 * ```
 */
export async function openFileWriter(path: string): Promise<FileWriter> {
  const handle = await open(path, "w");
  return {
    async write(bytes) {
      let offset = 0;
      // A write may be partial; go on until every byte is in the file.
      while (offset < bytes.byteLength) {
        const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
        offset += bytesWritten;
      }
    },
    close: () => handle.close(),
  };
}

/**
 * Rename a file, replacing the target atomically when it exists.
 *
 * @example
 * ```ts
 * import { renamePath, writeFileAtomic } from "./fs.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a`, "text");
 * await renamePath(`${dir}/a`, `${dir}/b`);
 * ```
 */
export function renamePath(from: string, to: string): Promise<void> {
  return rename(from, to);
}

/**
 * Last modification time of a file in epoch ms; `null` when it does not exist.
 *
 * @example
 * ```ts
 * import { modifiedTime } from "./fs.ts";
 * console.log(await modifiedTime("/no/such/file")); // null
 * ```
 */
export async function modifiedTime(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mtimeMs;
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return null;
    throw error;
  }
}
