import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultLimits } from "../mod.ts";
import { repoRoot } from "./support/commands.ts";

// SECURITY.md promises a table of every limit with its default; this keeps it true.
function securityDoc(): string {
  return readFileSync(join(repoRoot, "SECURITY.md"), "utf8");
}

describe("SECURITY.md", () => {
  it("lists every limit of lib/limits.ts with its current default, and no other", () => {
    const rows = new Map<string, number>();
    for (const match of securityDoc().matchAll(/^\| `(\w+)` \| (\d+) \|/gm)) {
      rows.set(match[1], Number(match[2]));
    }
    const expected = new Map(Object.entries(defaultLimits).map(([name, value]) => [name, value as number]));
    assert.deepEqual(rows, expected);
  });
});
