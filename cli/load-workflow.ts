import { loadWorkflowFile, selectWorkflow } from "../build-utils/discover/index.js";
import type { Workflow } from "../src/workflow/workflow.js";

/** A module's workflow (the one, or the one `selector` names): build-utils' loader, as the Airflow engine's worker takes it. */
export async function loadWorkflow(module: string, cwd: string, selector: string | undefined): Promise<Workflow> {
  return selectWorkflow(await loadWorkflowFile(module, cwd), selector).workflow;
}
