// The two modules directly, not discover's index: it also holds the source analysis, which
// needs ts-morph, a build tool that a worker's install leaves out.
import { loadWorkflowFile } from "../build-utils/discover/load-workflow-file.js";
import { selectWorkflow } from "../build-utils/discover/select-workflow.js";
import type { Workflow } from "../src/workflow/workflow.js";

/** A module's workflow (the one, or the one `selector` names): build-utils' loader, as the Airflow engine's worker takes it. */
export async function loadWorkflow(module: string, cwd: string, selector: string | undefined): Promise<Workflow> {
  return selectWorkflow(await loadWorkflowFile(module, cwd), selector).workflow;
}
