/**
 * The on-disk layout of one cached variant, as written by the file store:
 *
 * ```
 * body bytes | metadata JSON (UTF-8) | JSON length (uint32, big-endian) | "HCE1"
 * ```
 *
 * The metadata comes last so the body can be streamed to disk before its
 * length is known. A file that does not end with a well-formed trailer, or
 * whose trailer disagrees with its size or key, is corrupt.
 *
 * @module
 */
import type { CacheEntry, StoredResponseMeta } from "./store.ts";

const magic = new TextEncoder().encode("HCE1");
const lengthBytes = 4;
const trailerFixedBytes = lengthBytes + magic.byteLength;
const formatVersion = 1;

interface Trailer {
  version: number;
  bodyLength: number;
  meta: StoredResponseMeta;
}

/**
 * The bytes to append after a body of `bodyLength` bytes.
 *
 * @example
 * ```ts
 * import { decodeEntryFile, encodeEntryTrailer } from "./entry_file.ts";
 * const meta = {
 *   key: "k", url: "http://example.com/", method: "GET",
 *   status: 200, statusText: "OK", headers: [], requestTime: 0, responseTime: 0, varyValues: {},
 * };
 * const body = new Uint8Array([1, 2, 3]);
 * const file = new Uint8Array([...body, ...encodeEntryTrailer(meta, body.byteLength)]);
 * decodeEntryFile(file, "k")?.body; // Uint8Array [1, 2, 3]
 * ```
 */
export function encodeEntryTrailer(meta: StoredResponseMeta, bodyLength: number): Uint8Array {
  const trailer: Trailer = { version: formatVersion, bodyLength, meta };
  const json = new TextEncoder().encode(JSON.stringify(trailer));
  const bytes = new Uint8Array(json.byteLength + trailerFixedBytes);
  bytes.set(json, 0);
  new DataView(bytes.buffer).setUint32(json.byteLength, json.byteLength);
  bytes.set(magic, json.byteLength + lengthBytes);
  return bytes;
}

/**
 * Read a whole entry file back; `null` when it is truncated, corrupt, of
 * another format version, or stored under another key. Never throws.
 *
 * @example
 * ```ts
 * import { decodeEntryFile } from "./entry_file.ts";
 * decodeEntryFile(new Uint8Array([1, 2, 3]), "k"); // null
 * ```
 */
export function decodeEntryFile(bytes: Uint8Array, key: string): CacheEntry | null {
  if (bytes.byteLength < trailerFixedBytes) return null;
  const magicStart = bytes.byteLength - magic.byteLength;
  if (!magic.every((byte, index) => bytes[magicStart + index] === byte)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(magicStart - lengthBytes);
  const bodyLength = bytes.byteLength - trailerFixedBytes - jsonLength;
  if (bodyLength < 0) return null;
  let trailer: unknown;
  try {
    trailer = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(bodyLength, bodyLength + jsonLength)),
    );
  } catch {
    return null;
  }
  if (!isTrailer(trailer) || trailer.bodyLength !== bodyLength || trailer.meta.key !== key) return null;
  return { meta: trailer.meta, body: bytes.subarray(0, bodyLength) };
}

function isTrailer(value: unknown): value is Trailer {
  if (!isRecord(value)) return false;
  return value.version === formatVersion && typeof value.bodyLength === "number" && isStoredMeta(value.meta);
}

// Header fields are checked as strictly as `Headers` will be when the entry
// is served, so a damaged file cannot make that throw.
const fieldNamePattern = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const fieldValuePattern = /^[^\0\r\n]*$/;

function isStoredMeta(value: unknown): value is StoredResponseMeta {
  if (!isRecord(value)) return false;
  const { key, url, method, status, statusText, headers, requestTime, responseTime, varyValues } = value;
  return typeof key === "string" && typeof url === "string" && typeof method === "string" &&
    Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 999 &&
    typeof statusText === "string" &&
    Number.isFinite(requestTime) && Number.isFinite(responseTime) &&
    Array.isArray(headers) && headers.every(isField) &&
    isRecord(varyValues) && Object.values(varyValues).every((v) => v === null || typeof v === "string");
}

function isField(value: unknown): boolean {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === "string" &&
    typeof value[1] === "string" && fieldNamePattern.test(value[0]) && fieldValuePattern.test(value[1]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
