import type { LogFields } from "./log-fields.js";
import type { CodePosition } from "./code-position.js";

/** One log line before formatting. Secrets are already masked. */
export interface LogRecord {
  levelId: number;
  /** Epoch milliseconds. */
  time: number;
  logger: string;
  message: string;
  /** Fields given to this one call (bound fields live on the logger). */
  fields: LogFields | undefined;
  /** Where the call was made, when a format asks for file, line or function. */
  position: CodePosition | undefined;
  /** Some per-call field has the name of a bound one (and replaces it on this line). */
  overrides: boolean;
}

let lastMs = Number.NaN;
let lastIso = "";

/** ISO-8601 UTC with milliseconds; computed once per distinct millisecond. */
export function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
