import { Workflow } from "../../../src/index.js";
import { didYouMeanSuffix } from "../../../src/engine.js";
import { AirflowWorkerOptionsError } from "../errors.js";

/**
 * The workflow a compiled module exports: the one, or the one whose dag id, name or export name
 * is `selector` (as `wf run-task --workflow` takes it). Throws AirflowWorkerOptionsError naming
 * the choices. The build tools' loader does the same for a module it imports itself.
 */
export function selectExportedWorkflow(namespace: Record<string, unknown>, file: string, selector: string | undefined): Workflow {
  const found: { exportName: string; workflow: Workflow }[] = [];
  for (const [exportName, value] of Object.entries(namespace)) {
    if (Workflow.isWorkflow(value) && !found.some((f) => f.workflow === value)) found.push({ exportName, workflow: value });
  }
  const described = found.map((f) => `${f.exportName} (${f.workflow.dagId})`).join(", ");
  if (found.length === 0) throw new AirflowWorkerOptionsError(`${file} exports no Workflow`);
  if (selector === undefined) {
    if (found.length === 1) return found[0]!.workflow;
    throw new AirflowWorkerOptionsError(`${file} exports ${found.length} workflows; pick one with --workflow (export name, name or dag id): ${described}`);
  }
  const byId = found.filter((f) => f.workflow.dagId === selector);
  const matches = byId.length > 0 ? byId : found.filter((f) => f.workflow.name === selector || f.exportName === selector);
  if (matches.length === 1) return matches[0]!.workflow;
  const candidates = found.flatMap((f) => [f.workflow.dagId, f.workflow.name, f.exportName]);
  throw new AirflowWorkerOptionsError(
    matches.length > 1 ? `--workflow ${selector} matches ${matches.length} workflows in ${file}; use the dag id` : `no workflow "${selector}" in ${file}${didYouMeanSuffix(selector, candidates)}; it exports ${described}`,
  );
}
