/** Find the workflows that files export. */
export { loadWorkflowFile, type DiscoveredWorkflow, type LoadedWorkflowFile } from "./load-workflow-file.js";
export { selectWorkflow } from "./select-workflow.js";
export { WorkflowLoadError } from "./errors.js";
