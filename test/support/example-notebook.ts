import path from "node:path";
import type { Workflow } from "wfkit";
import { repoRoot } from "./wf-cli.js";

/**
 * What an exported set-up cell passes to `openNotebookRun` for one of this repository's examples,
 * run from the folder `cwd` with the repository as the workflow's package.
 */
export function exampleNotebookSpec(workflow: Workflow, example: string, cwd: string) {
  return {
    dagId: workflow.dagId,
    dagHash: workflow.dagHash(),
    package: { name: "wfkit", version: "0.1.0" },
    module: `examples/${example}.ts`,
    exportName: "default",
    packageRoot: path.relative(cwd, repoRoot),
  };
}
