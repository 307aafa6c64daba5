import { statSync } from "node:fs";
import path from "node:path";
import type { ValidationIssue, Workflow } from "../../src/index.js";
import { errorMessage } from "../../src/engine.js";
import { checkWorkflowSources, discoverWorkflows, loadWorkflowFile, thrownStack, type LoadedWorkflowFile, type SourceWarning } from "../discover/index.js";

/** The verdict on one workflow of one file. */
export interface WorkflowReport {
  exportName: string;
  dagId: string;
  issues: ValidationIssue[];
}

/** The verdict on one file: either it failed to load, or a report per workflow it exports; plus warnings about its source. */
export interface FileReport {
  file: string;
  /** Why the file could not be loaded (missing, broken, no workflow). */
  loadError?: string;
  /** The stack of what the module threw while loading (only with `stacks`, for `--debug`). */
  loadErrorStack?: string;
  workflows: WorkflowReport[];
  /** Legal but suspicious things in the file's source (`unused-task`, `unreachable-workflow`); they do not make it invalid. */
  warnings: SourceWarning[];
}

/**
 * Load every input and validate every workflow it exports; one bad input does not stop the
 * others. An input is a workflow file, or a workflow package directory (holding package.json),
 * which yields one report per module (paths relative to `cwd`), in the input's place. Warnings
 * about a file with no workflow of its own (a tasks module) get a report of their own. A
 * package directory's workflows are also checked against what `npm pack` ships
 * (`module-not-packed`), as `wf export --engine airflow` and `wf package` check them.
 */
export async function validateFiles(files: readonly string[], cwd: string = process.cwd(), options: { stacks?: boolean } = {}): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  const loadedFiles: { report: FileReport; loaded: LoadedWorkflowFile }[] = [];
  const validated: Validated[] = [];
  const workflowReport = (file: string, exportName: string, workflow: Workflow): WorkflowReport => {
    const report = { exportName, dagId: workflow.dagId, issues: workflow.validate() };
    validated.push({ file, report, workflow });
    return report;
  };
  for (const file of files) {
    if (isDirectory(path.resolve(cwd, file))) {
      reports.push(...(await validatePackage(file, cwd, options.stacks === true, workflowReport)));
      continue;
    }
    try {
      const loaded = await loadWorkflowFile(file, cwd);
      const report: FileReport = { file, workflows: loaded.workflows.map(({ exportName, workflow }) => workflowReport(file, exportName, workflow)), warnings: [] };
      reports.push(report);
      loadedFiles.push({ report, loaded });
    } catch (error) {
      const stack = options.stacks === true ? thrownStack(error) : undefined;
      reports.push({ file, loadError: errorMessage(error), ...(stack === undefined ? {} : { loadErrorStack: stack }), workflows: [], warnings: [] });
    }
  }
  checkDagIdsUnique(validated);
  const warnings = await checkWorkflowSources(loadedFiles.map((f) => f.loaded), cwd);
  for (const { report } of loadedFiles) {
    const own = path.relative(cwd, path.resolve(cwd, report.file));
    report.warnings = warnings.filter((w) => w.file === own);
  }
  return reports;
}

/** One workflow validated, with the file it came from. */
interface Validated {
  file: string;
  report: WorkflowReport;
  workflow: Workflow;
}

/**
 * Two different workflows with one dag id among all the inputs: `wf export` of the same inputs
 * refuses them, and Airflow would keep only one DAG. The same workflow reached twice (a module
 * that re-exports another's) is one workflow, as export counts it.
 */
function checkDagIdsUnique(validated: readonly Validated[]): void {
  const byDagId = new Map<string, Validated[]>();
  for (const entry of validated) {
    const list = byDagId.get(entry.report.dagId) ?? [];
    if (!list.some((other) => other.workflow === entry.workflow)) list.push(entry);
    byDagId.set(entry.report.dagId, list);
  }
  for (const [dagId, list] of byDagId) {
    if (list.length < 2) continue;
    for (const entry of list) {
      const others = list.filter((other) => other !== entry).map((other) => `${other.file} (${other.report.exportName})`);
      entry.report.issues.push({
        code: "duplicate-dag-id",
        path: ["dagId"],
        tasks: [],
        message: `dag id ${dagId} is also exported by ${others.join(" and ")}; dag ids must be unique across the files exported together (Airflow keeps one DAG per id): change a version, category or detail`,
      });
    }
  }
}

async function validatePackage(dir: string, cwd: string, stacks: boolean, workflowReport: (file: string, exportName: string, workflow: Workflow) => WorkflowReport): Promise<FileReport[]> {
  const discovery = await discoverWorkflows([dir], cwd, { checkPacked: true });
  const byFile = new Map<string, FileReport>();
  const reportFor = (file: string): FileReport => {
    let report = byFile.get(file);
    if (report === undefined) {
      report = { file, workflows: [], warnings: [] };
      byFile.set(file, report);
    }
    return report;
  };
  for (const located of discovery.workflows) {
    const file = path.relative(cwd, located.file);
    const report = workflowReport(file, located.exportName, located.workflow);
    report.issues.push(...located.packingIssues);
    reportFor(file).workflows.push(report);
  }
  for (const failure of discovery.loadErrors) {
    const report = reportFor(failure.file);
    report.loadError = report.loadError === undefined ? failure.message : `${report.loadError}; ${failure.message}`;
    if (stacks && failure.stack !== undefined) report.loadErrorStack = report.loadErrorStack === undefined ? failure.stack : `${report.loadErrorStack}\n${failure.stack}`;
  }
  for (const warning of discovery.warnings) reportFor(warning.file).warnings.push(warning);
  return [...byFile.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function isDirectory(absolute: string): boolean {
  try {
    return statSync(absolute).isDirectory();
  } catch {
    return false;
  }
}
