/**
 * File access for the cookie jar and the file cache store. `node:fs/promises`
 * exists on Deno, Bun and Node alike, so this one module serves all three.
 *
 * @module
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";

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
