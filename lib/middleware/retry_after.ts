/**
 * `Retry-After` (RFC 9110 §10.2.3): how long a server asks a client to wait.
 *
 * @module
 */
import { parseDeltaSeconds } from "../cache/delta_seconds.ts";
import { parseHttpDate } from "../cache/http_date.ts";

/**
 * Milliseconds to wait from `now` for a `Retry-After` value: delay-seconds or
 * an HTTP-date (a past date means 0). `null` when absent or invalid.
 *
 * @example
 * ```ts
 * import { retryAfterDelay } from "./retry_after.ts";
 * retryAfterDelay("3"); // 3000
 * retryAfterDelay("Sun, 06 Nov 1994 08:49:37 GMT", 784111770000); // 7000
 * retryAfterDelay("soon"); // null
 * ```
 */
export function retryAfterDelay(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const seconds = parseDeltaSeconds(value);
  if (seconds !== null) return seconds * 1000;
  const date = parseHttpDate(value, now);
  return date === null ? null : Math.max(0, date - now);
}
