/**
 * The connect timeout and the caller's `AbortSignal`, applied the same way by
 * every transport: whichever comes first settles the connect, and a
 * connection that completes after that is closed at once.
 *
 * @module
 */
import { AbortError, TimeoutError } from "../errors.ts";
import type { ConnectOptions } from "./types.ts";

/**
 * Run `attempt` under `options.connectTimeout` and `options.signal`.
 *
 * `attempt` gets a signal that aborts when the timeout fires or the caller
 * aborts; it must then release what it holds (close the socket) and may
 * reject with anything: the caller already got a `TimeoutError` or an
 * `AbortError`. A connection the attempt still delivers after that is closed.
 *
 * @example
 * ```ts
 * import { connectWithDeadline } from "./connect_deadline.ts";
 * const conn = await connectWithDeadline(
 *   { host: "127.0.0.1", port: 80, connectTimeout: 1000 },
 *   () => Promise.resolve({ close() {} }),
 * );
 * conn.close();
 * ```
 */
export function connectWithDeadline<T extends { close(): void }>(
  options: ConnectOptions,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { signal } = options;
  const timeout = options.connectTimeout ?? 0;
  if (signal?.aborted) return Promise.reject(connectAborted(signal));
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      return true;
    };
    const stop = (error: AbortError | TimeoutError): void => {
      if (!finish()) return;
      controller.abort(error);
      reject(error);
    };
    const onAbort = (): void => stop(connectAborted(signal as AbortSignal));
    if (timeout > 0) timer = setTimeout(() => stop(new TimeoutError("connect", timeout)), timeout);
    signal?.addEventListener("abort", onAbort, { once: true });
    attempt(controller.signal).then(
      (conn) => {
        if (finish()) resolve(conn);
        else conn.close();
      },
      (error: unknown) => {
        if (finish()) reject(error);
      },
    );
  });
}

function connectAborted(signal: AbortSignal): AbortError {
  return new AbortError("the connect was aborted", { cause: signal.reason });
}
