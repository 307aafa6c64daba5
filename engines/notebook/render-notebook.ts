import path from "node:path";
import { declaredDataText, lineageText, wfkitPackage, workflowSourceProblems, type WorkflowNode } from "../../src/engine.js";
import { cellTemplates } from "./cell-templates.js";
import { mdFence, mdInline, mdText, type Markdown } from "./markdown.js";
import { buildNotebook, serializeNotebook, type CellSpec } from "./notebook-json.js";
import { compileNotebookExportOptions, type NotebookExportOptions } from "./notebook-export-options.js";
import type { NotebookSource } from "./notebook-source.js";
import { notebookParams, type NotebookParam } from "./param-types.js";
import { TsCode, tsKey, tsPropertyKey, tsStr, tsValue } from "./ts-literal.js";
import { NotebookExportError } from "./errors.js";

/** A rendered notebook. */
export interface RenderedNotebook {
  /** `<dag_id>.ipynb` */
  fileName: string;
  content: string;
  dagId: string;
  dagHash: string;
  /** Task names in topological order (one cell each). */
  tasks: string[];
}

/**
 * Render one workflow version as a Jupyter notebook (nbformat 4.5) for the tslab TypeScript
 * kernel: a markdown overview with the graph, a parameters cell (tagged `parameters`), a
 * set-up cell that opens one shared run, per task in topological order a markdown cell and a
 * cell that runs exactly that task, and a summary cell. Every user value reaches the cells
 * through TsCode or Markdown escaping. The same input always renders the same bytes.
 */
export async function renderNotebook(source: NotebookSource, options?: NotebookExportOptions): Promise<RenderedNotebook> {
  const { outDir, rerun } = compileNotebookExportOptions(options);
  const wf = source.workflow;
  wf.assertValid();
  checkSource(source);
  const order = wf.topologicalOrder();
  const dagHash = wf.dagHash();
  const params = notebookParams(wf.params);
  const description = wf.description ?? source.docs?.workflow;
  const t = await cellTemplates();
  const packageSpec = `${source.package.name}@${source.package.version}`;
  const exporter = `wfkit ${wfkitPackage().version}`;

  const cells: CellSpec[] = [
    {
      kind: "markdown",
      id: "workflow",
      source: t.workflow({
        name: mdInline(wf.name),
        version: mdInline(wf.version),
        description: optional(description, mdText),
        dagId: mdInline(wf.dagId),
        dagHash: mdInline(dagHash),
        packageSpec: mdInline(packageSpec),
        module: mdInline(`${source.modulePath} (export ${source.exportName})`),
        exporter: mdInline(exporter),
        graph: mdFence("mermaid", wf.toMermaid()),
        params: params.length === 0 ? null : params.map(paramRow),
        lineage: optional(lineageText(wf), (text) => mdText(`The workflow ${text}.`)),
        rerun: rerun === null ? null : { runId: mdInline(rerun.runId), dagId: mdInline(rerun.dagId ?? wf.dagId) },
      }),
    },
    {
      kind: "code",
      id: "parameters",
      tags: ["parameters"],
      source: t.parameters({ paramsType: paramsType(params), paramsValue: paramsValue(params), rerun: rerun === null ? null : tsValue({ runId: rerun.runId, ...(rerun.dagId === undefined ? {} : { dagId: rerun.dagId }) }, 0) }),
    },
    {
      kind: "code",
      id: "setup",
      source: t.setup({
        dagId: tsStr(wf.dagId),
        dagHash: tsStr(dagHash),
        packageSpec: tsValue({ name: source.package.name, version: source.package.version }, 1),
        module: tsStr(source.modulePath),
        exportName: tsStr(source.exportName),
        packageRoot: outDir === null ? tsValue(null) : tsStr(relativeRoot(outDir, source.package.root)),
      }),
    },
  ];
  order.forEach((node, i) => {
    const n = i + 1;
    cells.push(
      {
        kind: "markdown",
        id: `task-${n}-doc`,
        wfkit: { task: node.name },
        source: t.taskDoc({
          number: mdInline(String(n)),
          name: mdInline(node.name),
          description: optional(node.settings.description ?? source.docs?.tasks[node.name], mdText),
          upstreams: mdInline(node.upstreams.length === 0 ? "none" : node.upstreams.map((u) => u.name).sort().join(", ")),
          settings: mdInline(settingsText(node)),
        }),
      },
      { kind: "code", id: `task-${n}`, wfkit: { task: node.name }, source: t.task({ name: tsStr(node.name) }) },
    );
  });
  cells.push({ kind: "code", id: "summary", source: t.summary({}) });

  const notebook = buildNotebook(cells, {
    dagHash,
    dagId: wf.dagId,
    exportName: source.exportName,
    module: source.modulePath,
    package: { name: source.package.name, version: source.package.version },
    version: wf.version,
    wfkitVersion: wfkitPackage().version,
    workflow: wf.name,
  });
  return { fileName: rerun === null ? `${wf.dagId}.ipynb` : `${wf.dagId}.rerun-${rerun.runId}.ipynb`, content: serializeNotebook(notebook), dagId: wf.dagId, dagHash, tasks: order.map((n) => n.name) };
}

function optional(text: string | undefined, render: (s: string) => Markdown): Markdown | null {
  return text === undefined || text.trim() === "" ? null : render(text);
}

function paramRow(p: NotebookParam) {
  return {
    name: mdInline(p.name),
    type: mdInline(p.type.code),
    default: mdInline(p.default === undefined ? (p.required ? "(required)" : "(none)") : JSON.stringify(p.default)),
    description: mdInline(p.description ?? ""),
  };
}

/** `{ name: type; … }`, a required value without default typed `| undefined` until it is set. */
function paramsType(params: readonly NotebookParam[]): TsCode {
  if (params.length === 0) return new TsCode("Record<string, never>");
  const fields = params.map((p) => {
    const type = p.default === undefined ? `${parenthesize(p.type.code)} | undefined` : p.type.code;
    return `  ${tsKey(p.name).code}: ${type};`;
  });
  return new TsCode(`{\n${fields.join("\n")}\n}`);
}

function paramsValue(params: readonly NotebookParam[]): TsCode {
  if (params.length === 0) return new TsCode("{}");
  const fields = params.map((p) => {
    const note = p.required ? " // required: give it a value" : p.default === undefined ? " // optional" : "";
    return `  ${tsPropertyKey(p.name).code}: ${tsValue(p.default, 1).code},${note}`;
  });
  return new TsCode(`{\n${fields.join("\n")}\n}`);
}

function parenthesize(type: string): string {
  return type.includes("|") || type.includes("=>") ? `(${type})` : type;
}

function settingsText(node: WorkflowNode): string {
  const s = node.settings;
  const data = declaredDataText(node);
  const lineage = lineageText(node);
  const extra = [
    s.triggerRule === "all_success" ? undefined : `trigger rule ${s.triggerRule} (here too)`,
    s.timeoutSeconds === undefined ? undefined : `timeout ${s.timeoutSeconds} s (here too)`,
    s.retryExponentialBackoff ? `exponential backoff${s.maxRetryDelaySeconds === undefined ? "" : ` up to ${s.maxRetryDelaySeconds} s`}` : undefined,
  ].filter((text) => text !== undefined);
  return `retries ${s.retries}, retry delay ${s.retryDelaySeconds} s (here too, each time the cell runs), queue ${s.queue} (on Airflow)${extra.length === 0 ? "" : `, ${extra.join(", ")}`}${data === undefined ? "" : `; catalog: ${data}`}${lineage === undefined ? "" : `; audit: ${lineage}`}`;
}

/** The package root relative to the notebook's folder, in POSIX form ("." for the same folder). */
function relativeRoot(outDir: string, root: string): string {
  const relative = path.relative(path.resolve(outDir), root).split(path.sep).join("/");
  return relative === "" ? "." : relative;
}

function checkSource(source: NotebookSource): void {
  const problems = workflowSourceProblems(source);
  if (problems.length > 0) throw new NotebookExportError(`${source.workflow.dagId}: ${problems.join("; ")}`);
}
