import type { Workflow } from "./workflow.js";

/** Where a workflow comes from: what an engine needs to find and load its code elsewhere. */
export interface WorkflowSource {
  workflow: Workflow;
  /** The npm package that holds the workflow. */
  package: { name: string; version: string };
  /** The module that exports the workflow, a POSIX path relative to the package root. */
  modulePath: string;
  /** The export that holds the workflow (`default` or a name). */
  exportName: string;
  /** Descriptions found in the sources' TSDoc, used where no explicit description is set. */
  docs?: { workflow?: string | undefined; tasks: Readonly<Record<string, string>> } | undefined;
}

/** What makes a source unusable for an export (no package name or version, a module path outside the package). */
export function workflowSourceProblems(source: WorkflowSource): string[] {
  const { modulePath, package: pkg } = source;
  const problems: string[] = [];
  if (pkg.name === "" || pkg.version === "") problems.push("the package needs a name and a version (package.json)");
  if (modulePath === "" || modulePath.startsWith("/") || modulePath.includes("\\") || modulePath.split("/").includes("..")) {
    problems.push(`module path ${JSON.stringify(modulePath)} must be a POSIX path inside the package`);
  }
  return problems;
}
