import type { Extract, ExtractActor, ExtractFilter, ExtractKey, ExtractStatus } from "./extract.js";
import type { HoldRecord } from "./hold.js";

/** What an extract status change did. */
export interface ExtractChange {
  /** False when the extract's status was not one `to` may follow (another run changed it first): nothing was changed. */
  changed: boolean;
  /** The extract as it is now (after the change, or as the other run left it). */
  extract: Extract;
  /** The status it had just before this change (when `changed`). */
  previous?: ExtractStatus | undefined;
}

/**
 * The audit's state that changes in place, kept beside the run log in the same store (the file
 * store under WF_HOME, or PostgreSQL): extracts and their statuses, and workflows' holds. The
 * audit of each run (counts, data ranges, errors, sources, targets) is run-log records.
 */
export interface AuditStore {
  /** `file <folder>` or the PostgreSQL URL with its password masked: for messages. */
  readonly description: string;
  /**
   * Register an extract with `status` (default `ready`). An extract already registered (same
   * location and filename) is left as it is: `created` false and the stored one returned.
   */
  registerExtract(key: ExtractKey, producer: ExtractActor | null, status?: ExtractStatus): Promise<{ created: boolean; extract: Extract }>;
  /** Extracts that match (default status `ready`), ordered by location then filename. */
  findExtracts(filter: ExtractFilter): Promise<Extract[]>;
  /**
   * Move an extract to `to`, atomically: it changes only while its status is one `to` may
   * follow (`NEXT_STATUSES`), so of two runs that claim (`loading`) the same `ready` extract at
   * once exactly one gets `changed: true`. Throws ExtractNotFoundError for an extract never
   * registered.
   */
  changeExtractStatus(key: ExtractKey, to: ExtractStatus, by: ExtractActor | null): Promise<ExtractChange>;
  /** Append a hold record. */
  addHold(record: HoldRecord): Promise<void>;
  /** A workflow's hold records, newest first. */
  holds(workflow: string): Promise<HoldRecord[]>;
  /** Release connections and files. */
  close(): Promise<void>;
}
