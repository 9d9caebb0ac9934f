/**
 * The seed corpus of `tests/fuzz/corpus/`: raw response streams, one per
 * file. `valid-*` files are well-formed (and inside the subset the
 * reference reader understands); `invalid-*` files must end in a typed error.
 * A file whose name contains `.head.` answers a HEAD request first.
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";

/** One corpus file. */
export interface CorpusEntry {
  name: string;
  valid: boolean;
  /** Methods of the requests the stream answers. */
  methods: string[];
  wire: Uint8Array;
}

/** Up to this many pipelined responses are read from a corpus stream. */
const MAX_RESPONSES = 8;

/**
 * Every corpus file, sorted by name.
 *
 * @example
 * ```ts
 * import { loadCorpus } from "./corpus.ts";
 * const valid = loadCorpus().filter((entry) => entry.valid);
 * ```
 */
export function loadCorpus(): CorpusEntry[] {
  const dir = new URL("./corpus/", import.meta.url);
  return readdirSync(dir).filter((name) => name.endsWith(".http")).sort().map((name) => {
    const methods = Array.from({ length: MAX_RESPONSES }, () => "GET");
    if (name.includes(".head.")) methods[0] = "HEAD";
    return {
      name,
      valid: name.startsWith("valid-"),
      methods,
      wire: new Uint8Array(readFileSync(new URL(name, dir))),
    };
  });
}
