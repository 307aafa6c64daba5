// Which workflow files npm pack leaves out, and what the issue says to change
// (build-utils/discover/packing-issues.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packingIssues, whyLeftOut } from "../../../../build-utils/discover/packing-issues.js";

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder holding `files` (path → text). */
function tempDir(files: Record<string, string> = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), "wfkit-packing-"));
  temporary.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

const SO = "so npm pack and wf install leave it out and the DAG would fail on the worker";

describe("packingIssues", () => {
  it("names the module, and each imported file left out with the file importing it", () => {
    const root = tempDir();
    const at = (rel: string) => path.join(root, ...rel.split("/"));
    const pkg = { root, files: ["dist/"], packed: new Set(["package.json", "dist/etl.js"]) };
    const loaded = [
      { file: at("src/flows/helpers.ts"), importedBy: at("src/flows/etl.ts") },
      { file: at("src/lib/deep.ts"), importedBy: at("src/flows/helpers.ts") },
    ];
    expect(packingIssues(pkg, at("src/flows/etl.ts"), loaded)).toEqual([
      {
        code: "module-not-packed",
        path: ["module"],
        tasks: [],
        message: `src/flows/etl.ts is not in the package's "files" (package.json), ${SO}: add "src/flows/" (or "src/flows/etl.ts") to "files"`,
      },
      {
        code: "module-not-packed",
        path: ["module", "imports", "src/flows/helpers.ts"],
        tasks: [],
        message: `src/flows/helpers.ts, imported by src/flows/etl.ts, is not in the package's "files" (package.json), ${SO}: add "src/flows/" (or "src/flows/helpers.ts") to "files"`,
      },
      {
        code: "module-not-packed",
        path: ["module", "imports", "src/lib/deep.ts"],
        tasks: [],
        message: `src/lib/deep.ts, imported by src/flows/helpers.ts, is not in the package's "files" (package.json), ${SO}: add "src/lib/" (or "src/lib/deep.ts") to "files"`,
      },
    ]);
  });

  it("has nothing to say when every file ships", () => {
    const root = tempDir();
    const pkg = { root, files: ["src/"], packed: new Set(["package.json", "src/etl.ts", "src/helpers.ts"]) };
    expect(packingIssues(pkg, path.join(root, "src/etl.ts"), [{ file: path.join(root, "src/helpers.ts"), importedBy: path.join(root, "src/etl.ts") }])).toEqual([]);
  });
});

describe("whyLeftOut", () => {
  it('with "files": the entry to add, the "!" entry or nested ignore file at fault, or npm\'s own rules', () => {
    const root = tempDir({ "src/.npmignore": "helpers.ts\n", ".gitignore": "src/\n" });
    expect(whyLeftOut(root, ["dist/"], "etl.ts")).toEqual({ cause: `is not in the package's "files" (package.json)`, fix: `add "etl.ts" to "files"` });
    expect(whyLeftOut(root, ["dist/", "src/*.js"], "src/etl.ts").fix).toBe(`add "src/" (or "src/etl.ts") to "files"`);
    expect(whyLeftOut(root, ["src", "!src/etl.ts"], "src/etl.ts")).toEqual({
      cause: `is excluded by "!src/etl.ts" in the package's "files" (package.json)`,
      fix: `narrow or remove "!src/etl.ts"`,
    });
    // The root's .gitignore does not count once "files" is there; src/.npmignore does.
    expect(whyLeftOut(root, ["./src/"], "src/helpers.ts")).toEqual({
      cause: `is in the package's "files" (package.json), but src/.npmignore leaves it out`,
      fix: "change the rule there that matches it",
    });
    expect(whyLeftOut(root, ["**/*.ts"], "lib/x.ts").cause).toMatch(/^is in the package's "files" \(package\.json\), but npm never packs it \(npm's own rules/);
  });

  it('without "files": .npmignore, .gitignore (which npm reads without one), or npm\'s own rules', () => {
    const npmignored = tempDir({ ".npmignore": "src/\n", ".gitignore": "x\n" });
    expect(whyLeftOut(npmignored, undefined, "src/etl.ts")).toEqual({
      cause: "is left out by .npmignore",
      fix: `change the rule there that matches it (or list what the package ships in "files" in package.json)`,
    });
    const gitignored = tempDir({ ".gitignore": "src/\n" });
    expect(whyLeftOut(gitignored, undefined, "src/etl.ts")).toEqual({
      cause: "is left out by .gitignore, which npm reads when a folder has no .npmignore",
      fix: `add an .npmignore there without that rule (npm then reads it instead), or list what the package ships in "files" in package.json, e.g. "src/"`,
    });
    expect(whyLeftOut(tempDir(), undefined, "etl.ts.orig").cause).toMatch(/^is one npm never packs \(npm's own rules leave out .*\*\.orig/);
  });
});
