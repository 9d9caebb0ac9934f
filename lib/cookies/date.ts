/**
 * The cookie-date parser of RFC 6265 §5.1.1.
 *
 * Servers write `Expires` in many shapes (`Wed, 09 Jun 2021 10:18:14 GMT`,
 * `Wednesday, 09-Jun-21 10:18:14 GMT`, `Wed Jun  9 10:18:14 2021`), so the RFC
 * does not parse a fixed format: it splits the string into tokens and picks the
 * first token that looks like a time, a day of month, a month and a year, in any
 * order. Everything else (day names, time zones) is ignored; the result is UTC.
 *
 * @example
 * ```ts
 * import { parseCookieDate } from "./date.ts";
 * parseCookieDate("Wed, 09 Jun 2021 10:18:14 GMT")?.toISOString(); // "2021-06-09T10:18:14.000Z"
 * parseCookieDate("not a date"); // null
 * ```
 * @module
 */

/**
 * RFC 6265 §5.1.1 `delimiter`: %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E.
 * Code units above 0x7E (including the UTF-8 bytes the RFC thinks of as
 * %x7F-FF) are non-delimiters.
 */
function isDelimiter(code: number): boolean {
  return code === 0x09 || (code >= 0x20 && code <= 0x2f) || (code >= 0x3b && code <= 0x40) ||
    (code >= 0x5b && code <= 0x60) || (code >= 0x7b && code <= 0x7e);
}

/** Split into `date-token`s: maximal runs of non-delimiters (§5.1.1 step 1). */
function dateTokens(text: string): string[] {
  const tokens: string[] = [];
  let start = -1;
  for (let index = 0; index <= text.length; index++) {
    const delimiter = index === text.length || isDelimiter(text.charCodeAt(index));
    if (delimiter && start >= 0) {
      tokens.push(text.slice(start, index));
      start = -1;
    } else if (!delimiter && start < 0) {
      start = index;
    }
  }
  return tokens;
}

// The productions of §5.1.1. Each may be followed by a non-digit and anything
// after it, which is ignored ("12:30:00GMT" is a time, "2007x" a year).
/** `time = hms-time ( non-digit *OCTET )`, `hms-time = 1*2DIGIT ":" 1*2DIGIT ":" 1*2DIGIT`. */
const timePattern = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D|$)/;
/** `day-of-month = 1*2DIGIT ( non-digit *OCTET )`. */
const dayOfMonthPattern = /^(\d{1,2})(?:\D|$)/;
/** `year = 2*4DIGIT ( non-digit *OCTET )`. */
const yearPattern = /^(\d{2,4})(?:\D|$)/;
/** `month`: a token whose first three characters name a month, any case. */
const months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/**
 * Parse a cookie date (the `Expires` attribute) with the RFC 6265 §5.1.1
 * algorithm; `null` when the string is not a valid cookie date.
 *
 * Two-digit years 70-99 mean 1970-1999 and 00-69 mean 2000-2069 (§5.1.1 steps
 * 3-4); years before 1601, hours above 23, minutes or seconds above 59 and days
 * that do not exist (`31 Feb`) are rejected (§5.1.1 steps 5-6).
 *
 * @example
 * ```ts
 * import { parseCookieDate } from "./date.ts";
 * parseCookieDate("Sun, 06-Nov-94 08:49:37 GMT")?.toUTCString(); // "Sun, 06 Nov 1994 08:49:37 GMT"
 * parseCookieDate("Sat, 15-Apr-17 91:22:33 21:01:22"); // null: the first time token has hour 91
 * ```
 */
export function parseCookieDate(text: string): Date | null {
  let time: RegExpExecArray | null = null;
  let dayOfMonth: number | null = null;
  let month: number | null = null;
  let year: number | null = null;
  // §5.1.1 step 2: each token sets the first field it can still fill, in the
  // order time, day-of-month, month, year.
  for (const token of dateTokens(text)) {
    if (time === null) {
      const match = timePattern.exec(token);
      if (match !== null) {
        time = match;
        continue;
      }
    }
    if (dayOfMonth === null) {
      const match = dayOfMonthPattern.exec(token);
      if (match !== null) {
        dayOfMonth = Number(match[1]);
        continue;
      }
    }
    if (month === null && token.length >= 3) {
      const index = months.indexOf(token.slice(0, 3).toLowerCase());
      if (index >= 0) {
        month = index;
        continue;
      }
    }
    if (year === null) {
      const match = yearPattern.exec(token);
      if (match !== null) year = Number(match[1]);
    }
  }
  if (time === null || dayOfMonth === null || month === null || year === null) return null;
  // §5.1.1 steps 3 and 4: two-digit years.
  if (year >= 70 && year <= 99) year += 1900;
  else if (year >= 0 && year <= 69) year += 2000;
  const hour = Number(time[1]);
  const minute = Number(time[2]);
  const second = Number(time[3]);
  // §5.1.1 step 5.
  if (dayOfMonth < 1 || dayOfMonth > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const date = new Date(Date.UTC(year, month, dayOfMonth, hour, minute, second));
  // §5.1.1 step 6: a day that does not exist in that month rolls over in Date.UTC.
  if (date.getUTCDate() !== dayOfMonth) return null;
  return date;
}
