/** Every kind of problem a workflow can have. */
export const VALIDATION_CODES = [
  "invalid-option",
  "invalid-name",
  "name-too-long",
  "tag-too-long",
  "invalid-version",
  "empty-workflow",
  "not-a-task",
  "invalid-task-name",
  "duplicate-task",
  "unknown-upstream",
  "invalid-node-option",
  "cycle",
  "invalid-params-schema",
  "invalid-params-default",
  "invalid-data-declaration",
  "unknown-input",
  "duplicate-output",
  "invalid-dataset",
  "invalid-schedule",
  "schedule-needs-defaults",
  "duplicate-dag-id",
  "module-not-packed",
] as const;

/** A kind of workflow problem. */
export type ValidationCode = (typeof VALIDATION_CODES)[number];

/** One problem of a workflow. */
export interface ValidationIssue {
  code: ValidationCode;
  /** Where in the workflow definition, e.g. `["nodes", 2, "upstreams", 0]` or `["version"]`. */
  path: (string | number)[];
  /** The tasks involved (empty when the problem is about the workflow itself). */
  tasks: string[];
  message: string;
}
