// Running one task imports the workflow through build-utils/discover; ts-morph (and TypeScript
// with it) takes about a second to load, so only discovery may load it, and only on demand.
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

/** Files reachable from `entry` through static value imports (no `import type`, no `import()`). */
function staticImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.endsWith(".ts")) return;
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"|^import\s+"([^"]+)"/gm)) {
      const specifier = (match[1] ?? match[2])!;
      visit(specifier.startsWith(".") ? path.resolve(path.dirname(file), specifier.replace(/\.js$/, ".ts")) : specifier);
    }
  };
  visit(path.resolve(entry));
  return seen;
}

it("build-utils/discover/index.ts and load-workflow-file.ts do not import ts-morph, except dynamically", () => {
  for (const entry of ["build-utils/discover/index.ts", "build-utils/discover/load-workflow-file.ts", "build-utils/validate/index.ts"]) {
    const reached = [...staticImports(entry)];
    expect(reached.filter((f) => f === "ts-morph" || f === "typescript" || f.endsWith("source-analysis.ts"))).toEqual([]);
  }
  // …while discovery does load it, dynamically.
  expect(readFileSync("build-utils/discover/source-warnings.ts", "utf8")).toContain('await import("./source-analysis.js")');
  expect([...staticImports("build-utils/discover/source-analysis.ts")]).toContain("ts-morph");
});
