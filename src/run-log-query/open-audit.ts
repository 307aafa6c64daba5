import path from "node:path";
import { loadConfig } from "../config/load-config.js";
import { runLogOptionsFromConfig } from "../config/run-log-from-config.js";
import { didYouMeanSuffix } from "../util/did-you-mean.js";
import { maskUrlCredentials } from "../logging/mask.js";
import { openRunLogStore, sameHostCheck } from "../run-log/open-run-log-store.js";
import { compileRunLogOptions } from "../run-log/run-log-options.js";
import type { RunLogStore } from "../run-log/run-log-store.js";
import { RunLogOptionsError, RunNotFoundError } from "../run-log/errors.js";
import { openAuditStore } from "../audit/open-audit-store.js";
import type { AuditStore } from "../audit/audit-store.js";
import { ExtractStatusSchema, NEXT_STATUSES, type Extract, type ExtractFilter, type ExtractKey, type ExtractStatus } from "../audit/extract.js";
import { ExtractStatusError } from "../audit/errors.js";
import type { HoldRecord } from "../audit/hold.js";
import { holdOf, holdRecord, holdState, whoAmI } from "../audit/on-hold.js";
import { auditReportOf, coverageOf, totalsOf, type AuditReport } from "./audit-report.js";
import { parseSince } from "./since.js";
import type { OpenRunLogOptions } from "./open-run-log.js";

/** The audit, to query from code (a vitest test) or the CLI (`wf audit`, `wf extracts`). */
export interface Audit {
  /** `file <folder>` or the masked PostgreSQL URL. */
  readonly description: string;
  /**
   * What the workflow's runs processed: runs with record counts, data ranges, errors and
   * durations; totals; the coverage of data days with the gaps named; sources and targets; the
   * hold. Every run has its counts; the newest `detailed` (default 20) also list their run
   * errors, statuses and extracts. Throws RunNotFoundError when the run log has no run of the
   * workflow.
   */
  report(workflow: string, options?: { since?: Date | string | undefined; detailed?: number | undefined }): Promise<AuditReport>;
  /** Registered extracts (`ready` ones unless `status` says otherwise). */
  extracts(filter?: ExtractFilter): Promise<Extract[]>;
  /** Register an extract from outside a run (status default `ready`); one already registered is returned as it is. */
  registerExtract(key: ExtractKey, options?: { status?: ExtractStatus }): Promise<Extract>;
  /** Move an extract to `to` from outside a run (`failed` → `ready` to load it again). Throws ExtractStatusError when its status does not allow it. */
  setExtractStatus(key: ExtractKey, to: ExtractStatus): Promise<Extract>;
  /**
   * Let a workflow on hold run again (`wf audit release`): records who and when. Throws
   * RunLogOptionsError when it is not on hold.
   */
  release(workflow: string, options?: { by?: string | undefined; reason?: string | undefined }): Promise<HoldRecord>;
  close(): Promise<void>;
}

/**
 * Open the audit: the run log's store (WF_RUN_LOG; the file store under WF_HOME by default).
 *
 * ```ts
 * const audit = await openAudit({ home });
 * const report = await audit.report("csv_to_db_daily_load");
 * expect(report.coverage.gaps).toEqual([{ from: "2026-11-29", to: "2026-11-29", days: 1 }]);
 * ```
 */
export async function openAudit(options: OpenRunLogOptions = {}): Promise<Audit> {
  const config = loadConfig(options.env ?? process.env);
  const home = path.resolve(options.home ?? config.WF_HOME);
  const compiled = compileRunLogOptions({ ...runLogOptionsFromConfig(config), ...(options.store === undefined ? {} : { store: options.store }) }, home);
  const onSkipped = options.onSkipped ?? ((file: string, line: number, why: string) => process.emitWarning(`run log: skipped ${file}${line > 0 ? `:${line}` : ""}: ${why}`, "RunLogWarning"));
  const runLog = await openRunLogStore(compiled, onSkipped);
  let audit: AuditStore;
  try {
    audit = await openAuditStore(compiled);
  } catch (error) {
    await runLog.close();
    throw error;
  }
  return new StoreAudit(runLog, audit);
}

/** Runs whose errors, statuses and extracts a report lists, newest first, unless asked otherwise. */
const DETAILED_RUNS = 20;

class StoreAudit implements Audit {
  readonly description: string;

  constructor(
    private readonly runLog: RunLogStore,
    private readonly store: AuditStore,
  ) {
    this.description = runLog.description;
  }

  async report(workflow: string, options: { since?: Date | string | undefined; detailed?: number | undefined } = {}): Promise<AuditReport> {
    const since = options.since === undefined ? undefined : parseSince(options.since, "since");
    const detailed = options.detailed ?? DETAILED_RUNS;
    if (!Number.isInteger(detailed) || detailed < 0) throw new RunLogOptionsError(`detailed ${String(options.detailed)}: expected a whole number >= 0`);
    const [scan, holds] = await Promise.all([this.runLog.auditScan({ workflow, since, detailed }), this.store.holds(workflow)]);
    const { runs, sources, targets, maxConsecutiveFailures } = auditReportOf(scan, sameHostCheck);
    if (runs.length === 0) await this.noRuns(workflow, since);
    // From the runs at hand when they reach back to the last release (or there is none);
    // otherwise (`since` cut them) from the run log.
    const lastRelease = holds.find((h) => h.action === "release");
    const complete = since === undefined || (lastRelease !== undefined && Date.parse(lastRelease.at) >= since.getTime());
    const hold =
      maxConsecutiveFailures === null
        ? undefined
        : complete
          ? holdOf(runs, maxConsecutiveFailures, holds)
          : await holdState(workflow, maxConsecutiveFailures, this.runLog, this.store, sameHostCheck);
    return {
      workflow,
      since: since?.toISOString() ?? null,
      runs,
      totals: totalsOf(runs),
      coverage: coverageOf(runs),
      sources,
      targets,
      hold: {
        maxConsecutiveFailures,
        onHold: hold?.onHold ?? false,
        failures: hold?.failures ?? [],
        refused: hold?.refused ?? 0,
        lastRelease: hold?.lastRelease ?? lastRelease ?? null,
      },
    };
  }

  extracts(filter: ExtractFilter = {}): Promise<Extract[]> {
    if (filter.status !== undefined && filter.status !== "any") checkStatus(filter.status);
    if (filter.limit !== undefined && (!Number.isInteger(filter.limit) || filter.limit < 1)) throw new RunLogOptionsError(`limit ${String(filter.limit)}: expected a whole number >= 1`);
    return this.store.findExtracts(filter.location === undefined ? filter : { ...filter, location: maskUrlCredentials(filter.location) });
  }

  async registerExtract(key: ExtractKey, options: { status?: ExtractStatus } = {}): Promise<Extract> {
    return (await this.store.registerExtract(masked(key), null, checkStatus(options.status ?? "ready"))).extract;
  }

  async setExtractStatus(key: ExtractKey, to: ExtractStatus): Promise<Extract> {
    const change = await this.store.changeExtractStatus(masked(key), checkStatus(to), null);
    if (!change.changed) {
      const from = change.extract.status;
      throw new ExtractStatusError(`extract ${key.filename} in ${key.location} is ${from}, which cannot become ${to}${NEXT_STATUSES[from].length === 0 ? " (it is final)" : ` (from ${from}: ${NEXT_STATUSES[from].join(", ")})`}`);
    }
    return change.extract;
  }

  async release(workflow: string, options: { by?: string | undefined; reason?: string | undefined } = {}): Promise<HoldRecord> {
    const report = await this.report(workflow);
    if (!report.hold.onHold) {
      throw new RunLogOptionsError(
        report.hold.maxConsecutiveFailures === null
          ? `workflow ${workflow} is not on hold: it sets no maxConsecutiveFailures; nothing to release`
          : `workflow ${workflow} is not on hold: fewer than ${report.hold.maxConsecutiveFailures} of its runs failed in a row${report.hold.lastRelease === null ? "" : ` since it was released at ${report.hold.lastRelease.at}`}; nothing to release`,
      );
    }
    const record = holdRecord(workflow, "release", options.reason ?? "", undefined, options.by ?? whoAmI());
    await this.store.addHold(record);
    return record;
  }

  async close(): Promise<void> {
    await Promise.all([this.runLog.close(), this.store.close()]);
  }

  /** No run of `workflow`: say which workflows the run log has, the nearest first. */
  private async noRuns(workflow: string, since: Date | undefined): Promise<never> {
    const names = new Set<string>();
    for await (const batch of this.runLog.scan({ since, kinds: ["run"], expect: 200 })) {
      for (const r of batch) if (r.kind === "run") names.add(r.workflow);
      if (names.size >= 50) break;
    }
    const known = [...names].sort();
    throw new RunNotFoundError(
      `no run of workflow ${JSON.stringify(workflow)}${since === undefined ? "" : ` since ${since.toISOString()}`} in the run log (${this.description})${didYouMeanSuffix(workflow, known)}${known.length === 0 ? "" : `; it has runs of ${known.slice(0, 10).join(", ")}${known.length > 10 ? ", …" : ""}`}`,
    );
  }
}

/** An extract's key as the store keeps it: URL credentials masked, as a task's are. */
function masked(key: ExtractKey): ExtractKey {
  return { location: maskUrlCredentials(key.location), filename: maskUrlCredentials(key.filename) };
}

function checkStatus(status: unknown): ExtractStatus {
  const parsed = ExtractStatusSchema.safeParse(status);
  if (!parsed.success) throw new RunLogOptionsError(`status ${JSON.stringify(status)} is not an extract status${didYouMeanSuffix(String(status), ExtractStatusSchema.options)}; use one of ${ExtractStatusSchema.options.join(", ")}`);
  return parsed.data;
}
