/**
 * The notebook engine: renders each workflow version as a Jupyter notebook for the tslab
 * TypeScript kernel, and runs it there cell by cell with the same task lifecycle, logs and
 * events as the other engines. Import it from `"wfkit/notebook"`.
 *
 * @packageDocumentation
 * @module wfkit/notebook
 */

/** Render a workflow as a notebook (nbformat 4.5), and what it needs to know about the workflow's package. */
export { renderNotebook, type RenderedNotebook } from "./render-notebook.js";
export type { NotebookSource } from "./notebook-source.js";
/** Export options: schema, user type, resolved type and the resolver. */
export {
  NotebookExportOptionsSchema,
  compileNotebookExportOptions,
  type NotebookExportOptions,
  type CompiledNotebookExportOptions,
} from "./notebook-export-options.js";
/** What the set-up cell calls: one run shared by the notebook's cells. */
export { openNotebookRun, NotebookRun, NotebookRunSpecSchema, type NotebookRunSpec } from "./notebook-run.js";
/** Where the set-up cell finds the workflow, and the check that it is the exported one. */
export { locateWorkflow, type WorkflowLocation } from "./locate-workflow.js";
/** The kernelspec the notebooks name (tslab). */
export { KERNELSPEC } from "./notebook-json.js";
/** The typed escaping every generated value goes through: TypeScript for code cells, Markdown for markdown cells. */
export { TsCode, tsStr, tsKey, tsPropertyKey, tsValue } from "./ts-literal.js";
export { Markdown, mdInline, mdText, mdFence } from "./markdown.js";
/** TypeScript types for run parameters, from their JSON Schema. */
export { notebookParams, tsType, type NotebookParam } from "./param-types.js";
/**
 * Errors of this engine: a workflow it cannot render (and bad export options), and a cell that
 * cannot do what it asked (missing package install, code changed since the export, unknown task…).
 */
export {
  NotebookExportError,
  NotebookExportOptionsError,
  NotebookRunError,
  NotebookRunOptionsError,
  NotebookPackageMissingError,
  NotebookCodeMismatchError,
  NotebookModuleLoadError,
  NotebookUnknownTaskError,
  NotebookUpstreamNotSucceededError,
} from "./errors.js";
