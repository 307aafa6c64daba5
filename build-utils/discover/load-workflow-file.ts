import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { Workflow } from "../../src/index.js";
import { errorMessage, importModule, whereThrown } from "../../src/engine.js";
import { moduleFormatAdvice } from "./module-format-advice.js";
import { NoWorkflowExportError, WorkflowLoadError } from "./errors.js";

/** A workflow found in a file, with the export it came from. */
export interface DiscoveredWorkflow {
  /** `default` or the export's name. */
  exportName: string;
  workflow: Workflow;
}

/** What one file exports. */
export interface LoadedWorkflowFile {
  file: string;
  workflows: DiscoveredWorkflow[];
}

/**
 * Import a workflow file (`.ts` loads directly, through tsx) and collect every Workflow it
 * exports, default and named, each once. Throws WorkflowLoadError when the file is missing,
 * fails to load, or exports no workflow.
 */
export async function loadWorkflowFile(file: string, cwd: string = process.cwd()): Promise<LoadedWorkflowFile> {
  const absolute = path.resolve(cwd, file);
  if (!existsSync(absolute)) {
    const resolved = absolute === file ? "" : ` (looked for ${absolute})`;
    throw new WorkflowLoadError(`workflow file not found: ${file}${resolved}; check the path`);
  }
  if (!statSync(absolute).isFile()) {
    throw new WorkflowLoadError(`${file} is not a file; give the workflow's module, e.g. src/etl.ts`);
  }
  let module: Record<string, unknown>;
  try {
    module = await importModule(absolute);
  } catch (error) {
    throw new WorkflowLoadError(await loadFailure(file, absolute, error), { cause: error });
  }
  const workflows: DiscoveredWorkflow[] = [];
  const names = Object.keys(module).sort((a, b) => (a === "default" ? -1 : b === "default" ? 1 : 0));
  for (const exportName of names) {
    const value = module[exportName];
    if (Workflow.isWorkflow(value) && !workflows.some((w) => w.workflow === value)) {
      workflows.push({ exportName, workflow: value });
    }
  }
  if (workflows.length === 0) {
    throw new NoWorkflowExportError(`${file} exports no Workflow; export one, e.g. \`export const wf = new Workflow({...})\``);
  }
  return { file, workflows };
}

/** Why importing `file` failed and what to do: the module format to change, or where the module (or what it imports) threw. */
async function loadFailure(file: string, absolute: string, error: unknown): Promise<string> {
  const advice = moduleFormatAdvice(absolute, error);
  if (advice !== undefined) return `could not load ${file}: ${errorMessage(error)}\n${advice}`;
  const at = error instanceof SyntaxError ? undefined : await whereThrown(error);
  const where = at === undefined ? "" : ` (thrown at ${at})`;
  return `could not load ${file}: ${errorMessage(error)}${where}; importing the module threw: fix the module or what it imports (--debug shows the stack)`;
}

/** The stack of what a module threw while it was imported (the cause of a WorkflowLoadError), for `--debug`; undefined for wfkit's own refusals. */
export function thrownStack(error: unknown): string | undefined {
  const thrown = error instanceof WorkflowLoadError ? error.cause : undefined;
  return thrown instanceof Error ? thrown.stack : undefined;
}
