/**
 * Prints the README's table of limit options, generated from `lib/limits.ts`;
 * with `--write`, replaces the block between `<!-- options:start -->` and
 * `<!-- options:end -->` in README.md with it (`tests/readme.test.ts` checks
 * they match).
 *
 * Usage: `deno task readme` (rewrite), or `deno run -A scripts/options_table.ts` (print).
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { optionsTable, withOptionsTable } from "./readme_options.ts";

const root = new URL("..", import.meta.url).pathname;
const table = optionsTable(readFileSync(join(root, "lib", "limits.ts"), "utf8"));
if (Deno.args.includes("--write")) {
  const readmePath = join(root, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const updated = withOptionsTable(readme, table);
  if (updated !== readme) writeFileSync(readmePath, updated);
  console.log(
    updated === readme ? "README.md options table is up to date" : "README.md options table rewritten",
  );
} else {
  console.log(table);
}
