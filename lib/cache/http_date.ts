/**
 * HTTP-date (RFC 9110 §5.6.7): parse the three formats, format the preferred one.
 *
 * @module
 */

const months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const month = "(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)";
const time = "(\\d{2}):(\\d{2}):(\\d{2})";

// RFC 9111 §4.2: cache recipients match dates case-insensitively, so every pattern has the `i` flag.
// Sun, 06 Nov 1994 08:49:37 GMT (a one-digit day is accepted too: §5.6.7 asks recipients to be robust).
const imfFixdate = new RegExp(
  `^(?:mon|tue|wed|thu|fri|sat|sun), (\\d{1,2}) ${month} (\\d{4}) ${time} gmt$`,
  "i",
);
// Sunday, 06-Nov-94 08:49:37 GMT
const rfc850Date = new RegExp(
  `^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday), (\\d{2})-${month}-(\\d{2}) ${time} gmt$`,
  "i",
);
// Sun Nov  6 08:49:37 1994
const asctimeDate = new RegExp(
  `^(?:mon|tue|wed|thu|fri|sat|sun) ${month} {1,2}(\\d{1,2}) ${time} (\\d{4})$`,
  "i",
);

/**
 * Parse an HTTP-date in IMF-fixdate, RFC 850 or asctime format to epoch
 * milliseconds. `null` for anything else, including impossible dates
 * (31 Feb) and `"0"`. Never throws.
 *
 * `now` (epoch ms) places the two-digit years of RFC 850 dates: a year that
 * would be more than 50 years in the future is the most recent past year
 * with those digits (RFC 9110 §5.6.7).
 *
 * @example
 * ```ts
 * import { parseHttpDate } from "./http_date.ts";
 * parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"); // 784111777000
 * parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"); // 784111777000
 * parseHttpDate("Sun Nov  6 08:49:37 1994"); // 784111777000
 * parseHttpDate("0"); // null
 * ```
 */
export function parseHttpDate(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const text = value.replace(/^[ \t]+|[ \t]+$/g, "");
  let match = imfFixdate.exec(text);
  if (match) return toEpoch(+match[3], match[2], +match[1], match.slice(4, 7));
  match = asctimeDate.exec(text);
  if (match) return toEpoch(+match[6], match[1], +match[2], match.slice(3, 6));
  match = rfc850Date.exec(text);
  if (match) return toEpoch(fullYear(+match[3], now), match[2], +match[1], match.slice(4, 7));
  return null;
}

/**
 * Format epoch milliseconds as IMF-fixdate, the form RFC 9110 §5.6.7 says to send.
 *
 * @example
 * ```ts
 * import { formatHttpDate } from "./http_date.ts";
 * formatHttpDate(784111777000); // "Sun, 06 Nov 1994 08:49:37 GMT"
 * ```
 */
export function formatHttpDate(epochMs: number): string {
  // ECMA-262 fixes toUTCString() to exactly the IMF-fixdate layout.
  return new Date(epochMs).toUTCString();
}

function fullYear(twoDigits: number, now: number): number {
  const currentYear = new Date(now).getUTCFullYear();
  let year = currentYear - (currentYear % 100) + twoDigits;
  if (year > currentYear + 50) year -= 100;
  else if (year + 100 <= currentYear + 50) year += 100;
  return year;
}

function toEpoch(year: number, monthName: string, day: number, clock: string[]): number | null {
  const monthIndex = months.indexOf(monthName.toLowerCase());
  const [hour, minute, second] = clock.map(Number);
  // A leap second (60) is allowed by the IMF grammar that HTTP-date follows.
  if (hour > 23 || minute > 59 || second > 60 || day < 1) return null;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(year, monthIndex, day);
  if (date.getUTCMonth() !== monthIndex) return null;
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}
