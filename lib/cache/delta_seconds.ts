/**
 * The `delta-seconds` value of RFC 9111 §1.2.2, used by `Age` and by the
 * numeric Cache-Control directives.
 *
 * @module
 */

/**
 * The largest delta-seconds value kept: RFC 9111 §1.2.2 says a larger value
 * (or an overflow) is to be read as 2^31.
 */
export const maxDeltaSeconds = 2 ** 31;

/**
 * Parse `delta-seconds` (`1*DIGIT`, RFC 9111 §1.2.2); values past 2^31 are
 * capped at 2^31. Anything else (sign, fraction, spaces inside, empty) is
 * `null`. Surrounding spaces and tabs are ignored.
 *
 * @example
 * ```ts
 * import { parseDeltaSeconds } from "./delta_seconds.ts";
 * parseDeltaSeconds("60"); // 60
 * parseDeltaSeconds("99999999999"); // 2147483648
 * parseDeltaSeconds("-1"); // null
 * ```
 */
export function parseDeltaSeconds(value: string): number | null {
  const digits = value.replace(/^[ \t]+|[ \t]+$/g, "");
  if (!/^[0-9]+$/.test(digits)) return null;
  // Leading zeros do not count towards the length check below.
  const significant = digits.replace(/^0+(?=.)/, "");
  if (significant.length > 10) return maxDeltaSeconds;
  return Math.min(Number(significant), maxDeltaSeconds);
}
