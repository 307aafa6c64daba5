import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Workflow } from "wfkit";
import { discoverWorkflows, findPackage, WorkflowLoadError, type Discovery } from "../../../build-utils/discover/index.js";
import { lineOf } from "./source-lines.js";

const packages = "test/fixtures/packages";
const orders = `${packages}/orders`;
const globbed = `${packages}/globbed`;
const repoRoot = process.cwd();

/** Discovery without the Workflow objects, as comparable data. */
function plain(discovery: Discovery) {
  return {
    ...discovery,
    workflows: discovery.workflows.map(({ workflow, ...rest }) => ({ dagId: workflow.dagId, ...rest })),
  };
}

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A temporary workflow package with `files` (path → text) and its package.json. */
function tempPackage(files: Record<string, string>, packageJson: object | null = { name: "tmp-pipelines", version: "1.0.0", type: "module" }): string {
  const root = mkdtempSync(path.join(tmpdir(), "wfkit-discover-"));
  temporary.push(root);
  if (packageJson !== null) writeFileSync(path.join(root, "package.json"), JSON.stringify(packageJson));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

const workflowModule = (category: string) =>
  `import { TaskBase, Workflow } from "wfkit";\nexport class Step extends TaskBase { run() {} }\nexport const wf = new Workflow({ category: "${category}", version: "dev" }).addNode(Step);\n`;

describe("discoverWorkflows in a package directory", () => {
  it("loads only the modules that construct a wfkit Workflow, sorted by module path and export name", async () => {
    const discovery = await discoverWorkflows([orders]);
    // side-effects.ts, other-lib.ts, tests/, *.spec.ts and .cache/ all throw when imported:
    // no load error means none of them ran.
    expect(discovery.loadErrors).toEqual([]);
    expect(discovery.workflows.map((w) => [w.modulePath, w.exportName, w.workflow.dagId])).toEqual([
      ["src/cleanup.mjs", "default", "orders_cleanup_2.1.0"],
      ["src/etl.ts", "audit", "orders_audit_2.1.0"],
      ["src/etl.ts", "etl", "shop_to_warehouse_orders_2.1.0"],
      ["src/etl.ts", "weekly", "orders_weekly_2.1.0"],
      ["src/regional.ts", "regional", "orders_regional_2.1.0"],
      ["src/report.ts", "report", "orders_report_2.1.0"],
    ]);
    const root = path.resolve(orders);
    for (const w of discovery.workflows) {
      expect(Workflow.isWorkflow(w.workflow)).toBe(true);
      expect(w.package).toEqual({ root, name: "orders-pipelines", version: "2.1.0" });
      expect(w.file).toBe(path.join(root, ...w.modulePath.split("/")));
    }
  });

  it("returns the doc comments of each workflow and of its task classes, without tags", async () => {
    const discovery = await discoverWorkflows([orders]);
    const docs = Object.fromEntries(discovery.workflows.map((w) => [w.workflow.dagId, w.docs]));
    expect(docs["shop_to_warehouse_orders_2.1.0"]).toEqual({
      workflow: "Daily orders ETL.\n\nMoves the shop's orders into the warehouse.",
      tasks: {
        Extract: "Pull the day's orders from the shop API.",
        Transform: "Keep only the large orders.",
        Load: "Load the orders (a doc comment; the explicit description below wins in exports).",
        Reconcile: "Reconcile the loaded totals with the shop's.",
      },
    });
    // The explicit description stays on the workflow and the task; the docs are only the fallback.
    const audit = discovery.workflows.find((w) => w.exportName === "audit")!;
    expect(audit.workflow.description).toBe("Audit the loaded orders");
    expect(audit.docs.workflow).toBe("Only a fallback: the explicit description wins.");
    expect(docs["orders_weekly_2.1.0"]).toEqual({ workflow: "Weekly roll-up, made by a factory.", tasks: { Extract: "Pull the day's orders from the shop API." } });
    expect(docs["orders_cleanup_2.1.0"]).toEqual({ workflow: "Nightly cleanup, in plain JavaScript.", tasks: { Purge: "Delete exports older than a week." } });
  });

  it("prefers the workflow module's own task class, then the one it imports by name, and skips classes made at run time", async () => {
    const discovery = await discoverWorkflows([orders]);
    const regional = discovery.workflows.find((w) => w.exportName === "regional")!;
    expect(regional.workflow.nodes.map((n) => n.name)).toEqual(["Extract", "Load_eu", "Load_us"]);
    expect(regional.docs).toEqual({
      workflow: "Orders per region.",
      tasks: { Extract: "Pull one region's orders: this module's own Extract, not the shared one." },
    });
    // report.ts imports legacy.ts first, which declares another Summarize; the imported one wins.
    const report = discovery.workflows.find((w) => w.exportName === "report")!;
    expect(report.docs.tasks).toEqual({ Summarize: "Summarise the day's orders." });
  });

  it("warns, with file and line, about unused task classes and workflows the loader cannot see", async () => {
    const discovery = await discoverWorkflows([orders]);
    const src = `${orders}/src`;
    expect(discovery.warnings.map((w) => [w.code, w.file, w.line])).toEqual([
      ["unreachable-workflow", `${src}/etl.ts`, lineOf(`${src}/etl.ts`, "const draft = new Workflow(")],
      ["unreachable-workflow", `${src}/etl.ts`, lineOf(`${src}/etl.ts`, 'detail: "scratch"')],
      ["unreachable-workflow", `${src}/hidden-workflow.ts`, lineOf(`${src}/hidden-workflow.ts`, "const hidden = new Workflow(")],
      ["unused-task", `${src}/legacy.ts`, lineOf(`${src}/legacy.ts`, "export class Summarize")],
      ["unused-task", `${src}/tasks.ts`, lineOf(`${src}/tasks.ts`, "export class Archive")],
    ]);
    expect(discovery.warnings[0]!.message).toMatch(/the loader only sees exported workflows; export it/);
    expect(discovery.warnings[4]!.message).toMatch(/task Archive extends TaskBase but no workflow uses it; .*addNode\(Archive\)/);
  });

  it("gives the same result every time, whatever the order of the inputs", async () => {
    const first = plain(await discoverWorkflows([orders, globbed]));
    const second = plain(await discoverWorkflows([globbed, orders]));
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it("loads exactly the modules package.json lists in wfkit.workflows, each workflow once", async () => {
    const discovery = await discoverWorkflows([globbed]);
    // flows/index.ts re-exports both flows; beta is first met there (sorted by module path).
    expect(discovery.workflows.map((w) => [w.modulePath, w.exportName, w.workflow.dagId])).toEqual([
      ["flows/a.ts", "alpha", "flows_alpha_0.3.0"],
      ["flows/index.ts", "beta", "flows_beta_0.3.0"],
    ]);
    expect(discovery.workflows[1]!.docs).toEqual({ workflow: "The second flow, deeper down.", tasks: { Greet: "Say hello.", Part: "Say goodbye." } });
    // Listed but exporting no Workflow is an error; c.draft.ts (negated) and scripts/seed.ts
    // (not listed) throw on import, so their absence here shows they were never loaded.
    expect(discovery.loadErrors).toEqual([{ file: `${globbed}/flows/helpers.ts`, message: expect.stringMatching(/helpers\.ts exports no Workflow/) }]);
    expect(discovery.warnings).toEqual([]);
  });

  it("reports a wfkit.workflows pattern that matches nothing, and a malformed wfkit field", async () => {
    const unmatched = tempPackage({ "flows/a.ts": workflowModule("a") }, { name: "p", version: "1.0.0", type: "module", wfkit: { workflows: ["flows/*.ts", "flow/*.ts"] } });
    const discovery = await discoverWorkflows([unmatched]);
    expect(discovery.workflows.map((w) => w.workflow.dagId)).toEqual(["a_dev"]);
    expect(discovery.loadErrors).toEqual([
      { file: path.relative(repoRoot, path.join(unmatched, "package.json")), message: expect.stringMatching(/pattern "flow\/\*\.ts" matches no module/) },
    ]);
    const malformed = tempPackage({}, { name: "p", version: "1.0.0", wfkit: { workflows: "flows/*.ts" } });
    const bad = await discoverWorkflows([malformed]);
    expect(bad.loadErrors).toEqual([{ file: malformed, message: expect.stringMatching(/"wfkit"\.workflows must be a non-empty list of globs/) }]);
    const unclosed = tempPackage({ "flows/a.ts": workflowModule("a") }, { name: "p", version: "1.0.0", type: "module", wfkit: { workflows: ["flows/*.{ts,mts"] } });
    const badGlob = await discoverWorkflows([unclosed]);
    expect(badGlob.workflows).toEqual([]);
    expect(badGlob.loadErrors).toEqual([{ file: unclosed, message: expect.stringMatching(/"wfkit"\.workflows: "flows\/\*\.\{ts,mts" has an unclosed "\{"; close it with "\}"/) }]);
  });

  it("never looks into node_modules, dist, hidden or test directories, declarations or test files", async () => {
    const throwing = 'import { Workflow } from "wfkit";\nexport const x = new Workflow({ category: "no", version: "dev" });\nthrow new Error("must not be loaded");\n';
    const root = tempPackage({
      "src/main.ts": workflowModule("main"),
      "node_modules/dep/index.ts": throwing,
      "dist/main.js": throwing,
      ".hidden/x.ts": throwing,
      "test/x.ts": throwing,
      "src/__tests__/x.ts": throwing,
      "src/main.test.ts": throwing,
      "src/types.d.ts": "export declare const y: number;\n",
      "src/readme.md": "new Workflow(",
    });
    const discovery = await discoverWorkflows([root]);
    expect(discovery.loadErrors).toEqual([]);
    expect(discovery.workflows.map((w) => w.modulePath)).toEqual(["src/main.ts"]);
  });

  it("warns about a scanned module that constructs a Workflow but exports none, once", async () => {
    const root = tempPackage({
      "a.ts": 'import { Workflow } from "wfkit";\nexport function make() {\n  return new Workflow({ category: "made", version: "dev" });\n}\n',
      "b.ts": workflowModule("b"),
    });
    const discovery = await discoverWorkflows([root]);
    expect(discovery.loadErrors).toEqual([]);
    expect(discovery.warnings.map((w) => [w.code, path.basename(w.file), w.line])).toEqual([["unreachable-workflow", "a.ts", 3]]);
    expect(discovery.warnings[0]!.message).toMatch(/constructs a Workflow but exports none/);
  });
});

describe("discoverWorkflows and a module that fails to load", () => {
  const scratch = 'import { Workflow } from "wfkit";\nthrow new Error("half-written");\nexport const wf = new Workflow({ category: "scratch", version: "dev" });\n';

  it("a scanned module (the package declares none) is a warning naming it; the package's other workflows are found", async () => {
    const root = tempPackage({ "src/good.ts": workflowModule("good"), "src/scratch.ts": scratch });
    const discovery = await discoverWorkflows([root]);
    expect(discovery.loadErrors).toEqual([]);
    expect(discovery.workflows.map((w) => w.workflow.dagId)).toEqual(["good_dev"]);
    const warning = discovery.warnings.find((w) => w.code === "unloadable-module")!;
    expect(path.basename(warning.file)).toBe("scratch.ts");
    expect(warning.message).toMatch(/^could not load .*scratch\.ts: half-written [\s\S]*\nits workflows are left out; to make this an error, list the workflow modules in package\.json "wfkit"/);
  });

  it("a module the package declares in wfkit.workflows blocks it, as an error", async () => {
    const root = tempPackage(
      { "src/good.ts": workflowModule("good"), "src/scratch.ts": scratch },
      { name: "tmp-pipelines", version: "1.0.0", type: "module", wfkit: { workflows: ["src/*.ts"] } },
    );
    const discovery = await discoverWorkflows([root]);
    expect(discovery.loadErrors.map((e) => [path.basename(e.file), e.message])).toEqual([["scratch.ts", expect.stringMatching(/could not load .*scratch\.ts: half-written/)]]);
    expect(discovery.warnings.filter((w) => w.code === "unloadable-module")).toEqual([]);
  });
});

describe("discoverWorkflows source analysis", () => {
  it("follows import aliases, namespace imports, re-exports and bindings exported later", async () => {
    const root = tempPackage({
      "lib/base.ts": 'export { TaskBase as Base } from "wfkit";\n',
      "lib/steps.ts": 'import { Base } from "./base.js";\n/** Fetch it. */\nexport class Fetch extends Base {\n  run() {}\n}\n/** Never used. */\nexport class Spare extends Base {\n  run() {}\n}\n',
      "lib/index.ts": 'export * from "./steps.js";\n',
      "flows.ts": [
        'import * as wfkit from "wfkit";',
        'import { Workflow as W } from "wfkit";',
        'import { Fetch } from "./lib/index.js";',
        "/** Kept in a const, exported below. */",
        'const first = new wfkit.Workflow({ category: "first", version: "dev" }).addNode(Fetch);',
        "let second: W;",
        'second = new W({ category: "second", version: "dev" }).addNode(Fetch);',
        "export { first, second };",
        'const third = new W({ category: "third", version: "dev" }).addNode(Fetch);',
        "export default third;",
        'export const all = [new W({ category: "listed", version: "dev" })];',
        "",
      ].join("\n"),
    });
    const discovery = await discoverWorkflows([root]);
    expect(discovery.loadErrors).toEqual([]);
    expect(discovery.workflows.map((w) => [w.exportName, w.workflow.dagId])).toEqual([
      ["default", "third_dev"],
      ["first", "first_dev"],
      ["second", "second_dev"],
    ]);
    expect(discovery.workflows[1]!.docs).toEqual({ workflow: "Kept in a const, exported below.", tasks: { Fetch: "Fetch it." } });
    expect(discovery.warnings.map((w) => [w.code, path.basename(w.file), w.line])).toEqual([
      ["unreachable-workflow", "flows.ts", 11],
      ["unused-task", "steps.ts", lineOf(path.join(root, "lib/steps.ts"), "class Spare")],
    ]);
  });
});

describe("discoverWorkflows with files", () => {
  it("loads a file as before, adding its package, module path and docs, and warns about that file only", async () => {
    const discovery = await discoverWorkflows([`${orders}/src/etl.ts`]);
    expect(discovery.workflows.map((w) => [w.modulePath, w.exportName, w.package.name])).toEqual([
      ["src/etl.ts", "audit", "orders-pipelines"],
      ["src/etl.ts", "etl", "orders-pipelines"],
      ["src/etl.ts", "weekly", "orders-pipelines"],
    ]);
    expect(discovery.workflows[1]!.docs.tasks["Transform"]).toBe("Keep only the large orders.");
    expect(discovery.warnings.map((w) => [w.code, w.file])).toEqual([
      ["unreachable-workflow", `${orders}/src/etl.ts`],
      ["unreachable-workflow", `${orders}/src/etl.ts`],
    ]);
  });

  it("mixes files and directories, each workflow once", async () => {
    const discovery = await discoverWorkflows([`${orders}/src/etl.ts`, orders, "test/fixtures/workflows/two-workflows.ts"]);
    expect(discovery.loadErrors).toEqual([]);
    const ids = discovery.workflows.map((w) => w.workflow.dagId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(8);
    const greet = discovery.workflows.find((w) => w.workflow.dagId === "greet_morning_1.0.0")!;
    const wfkit = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect(greet.package).toEqual({ root: repoRoot, name: "wfkit", version: wfkit.version });
    expect(greet.modulePath).toBe("test/fixtures/workflows/two-workflows.ts");
  });

  it("reports missing inputs, directories without package.json and packages without name or version, and goes on", async () => {
    const noPackage = tempPackage({ "a.ts": workflowModule("a") }, null);
    const nameless = tempPackage({ "a.ts": workflowModule("a") }, { version: "1.0.0" });
    const empty = tempPackage({ "a.ts": "export const a = 1;\n" });
    const discovery = await discoverWorkflows(["nope.ts", noPackage, nameless, `${nameless}/a.ts`, empty, `${orders}/src/report.ts`]);
    expect(discovery.workflows.map((w) => w.workflow.dagId)).toEqual(["orders_report_2.1.0"]);
    expect(discovery.loadErrors.map((e) => [e.file, e.message])).toEqual([
      ["nope.ts", expect.stringMatching(/not found: nope\.ts/)],
      [noPackage, expect.stringMatching(/is a directory without a package\.json; give a workflow package directory/)],
      [nameless, expect.stringMatching(/package\.json has no "name"; a workflow package is identified by both/)],
      [`${nameless}/a.ts`, expect.stringMatching(/package\.json has no "name"/)],
      [path.relative(repoRoot, empty), expect.stringMatching(/package tmp-pipelines has no workflow: no module under .* constructs/)],
    ]);
  });
});

describe("findPackage", () => {
  it("finds the nearest package.json with a name and version", () => {
    expect(findPackage(`${orders}/src/etl.ts`)).toEqual({ root: path.resolve(orders), name: "orders-pipelines", version: "2.1.0" });
    expect(findPackage("examples/etl.ts").name).toBe("wfkit");
  });

  it("throws a WorkflowLoadError saying what to do when there is none, or it lacks name or version", () => {
    const lonely = tempPackage({ "a.ts": "" }, null);
    expect(() => findPackage(path.join(lonely, "a.ts"))).toThrow(WorkflowLoadError);
    expect(() => findPackage(path.join(lonely, "a.ts"))).toThrow(/no package\.json found for .*a\.ts .*create it with `npm init`/);
    const versionless = tempPackage({ "a.ts": "" }, { name: "x" });
    expect(() => findPackage(path.join(versionless, "a.ts"))).toThrow(/has no "version"/);
    const broken = tempPackage({ "a.ts": "" }, null);
    writeFileSync(path.join(broken, "package.json"), "{ nope");
    expect(() => findPackage(path.join(broken, "a.ts"))).toThrow(/cannot read .*package\.json: .*valid JSON/);
  });
});
