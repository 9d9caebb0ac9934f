/**
 * Public suffixes: the domains under which unrelated parties register names
 * (`com`, `co.uk`, `github.io`). RFC 6265 §5.3 step 5 lets a user agent refuse
 * a cookie whose Domain attribute is one, so that `example.co.uk` cannot set a
 * cookie for every site under `co.uk`.
 *
 * Which list is used: by default the jar uses {@link builtinPublicSuffixList},
 * the compact list in `public_suffix_data.ts` plus the Public Suffix List's
 * default rule (every single label, such as `com` or `localhost`, is a public
 * suffix). For the complete list, download `public_suffix_list.dat` from
 * https://publicsuffix.org/list/ and pass `await loadPublicSuffixList(path)`
 * as the jar's `publicSuffixes` option.
 *
 * @example
 * ```ts
 * import { builtinPublicSuffixList } from "./public_suffix.ts";
 * builtinPublicSuffixList.isPublicSuffix("co.uk"); // true
 * builtinPublicSuffixList.isPublicSuffix("bbc.co.uk"); // false
 * ```
 * @module
 */
import { readTextFile } from "../runtime/fs.ts";
import { builtinPublicSuffixes } from "./public_suffix_data.ts";

/**
 * A set of Public Suffix List rules and the list's algorithm
 * (https://publicsuffix.org/list/, "Formal algorithm"): normal rules
 * (`co.uk`), wildcard rules (`*.ck`: every label under `ck`), exception rules
 * (`!www.ck`: not a public suffix although a wildcard covers it), and the
 * default rule `*` (any single label).
 *
 * @example
 * ```ts
 * import { PublicSuffixList } from "./public_suffix.ts";
 * const list = new PublicSuffixList(["co.uk", "*.ck", "!www.ck"]);
 * list.isPublicSuffix("co.uk"); // true
 * list.isPublicSuffix("anything.ck"); // true
 * list.isPublicSuffix("www.ck"); // false
 * list.isPublicSuffix("org"); // true (default rule)
 * ```
 */
export class PublicSuffixList {
  readonly #normal = new Set<string>();
  /** For `*.ck` this holds `ck`. */
  readonly #wildcardParents = new Set<string>();
  /** For `!www.ck` this holds `www.ck`. */
  readonly #exceptions = new Set<string>();

  /**
   * Build a list from rules in Public Suffix List syntax, one rule per string.
   * Internationalized rules are stored in their ASCII (punycode) form, the form
   * host names have in URLs.
   */
  constructor(rules: Iterable<string>) {
    for (const rule of rules) {
      if (rule.startsWith("!")) this.#exceptions.add(asciiDomain(rule.slice(1)));
      else if (rule.startsWith("*.")) this.#wildcardParents.add(asciiDomain(rule.slice(2)));
      else this.#normal.add(asciiDomain(rule));
    }
  }

  /**
   * Parse the text of `public_suffix_list.dat`: one rule per line, the rule
   * ends at the first whitespace, and `//` lines are comments. Both the ICANN
   * and the private sections are used, as browsers do for cookies.
   *
   * @example
   * ```ts
   * import { PublicSuffixList } from "./public_suffix.ts";
   * const list = PublicSuffixList.parse("// ===BEGIN ICANN DOMAINS===\nuk\nco.uk\n");
   * list.isPublicSuffix("co.uk"); // true
   * ```
   */
  static parse(datText: string): PublicSuffixList {
    const rules: string[] = [];
    for (const line of datText.split("\n")) {
      const rule = line.trim().split(/\s/, 1)[0];
      if (rule !== "" && !rule.startsWith("//")) rules.push(rule);
    }
    return new PublicSuffixList(rules);
  }

  /**
   * Whether `domain` (lowercase ASCII, as in a URL; one trailing dot allowed)
   * is itself a public suffix.
   *
   * @example
   * ```ts
   * import { builtinPublicSuffixList } from "./public_suffix.ts";
   * builtinPublicSuffixList.isPublicSuffix("com"); // true
   * builtinPublicSuffixList.isPublicSuffix("example.com"); // false
   * ```
   */
  isPublicSuffix(domain: string): boolean {
    const name = domain.endsWith(".") ? domain.slice(0, -1) : domain;
    if (name === "") return false;
    const labels = name.split(".");
    // An exception rule matching the name or any of its parents prevails over
    // every other rule, and makes the public suffix shorter than that rule.
    for (let index = 0; index < labels.length; index++) {
      if (this.#exceptions.has(labels.slice(index).join("."))) return false;
    }
    if (labels.length === 1 || this.#normal.has(name)) return true;
    return this.#wildcardParents.has(labels.slice(1).join("."));
  }
}

/** Lowercase a rule's domain and convert Unicode labels to punycode. */
function asciiDomain(domain: string): string {
  const lower = domain.toLowerCase();
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(lower)) return lower;
  try {
    // The WHATWG URL parser applies IDNA ToASCII (UTS #46) to the host.
    return new URL(`http://${lower}/`).hostname;
  } catch {
    return lower;
  }
}

/**
 * The default list: {@link builtinPublicSuffixes} plus the default rule.
 *
 * @example
 * ```ts
 * import { builtinPublicSuffixList } from "./public_suffix.ts";
 * builtinPublicSuffixList.isPublicSuffix("github.io"); // true
 * ```
 */
export const builtinPublicSuffixList: PublicSuffixList = new PublicSuffixList(builtinPublicSuffixes);

/**
 * Load a full `public_suffix_list.dat` (as downloaded from
 * https://publicsuffix.org/list/public_suffix_list.dat).
 *
 * @example
 * ```ts
 * import { CookieJar } from "./jar.ts";
 * import { loadPublicSuffixList } from "./public_suffix.ts";
 * const jar = new CookieJar({ publicSuffixes: await loadPublicSuffixList("public_suffix_list.dat") });
 * ```
 */
export async function loadPublicSuffixList(path: string): Promise<PublicSuffixList> {
  return PublicSuffixList.parse(await readTextFile(path));
}
