/**
 * `tsc` compiler options shared by the npm build and the Node test build.
 * @module
 */

/** Options for ESM output that Node 20 runs. */
export const compilerOptions = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  rewriteRelativeImportExtensions: true,
  strict: true,
  skipLibCheck: true,
  lib: ["ES2023", "DOM", "DOM.Iterable"],
  types: ["node"],
};
