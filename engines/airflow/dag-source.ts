import type { WorkflowSource } from "../../src/engine.js";

/** Where a workflow comes from: what a worker needs to find and load its code. */
export type AirflowDagSource = WorkflowSource;
