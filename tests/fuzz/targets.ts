/**
 * What the fuzzer runs, and the properties each input must keep.
 *
 * Response parser (driven by `wire_reader.ts` as a connection drives it):
 * - it never throws anything but an `HttpClientError` subclass;
 * - it never loops and never buffers more than the limits allow;
 * - the outcome (responses, bodies, trailers, error code) is the same
 *   whatever the chunking: split at every offset (or at many random ones
 *   for long inputs), one byte per read, and random multi-way splits;
 * - for a well-formed input it agrees with `reference.ts`.
 *
 * Cookie parser and jar, Cache-Control parser: never throw; a stored
 * cookie can always be sent (the Cookie header holds no CR, LF or NUL) and
 * survives a JSON round trip; Cache-Control numbers are never NaN or
 * negative.
 *
 * @module
 */
import { parseCacheControl } from "../../lib/cache/cache_control.ts";
import { CookieJar } from "../../lib/cookies/jar.ts";
import { parseSetCookie } from "../../lib/cookies/parse.ts";
import type { HeadLimits } from "../../lib/http1/response_head.ts";
import type { CorpusEntry } from "./corpus.ts";
import { generateStream } from "./generate.ts";
import { mutate, randomWire } from "./mutate.ts";
import type { Random } from "./random.ts";
import { referenceRead } from "./reference.ts";
import { PropertyViolation, readWire, type WireOutcome } from "./wire_reader.ts";

/** One kind of fuzz input and its properties: `run` makes one input and checks it. */
export interface FuzzTarget {
  readonly name: string;
  /** Throws `PropertyViolation` (with `input` set) when a property does not hold. */
  run(random: Random): void;
}

/** How hard each response input is split. */
export interface SplitOptions {
  /** Inputs up to this many bytes are split at every offset; longer ones at `randomSplits` offsets. */
  everyOffsetUpTo: number;
  /** Random two-way splits of longer inputs, and random multi-way splits of every input. */
  randomSplits: number;
}

/** Limits a real client would use, and tiny ones that make every limit reachable. */
const LIMIT_SETS: readonly HeadLimits[] = [
  { maxHeaderSize: 64 * 1024, maxHeaderCount: 200, maxLineLength: 16 * 1024 },
  { maxHeaderSize: 256, maxHeaderCount: 6, maxLineLength: 64 },
  { maxHeaderSize: 96, maxHeaderCount: 2, maxLineLength: 40 },
];

/** Inputs longer than this are not also fed one byte per read (quadratic cost). */
const MAX_BYTEWISE = 4096;

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

function shown(outcome: WireOutcome): string {
  const text = JSON.stringify(outcome);
  return text.length > 600 ? `${text.slice(0, 600)}...` : text;
}

function violation(message: string, input: string): PropertyViolation {
  const error = new PropertyViolation(message);
  error.input = input;
  return error;
}

/** `readWire`, with any untyped exception turned into a violation. */
function outcomeOf(
  pieces: Uint8Array[],
  methods: readonly string[],
  limits: HeadLimits,
  input: string,
): string {
  try {
    return JSON.stringify(readWire(pieces, methods, limits));
  } catch (error) {
    if (error instanceof PropertyViolation) {
      error.input = input;
      throw error;
    }
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw violation(`the parser threw an untyped error (${what})`, input);
  }
}

function randomCuts(length: number, count: number, random: Random): number[] {
  const cuts = new Set<number>();
  for (let i = 0; i < count && length > 1; i++) cuts.add(random.range(1, length - 1));
  return [...cuts].sort((a, b) => a - b);
}

function cutAt(wire: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const cut of cuts) {
    pieces.push(wire.subarray(from, cut));
    from = cut;
  }
  pieces.push(wire.subarray(from));
  return pieces;
}

/**
 * Check every response-parser property on one input. `valid` inputs are
 * also compared with the reference reading.
 *
 * @example
 * ```ts
 * import { checkResponseInput } from "./targets.ts";
 * import { Random } from "./random.ts";
 * const wire = new TextEncoder().encode("HTTP/1.1 204 No Content\r\n\r\n");
 * checkResponseInput(wire, ["GET"], { maxHeaderSize: 1024, maxHeaderCount: 10, maxLineLength: 256 }, {
 *   valid: true, random: new Random(1), splits: { everyOffsetUpTo: 512, randomSplits: 8 },
 * });
 * ```
 */
export function checkResponseInput(
  wire: Uint8Array,
  methods: readonly string[],
  limits: HeadLimits,
  options: { valid: boolean; random: Random; splits: SplitOptions },
): WireOutcome {
  const input = JSON.stringify(latin1(wire));
  const whole = outcomeOf([wire], methods, limits, input);
  if (options.valid) {
    const expected = JSON.stringify(referenceRead(latin1(wire), methods));
    if (expected !== whole) {
      throw violation(
        `the parser read ${shown(JSON.parse(whole))}, the reference ${shown(JSON.parse(expected))}`,
        input,
      );
    }
  }
  const compare = (pieces: Uint8Array[], how: string) => {
    const split = outcomeOf(pieces, methods, limits, input);
    if (split !== whole) {
      throw violation(
        `${how} gives ${shown(JSON.parse(split))}, whole gives ${shown(JSON.parse(whole))}`,
        input,
      );
    }
  };
  const { everyOffsetUpTo, randomSplits } = options.splits;
  const offsets = wire.length <= everyOffsetUpTo
    ? Array.from({ length: Math.max(0, wire.length - 1) }, (_, i) => i + 1)
    : randomCuts(wire.length, randomSplits, options.random);
  for (const offset of offsets) compare(cutAt(wire, [offset]), `split at ${offset}`);
  if (wire.length <= MAX_BYTEWISE) {
    compare(Array.from(wire, (_, i) => wire.subarray(i, i + 1)), "one byte per read");
  }
  for (let i = 0; i < Math.min(4, randomSplits); i++) {
    const cuts = randomCuts(wire.length, options.random.range(2, 12), options.random);
    compare(cutAt(wire, cuts), `cut at ${cuts.join(",")}`);
  }
  return JSON.parse(whole);
}

function methodsFor(random: Random): string[] {
  const methods = Array.from({ length: 8 }, () => "GET");
  if (random.chance(0.1)) methods[0] = "HEAD";
  return methods;
}

/** Corpus entries mutated at the byte level. */
function mutatedResponses(corpus: readonly CorpusEntry[], splits: SplitOptions): FuzzTarget {
  return {
    name: "response-mutated",
    run(random) {
      const entry = random.pick(corpus);
      const wire = mutate(entry.wire, random.pick(corpus).wire, random);
      checkResponseInput(wire, methodsFor(random), random.pick(LIMIT_SETS), { valid: false, random, splits });
    },
  };
}

/** Random bytes, often behind a valid status line. */
function randomResponses(splits: SplitOptions): FuzzTarget {
  return {
    name: "response-random",
    run(random) {
      checkResponseInput(randomWire(random), methodsFor(random), random.pick(LIMIT_SETS), {
        valid: false,
        random,
        splits,
      });
    },
  };
}

/** Generated well-formed streams, checked against the reference. */
function generatedResponses(splits: SplitOptions): FuzzTarget {
  return {
    name: "response-generated",
    run(random) {
      const { wire, methods } = generateStream(random);
      checkResponseInput(wire, methods, LIMIT_SETS[0], { valid: true, random, splits });
    },
  };
}

const COOKIE_SEEDS = [
  "sid=abc123; Path=/; Domain=example.com; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Secure; HttpOnly",
  "a=b; Max-Age=3600; SameSite=Lax; Partitioned",
  'q="quoted value"; Path=/docs; Domain=.Example.COM',
  "x=1; expires=Thu, 01-Jan-1970 00:00:01 GMT; max-age=-5",
  "lang=en-US; Path=/; SameSite=Strict; Domain=sub.example.com",
];
const COOKIE_FRAGMENTS = [
  ";",
  "=",
  " ",
  "\t",
  ",",
  '"',
  "\0",
  "\r",
  "\n",
  "\x7f",
  "\xff",
  "\u2603",
  "\ud83d",
  "; Domain=",
  "; Domain=.",
  "; Domain=com",
  "; Path=",
  "; Path=/a/b",
  "; Expires=",
  "; Max-Age=",
  "; Max-Age=99999999999999999999",
  "; SameSite=",
  "Mon, 31 Feb 99999 25:61:61 GMT",
  "1970",
  "-0",
  "__Host-",
];
const COOKIE_URLS = [
  "https://example.com/",
  "http://sub.example.com/a/b",
  "https://127.0.0.1:8443/x",
  "http://[::1]/",
  "https://www.example.co.uk/",
  "http://localhost/",
];

function mutateText(seed: string, fragments: readonly string[], random: Random): string {
  let text = seed;
  const count = random.range(1, 6);
  for (let i = 0; i < count; i++) {
    const at = random.int(text.length + 1);
    const roll = random.int(4);
    if (roll === 0) text = text.slice(0, at) + random.pick(fragments) + text.slice(at);
    else if (roll === 1) text = text.slice(0, at) + text.slice(at + random.range(1, 8));
    else if (roll === 2) text = text.slice(0, at) + String.fromCharCode(random.int(256)) + text.slice(at);
    else text = text.slice(0, at) + text.slice(random.int(text.length + 1));
  }
  return text;
}

function guarded<T>(what: string, input: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw violation(`${what} threw (${message})`, JSON.stringify(input));
  }
}

/** Set-Cookie strings through the parser and a jar. */
function setCookies(): FuzzTarget {
  return {
    name: "set-cookie",
    run(random) {
      const text = mutateText(random.pick(COOKIE_SEEDS), COOKIE_FRAGMENTS, random);
      const parsed = guarded("parseSetCookie", text, () => parseSetCookie(text));
      if (parsed !== null && parsed.name === "") {
        throw violation("a cookie with an empty name", JSON.stringify(text));
      }
      const url = random.pick(COOKIE_URLS);
      const jar = new CookieJar({ now: () => Date.UTC(2025, 0, 1) });
      guarded("jar.setCookie", text, () => jar.setCookie(text, url));
      const header = guarded("jar.getCookieHeader", text, () => jar.getCookieHeader(url));
      if (/[\0\r\n]/.test(header)) {
        throw violation(`Cookie header ${JSON.stringify(header)}`, JSON.stringify(text));
      }
      const copy = guarded(
        "CookieJar.fromJSON",
        text,
        () => CookieJar.fromJSON(jar.toJSON(), { now: () => Date.UTC(2025, 0, 1) }),
      );
      if (copy.getCookieHeader(url) !== header) {
        throw violation("the jar changed through JSON", JSON.stringify(text));
      }
    },
  };
}

const CACHE_CONTROL_SEEDS = [
  'max-age=60, no-cache="Set-Cookie, X-A", Public',
  "s-maxage=10, stale-while-revalidate=30, stale-if-error=0, must-revalidate",
  'private="x", no-store, max-stale, min-fresh=5, immutable',
  'max-age="120", no-transform, only-if-cached',
];
const CACHE_CONTROL_FRAGMENTS = [
  ",",
  "=",
  '"',
  "\\",
  " ",
  "\t",
  "max-age=",
  "max-age",
  'no-cache="',
  "-1",
  "1.5",
  "99999999999999999999",
  "\0",
  "\u00e9",
  "\u2603",
  ",,",
  '=""',
  "max-stale=",
];

/** Cache-Control values through the parser. */
function cacheControls(): FuzzTarget {
  return {
    name: "cache-control",
    run(random) {
      const text = mutateText(random.pick(CACHE_CONTROL_SEEDS), CACHE_CONTROL_FRAGMENTS, random);
      const parsed = guarded("parseCacheControl", text, () => parseCacheControl(text));
      const numbers = [
        parsed.maxAge,
        parsed.sMaxAge,
        parsed.maxStale,
        parsed.minFresh,
        parsed.staleWhileRevalidate,
        parsed.staleIfError,
      ];
      for (const value of numbers) {
        if (value !== undefined && !(value >= 0)) {
          throw violation(`a directive read as ${value}`, JSON.stringify(text));
        }
      }
    },
  };
}

/**
 * Every target, in a fixed order (input `i` of a run goes to target
 * `i % targets.length`, so a run is reproducible from its seed).
 *
 * @example
 * ```ts
 * import { loadCorpus } from "./corpus.ts";
 * import { fuzzTargets } from "./targets.ts";
 * const targets = fuzzTargets(loadCorpus(), { everyOffsetUpTo: 256, randomSplits: 16 });
 * ```
 */
export function fuzzTargets(corpus: readonly CorpusEntry[], splits: SplitOptions): FuzzTarget[] {
  return [
    mutatedResponses(corpus, splits),
    randomResponses(splits),
    generatedResponses(splits),
    mutatedResponses(corpus, splits),
    setCookies(),
    cacheControls(),
  ];
}

/**
 * Check the corpus itself, every entry split at every offset (entries longer
 * than 2 KiB at 64 random ones): valid entries must agree with the reference,
 * invalid ones must end in a typed error. Returns the outcome of each entry
 * by name.
 *
 * @example
 * ```ts
 * import { loadCorpus } from "./corpus.ts";
 * import { Random } from "./random.ts";
 * import { checkCorpus } from "./targets.ts";
 * const outcomes = checkCorpus(loadCorpus(), new Random(1));
 * ```
 */
export function checkCorpus(corpus: readonly CorpusEntry[], random: Random): Map<string, WireOutcome> {
  const outcomes = new Map<string, WireOutcome>();
  for (const entry of corpus) {
    const outcome = checkResponseInput(entry.wire, entry.methods, LIMIT_SETS[0], {
      valid: entry.valid,
      random,
      splits: { everyOffsetUpTo: 2048, randomSplits: 64 },
    });
    if (!entry.valid && outcome.error === null) {
      throw violation(`the invalid corpus entry ${entry.name} was read without an error`, entry.name);
    }
    outcomes.set(entry.name, outcome);
  }
  return outcomes;
}
