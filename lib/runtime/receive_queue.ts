/**
 * Bytes received by an event-driven socket (node:net, Bun.connect) that wait
 * for the reader: the bridge from "the runtime pushes chunks" to the `Conn`
 * contract's "the caller pulls into its own buffer".
 *
 * @module
 */
import { SocketError } from "../errors.ts";

/** The socket side of a {@link ReceiveQueue}: flow control hooks. */
export interface FlowControl {
  /** Stop reading from the socket (the queue is full). */
  pause(): void;
  /** Read from the socket again (the reader caught up). */
  resume(): void;
}

const resolvedNull: Promise<null> = Promise.resolve(null);

/**
 * A FIFO of received chunks. `read(into)` copies as many queued bytes as fit
 * into the caller's buffer; with nothing queued it waits for the next chunk,
 * which then goes straight into the waiting buffer. The socket is paused
 * while more than `highWaterMark` bytes wait, so a slow reader slows the
 * sender down (TCP flow control) instead of growing memory.
 *
 * After `fail(error)` the queued bytes are still read first, then every read
 * rejects with the error; after `end()` or `close()` reads resolve `null`.
 *
 * @example
 * ```ts
 * import { ReceiveQueue } from "./receive_queue.ts";
 * const queue = new ReceiveQueue({ pause() {}, resume() {} }, 256 * 1024);
 * queue.push(new Uint8Array([1, 2, 3]));
 * queue.end();
 * const into = new Uint8Array(2);
 * console.log(await queue.read(into), await queue.read(into), await queue.read(into)); // 2 1 null
 * ```
 */
export class ReceiveQueue {
  readonly #flow: FlowControl;
  readonly #highWaterMark: number;
  /** Chunks in arrival order; `#chunks[0]` is read from `#offset` on. */
  #chunks: Uint8Array[] = [];
  #offset = 0;
  #size = 0;
  #paused = false;
  #ended = false;
  #error: SocketError | undefined;
  #waiting: Uint8Array | undefined;
  #resolve: ((count: number | null) => void) | undefined;
  #reject: ((error: SocketError) => void) | undefined;

  /** Create a queue that pauses `flow` past `highWaterMark` queued bytes. */
  constructor(flow: FlowControl, highWaterMark: number) {
    this.#flow = flow;
    this.#highWaterMark = highWaterMark;
  }

  /** Bytes waiting to be read. */
  get size(): number {
    return this.#size;
  }

  /**
   * Take a received chunk. The queue keeps a reference to what it cannot hand
   * to a waiting reader at once, unless `reused` says the caller will reuse
   * the chunk's memory: then it keeps a copy.
   */
  push(chunk: Uint8Array, reused = false): void {
    if (this.#ended || chunk.length === 0) return;
    const into = this.#waiting;
    if (into !== undefined) {
      // A reader waits, so nothing is queued: copy straight into its buffer.
      const count = Math.min(chunk.length, into.length);
      into.set(count === chunk.length ? chunk : chunk.subarray(0, count));
      if (count < chunk.length) this.#append(reused ? chunk.slice(count) : chunk.subarray(count));
      this.#settle(count);
      return;
    }
    this.#append(reused ? chunk.slice() : chunk);
  }

  /** The peer finished sending (EOF): reads resolve `null` once the queue is empty. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#waiting !== undefined) this.#settle(null);
  }

  /** The socket failed: reads reject with `error` once the queue is empty. Ignored after EOF. */
  fail(error: SocketError): void {
    if (this.#ended || this.#error !== undefined) return;
    this.#error = error;
    const reject = this.#reject;
    if (reject === undefined) return;
    this.#clearWaiting();
    reject(error);
  }

  /** Drop everything: the connection was closed locally. Pending and later reads resolve `null`. */
  close(): void {
    this.#chunks = [];
    this.#offset = 0;
    this.#size = 0;
    this.#error = undefined;
    this.end();
  }

  /** Fill `into` with queued bytes; resolves the count, or `null` at EOF. */
  read(into: Uint8Array): Promise<number | null> {
    if (this.#size > 0) return Promise.resolve(this.#copyOut(into));
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#ended) return resolvedNull;
    if (this.#waiting !== undefined) return Promise.reject(new SocketError("a read is already pending"));
    return new Promise<number | null>((resolve, reject) => {
      this.#waiting = into;
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  #append(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (!this.#paused && this.#size > this.#highWaterMark) {
      this.#paused = true;
      this.#flow.pause();
    }
  }

  #copyOut(into: Uint8Array): number {
    const chunks = this.#chunks;
    let count = 0;
    let taken = 0;
    while (count < into.length && taken < chunks.length) {
      const chunk = chunks[taken];
      const available = chunk.length - this.#offset;
      const length = Math.min(available, into.length - count);
      into.set(
        this.#offset === 0 && length === chunk.length
          ? chunk
          : chunk.subarray(this.#offset, this.#offset + length),
        count,
      );
      count += length;
      if (length === available) {
        taken++;
        this.#offset = 0;
      } else {
        this.#offset += length;
      }
    }
    // One splice per read, not one shift per chunk.
    if (taken > 0) chunks.splice(0, taken);
    this.#size -= count;
    // Resume at half the mark, so that a reader taking small bites does not
    // toggle the socket on every read.
    if (this.#paused && this.#size <= this.#highWaterMark / 2) {
      this.#paused = false;
      this.#flow.resume();
    }
    return count;
  }

  #settle(count: number | null): void {
    const resolve = this.#resolve;
    this.#clearWaiting();
    resolve?.(count);
  }

  #clearWaiting(): void {
    this.#waiting = undefined;
    this.#resolve = undefined;
    this.#reject = undefined;
  }
}
