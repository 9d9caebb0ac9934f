import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultLimits } from "../mod.ts";
import {
  endMarker,
  limitEntries,
  optionsTable,
  startMarker,
  withOptionsTable,
} from "../scripts/readme_options.ts";
import { repoRoot } from "./support/commands.ts";

const limitsSource = readFileSync(join(repoRoot, "lib", "limits.ts"), "utf8");
const readme = readFileSync(join(repoRoot, "README.md"), "utf8");

describe("README: the options table is generated from lib/limits.ts", () => {
  it("the table between the markers is exactly the generated one (run `deno task readme` after changing a limit)", () => {
    assert.equal(withOptionsTable(readme, optionsTable(limitsSource)), readme);
    const block = readme.slice(readme.indexOf(startMarker), readme.indexOf(endMarker));
    assert.ok(block.includes("| `maxConn` | 50 |"));
  });

  it("the parser reads every limit with the value the code uses", () => {
    const entries = limitEntries(limitsSource);
    assert.deepEqual(
      Object.fromEntries(entries.map((entry) => [entry.name, entry.value])),
      { ...defaultLimits },
    );
    for (const entry of entries) assert.notEqual(entry.doc, "", entry.name);
  });

  it("a limit without a doc comment, or with a default that is not a number, is refused", () => {
    assert.throws(
      () => limitEntries("export const defaultLimits = {\n  maxConn: 50,\n} as const;"),
      /no doc comment/,
    );
    assert.throws(
      () => limitEntries("export const defaultLimits = {\n  /** x */\n  maxConn: other,\n} as const;"),
      /not a product of numbers/,
    );
  });
});
