// Discovery with checkPacked: a package directory's workflow modules, and the package files they
// import, must be in what `npm pack` ships, or `wf install` never puts them on a worker.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discoverWorkflows } from "../../../../build-utils/discover/index.js";
import { validateFiles } from "../../../../build-utils/validate/index.js";

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A temporary workflow package: `files` (path → text) beside a package.json with `extra` fields. */
function tempPackage(files: Record<string, string>, extra: object = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), "wfkit-discover-packing-"));
  temporary.push(root);
  writeFileSync(path.join(root, "package.json"), JSON.stringify({ name: "tmp-pipelines", version: "1.0.0", type: "module", ...extra }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

const etl = [
  'import { TaskBase, Workflow } from "wfkit";',
  'import { greet } from "./helpers.js";',
  'import type { Row } from "./types.js";',
  'import { type Shape } from "./shapes.js";',
  "export class Step extends TaskBase { run(): void { greet(); } }",
  'export const etl = new Workflow({ category: "etl", version: "1.0.0" }).addNode(Step);',
  'export const again = new Workflow({ category: "etl", version: "1.0.1" }).addNode(Step);',
  "",
].join("\n");
const sources = {
  "src/etl.ts": etl,
  "src/helpers.ts": 'import { deep } from "./lib/deep.js";\nexport function greet(): void { deep(); }\n',
  "src/lib/deep.ts": "export function deep(): void {}\n",
  "src/types.ts": "export type Row = { id: number };\n",
  "src/shapes.ts": "export type Shape = { id: number };\n",
};
const codes = (issues: { code: string; path: (string | number)[] }[]) => issues.map((i) => `${i.code} ${i.path.join(".")}`);

describe("discoverWorkflows with checkPacked", () => {
  it('flags the module and every file it loads that "files" leaves out, for each of its workflows; not the type-only imports', async () => {
    const root = tempPackage(sources, { files: ["dist/"] });
    const discovery = await discoverWorkflows([root], process.cwd(), { checkPacked: true });
    expect(discovery.loadErrors).toEqual([]);
    expect(discovery.workflows.map((w) => [w.exportName, codes(w.packingIssues)])).toEqual([
      ["again", ["module-not-packed module", "module-not-packed module.imports.src/helpers.ts", "module-not-packed module.imports.src/lib/deep.ts"]],
      ["etl", ["module-not-packed module", "module-not-packed module.imports.src/helpers.ts", "module-not-packed module.imports.src/lib/deep.ts"]],
    ]);
    expect(discovery.workflows[1]!.packingIssues.map((i) => i.message)).toEqual([
      `src/etl.ts is not in the package's "files" (package.json), so npm pack and wf install leave it out and the DAG would fail on the worker: add "src/" (or "src/etl.ts") to "files"`,
      `src/helpers.ts, imported by src/etl.ts, is not in the package's "files" (package.json), so npm pack and wf install leave it out and the DAG would fail on the worker: add "src/" (or "src/helpers.ts") to "files"`,
      `src/lib/deep.ts, imported by src/helpers.ts, is not in the package's "files" (package.json), so npm pack and wf install leave it out and the DAG would fail on the worker: add "src/lib/" (or "src/lib/deep.ts") to "files"`,
    ]);
  });

  it("flags only what is left out: an import outside \"files\", a file .npmignore drops", async () => {
    const partly = tempPackage(sources, { files: ["src/etl.ts", "src/lib/"] });
    const discovery = await discoverWorkflows([partly], process.cwd(), { checkPacked: true });
    expect(discovery.workflows.map((w) => codes(w.packingIssues))).toEqual([["module-not-packed module.imports.src/helpers.ts"], ["module-not-packed module.imports.src/helpers.ts"]]);
    const ignored = tempPackage({ ...sources, ".npmignore": "src/lib/\n" });
    const [first] = (await discoverWorkflows([ignored], process.cwd(), { checkPacked: true })).workflows;
    expect(first!.packingIssues.map((i) => i.message)).toEqual([
      "src/lib/deep.ts, imported by src/helpers.ts, is left out by .npmignore, so npm pack and wf install leave it out and the DAG would fail on the worker: change the rule there that matches it (or list what the package ships in \"files\" in package.json)",
    ]);
  });

  it('finds nothing when "files" takes in the module and its imports, or when the package has no rule', async () => {
    for (const extra of [{ files: ["src/"] }, {}]) {
      const discovery = await discoverWorkflows([tempPackage(sources, extra)], process.cwd(), { checkPacked: true });
      expect(discovery.loadErrors).toEqual([]);
      expect(discovery.workflows.map((w) => w.packingIssues)).toEqual([[], []]);
    }
  });

  it("checks package directories given only, and only when asked", async () => {
    const root = tempPackage(sources, { files: ["dist/"] });
    const unasked = await discoverWorkflows([root]);
    expect(unasked.workflows.map((w) => w.packingIssues)).toEqual([[], []]);
    const file = await discoverWorkflows([path.join(root, "src/etl.ts")], process.cwd(), { checkPacked: true });
    expect(file.workflows.map((w) => w.packingIssues)).toEqual([[], []]);
  });

  it("reports an npm pack that fails as a load error of the input", async () => {
    const root = tempPackage(sources, { files: ["dist/"] });
    const previous = process.env["PATH"];
    process.env["PATH"] = path.join(root, "no-npm-here");
    try {
      const discovery = await discoverWorkflows([root], process.cwd(), { checkPacked: true });
      expect(discovery.loadErrors).toEqual([{ file: root, message: expect.stringMatching(/^npm pack --dry-run --json --ignore-scripts failed in .*: npm is not on PATH\n/) }]);
    } finally {
      process.env["PATH"] = previous;
    }
  });
});

describe("validateFiles and what npm pack leaves out", () => {
  it("fails the workflows of a package directory whose module would not ship, as wf export does", async () => {
    const root = tempPackage(sources, { files: ["dist/"] });
    const reports = await validateFiles([root]);
    expect(reports.map((r) => [path.basename(r.file), r.loadError, r.workflows.map((w) => [w.exportName, w.issues.map((i) => i.code)])])).toEqual([
      [
        "etl.ts",
        undefined,
        [
          ["again", ["module-not-packed", "module-not-packed", "module-not-packed"]],
          ["etl", ["module-not-packed", "module-not-packed", "module-not-packed"]],
        ],
      ],
    ]);
  });
});
