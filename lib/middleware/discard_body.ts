/**
 * Discard the body of a response the caller will never see (a redirect
 * answer, a retried status), freeing its connection.
 *
 * @module
 */
import type { HttpResponse } from "../response.ts";

/**
 * Bodies up to this size are read to their end, so that the connection stays
 * reusable; a larger or longer body is cancelled, which closes the connection
 * (reading it would cost more than a new connection).
 */
const DRAIN_LIMIT = 64 * 1024;

/** Read size while draining. */
const DRAIN_CHUNK = 16 * 1024;

/**
 * Read a small body to its end, cancel a large one. Never throws: a body that
 * fails while being drained has already released its connection.
 *
 * @example
 * ```ts
 * import { discardBody } from "./discard_body.ts";
 * import type { HttpResponse } from "../response.ts";
 * declare const response: HttpResponse;
 * await discardBody(response);
 * ```
 */
export async function discardBody(response: HttpResponse): Promise<void> {
  if (response.bodyUsed) return;
  const source = response.takeSource();
  if (source.length !== null && source.length > DRAIN_LIMIT) {
    source.cancel();
    return;
  }
  const scratch = new Uint8Array(Math.min(source.length ?? DRAIN_CHUNK, DRAIN_CHUNK) || 1);
  let total = 0;
  try {
    for (;;) {
      const count = await source.read(scratch);
      if (count === 0) return;
      total += count;
      if (total > DRAIN_LIMIT) {
        source.cancel();
        return;
      }
    }
  } catch {
    source.cancel();
  }
}
