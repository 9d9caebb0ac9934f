/**
 * The Netscape `cookies.txt` format that curl, wget, yt-dlp and browser
 * export extensions read and write: one cookie per line, seven tab-separated
 * fields (domain, include-subdomains, path, secure, expiry, name, value).
 *
 * The format has no creation time, SameSite or Partitioned: cookies read from
 * it get the current time as creation time, in file order.
 *
 * @example
 * ```ts
 * import { parseNetscape } from "./netscape.ts";
 * const cookies = parseNetscape(".example.com\tTRUE\t/\tFALSE\t0\tsid\tabc\n", Date.now());
 * console.log(cookies[0].domain, cookies[0].hostOnly); // example.com false
 * ```
 * @module
 */
import { type Cookie, toCookie } from "./cookie.ts";

/** The first line of every file; curl checks for it. */
const header = "# Netscape HTTP Cookie File";
/** curl's marker for HttpOnly cookies: prefixed to the domain field, so old readers see a comment. */
const httpOnlyPrefix = "#HttpOnly_";

/**
 * Write cookies in the Netscape format: domain cookies get a leading `.` and
 * include-subdomains `TRUE`, HttpOnly cookies the `#HttpOnly_` prefix, and
 * session cookies expiry `0`. A cookie with a tab in a field cannot be
 * written in this format and is left out.
 *
 * @example
 * ```ts
 * import { formatNetscape } from "./netscape.ts";
 * const text = formatNetscape([{
 *   name: "sid", value: "abc", domain: "example.com", path: "/", hostOnly: false, secure: true,
 *   httpOnly: true, partitioned: false, expires: null, creation: 0, lastAccess: 0,
 * }]);
 * // "# Netscape HTTP Cookie File\n\n#HttpOnly_.example.com\tTRUE\t/\tTRUE\t0\tsid\tabc\n"
 * ```
 */
export function formatNetscape(cookies: readonly Cookie[]): string {
  const lines = [header, ""];
  for (const cookie of cookies) {
    const { name, value, domain, path } = cookie;
    if ([name, value, domain, path].some((field) => field.includes("\t"))) continue;
    const domainField = (cookie.httpOnly ? httpOnlyPrefix : "") + (cookie.hostOnly ? "" : ".") + domain;
    // Seconds since the epoch, rounded up so that a persistent cookie never gets 0 (= session).
    const expires = cookie.expires === null ? 0 : Math.ceil(cookie.expires / 1000);
    lines.push(
      [domainField, flag(!cookie.hostOnly), path, flag(cookie.secure), String(expires), name, value].join(
        "\t",
      ),
    );
  }
  return lines.join("\n") + "\n";
}

function flag(value: boolean): string {
  return value ? "TRUE" : "FALSE";
}

/**
 * Read cookies from Netscape-format text. Comments, blank lines and malformed
 * lines (wrong field count, a flag other than TRUE/FALSE, a non-numeric
 * expiry, an empty name, a path not starting with `/`) are skipped. A missing
 * seventh field means an empty value. Expired cookies are returned too; the
 * jar drops them.
 *
 * @example
 * ```ts
 * import { parseNetscape } from "./netscape.ts";
 * const [cookie] = parseNetscape("#HttpOnly_example.com\tFALSE\t/\tTRUE\t2000000000\tid\t7", 0);
 * console.log(cookie.httpOnly, cookie.hostOnly, cookie.expires); // true true 2000000000000
 * ```
 */
export function parseNetscape(text: string, now: number): Cookie[] {
  const cookies: Cookie[] = [];
  for (const rawLine of text.split("\n")) {
    let line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    let httpOnly = false;
    if (line.startsWith(httpOnlyPrefix)) {
      httpOnly = true;
      line = line.slice(httpOnlyPrefix.length);
    } else if (line.startsWith("#") || line.trim() === "") {
      continue;
    }
    const fields = line.split("\t");
    if (fields.length === 6) fields.push("");
    if (fields.length !== 7) continue;
    const [domainField, includeSubdomains, path, secure, expiresField, name, value] = fields;
    const subdomains = parseFlag(includeSubdomains);
    const secureFlag = parseFlag(secure);
    if (subdomains === null || secureFlag === null || !/^\d+$/.test(expiresField)) continue;
    const seconds = Number(expiresField);
    const cookie = toCookie({
      name,
      value,
      domain: domainField.startsWith(".") ? domainField.slice(1) : domainField,
      path,
      hostOnly: !subdomains,
      secure: secureFlag,
      httpOnly,
      expires: seconds === 0 ? null : seconds * 1000,
      creation: now,
      lastAccess: now,
    });
    if (cookie !== null) cookies.push(cookie);
  }
  return cookies;
}

function parseFlag(field: string): boolean | null {
  const upper = field.toUpperCase();
  return upper === "TRUE" ? true : upper === "FALSE" ? false : null;
}
