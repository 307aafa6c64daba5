import * as z from "zod";
import { optionProblems, RunIdSchema } from "../../src/engine.js";
import { NotebookExportOptionsError } from "./errors.js";

/** Options of a notebook export. */
export const NotebookExportOptionsSchema = z.strictObject({
  outDir: z
    .string()
    .min(1)
    .nullable()
    .default(null)
    .describe(
      "Folder the notebooks are written to. The set-up cell then finds the workflow's package by its path relative to the notebook. null (for `wf package` artifacts): it finds the version installed under WF_INSTALL_ROOT by `wf install`.",
    ),
  rerun: z
    .strictObject({
      runId: RunIdSchema.describe("The run to re-run"),
      dagId: z.string().min(1).optional().describe("Its DAG, when not the workflow's own"),
    })
    .nullable()
    .default(null)
    .describe(
      "Write a notebook that re-runs this run (`wf export --engine notebook --rerun`): its set-up cell starts the re-run, which reuses what succeeded; a person steps through the cells of the tasks that run again. The file is `<dag id>.rerun-<run id>.ipynb`.",
    ),
});

/** Notebook export options as a caller writes them (every field optional). */
export type NotebookExportOptions = z.input<typeof NotebookExportOptionsSchema>;
/** Notebook export options with every default applied. */
export type CompiledNotebookExportOptions = z.output<typeof NotebookExportOptionsSchema>;

/** Apply the defaults; throws NotebookExportOptionsError naming every bad option. */
export function compileNotebookExportOptions(options: NotebookExportOptions = {}): CompiledNotebookExportOptions {
  const parsed = NotebookExportOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = optionProblems(parsed.error, Object.keys(NotebookExportOptionsSchema.shape));
  throw new NotebookExportOptionsError(`invalid notebook export options; fix ${problems.length === 1 ? "it" : "them"}: ${problems.join("; ")}`);
}
