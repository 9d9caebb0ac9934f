import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runCommand, toolPath } from "./support/commands.ts";

interface DocTag {
  kind: string;
}
interface DocSymbol {
  name: string;
  declarations: { jsDoc?: { doc?: string; tags?: DocTag[] }; location: { filename: string; line: number } }[];
}

describe("docs: the public API as JSR shows it", () => {
  it("deno doc --lint mod.ts finds nothing (every export documented, no private type in a public one)", async () => {
    const result = await runCommand(toolPath("deno"), ["doc", "--lint", "mod.ts"]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  it("every export of mod.ts has a doc comment with an @example", async () => {
    const result = await runCommand(toolPath("deno"), ["doc", "--json", "mod.ts"]);
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as { nodes: Record<string, { symbols: DocSymbol[] }> };
    const symbols = Object.values(doc.nodes).flatMap((node) => node.symbols);
    assert.ok(symbols.length > 50);
    const missing = symbols.flatMap((symbol) =>
      symbol.declarations
        .filter((declaration) => !declaration.jsDoc?.tags?.some((tag) => tag.kind === "example"))
        .map((declaration) => {
          const file = declaration.location.filename.replace(/^.*?\/(lib\/|mod\.ts)/, "$1");
          return `${symbol.name} (${file}:${declaration.location.line})`;
        })
    );
    assert.deepEqual(missing, []);
  });
});
