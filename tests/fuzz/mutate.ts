/**
 * Byte-level mutations of fuzz inputs: bit flips, byte inserts and deletes,
 * repeated ranges, splices with another input, and HTTP fragments dropped in
 * at random places (line ends, framing fields, chunk sizes), which reach the
 * parser's deeper states far more often than random bytes do.
 *
 * @module
 */
import type { Random } from "./random.ts";

/** Strings that mean something to an HTTP/1.1 parser. */
const FRAGMENTS = [
  "\r\n",
  "\n",
  "\r",
  "\r\n\r\n",
  "\0",
  " ",
  "\t",
  ":",
  ";",
  ",",
  "=",
  '"',
  "HTTP/1.1 200 OK\r\n",
  "HTTP/1.0 200 OK\r\n",
  "HTTP/1.1 100 Continue\r\n\r\n",
  "Content-Length: 5\r\n",
  "Content-Length: 0\r\n",
  "Content-Length: -1\r\n",
  "Content-Length: 99999999999999999999\r\n",
  "Transfer-Encoding: chunked\r\n",
  "Transfer-Encoding: gzip, chunked\r\n",
  "Connection: close\r\n",
  "Connection: keep-alive\r\n",
  "Keep-Alive: timeout=5, max=3\r\n",
  " folded\r\n",
  "0\r\n\r\n",
  "0\r\n",
  "5\r\nhello\r\n",
  "ffffffffffffffffff\r\n",
  "-1\r\n",
  ';ext="v"',
  "X-Trailer: 1\r\n",
  "HTTP/2 200\r\n",
];

/** Byte values at the edges of HTTP/1.1 character classes. */
const INTERESTING = [
  0x00,
  0x09,
  0x0a,
  0x0d,
  0x20,
  0x22,
  0x2c,
  0x30,
  0x39,
  0x3a,
  0x3b,
  0x41,
  0x46,
  0x61,
  0x66,
  0x7f,
  0x80,
  0xff,
];

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

const FRAGMENT_BYTES = FRAGMENTS.map(ascii);

function joined(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** One mutation of `input` (never modified); `other` is a second input to splice with. */
function mutateOnce(input: Uint8Array, other: Uint8Array, random: Random): Uint8Array {
  const at = random.int(input.length + 1);
  switch (random.int(9)) {
    case 0: {
      if (input.length === 0) return input;
      const copy = input.slice();
      copy[random.int(copy.length)] ^= 1 << random.int(8);
      return copy;
    }
    case 1: {
      if (input.length === 0) return input;
      const copy = input.slice();
      copy[random.int(copy.length)] = random.pick(INTERESTING);
      return copy;
    }
    case 2: {
      const inserted = Uint8Array.from({ length: random.range(1, 4) }, () => random.int(256));
      return joined(input.subarray(0, at), inserted, input.subarray(at));
    }
    case 3: {
      const end = Math.min(input.length, at + random.range(1, 16));
      return joined(input.subarray(0, at), input.subarray(end));
    }
    case 4: {
      const end = Math.min(input.length, at + random.range(1, 32));
      const repeats = random.range(1, 8);
      const parts = [input.subarray(0, end)];
      for (let i = 0; i < repeats; i++) parts.push(input.subarray(at, end));
      parts.push(input.subarray(end));
      return joined(...parts);
    }
    case 5:
      return joined(input.subarray(0, at), other.subarray(random.int(other.length + 1)));
    case 6:
      return input.subarray(0, at);
    default:
      return joined(input.subarray(0, at), random.pick(FRAGMENT_BYTES), input.subarray(at));
  }
}

/**
 * `input` after 1 to 4 random mutations.
 *
 * @example
 * ```ts
 * import { mutate } from "./mutate.ts";
 * import { Random } from "./random.ts";
 * const wire = new TextEncoder().encode("HTTP/1.1 200 OK\r\n\r\n");
 * mutate(wire, wire, new Random(7)); // a variant of wire
 * ```
 */
export function mutate(input: Uint8Array, other: Uint8Array, random: Random): Uint8Array {
  let result = input;
  const count = random.range(1, 4);
  for (let i = 0; i < count; i++) result = mutateOnce(result, other, random);
  return result;
}

/**
 * Random bytes, mostly from the characters of HTTP syntax, sometimes
 * behind a valid status line so that the header parser is reached.
 *
 * @example
 * ```ts
 * import { randomWire } from "./mutate.ts";
 * import { Random } from "./random.ts";
 * randomWire(new Random(3)).length; // 0 to a few hundred
 * ```
 */
export function randomWire(random: Random): Uint8Array {
  const parts: Uint8Array[] = [];
  if (random.chance(0.5)) parts.push(ascii("HTTP/1.1 200 OK\r\n"));
  const length = random.int(random.chance(0.9) ? 200 : 3000);
  const bytes = new Uint8Array(length);
  const mode = random.int(3);
  for (let i = 0; i < length; i++) {
    if (mode === 0) bytes[i] = random.int(256);
    else if (mode === 1) bytes[i] = random.pick(INTERESTING);
    else bytes[i] = random.chance(0.2) ? random.pick(INTERESTING) : random.range(0x20, 0x7e);
  }
  parts.push(bytes);
  if (random.chance(0.3)) parts.push(random.pick(FRAGMENT_BYTES));
  return joined(...parts);
}
