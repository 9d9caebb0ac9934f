/**
 * The README's table of limit options, generated from the source of
 * `lib/limits.ts` (each `/** comment *\/ name: value,` entry of
 * `defaultLimits`), so the documented defaults cannot drift from the code.
 * Used by `scripts/options_table.ts` and `tests/readme.test.ts`.
 * @module
 */

/** One entry of `defaultLimits`. */
export interface LimitEntry {
  /** Option name, e.g. `maxConn`. */
  name: string;
  /** Its default value. */
  value: number;
  /** Its doc comment, as one line. */
  doc: string;
}

/** Where the generated table starts in README.md. */
export const startMarker = "<!-- options:start -->";
/** Where it ends. */
export const endMarker = "<!-- options:end -->";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Evaluate a default written as a product of numeric literals, e.g. `64 * 1024` or `100_000`. */
function evaluate(expression: string, name: string): number {
  const factors = expression.split("*").map((factor) => factor.trim().replaceAll("_", ""));
  if (factors.some((factor) => !/^\d+$/.test(factor))) {
    throw new Error(`${name}: default ${expression} is not a product of numbers`);
  }
  return factors.reduce((product, factor) => product * Number(factor), 1);
}

/**
 * Every entry of `defaultLimits` in source order. Throws when an entry has no
 * doc comment or a default this parser cannot read.
 */
export function limitEntries(source: string): LimitEntry[] {
  const start = source.indexOf("export const defaultLimits = {");
  const end = source.indexOf("} as const;", start);
  if (start === -1 || end === -1) throw new Error("defaultLimits not found");
  const body = source.slice(source.indexOf("{", start) + 1, end);
  const entries: LimitEntry[] = [];
  const pattern = /\/\*\*([\s\S]*?)\*\/\s*(\w+):\s*([^,\n]+),/g;
  let consumed = 0;
  for (const match of body.matchAll(pattern)) {
    if (body.slice(consumed, match.index).trim() !== "") {
      throw new Error(`unexpected text in defaultLimits: ${body.slice(consumed, match.index).trim()}`);
    }
    consumed = match.index + match[0].length;
    const doc = match[1].split("\n").map((line) => line.replace(/^\s*\*?\s?/, "").trim()).filter(Boolean)
      .join(" ");
    entries.push({ name: match[2], value: evaluate(match[3], match[2]), doc });
  }
  if (body.slice(consumed).trim() !== "") {
    throw new Error(`an entry of defaultLimits has no doc comment: ${body.slice(consumed).trim()}`);
  }
  return entries;
}

/** A default in the unit its name implies: times in ms, sizes in bytes. */
function formatValue(entry: LimitEntry): string {
  const { name, value } = entry;
  if (value === 0) return "0";
  if (/(Timeout|Time|Ttl|MaxAge)$/.test(name)) {
    if (value % 3_600_000 === 0) return `${value / 3_600_000} h`;
    if (value % 60_000 === 0) return `${value / 60_000} min`;
    if (value % 1000 === 0) return `${value / 1000} s`;
    return `${value} ms`;
  }
  if (/(Size|Length)$/.test(name)) {
    if (value % GiB === 0) return `${value / GiB} GiB`;
    if (value % MiB === 0) return `${value / MiB} MiB`;
    if (value % KiB === 0) return `${value / KiB} KiB`;
    return `${value} bytes`;
  }
  return String(value);
}

/**
 * The markdown table of every limit option: name, default, and its doc comment.
 *
 * @example
 * ```ts
 * import { optionsTable } from "./readme_options.ts";
 * optionsTable("export const defaultLimits = {\n  /** Connections. *\/\n  maxConn: 50,\n} as const;");
 * // "| option | default | meaning |\n| --- | --- | --- |\n| `maxConn` | 50 | Connections. |"
 * ```
 */
export function optionsTable(limitsSource: string): string {
  const rows = limitEntries(limitsSource).map((entry) =>
    `| \`${entry.name}\` | ${formatValue(entry)} | ${entry.doc.replaceAll("|", "\\|")} |`
  );
  return ["| option | default | meaning |", "| --- | --- | --- |", ...rows].join("\n");
}

/** README text with the block between the markers replaced by `table`. Throws unless each marker occurs once. */
export function withOptionsTable(readme: string, table: string): string {
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  if (
    start === -1 || end < start || readme.indexOf(startMarker, start + 1) !== -1 ||
    readme.indexOf(endMarker, end + 1) !== -1
  ) {
    throw new Error(`README.md needs one ${startMarker} followed by one ${endMarker}`);
  }
  return readme.slice(0, start + startMarker.length) + "\n" + table + "\n" + readme.slice(end);
}
