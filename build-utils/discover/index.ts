/** Find the workflows that files export. */
export { loadWorkflowFile, thrownStack, type DiscoveredWorkflow, type LoadedWorkflowFile } from "./load-workflow-file.js";
export { selectWorkflow } from "./select-workflow.js";
export { WorkflowLoadError, NoWorkflowExportError, PackedFilesError } from "./errors.js";
/** Find the workflows of workflow packages (and files), with their package, doc comments and source warnings. */
export { discoverWorkflows, type DiscoverOptions } from "./discover-workflows.js";
export { findPackage } from "./find-package.js";
export { checkWorkflowSources } from "./check-workflow-sources.js";
export type { Discovery, LoadFailure, LocatedWorkflow, SourceDocs, SourceWarning, WorkflowPackage } from "./discovery-types.js";
