import type { Dataset } from "../events/audit-fields.js";
import { groupBy } from "../util/group-by.js";
import type { AuditRecord, EndRecord, RunLogRecord, RunRecord } from "./run-log-record.js";

/** A run as `wf audit` needs it: who it is, and how it ended when a process saw it whole. */
export interface AuditScanRun {
  dagId: string;
  runId: string;
  /** Its earliest `run` record. */
  startedAt: string;
  version: string;
  engine: string;
  /** The workflow's `maxConsecutiveFailures` when the run opened, or null. */
  maxConsecutiveFailures: number | null;
  /** Its `end` record (the last), or null: an Airflow run, or one still running or gone (folded from `unended`). */
  end: Pick<EndRecord, "status" | "durationMs" | "at"> | null;
}

/** An `audit` record without its lists: what totals, data ranges and the chart need of every run. */
export type AuditScanAudit = Pick<AuditRecord, "dagId" | "runId" | "task" | "attempt" | "at" | "records" | "dataRange" | "errorCount">;

/**
 * What `wf audit` reads of one workflow, in the fewest and smallest pieces the store can give:
 * every run with its end, every audit record without its lists, the records of runs that have no
 * end (to fold their status), the whole audit records of the newest runs only (their errors,
 * statuses and extracts), and each distinct list of sources and targets once.
 */
export interface AuditScan {
  runs: AuditScanRun[];
  audits: AuditScanAudit[];
  /** `run` and `action` records of the runs that have no `end` record. */
  unended: RunLogRecord[];
  /** The whole `audit` records of the newest `detailed` runs. */
  details: AuditRecord[];
  /** Each distinct list of sources (audit records', and the workflow's from run records), oldest run first. */
  sources: Dataset[][];
  targets: Dataset[][];
}

/** Which runs an audit scan reads. */
export interface AuditScanFilter {
  workflow: string;
  since?: Date | undefined;
  /** How many of the newest runs come with their whole audit records. */
  detailed: number;
}

/**
 * The audit scan of any store, from its records (`scan` with the kinds the audit reads): what
 * the file store does, and the reference the PostgreSQL store's queries must agree with.
 */
export async function auditScanOfStore(
  // The store's scan, typed here rather than as RunLogStore: run-log-store.ts names this file's types.
  store: { scan(filter: { workflow?: string; since?: Date | undefined; kinds?: readonly string[] }): AsyncIterable<RunLogRecord[]> },
  filter: AuditScanFilter,
): Promise<AuditScan> {
  const records: RunLogRecord[] = [];
  for await (const batch of store.scan({ workflow: filter.workflow, since: filter.since, kinds: ["run", "end", "audit"] })) records.push(...batch);
  return auditScanOf(records, filter);
}

/** An audit scan from a workflow's records (run, end, audit; and actions of runs with no end). */
export function auditScanOf(records: readonly RunLogRecord[], filter: AuditScanFilter): AuditScan {
  const runs: AuditScanRun[] = [];
  const audits: AuditScanAudit[] = [];
  const unended: RunLogRecord[] = [];
  const full = new Map<string, AuditRecord[]>();
  const sources = new Map<string, Dataset[]>();
  const targets = new Map<string, Dataset[]>();
  const byRun = [...groupBy(records, (r) => `${r.dagId}\u0000${r.runId}`).values()];
  for (const list of byRun) {
    const headers = list.filter((r): r is RunRecord => r.kind === "run").sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const first = headers[0];
    if (first === undefined || first.workflow !== filter.workflow) continue;
    const end = list.filter((r): r is EndRecord => r.kind === "end").sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).at(-1);
    runs.push({
      dagId: first.dagId,
      runId: first.runId,
      startedAt: first.at,
      version: first.version,
      engine: first.engine,
      maxConsecutiveFailures: first.audit?.maxConsecutiveFailures ?? null,
      end: end === undefined ? null : { status: end.status, durationMs: end.durationMs, at: end.at },
    });
    if (end === undefined) unended.push(...list.filter((r) => r.kind === "run" || r.kind === "action"));
    for (const h of headers) {
      if (h.audit !== undefined) {
        sources.set(JSON.stringify(h.audit.sources), h.audit.sources);
        targets.set(JSON.stringify(h.audit.targets), h.audit.targets);
      }
    }
    const runAudits = list.filter((r): r is AuditRecord => r.kind === "audit");
    full.set(`${first.dagId}\u0000${first.runId}`, runAudits);
    for (const a of runAudits) {
      audits.push({ dagId: a.dagId, runId: a.runId, task: a.task, attempt: a.attempt, at: a.at, records: a.records, dataRange: a.dataRange, errorCount: a.errorCount });
      sources.set(JSON.stringify(a.sources), a.sources);
      targets.set(JSON.stringify(a.targets), a.targets);
    }
  }
  runs.sort(newestFirst);
  const details = runs.slice(0, filter.detailed).flatMap((r) => full.get(`${r.dagId}\u0000${r.runId}`) ?? []);
  return { runs, audits, unended, details, sources: [...sources.values()], targets: [...targets.values()] };
}

/** Runs newest first (ties: the greater run id first), as every store lists them. */
export function newestFirst(a: { startedAt: string; runId: string }, b: { startedAt: string; runId: string }): number {
  return a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0;
}
