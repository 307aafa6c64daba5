import type { ValidationIssue, Workflow } from "../../src/index.js";

/** The package a workflow module belongs to: the nearest package.json above it. */
export interface WorkflowPackage {
  /** Absolute directory of the package.json. */
  root: string;
  name: string;
  version: string;
}

/** TSDoc/JSDoc text found in the sources, for exporters to use when no explicit description is set. */
export interface SourceDocs {
  /** The doc comment on the workflow's declaration (`/** … *\/ export const etl = new Workflow(…)`). */
  workflow?: string;
  /** Task name (class name) → the description text of the task class's doc comment. */
  tasks: Record<string, string>;
}

/** A workflow found by discovery, with where it lives. */
export interface LocatedWorkflow {
  /** `default` or the export's name. */
  exportName: string;
  workflow: Workflow;
  /** Absolute path of the module that exports it. */
  file: string;
  /** POSIX path of `file` relative to `package.root`. */
  modulePath: string;
  package: WorkflowPackage;
  docs: SourceDocs;
  /**
   * Problems of how the workflow ships, which `workflow.validate()` cannot see: its module, or a
   * package file the module imports, that `npm pack` leaves out, so that `wf install` never puts
   * it on a worker (`module-not-packed`). Found only for package directories given, when
   * discovery is asked to check (`checkPacked`); empty otherwise.
   */
  packingIssues: ValidationIssue[];
}

/** Something in the sources that is legal but almost certainly a mistake. */
export interface SourceWarning {
  /** `unused-task`, `unreachable-workflow`, … */
  code: "unused-task" | "unreachable-workflow" | "unloadable-module" | (string & {});
  /** Path relative to the cwd discovery ran in. */
  file: string;
  /** 1-based line. */
  line: number;
  message: string;
}

/** A module that could not be loaded, or an input that could not be used. */
export interface LoadFailure {
  /** Path relative to the cwd (as given, for inputs). */
  file: string;
  message: string;
  /** The stack of what the module threw, when it threw (for `--debug`). */
  stack?: string | undefined;
}

/** What discovery found: workflows, inputs or modules that failed, and warnings. */
export interface Discovery {
  workflows: LocatedWorkflow[];
  loadErrors: LoadFailure[];
  warnings: SourceWarning[];
}
