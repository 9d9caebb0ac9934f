/**
 * The age of a stored response (RFC 9111 §4.2.3) and the Age field sent with it (§5.1).
 *
 * @module
 */
import { maxDeltaSeconds, parseDeltaSeconds } from "./delta_seconds.ts";
import { parseHttpDate } from "./http_date.ts";
import type { CachedResponseMeta } from "./response_meta.ts";
import { firstField } from "./stored_fields.ts";

/**
 * `date_value` of RFC 9111 §4.2.3: the response's Date field, or its receipt
 * time when the field is missing or invalid (RFC 9110 §6.6.1: a recipient
 * dates an undated response on receipt).
 *
 * @example
 * ```ts
 * import { dateValue } from "./age.ts";
 * const meta = {
 *   status: 200, statusText: "OK", requestTime: 0, responseTime: 5_000, varyValues: {},
 *   headers: [["date", "Thu, 01 Jan 1970 00:00:02 GMT"]] as [string, string][],
 * };
 * dateValue(meta); // 2000
 * ```
 */
export function dateValue(meta: CachedResponseMeta): number {
  return parseHttpDate(firstField(meta.headers, "date"), meta.responseTime) ?? meta.responseTime;
}

/**
 * `current_age` of RFC 9111 §4.2.3 in milliseconds at `now` (epoch ms): the
 * larger of the apparent age (receipt time minus Date) and the Age field
 * corrected by the request's round trip, plus the time spent in the cache.
 * An invalid Age field counts as 0.
 *
 * @example
 * ```ts
 * import { currentAge } from "./age.ts";
 * const meta = {
 *   status: 200, statusText: "OK", requestTime: 0, responseTime: 1_000, varyValues: {},
 *   headers: [["date", "Thu, 01 Jan 1970 00:00:01 GMT"], ["age", "10"]] as [string, string][],
 * };
 * currentAge(meta, 6_000); // 16000: Age 10 s + 1 s round trip + 5 s stored
 * ```
 */
export function currentAge(meta: CachedResponseMeta, now: number): number {
  const ageField = firstField(meta.headers, "age");
  const ageValue = (ageField === null ? null : parseDeltaSeconds(ageField)) ?? 0;
  const apparentAge = Math.max(0, meta.responseTime - dateValue(meta));
  // Clocks that step backwards must not make an age negative.
  const responseDelay = Math.max(0, meta.responseTime - meta.requestTime);
  const correctedAgeValue = ageValue * 1000 + responseDelay;
  const correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
  const residentTime = Math.max(0, now - meta.responseTime);
  return correctedInitialAge + residentTime;
}

/**
 * The Age field value to send with a response served from the cache (RFC
 * 9111 §5.1): whole seconds of {@link currentAge}, at most 2^31 (§1.2.2).
 *
 * @example
 * ```ts
 * import { ageHeaderValue } from "./age.ts";
 * const meta = { status: 200, statusText: "OK", headers: [], requestTime: 0, responseTime: 0, varyValues: {} };
 * ageHeaderValue(meta, 61_500); // "61"
 * ```
 */
export function ageHeaderValue(meta: CachedResponseMeta, now: number): string {
  return String(Math.min(Math.floor(currentAge(meta, now) / 1000), maxDeltaSeconds));
}
