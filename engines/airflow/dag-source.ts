import type { Workflow } from "../../src/index.js";

/** Where a workflow comes from: what a worker needs to find and load its code. */
export interface AirflowDagSource {
  workflow: Workflow;
  /** The npm package that holds the workflow (installed on workers as `<root>/<name>/<version>/`). */
  package: { name: string; version: string };
  /** The module that exports the workflow, a POSIX path relative to the package root. */
  modulePath: string;
  /** The export that holds the workflow (`default` or a name). */
  exportName: string;
  /** Descriptions found in the sources' TSDoc, used where no explicit description is set. */
  docs?: { workflow?: string | undefined; tasks: Readonly<Record<string, string>> } | undefined;
}
