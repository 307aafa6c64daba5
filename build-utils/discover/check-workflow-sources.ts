import path from "node:path";
import type { SourceWarning } from "./discovery-types.js";
import { nearestPackageDir } from "./find-package.js";
import type { LoadedWorkflowFile } from "./load-workflow-file.js";
import { openAnalysis, toSourceWarnings } from "./source-warnings.js";

/**
 * Source warnings (`unused-task`, `unreachable-workflow`) for workflow files loaded one by one,
 * as `wf validate file.ts` does: only the given files are checked, against the workflows they
 * export, so a task class kept for a workflow in another file is not flagged unless that file
 * is given too. Needs no package.json (relative imports are followed up to the nearest one, or
 * within the file's directory). Paths in the warnings are relative to `cwd`.
 */
export async function checkWorkflowSources(files: readonly LoadedWorkflowFile[], cwd: string = process.cwd()): Promise<SourceWarning[]> {
  if (files.length === 0) return [];
  const absolute = files.map((f) => path.resolve(cwd, f.file));
  const analysis = await openAnalysis(
    absolute.map((file) => ({ root: nearestPackageDir(path.dirname(file)) ?? path.dirname(file), files: [file] })),
  );
  const loaded = files.flatMap((f, i) =>
    f.workflows.map((w) => ({ file: absolute[i]!, exportName: w.exportName, taskNames: w.workflow.nodes.map((n) => n.name) })),
  );
  return toSourceWarnings(analysis.findings(loaded, absolute), cwd);
}
