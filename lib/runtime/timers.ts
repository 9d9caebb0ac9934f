/**
 * Timers that do not keep the process alive (idle keep-alive timers): each
 * runtime spells "unref" differently.
 *
 * @module
 */

/** A timer handle as any of the three runtimes returns it. */
export type TimerHandle = ReturnType<typeof setTimeout>;

const deno = (globalThis as unknown as { Deno?: { unrefTimer(id: number): void } }).Deno;

/**
 * Start a timer that does not keep the process running on its own.
 *
 * @example
 * ```ts
 * import { unrefTimeout } from "./timers.ts";
 * const timer = unrefTimeout(() => console.log("idle"), 4000);
 * clearTimeout(timer);
 * ```
 */
export function unrefTimeout(callback: () => void, ms: number): TimerHandle {
  const timer = setTimeout(callback, ms);
  if (typeof timer === "number") deno?.unrefTimer(timer);
  else (timer as { unref?: () => void }).unref?.();
  return timer;
}

/**
 * Resolves after the current batch of I/O callbacks and microtasks
 * (`setImmediate` on all three runtimes): lets work queued by many callbacks
 * of one read be handled together.
 *
 * @example
 * ```ts
 * import { afterCurrentTurn } from "./timers.ts";
 * await afterCurrentTurn();
 * ```
 */
export function afterCurrentTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
