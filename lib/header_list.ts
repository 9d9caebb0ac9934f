/**
 * A request's header fields as an ordered list of `[name, value]` pairs: the
 * order and the case the caller gave are kept on the wire. Lookups are
 * case-insensitive.
 *
 * @module
 */

/**
 * Ordered header fields, names as given.
 *
 * @example
 * ```ts
 * import type { HeaderList } from "../mod.ts";
 * const headers: HeaderList = [["Accept", "text/html"], ["User-Agent", "my-crawler/1.0"]];
 * ```
 */
export type HeaderList = [string, string][];

/**
 * Anything a caller may pass as headers.
 *
 * @example
 * ```ts
 * import { Client, type HeadersInit } from "../mod.ts";
 * const headers: HeadersInit = { accept: "text/html", "accept-language": ["en", "fr"] };
 * await using client = new Client();
 * await client.request({ url: "http://127.0.0.1:8080/", headers });
 * ```
 */
export type HeadersInit =
  | Headers
  | ReadonlyArray<readonly [string, string]>
  | Record<string, string | readonly string[] | undefined>;

/**
 * Copy any headers input into a fresh ordered list.
 *
 * @example
 * ```ts
 * import { toHeaderList } from "./header_list.ts";
 * toHeaderList({ accept: "text/html" }); // [["accept", "text/html"]]
 * ```
 */
export function toHeaderList(init: HeadersInit | undefined): HeaderList {
  const list: HeaderList = [];
  if (init === undefined) return list;
  if (init instanceof Headers) {
    init.forEach((value, name) => list.push([name, value]));
  } else if (Array.isArray(init)) {
    for (const [name, value] of init as ReadonlyArray<readonly [string, string]>) {
      list.push([name, String(value)]);
    }
  } else {
    for (
      const [name, value] of Object.entries(init as Record<string, string | readonly string[] | undefined>)
    ) {
      if (value === undefined) continue;
      if (typeof value === "string") list.push([name, value]);
      else for (const item of value) list.push([name, item]);
    }
  }
  return list;
}

/**
 * First value of a header (case-insensitive), or `null`.
 *
 * @example
 * ```ts
 * import { getHeader } from "./header_list.ts";
 * getHeader([["Accept", "*\/*"]], "accept"); // "*\/*"
 * ```
 */
export function getHeader(list: HeaderList, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [key, value] of list) {
    if (key.length === lower.length && key.toLowerCase() === lower) return value;
  }
  return null;
}

/**
 * Whether a header is present (case-insensitive).
 *
 * @example
 * ```ts
 * import { hasHeader } from "./header_list.ts";
 * hasHeader([["Cookie", "a=1"]], "cookie"); // true
 * ```
 */
export function hasHeader(list: HeaderList, name: string): boolean {
  return getHeader(list, name) !== null;
}

/**
 * Replace every field of a name with one value (appended where the first was,
 * or at the end).
 *
 * @example
 * ```ts
 * import { setHeader } from "./header_list.ts";
 * const list: [string, string][] = [["accept", "a"]];
 * setHeader(list, "Accept", "b"); // [["accept", "b"]]
 * ```
 */
export function setHeader(list: HeaderList, name: string, value: string): void {
  const lower = name.toLowerCase();
  const index = list.findIndex(([key]) => key.toLowerCase() === lower);
  if (index === -1) {
    list.push([name, value]);
    return;
  }
  const original = list[index][0];
  deleteHeader(list, name);
  list.splice(index, 0, [original, value]);
}

/**
 * Remove every field of a name (case-insensitive).
 *
 * @example
 * ```ts
 * import { deleteHeader } from "./header_list.ts";
 * const list: [string, string][] = [["Cookie", "a=1"]];
 * deleteHeader(list, "cookie"); // []
 * ```
 */
export function deleteHeader(list: HeaderList, name: string): void {
  const lower = name.toLowerCase();
  for (let i = list.length - 1; i >= 0; i--) if (list[i][0].toLowerCase() === lower) list.splice(i, 1);
}
