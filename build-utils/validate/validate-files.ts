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
 * about a file with no workflow of its own (a tasks module) get a report of their own.
 */
export async function validateFiles(files: readonly string[], cwd: string = process.cwd(), options: { stacks?: boolean } = {}): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  const loadedFiles: { report: FileReport; loaded: LoadedWorkflowFile }[] = [];
  for (const file of files) {
    if (isDirectory(path.resolve(cwd, file))) {
      reports.push(...(await validatePackage(file, cwd, options.stacks === true)));
      continue;
    }
    try {
      const loaded = await loadWorkflowFile(file, cwd);
      const report: FileReport = { file, workflows: loaded.workflows.map(({ exportName, workflow }) => workflowReport(exportName, workflow)), warnings: [] };
      reports.push(report);
      loadedFiles.push({ report, loaded });
    } catch (error) {
      const stack = options.stacks === true ? thrownStack(error) : undefined;
      reports.push({ file, loadError: errorMessage(error), ...(stack === undefined ? {} : { loadErrorStack: stack }), workflows: [], warnings: [] });
    }
  }
  const warnings = await checkWorkflowSources(loadedFiles.map((f) => f.loaded), cwd);
  for (const { report } of loadedFiles) {
    const own = path.relative(cwd, path.resolve(cwd, report.file));
    report.warnings = warnings.filter((w) => w.file === own);
  }
  return reports;
}

async function validatePackage(dir: string, cwd: string, stacks: boolean): Promise<FileReport[]> {
  const discovery = await discoverWorkflows([dir], cwd);
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
    reportFor(path.relative(cwd, located.file)).workflows.push(workflowReport(located.exportName, located.workflow));
  }
  for (const failure of discovery.loadErrors) {
    const report = reportFor(failure.file);
    report.loadError = report.loadError === undefined ? failure.message : `${report.loadError}; ${failure.message}`;
    if (stacks && failure.stack !== undefined) report.loadErrorStack = report.loadErrorStack === undefined ? failure.stack : `${report.loadErrorStack}\n${failure.stack}`;
  }
  for (const warning of discovery.warnings) reportFor(warning.file).warnings.push(warning);
  return [...byFile.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function workflowReport(exportName: string, workflow: Workflow): WorkflowReport {
  return { exportName, dagId: workflow.dagId, issues: workflow.validate() };
}

function isDirectory(absolute: string): boolean {
  try {
    return statSync(absolute).isDirectory();
  } catch {
    return false;
  }
}
