import { didYouMeanSuffix } from "../../src/engine.js";
import { WorkflowLoadError } from "./errors.js";
import type { DiscoveredWorkflow, LoadedWorkflowFile } from "./load-workflow-file.js";

/**
 * The one workflow of a file, or the one whose name, dag id or export name is `selector`.
 * Throws WorkflowLoadError listing the choices when that is ambiguous or matches nothing.
 */
export function selectWorkflow(loaded: LoadedWorkflowFile, selector?: string): DiscoveredWorkflow {
  const { workflows, file } = loaded;
  const choices = workflows.map((w) => w.workflow.dagId);
  // Each workflow by what --workflow takes: its export name (what the user wrote) and its dag id.
  const described = workflows.map((w) => `${w.exportName} (${w.workflow.dagId})`);
  if (selector === undefined) {
    if (workflows.length === 1) return workflows[0]!;
    throw new WorkflowLoadError(`${file} exports ${workflows.length} workflows; pick one with --workflow (export name, name or dag id): ${described.join(", ")}`);
  }
  const byId = workflows.filter((w) => w.workflow.dagId === selector);
  const matches = byId.length > 0 ? byId : workflows.filter((w) => w.workflow.name === selector || w.exportName === selector);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new WorkflowLoadError(`--workflow ${selector} matches ${matches.length} workflows in ${file}; use the dag id: ${matches.map((m) => m.workflow.dagId).join(", ")}`);
  }
  const candidates = [...choices, ...workflows.map((w) => w.workflow.name), ...workflows.map((w) => w.exportName)];
  throw new WorkflowLoadError(`no workflow "${selector}" in ${file}${didYouMeanSuffix(selector, candidates)}; it exports ${described.join(", ")}`);
}
