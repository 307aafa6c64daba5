import * as z from "zod";
import { DatasetSchema, mergeDatasets, type Dataset } from "../events/audit-fields.js";
import { RunStateSchema } from "../run-log/run-view.js";
import { groupBy } from "../util/group-by.js";
import { runKey } from "../run-log/file-store.js";
import { projectRun, type ProcessCheck } from "../run-log/project-run.js";
import type { RunLogRecord } from "../run-log/run-log-record.js";
import { auditScanOf, newestFirst, type AuditScan, type AuditScanAudit } from "../run-log/audit-scan.js";
import { HoldRecordSchema } from "../audit/hold.js";
import { pure } from "../util/pure.js";

const DayRange = /* @__PURE__ */ pure(() => z.object({ from: z.iso.date().describe("First day (UTC)"), to: z.iso.date().describe("Last day (UTC), inclusive") }));

/** One run in `wf audit`: what its tasks processed. */
export const AuditRunSchema = /* @__PURE__ */ pure(() => z.object({
  dagId: z.string(),
  runId: z.string(),
  version: z.string(),
  engine: z.string(),
  status: RunStateSchema,
  startedAt: z.string(),
  durationMs: z.number().nullable().describe("How long it took; null while it runs (and for an Airflow run, from its first to its last record)"),
  records: z.record(z.string(), z.number().int()).describe("Records by kind: each task's last attempt, summed over the run's tasks"),
  total: z.number().int().describe("All records of every kind"),
  dataRange: z.object({ low: z.string(), high: z.string() }).nullable().describe("The lowest low and highest high of its tasks' last attempts"),
  errorCount: z.number().int().describe("Run errors raised, in every attempt"),
  detailed: z.boolean().describe("Whether `errors`, `statuses` and `extracts` are listed: for the newest runs only (`--limit`, default 20); older runs keep their counts"),
  errors: z.array(z.object({ task: z.string(), attempt: z.number().int(), type: z.string(), description: z.string(), at: z.string(), failRun: z.boolean() })).describe("The run errors listed (at most 100 per attempt)"),
  statuses: z.array(z.object({ task: z.string(), status: z.string(), at: z.string() })).describe("Custom statuses, in order"),
  extracts: z.array(z.object({ task: z.string(), location: z.string(), filename: z.string(), from: z.string().nullable(), to: z.string() })).describe("Extract changes, in order"),
}));
/** One run in `wf audit`. */
export type AuditRun = z.infer<typeof AuditRunSchema>;

/** `wf audit WORKFLOW --json`, `audit.report(workflow)`: what the workflow's runs processed. */
export const AuditReportSchema = /* @__PURE__ */ pure(() => z.object({
  workflow: z.string(),
  since: z.string().nullable().describe("Runs started at or after this (RFC 3339), or null for all"),
  runs: z.array(AuditRunSchema).describe("The runs, newest first"),
  totals: z.object({
    runs: z.number().int(),
    records: z.record(z.string(), z.number().int()).describe("Records by kind over every run listed (cumulative for the workflow)"),
    errorCount: z.number().int(),
  }),
  coverage: z
    .object({
      ranges: z.array(DayRange).describe("Days with data loaded by a successful run, merged into ranges"),
      gaps: z.array(DayRange.extend({ days: z.number().int() })).describe("Days between them with no data loaded"),
    })
    .describe("Which days of data successful runs loaded (their data ranges, by UTC day), and the gaps"),
  sources: z.array(DatasetSchema).describe("What the workflow read from: declared and added at run time"),
  targets: z.array(DatasetSchema).describe("What it wrote to"),
  hold: z
    .object({
      maxConsecutiveFailures: z.number().int().nullable().describe("The workflow's setting in its newest run, or null"),
      onHold: z.boolean(),
      failures: z.array(z.object({ dagId: z.string(), runId: z.string(), status: RunStateSchema, startedAt: z.string() })).describe("The runs that put it on hold"),
      refused: z.number().int().describe("Runs refused since it went on hold"),
      lastRelease: HoldRecordSchema.nullable(),
    })
    .describe("Whether new runs are refused (`maxConsecutiveFailures`)"),
}));
/** What a workflow's runs processed. */
export type AuditReport = z.infer<typeof AuditReportSchema>;

const DAY_MS = 86_400_000;

/**
 * Fold a workflow's run-log records (run, end, audit; actions of runs with no end) into the
 * audit's runs: what {@link auditReportOf} makes of the records' {@link auditScanOf}, every run
 * with its lists.
 */
export function auditRuns(records: readonly RunLogRecord[], workflow: string, alive: ProcessCheck): AuditRuns {
  return auditReportOf(auditScanOf(records, { workflow, detailed: Number.POSITIVE_INFINITY }), alive);
}

/** The audit's runs, newest first, with the workflow's sources, targets and hold setting. */
export interface AuditRuns {
  runs: AuditRun[];
  sources: Dataset[];
  targets: Dataset[];
  maxConsecutiveFailures: number | null;
}

/**
 * The audit's runs from a store's audit scan: per run the records of each task's last audited
 * attempt summed, the data range widened, the run errors of every attempt counted (and listed,
 * with statuses and extracts, for the runs the scan has details of); the status from the run's
 * end, or folded from its actions (an Airflow run).
 */
export function auditReportOf(scan: AuditScan, alive: ProcessCheck): AuditRuns {
  const unended = groupBy(scan.unended, runKey);
  const audits = groupBy(scan.audits, runKey);
  const details = groupBy(scan.details, runKey);
  const runs: AuditRun[] = [];
  for (const run of scan.runs) {
    const key = runKey(run);
    let status: AuditRun["status"];
    let durationMs: number | null;
    if (run.end !== null) {
      status = run.end.status;
      // From the first record to the end, as `wf runs` shows it (project-run.ts).
      durationMs = Math.max(0, Date.parse(run.end.at) - Date.parse(run.startedAt));
    } else {
      const view = projectRun(unended.get(key) ?? [], alive)?.view;
      status = view?.status ?? "running";
      durationMs = view?.durationMs ?? null;
    }
    const last = new Map<string, AuditScanAudit>();
    let errorCount = 0;
    for (const a of audits.get(key) ?? []) {
      errorCount += a.errorCount;
      const seen = last.get(a.task);
      if (seen === undefined || a.attempt > seen.attempt || (a.attempt === seen.attempt && a.at >= seen.at)) last.set(a.task, a);
    }
    const counts = new Map<string, number>();
    let low: string | undefined;
    let high: string | undefined;
    for (const a of last.values()) {
      for (const [kind, n] of Object.entries(a.records)) counts.set(kind, (counts.get(kind) ?? 0) + n);
      if (a.dataRange !== null) {
        if (low === undefined || a.dataRange.low < low) low = a.dataRange.low;
        if (high === undefined || a.dataRange.high > high) high = a.dataRange.high;
      }
    }
    const full = details.get(key);
    const listed = (full ?? []).slice().sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.attempt - b.attempt));
    runs.push({
      dagId: run.dagId,
      runId: run.runId,
      version: run.version,
      engine: run.engine,
      status,
      startedAt: run.startedAt,
      durationMs,
      records: Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      total: [...counts.values()].reduce((a, b) => a + b, 0),
      dataRange: low === undefined ? null : { low, high: high! },
      errorCount,
      detailed: full !== undefined || !audits.has(key),
      errors: listed.flatMap((a) => a.errors.map((e) => ({ task: a.task, attempt: a.attempt, ...e }))),
      statuses: listed.flatMap((a) => a.statuses.map((x) => ({ task: a.task, ...x }))),
      extracts: listed.flatMap((a) => a.extracts.map((x) => ({ task: a.task, ...x }))),
    });
  }
  runs.sort(newestFirst);
  return { runs, sources: mergeDatasets(scan.sources), targets: mergeDatasets(scan.targets), maxConsecutiveFailures: runs.length === 0 ? null : (scan.runs.find((r) => r.dagId === runs[0]!.dagId && r.runId === runs[0]!.runId)?.maxConsecutiveFailures ?? null) };
}

/** Which UTC days successful runs have data for, merged into ranges, and the days missing between them. */
export function coverageOf(runs: readonly AuditRun[]): AuditReport["coverage"] {
  const spans = runs
    .filter((r) => r.status === "success" && r.dataRange !== null)
    .map((r) => [dayOf(r.dataRange!.low), dayOf(r.dataRange!.high)] as const)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of spans) {
    const last = merged.at(-1);
    if (last !== undefined && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  const gaps: AuditReport["coverage"]["gaps"] = [];
  for (let i = 1; i < merged.length; i++) {
    const from = merged[i - 1]![1] + 1;
    const to = merged[i]![0] - 1;
    gaps.push({ from: dayText(from), to: dayText(to), days: to - from + 1 });
  }
  return { ranges: merged.map(([from, to]) => ({ from: dayText(from), to: dayText(to) })), gaps };
}

/** Records by kind summed over runs. */
export function totalsOf(runs: readonly AuditRun[]): AuditReport["totals"] {
  const records = new Map<string, number>();
  for (const r of runs) for (const [kind, n] of Object.entries(r.records)) records.set(kind, (records.get(kind) ?? 0) + n);
  return {
    runs: runs.length,
    records: Object.fromEntries([...records].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    errorCount: runs.reduce((n, r) => n + r.errorCount, 0),
  };
}

function dayOf(iso: string): number {
  return Math.floor(Date.parse(iso) / DAY_MS);
}

function dayText(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
