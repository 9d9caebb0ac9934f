/**
 * Credentials in a URL (`http://user:pass@host/`, RFC 3986 §3.2.1): taken
 * out of the URL and sent as `Authorization: Basic` (RFC 7617) instead, so
 * they never appear in a request-target, a Host field, a response URL, a
 * redirect chain or debug output.
 *
 * @module
 */
import { hasHeader, type HeaderList } from "./header_list.ts";

const PERCENT = 0x25;
const encoder = new TextEncoder();

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * The bytes of a URL component with `%XX` escapes decoded; a `%` not
 * followed by two hex digits stays as it is (WHATWG URL "percent-decode"),
 * so no input is an error.
 */
function percentDecode(text: string): number[] {
  const bytes = encoder.encode(text);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === PERCENT && i + 2 < bytes.length) {
      const high = hexValue(bytes[i + 1]);
      const low = hexValue(bytes[i + 2]);
      if (high !== -1 && low !== -1) {
        out.push(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out.push(bytes[i]);
  }
  return out;
}

/**
 * Remove the user name and password from `url` (in place) and, when the URL
 * had any and `headers` has no `Authorization` of the caller's, add
 * `Authorization: Basic base64(user ":" password)`: the percent-decoded bytes
 * (UTF-8, as RFC 7617 §2.1 recommends). A caller's own `Authorization` wins.
 *
 * @example
 * ```ts
 * import { moveUrlCredentials } from "./url_credentials.ts";
 * const url = new URL("http://Aladdin:open%20sesame@example.com/");
 * const headers: [string, string][] = [];
 * moveUrlCredentials(url, headers);
 * url.href; // "http://example.com/"
 * headers; // [["authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="]]
 * ```
 */
export function moveUrlCredentials(url: URL, headers: HeaderList): void {
  if (url.username === "" && url.password === "") return;
  const bytes = [...percentDecode(url.username), 0x3a, ...percentDecode(url.password)];
  url.username = "";
  url.password = "";
  if (hasHeader(headers, "authorization")) return;
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  headers.push(["authorization", `Basic ${btoa(binary)}`]);
}
