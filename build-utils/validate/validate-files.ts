import { errorMessage, type ValidationIssue } from "../../src/index.js";
import { loadWorkflowFile } from "../discover/index.js";

/** The verdict on one workflow of one file. */
export interface WorkflowReport {
  exportName: string;
  dagId: string;
  issues: ValidationIssue[];
}

/** The verdict on one file: either it failed to load, or a report per workflow it exports. */
export interface FileReport {
  file: string;
  /** Why the file could not be loaded (missing, broken, no workflow). */
  loadError?: string;
  workflows: WorkflowReport[];
}

/** Load every file and validate every workflow it exports; one bad file does not stop the others. */
export async function validateFiles(files: readonly string[], cwd?: string): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  for (const file of files) {
    try {
      const loaded = await loadWorkflowFile(file, cwd);
      reports.push({
        file,
        workflows: loaded.workflows.map(({ exportName, workflow }) => ({
          exportName,
          dagId: workflow.dagId,
          issues: workflow.validate(),
        })),
      });
    } catch (error) {
      reports.push({ file, loadError: errorMessage(error), workflows: [] });
    }
  }
  return reports;
}
