import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { compileWorkflowModules, rewriteImportMeta } from "../../../../build-utils/install/compile-workflows.js";
import { repoRoot, wfBin } from "../../../support/wf-cli.js";

/** A workflow package as `wf install` stages it: wfkit (this repository, built) and zod in its node_modules. */
function stagedPackage(files: Record<string, string>, json: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "wfkit-compile-"));
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(repoRoot, path.join(dir, "node_modules", "wfkit"), "dir");
  symlinkSync(path.join(repoRoot, "node_modules", "zod"), path.join(dir, "node_modules", "zod"), "dir");
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "compiled-flows", version: "1.0.0", type: "module", ...json }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const FLOW = [
  'import { TaskBase, Workflow } from "wfkit";',
  'import { greeting } from "../lib/helper.js";',
  "export class Boom extends TaskBase {",
  "  run(): void {",
  '    throw new Error("boom on line 5");',
  "  }",
  "}",
  "export class Where extends TaskBase {",
  "  run(): void {",
  '    this.logger.info(greeting, { url: import.meta.url, dirname: import.meta.dirname, helper: helperUrl });',
  "  }",
  "}",
  'import { helperUrl } from "../lib/helper.js";',
  'export const flow = new Workflow({ category: "compile", inputData: "nothing", outputData: "nothing", version: "1.0.0" });',
  "flow.addNode(Boom);",
  "flow.addNode(Where);",
  "",
].join("\n");
const HELPER = ['export const greeting: string = "hello from the helper";', "export const helperUrl: string = import.meta.url;", ""].join("\n");

const runTask = (dir: string, task: string) =>
  spawnSync(process.execPath, [wfBin, "run-task", "src/flow.ts", "--task", task], {
    cwd: dir,
    env: { ...process.env, WF_HOME: path.join(dir, ".wf-home"), WF_LOG_FORMAT: "json", NO_COLOR: "1" },
    encoding: "utf8",
  });

describe("compileWorkflowModules", () => {
  it("compiles each module that imports wfkit beside it; tasks then run from it with TypeScript positions and import.meta of the source", async () => {
    const dir = stagedPackage({ "src/flow.ts": FLOW, "lib/helper.ts": HELPER });
    const result = await compileWorkflowModules(dir, JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")));
    expect(result).toEqual({ compiled: ["src/flow.ts"] });
    expect(existsSync(path.join(dir, "src", "flow.wfkit.mjs"))).toBe(true);
    expect(existsSync(path.join(dir, "src", "flow.wfkit.mjs.map"))).toBe(true);
    // wfkit's own code is shared, in chunks without source maps
    expect(readFileSync(path.join(dir, "src", "flow.wfkit.mjs"), "utf8").length).toBeLessThan(20_000);

    const boom = runTask(dir, "Boom");
    expect(boom.status, boom.stderr).toBe(1);
    const failure = boom.stderr.split("\n").find((line) => line.includes('"task failed: Error: boom on line 5"'))!;
    const stack = String((JSON.parse(failure) as { stack: string }).stack);
    // The user's frame maps back to the TypeScript source; wfkit's frames are the compiled chunks: the compiled module ran.
    expect(stack).toContain(`${path.join(dir, "src", "flow.ts")}:5:`);
    expect(stack).toContain(path.join(dir, ".wfkit", "chunks"));

    const where = runTask(dir, "Where");
    expect(where.status, where.stderr).toBe(0);
    const line = JSON.parse(where.stderr.split("\n").find((l) => l.includes("hello from the helper"))!) as Record<string, string>;
    expect(line["url"]).toBe(pathToFileURL(path.join(dir, "src", "flow.ts")).href);
    expect(line["dirname"]).toBe(path.join(dir, "src"));
    expect(line["helper"]).toBe(pathToFileURL(path.join(dir, "lib", "helper.ts")).href);
  }, 60_000);

  it("compiles the modules package.json's wfkit.workflows lists, and none when no module imports wfkit", async () => {
    const listed = stagedPackage({ "flows/a.ts": FLOW.replace("../lib/helper.js", "./helper.js").replace("../lib/helper.js", "./helper.js"), "flows/helper.ts": HELPER, "other.ts": 'export const x = 1;\n' }, { wfkit: { workflows: ["flows/a.ts"] } });
    expect(await compileWorkflowModules(listed, JSON.parse(readFileSync(path.join(listed, "package.json"), "utf8")))).toEqual({ compiled: ["flows/a.ts"] });
    const none = stagedPackage({ "index.ts": "export const x: number = 1;\n" });
    expect(await compileWorkflowModules(none, { name: "compiled-flows" })).toEqual({ compiled: [], skipped: "no module imports wfkit" });
  }, 60_000);

  it("names the module that does not compile", async () => {
    const dir = stagedPackage({ "src/flow.ts": FLOW, "lib/helper.ts": "export const greeting = ;\n" });
    await expect(compileWorkflowModules(dir, { name: "compiled-flows" })).rejects.toThrow(/could not compile the workflow modules of compiled-flows \(src\/flow\.ts\):[^]*helper\.ts/);
  });
});

describe("rewriteImportMeta", () => {
  it("keeps every line where it was and appends the lookup of the source file", () => {
    const source = "const a = import.meta.url;\nconst b = import.meta.dirname;\nconst c = import.meta.filename;\n";
    const out = rewriteImportMeta(source, path.join("src", "x.ts"));
    expect(out.split("\n").slice(0, 3)).toEqual([
      "const a = __wfkitSourceUrl();",
      "const b = __wfkitDirname(__wfkitToPath(__wfkitSourceUrl()));",
      "const c = __wfkitToPath(__wfkitSourceUrl());",
    ]);
    expect(out).toContain('new URL("src/x.ts", dir)');
  });
});
