import type { DatasetDeclaration } from "../events/audit-fields.js";
import type { Extract, ExtractFilter, ExtractKey, ExtractStatus } from "./extract.js";

/** A date the audit takes: a Date, epoch milliseconds, or an ISO 8601 text (`2026-11-28`, `2026-11-28T06:00:00Z`). */
export type AuditDate = Date | number | string;

/**
 * What a task attempt processed, recorded when the attempt ends (`this.audit`): the run log's
 * `audit` record and a `task.audit` status event, on every engine. Counting is in memory, so it
 * may be called in a hot loop; nothing is written per call.
 *
 * ```ts
 * for (const row of rows) {
 *   if (!valid(row)) { this.audit.records("rejected", 1); continue; }
 *   this.audit.records("read", 1);
 *   this.audit.dataRange(row.day);
 * }
 * ```
 */
export interface TaskAudit {
  /** Add `count` records of `kind` (`read`, `written`, `rejected`…) to this attempt's count. Throws AuditUsageError for an empty kind or a count that is not a whole number ≥ 0. */
  records(kind: string, count: number): void;
  /** Widen the data's date range: the lowest low and the highest high win (`high` defaults to `low`). Throws AuditUsageError for a value that is no date. */
  dataRange(low: AuditDate, high?: AuditDate): void;
  /**
   * Record a non-fatal run error (ProcessTracker's `raise_run_error`): counted and listed, the
   * task goes on. With `failRun: true` it also throws AuditRunError, which fails the task (and
   * so the run) unless the task catches it.
   */
  error(type: string, description: string, options?: { failRun?: boolean }): void;
  /** Set a custom status of your own beside wfkit's (`validating`, `waiting for data`); listed in order. */
  status(status: string): void;
  /** Add a source read at run time (a name, or `{ name, type, objects, datasetTypes }`), beside the declared `static sources`. */
  source(source: DatasetDeclaration): void;
  /** Add a target written at run time, the same way. */
  target(target: DatasetDeclaration): void;
  /** Files this workflow consumes or produces, with their statuses, in the run log's store. */
  readonly extracts: TaskExtracts;
}

/**
 * Extracts from a task: register files, find them, and move them through their statuses
 * (`ready` → `loading` → `loaded`, or `failed`; `archived`). Every change is atomic in the store,
 * so two runs never claim the same extract, and is listed in the attempt's audit record.
 */
export interface TaskExtracts {
  /** Register a file in `location` (default status `ready`); one already registered is returned as it is. */
  register(location: string, filename: string, options?: { status?: ExtractStatus }): Promise<Extract>;
  /** Register every file in a local folder that is not registered yet (optionally only names that `match`); returns the ones registered now. */
  registerLocation(folder: string, options?: { match?: RegExp }): Promise<Extract[]>;
  /** Registered extracts that match, `ready` ones unless `status` says otherwise. */
  find(filter?: ExtractFilter): Promise<Extract[]>;
  /** Claim extracts for this run (`ready` → `loading`): returns those it got; one another run claimed first is left out. */
  claim(extracts: readonly ExtractKey[]): Promise<Extract[]>;
  /** Move one extract to `to` (`loaded`, `failed`, `archived`, `ready`). Throws ExtractStatusError when its status does not allow it, naming the status it has. */
  setStatus(extract: ExtractKey, to: ExtractStatus): Promise<Extract>;
}
