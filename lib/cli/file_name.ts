/**
 * File names for downloaded bodies, derived from their URLs: one flat name
 * per URL, made only of safe characters, so that no URL can write outside
 * the output directory (no `/`, no `..`, no leading dot, bounded length).
 *
 * @module
 */

/** Longest file name produced; longer ones are cut and end with a hash of the whole. */
const MAX_NAME_LENGTH = 200;

/** Characters kept as they are; everything else becomes `_`. */
const UNSAFE = /[^A-Za-z0-9._=,+-]/g;

/**
 * A safe file name for a URL: host, port, path and query joined with `_`,
 * `index.html` for a path that ends with `/`.
 *
 * @example
 * ```ts
 * import { fileNameForUrl } from "./file_name.ts";
 * fileNameForUrl("http://127.0.0.1:8080/page/1?x=2"); // "127.0.0.1_8080_page_1_x=2"
 * fileNameForUrl("http://example.com/a/../../etc/passwd"); // "example.com_etc_passwd"
 * ```
 */
export function fileNameForUrl(url: string | URL): string {
  const parsed = new URL(url);
  let path = parsed.pathname;
  if (path.endsWith("/")) path += "index.html";
  const port = parsed.port === "" ? "" : `_${parsed.port}`;
  const query = parsed.search === "" ? "" : `_${parsed.search.slice(1)}`;
  const name = `${parsed.hostname}${port}${path}${query}`.replace(UNSAFE, "_").replace(/^\.+/, "_");
  if (name.length <= MAX_NAME_LENGTH) return name;
  return `${name.slice(0, MAX_NAME_LENGTH - 9)}_${fnv1a(name)}`;
}

/** 32-bit FNV-1a of a string's UTF-16 code units, as 8 hex digits. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/**
 * Hands out one distinct file name per URL: a name already taken (by another
 * URL whose name came out the same, compared without case for file systems
 * that ignore it) gets `~2`, `~3`, ... (`~` never appears in a derived name).
 *
 * @example
 * ```ts
 * import { FileNames } from "./file_name.ts";
 * const names = new FileNames();
 * names.take("http://a.test/x?1"); // "a.test_x_1"
 * names.take("http://a.test/x/1"); // "a.test_x_1~2"
 * ```
 */
export class FileNames {
  readonly #taken = new Set<string>();

  /** A name for `url` that no earlier call returned. */
  take(url: string | URL): string {
    const base = fileNameForUrl(url);
    let name = base;
    for (let n = 2; this.#taken.has(name.toLowerCase()); n++) name = `${base}~${n}`;
    this.#taken.add(name.toLowerCase());
    return name;
  }
}
