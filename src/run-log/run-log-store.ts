import type { RunLogRecord } from "./run-log-record.js";
import type { WfEvent } from "../events/wf-event.js";
import type { AuditScan, AuditScanFilter } from "./audit-scan.js";

/** Which runs a scan reads. */
export interface ScanFilter {
  /** Only runs whose first record is this recent or newer. */
  since?: Date | undefined;
  /** Only this DAG's runs. */
  dagId?: string | undefined;
  /** Only runs with this id. */
  runId?: string | undefined;
  /** Only runs whose `run` record names this workflow. */
  workflow?: string | undefined;
  /**
   * Only records of these kinds (`["run", "end"]`: what a list of runs needs), except that the
   * `action` records of a run with no `end` record are kept: such a run (on Airflow) gets its
   * status from its task actions.
   */
  kinds?: readonly string[] | undefined;
  /** How many runs the reader expects to need (a list's limit): a store that reads in pages makes its first page this size. */
  expect?: number | undefined;
}

/**
 * Where run-log records are kept: the file store under WF_HOME (the default) or PostgreSQL.
 * Records are only ever appended (never changed in place), so any number of processes, on
 * one host or many, can write the same run at once; readers fold them into runs
 * (`project-run.ts`).
 */
export interface RunLogStore {
  /** `file <folder>` or the PostgreSQL URL with its password masked: for messages. */
  readonly description: string;
  /**
   * Append `records` durably (written, or committed). Records already stored (the same `id`)
   * are not stored twice. Throws RunLogStoreError when the store cannot take them.
   */
  append(records: readonly RunLogRecord[]): Promise<void>;
  /**
   * The records of the runs that match, in batches, newest runs first: each batch holds every
   * record of the runs it names (a run's records never span two batches, except the run headers
   * of an Airflow run whose workers started on different days). A reader that has what it needs
   * stops iterating; the store then reads no more.
   */
  scan(filter: ScanFilter): AsyncIterable<RunLogRecord[]>;
  /** What `wf audit` reads of one workflow's runs (`audit-scan.ts`), in the fewest and smallest pieces this store can give. */
  auditScan(filter: AuditScanFilter): Promise<AuditScan>;
  /** Remove every record of the runs whose last record is older than `before`; returns how many runs. */
  prune(before: Date): Promise<{ runs: number; keys: { dagId: string; runId: string }[] }>;
  /** Release connections and files. */
  close(): Promise<void>;
}

/**
 * One process's writer into a store, used by the run lifecycle: `write` never blocks and never
 * throws (the local engine calls it twice per task); what cannot be stored is kept (the file
 * store) and said once, never lost silently.
 */
export interface RunLogWriter {
  /** Queue (or append) a record; `now`: store it before returning control, as far as the store allows (before a task's own code runs on a worker). */
  write(record: RunLogRecord, now: boolean): void;
  /** Record what a status event stands for (`recordOfEvent`); nothing for events that record nothing. */
  writeEvent(event: WfEvent, now: boolean): void;
  /** Store what is queued; resolves when it is stored (or kept in the fallback). */
  flush(): void | Promise<void>;
  /** Flush and release the writer. */
  close(): void | Promise<void>;
}
