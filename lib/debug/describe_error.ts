/**
 * One line for an error and its cause chain, for the `errors` debug level and
 * the CLI's error lines.
 *
 * @module
 */
import { HttpClientError } from "../errors.ts";

/** Causes followed at most (a cycle or a very deep chain ends there). */
const MAX_CAUSES = 5;

/**
 * An error and its causes on one line, outermost first, each with its `code`
 * when it has one: `ERR_CONNECT connect failed <- connect ECONNREFUSED ...`.
 *
 * @example
 * ```ts
 * import { describeError } from "./describe_error.ts";
 * import { ConnectError } from "../errors.ts";
 * describeError(new ConnectError("refused", { cause: new Error("ECONNREFUSED") }));
 * // "ERR_CONNECT refused <- ECONNREFUSED"
 * ```
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current = error;
  for (let depth = 0; current !== undefined && depth <= MAX_CAUSES; depth++) {
    if (current instanceof Error) {
      const code = current instanceof HttpClientError ? current.code : (current as { code?: unknown }).code;
      parts.push(typeof code === "string" && code !== "" ? `${code} ${current.message}` : current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(" <- ");
}

/**
 * The stable code of an error: its `code` (`ERR_CONNECT`, or a system code
 * such as `ENOENT`), else `ERR_UNKNOWN`.
 *
 * @example
 * ```ts
 * import { errorCode } from "./describe_error.ts";
 * import { TimeoutError } from "../errors.ts";
 * errorCode(new TimeoutError("reply", 1000)); // "ERR_TIMEOUT"
 * ```
 */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code !== "" ? code : "ERR_UNKNOWN";
}
