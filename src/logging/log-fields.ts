/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/**
 * Fields every line has. A custom field with one of these names is written as `field.<name>`,
 * so that it cannot overwrite them.
 */
export const LINE_FIELDS = ["timestamp", "level", "logger", "message"] as const;

/**
 * The code position fields. When a layout shows them, custom fields with these names are
 * written as `field.<name>` too; otherwise they are ordinary names.
 */
export const POSITION_FIELDS = ["file", "line", "function"] as const;

/** The fields every task logger is bound to, in this order. */
export const TASK_FIELDS = ["workflow", "version", "dag_id", "task", "run_id", "attempt"] as const;

/** The span a task's lines belong to, bound to its logger with telemetry on (WF_OTEL). */
export const TRACE_FIELDS = ["trace_id", "span_id"] as const;

/** A field name that WF_LOG_METADATA and WF_LOG_CONSOLE_FORMAT accept. */
export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
