/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;
