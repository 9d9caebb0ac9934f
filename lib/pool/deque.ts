/**
 * A double-ended queue on a growable ring buffer: O(1) push, shift and
 * unshift, so 100,000 waiting requests cost no quadratic shuffling.
 *
 * @module
 */

/**
 * FIFO queue that can also put an item back at the front.
 *
 * @example
 * ```ts
 * import { Deque } from "./deque.ts";
 * const queue = new Deque<number>();
 * queue.push(1); queue.push(2); queue.unshift(0);
 * queue.shift(); // 0
 * ```
 */
export class Deque<T> {
  #items: (T | undefined)[] = new Array(16);
  #head = 0;
  #length = 0;

  /** Number of items. */
  get length(): number {
    return this.#length;
  }

  /** Add at the back. */
  push(item: T): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) % this.#items.length] = item;
    this.#length++;
  }

  /** Add at the front. */
  unshift(item: T): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#head = (this.#head - 1 + this.#items.length) % this.#items.length;
    this.#items[this.#head] = item;
    this.#length++;
  }

  /** Remove and return the front item. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#items.length;
    this.#length--;
    return item;
  }

  /** The item at position `index` from the front. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    return this.#items[(this.#head + index) % this.#items.length];
  }

  /** Remove the item at position `index` from the front (O(n), for rare removals). */
  removeAt(index: number): T | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    if (index === 0) return this.shift();
    const size = this.#items.length;
    const item = this.#items[(this.#head + index) % size];
    for (let i = index; i < this.#length - 1; i++) {
      this.#items[(this.#head + i) % size] = this.#items[(this.#head + i + 1) % size];
    }
    this.#items[(this.#head + this.#length - 1) % size] = undefined;
    this.#length--;
    return item;
  }

  /** Remove a given item (O(n)); returns whether it was there. */
  remove(item: T): boolean {
    for (let i = 0; i < this.#length; i++) {
      if (this.at(i) === item) {
        this.removeAt(i);
        return true;
      }
    }
    return false;
  }

  #grow(): void {
    const grown = new Array<T | undefined>(this.#items.length * 2);
    for (let i = 0; i < this.#length; i++) grown[i] = this.#items[(this.#head + i) % this.#items.length];
    this.#items = grown;
    this.#head = 0;
  }
}
