import { existsSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { marked } from "marked";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { renderNotebook, type NotebookSource } from "wfkit/notebook";
import { loadCellTemplates } from "../../../../engines/notebook/cell-templates.js";
import type { Workflow } from "wfkit";
import { etl } from "../../../../examples/etl.js";
import { hostile, HOSTILE, HOSTILE_MARKER } from "../../../fixtures/workflows/hostile.js";

const repoRoot = path.resolve(import.meta.dirname, "../../../..");

function source(workflow: Workflow, overrides: Partial<NotebookSource> = {}): NotebookSource {
  return { workflow, package: { name: "my-pipelines", version: "1.2.0", root: repoRoot }, modulePath: "examples/etl.ts", exportName: "etl", ...overrides };
}

interface Cell {
  cell_type: string;
  id: string;
  metadata: { tags?: string[]; wfkit?: { task: string } };
  source: string[];
  outputs?: unknown[];
  execution_count?: null;
}
type Notebook = { cells: Cell[]; metadata: Record<string, unknown>; nbformat: number; nbformat_minor: number };

const text = (cell: Cell) => cell.source.join("");

/** The token kinds of a code cell, with every literal's value and every comment left out. */
function shape(code: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, code);
  const kinds: string[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    kinds.push(kind === ts.SyntaxKind.StringLiteral ? "STRING" : kind === ts.SyntaxKind.Identifier ? `id:${scanner.getTokenText()}` : ts.SyntaxKind[kind]!);
  }
  return kinds;
}

/** Every string literal value in a code cell. */
function strings(code: string): string[] {
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  expect((file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics).toEqual([]);
  const found: string[] = [];
  const walk = (node: ts.Node): void => {
    if (ts.isStringLiteral(node)) found.push(node.text);
    ts.forEachChild(node, walk);
  };
  walk(file);
  return found;
}

describe("renderNotebook", () => {
  it("writes nbformat 4.5 for the tslab kernel, cells in the documented order", async () => {
    const nb = await renderNotebook(source(etl), { outDir: path.join(repoRoot, "nb") });
    expect(nb.fileName).toBe("csv_to_report_etl_orders_1.0.0.ipynb");
    expect(nb.tasks).toEqual(["Extract", "Transform", "Load"]);
    const doc = JSON.parse(nb.content) as Notebook;
    expect(doc.nbformat).toBe(4);
    expect(doc.nbformat_minor).toBe(5);
    expect(doc.metadata["kernelspec"]).toEqual({ name: "tslab", display_name: "TypeScript", language: "typescript" });
    expect(doc.cells.map((c) => `${c.cell_type}:${c.id}`)).toEqual([
      "markdown:workflow",
      "code:parameters",
      "code:setup",
      "markdown:task-1-doc",
      "code:task-1",
      "markdown:task-2-doc",
      "code:task-2",
      "markdown:task-3-doc",
      "code:task-3",
      "code:summary",
    ]);
    expect(doc.cells[1]!.metadata.tags).toEqual(["parameters"]);
    expect(doc.cells.filter((c) => c.metadata.wfkit).map((c) => c.metadata.wfkit!.task)).toEqual(["Extract", "Extract", "Transform", "Transform", "Load", "Load"]);
    for (const cell of doc.cells.filter((c) => c.cell_type === "code")) {
      expect(cell.outputs).toEqual([]);
      expect(cell.execution_count).toBeNull();
    }
    const overview = text(doc.cells[0]!);
    expect(overview).toContain(nb.dagHash);
    expect(overview).toContain("```mermaid\nflowchart TD");
    // A task's declared catalog data, in its markdown cell.
    expect(text(doc.cells[5]!)).toContain("catalog: reads orders; writes kept");
    expect(text(doc.cells[4]!)).toBe('await run.task("Extract");\n// await run.rollback("Extract"); // uncomment and run to undo this task\'s work (its rollback())');
    // the set-up cell finds the package relative to the notebook's folder
    expect(text(doc.cells[2]!)).toContain('packageRoot: "..",');
    expect(nb.content.endsWith("}\n")).toBe(true);
  });

  it("types every parameter with its default in the parameters cell", async () => {
    const nb = await renderNotebook(source(etl), { outDir: null });
    const cell = text((JSON.parse(nb.content) as Notebook).cells[1]!);
    expect(cell).toContain('  currency: "EUR" | "USD";');
    expect(cell).toContain("  minAmount: number;");
    expect(cell).toContain('  currency: "EUR",');
    expect(cell).toContain("const runId: string | undefined = undefined;");
    // a packaged notebook finds the installed version instead
    expect(text((JSON.parse(nb.content) as Notebook).cells[2]!)).toContain("packageRoot: null,");
  });

  it("writes every object's keys in sorted order, as Jupyter does", async () => {
    const nb = await renderNotebook(source(hostile), { outDir: "/x/nb" });
    const unsorted: string[] = [];
    const walk = (value: unknown, at: string): void => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}[${i}]`));
      else if (value !== null && typeof value === "object") {
        const keys = Object.keys(value);
        if (keys.join("\0") !== [...keys].sort().join("\0")) unsorted.push(`${at}: ${keys.join(", ")}`);
        for (const [k, v] of Object.entries(value)) walk(v, `${at}.${k}`);
      }
    };
    walk(JSON.parse(nb.content), "notebook");
    expect(unsorted).toEqual([]);
  });

  it("renders the same bytes every time", async () => {
    const a = await renderNotebook(source(hostile), { outDir: "/x/nb" });
    const b = await renderNotebook(source(hostile), { outDir: "/x/nb" });
    expect(a.content).toBe(b.content);
  });

  it("keeps hostile names and descriptions verbatim in markdown and as string values in code", async () => {
    const nb = await renderNotebook(source(hostile, { modulePath: "dir with 'quotes'/${x}`y`.ts", exportName: 'e"x' }), { outDir: "/x/nb" });
    const plain = await renderNotebook(source(etl, { modulePath: "a.ts", exportName: "b" }), { outDir: "/x/nb" });
    const doc = JSON.parse(nb.content) as Notebook;
    const benign = JSON.parse(plain.content) as Notebook;
    const byId = (d: Notebook, id: string) => d.cells.find((c) => c.id === id)!;

    // markdown: rendered as JupyterLab does, the text shows verbatim and makes no other element
    const squash = (s: string) => s.replace(/\s+/g, " ").trim();
    const visible = (md: string) =>
      marked
        .parse(md, { async: false })
        .replace(/<pre><code class="language-mermaid">[\s\S]*?<\/code><\/pre>/g, "")
        .replace(/<br>/g, "\n")
        .replace(/<\/?a\b[^>]*>/g, "") // GFM autolinks keep their text
        .replace(/<(?!\/?(p|br|a|h1|h2|table|thead|tbody|tr|th|td)\b)[^>]*>/g, "<FORBIDDEN>")
        .replace(/<[^>]*>/g, " ")
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&amp;/g, "&");
    const overview = visible(text(byId(doc, "workflow")));
    expect(overview).not.toContain("<FORBIDDEN>");
    expect(squash(overview)).toContain(squash(`Description: ${HOSTILE}`));
    expect(squash(overview)).toContain(squash(`Note: ${HOSTILE}`));
    const echo = visible(text(byId(doc, "task-1-doc")));
    expect(echo).not.toContain("<FORBIDDEN>");
    expect(squash(echo)).toContain(squash(`Echo task: ${HOSTILE}`));
    const under = visible(text(byId(doc, "task-2-doc")));
    expect(under).toContain("_Under_score_");
    expect(under).toContain("*not emphasis*");

    // code: the set-up and task cells have exactly the benign notebook's token shape
    expect(shape(text(byId(doc, "setup")))).toEqual(shape(text(byId(benign, "setup"))));
    for (const id of ["task-1", "task-2", "task-3", "summary"]) expect(shape(text(byId(doc, id)))).toEqual(shape(text(byId(benign, id))));
    expect(strings(text(byId(doc, "setup")))).toEqual(
      expect.arrayContaining(["hostile_1.0.0", "dir with 'quotes'/${x}`y`.ts", 'e"x', nb.dagHash]),
    );
    expect(strings(text(byId(doc, "task-2")))).toEqual(["_Under_score_"]); // (the rollback line is a comment)

    // the parameters cell, run as the kernel would, gives exactly the defaults
    const compiled = ts.transpileModule(`${text(byId(doc, "parameters"))}\nresult = { runId, params };`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } });
    const context: { result?: unknown } = {};
    vm.runInNewContext(compiled.outputText, context);
    expect(context.result).toEqual({ runId: undefined, params: { note: HOSTILE, count: 1 } });
    expect(existsSync(HOSTILE_MARKER)).toBe(false);
  });

  it("ships cell templates that interpolate only through {{ts}} and {{md}}", async () => {
    const templates = await loadCellTemplates(path.join(repoRoot, "templates", "notebook"));
    expect(Object.keys(templates).sort()).toEqual(["parameters", "setup", "summary", "task", "taskDoc", "workflow"]);
    // a plain string where TsCode belongs is refused at render time
    expect(() => templates.task({ name: "Extract" })).toThrow(/not TsCode/);
  });

  it("refuses a module path outside the package", async () => {
    await expect(renderNotebook(source(etl, { modulePath: "../x.ts" }))).rejects.toThrow(/must be a POSIX path inside the package/);
  });
});
