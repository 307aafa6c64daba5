import type { WorkflowSource } from "../../src/engine.js";

/** Where a workflow comes from; `package.root` is the package's folder (absolute). */
export type NotebookSource = WorkflowSource & { package: { root: string } };
