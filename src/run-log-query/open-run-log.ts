import { rmSync } from "node:fs";
import path from "node:path";
import { groupBy } from "../util/group-by.js";
import { didYouMeanSuffix } from "../util/did-you-mean.js";
import { loadConfig } from "../config/load-config.js";
import { runLogOptionsFromConfig } from "../config/run-log-from-config.js";
import { RunIdSchema } from "../run/run-id.js";
import { runKey, type SkippedLine } from "../run-log/file-store.js";
import { openRunLogStore, sameHostCheck } from "../run-log/open-run-log-store.js";
import { compileRunLogOptions, type CompiledRunLogOptions } from "../run-log/run-log-options.js";
import type { RunLogStore } from "../run-log/run-log-store.js";
import { TaskActionSchema, type ActionRecord, type RunLogRecord, type TaskAction } from "../run-log/run-log-record.js";
import { projectRun, summaryOf } from "../run-log/project-run.js";
import { RunStateSchema, type RunState, type RunSummary, type RunView } from "../run-log/run-view.js";
import { parseSince } from "./since.js";
import { RunLogOptionsError, RunNotFoundError } from "../run-log/errors.js";

/** Which runs `runs()` lists (every filter optional; all given must hold). */
export interface RunFilter {
  workflow?: string | undefined;
  dagId?: string | undefined;
  status?: RunState | undefined;
  /** Runs started at or after: a Date, a date (`2026-12-01`) or an age (`7d`, `12h`). */
  since?: Date | string | undefined;
  tag?: string | undefined;
  /** At most this many, newest first. Default 20. */
  limit?: number | undefined;
}

/** Which actions `actions()` lists. */
export interface ActionFilter {
  task?: string | undefined;
  action?: TaskAction | undefined;
  dagId?: string | undefined;
  runId?: string | undefined;
  since?: Date | string | undefined;
  /** At most this many, newest first. Default all. */
  limit?: number | undefined;
}

/** Where `openRunLog` reads. */
export interface OpenRunLogOptions {
  /** WF_HOME (the file store and the run folders); default from `env`. */
  home?: string | undefined;
  /** `file` or a PostgreSQL URL; default WF_RUN_LOG. */
  store?: string | undefined;
  /** Where WF_* defaults come from; default process.env. */
  env?: NodeJS.ProcessEnv | undefined;
  /** Told of every record line that was skipped (truncated, not JSON); default a process warning. */
  onSkipped?: SkippedLine | undefined;
}

/** The run log, to query from code (a vitest test) or the CLI (`wf runs`). */
export interface RunLog {
  /** `file <folder>` or the masked PostgreSQL URL. */
  readonly description: string;
  /** Runs, newest first. */
  runs(filter?: RunFilter): Promise<RunSummary[]>;
  /** One run with its tasks and attempts. Throws RunNotFoundError, or RunLogOptionsError when runs of several DAGs have this id and `dagId` is not given. */
  run(runId: string, options?: { dagId?: string | undefined }): Promise<RunView>;
  /** Task actions (Rocketry's `filter_by`), newest first. */
  actions(filter?: ActionFilter): Promise<ActionRecord[]>;
  /** Remove the records and run folders of runs older than `olderThan` (`30d`, a date). */
  prune(olderThan: Date | string): Promise<{ runs: number; folders: number }>;
  close(): Promise<void>;
}

/**
 * Open the run log for queries: the store WF_RUN_LOG names (the file store under WF_HOME by
 * default). A run or attempt still `running` whose process on this host is gone is shown
 * `crashed`, and recorded so.
 *
 * ```ts
 * const log = await openRunLog({ home });
 * const [last] = await log.runs({ workflow: "etl", limit: 1 });
 * expect(last.status).toBe("success");
 * ```
 */
export async function openRunLog(options: OpenRunLogOptions = {}): Promise<RunLog> {
  const config = loadConfig(options.env ?? process.env);
  const home = path.resolve(options.home ?? config.WF_HOME);
  const compiled = compileRunLogOptions({ ...runLogOptionsFromConfig(config), ...(options.store === undefined ? {} : { store: options.store }) }, home);
  const onSkipped: SkippedLine =
    options.onSkipped ?? ((file, line, why) => process.emitWarning(`run log: skipped ${file}${line > 0 ? `:${line}` : ""}: ${why}`, "RunLogWarning"));
  return new StoreRunLog(await openRunLogStore(compiled, onSkipped), compiled);
}


class StoreRunLog implements RunLog {
  readonly description: string;
  /** Crash records being appended: awaited by `close()`. */
  private readonly appending: Promise<void>[] = [];

  constructor(
    private readonly store: RunLogStore,
    private readonly options: CompiledRunLogOptions,
  ) {
    this.description = store.description;
  }

  async runs(filter: RunFilter = {}): Promise<RunSummary[]> {
    const limit = filter.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1) throw new RunLogOptionsError(`limit ${String(filter.limit)}: expected a whole number >= 1`);
    if (filter.status !== undefined && !RunStateSchema.safeParse(filter.status).success) {
      throw new RunLogOptionsError(`status ${JSON.stringify(filter.status)} is not a run status${didYouMeanSuffix(filter.status, RunStateSchema.options)}; use one of ${RunStateSchema.options.join(", ")}`);
    }
    const since = filter.since === undefined ? undefined : parseSince(filter.since, "since");
    const found: RunSummary[] = [];
    for await (const batch of this.store.scan({ since, dagId: filter.dagId, expect: limit })) {
      // Folded newest first, and only until enough are found: a day of the file store may hold
      // thousands of runs, and `--limit 20` wants 20. A run starts at its first header.
      const runs = [...groupByRun(batch).values()].map((records) => ({ records, startedAt: firstHeaderAt(records) }));
      runs.sort(newestFirst);
      for (const { records, startedAt } of runs) {
        if (startedAt === undefined) continue; // no header: pruned, or older than `since`
        if (since !== undefined && Date.parse(startedAt) < since.getTime()) continue;
        const view = this.projectRun(records);
        if (view === undefined) continue;
        if (filter.workflow !== undefined && view.workflow !== filter.workflow) continue;
        if (filter.status !== undefined && view.status !== filter.status) continue;
        if (filter.tag !== undefined && !view.tags.includes(filter.tag)) continue;
        found.push(summaryOf(view));
        if (found.length >= limit) break;
      }
      // Batches come newest runs first: once enough are found, older batches cannot come before them.
      if (found.length >= limit) break;
    }
    return found.sort(newestFirst).slice(0, limit);
  }

  async run(runId: string, options: { dagId?: string | undefined } = {}): Promise<RunView> {
    const views: RunView[] = [];
    for await (const batch of this.store.scan({ runId, dagId: options.dagId })) views.push(...this.project(batch));
    if (views.length === 0) {
      throw new RunNotFoundError(`no run ${JSON.stringify(runId)}${options.dagId === undefined ? "" : ` of ${options.dagId}`} in the run log (${this.description}); \`wf runs list\` shows the recorded runs`);
    }
    if (views.length > 1) {
      throw new RunLogOptionsError(`runs of ${views.length} DAGs have the id ${JSON.stringify(runId)} (${views.map((v) => v.dagId).join(", ")}): give the DAG with --dag-id`);
    }
    return views[0]!;
  }

  async actions(filter: ActionFilter = {}): Promise<ActionRecord[]> {
    if (filter.action !== undefined && !TaskActionSchema.safeParse(filter.action).success) {
      throw new RunLogOptionsError(`action ${JSON.stringify(filter.action)} is not a task action${didYouMeanSuffix(filter.action, TaskActionSchema.options)}; use one of ${TaskActionSchema.options.join(", ")}`);
    }
    const since = filter.since === undefined ? undefined : parseSince(filter.since, "since");
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    const found: ActionRecord[] = [];
    const seen = new Set<string>();
    for await (const batch of this.store.scan({ since, dagId: filter.dagId, runId: filter.runId })) {
      // Crashes found now are actions too.
      const detected = this.project(batch, true);
      for (const record of [...batch, ...detected]) {
        if (record.kind !== "action" || seen.has(record.id)) continue;
        seen.add(record.id);
        if (filter.task !== undefined && record.task !== filter.task) continue;
        if (filter.action !== undefined && record.action !== filter.action) continue;
        if (since !== undefined && Date.parse(record.at) < since.getTime()) continue;
        found.push(record);
      }
    }
    // Read oldest first within a run; reversed, the stable sort keeps records of the same
    // millisecond newest first too.
    return found.reverse().sort(newestFirst).slice(0, limit);
  }

  async prune(olderThan: Date | string): Promise<{ runs: number; folders: number }> {
    const before = parseSince(olderThan, "older than");
    const { runs, keys } = await this.store.prune(before);
    let folders = 0;
    const root = path.join(this.options.home, "runs");
    for (const { dagId, runId } of keys) {
      // Names from records: only ones that are safe as folder names are turned into paths.
      if (!RunIdSchema.safeParse(runId).success || !RunIdSchema.safeParse(dagId).success) continue;
      const dir = path.join(root, dagId, runId);
      try {
        rmSync(dir, { recursive: true });
        folders++;
      } catch {
        // already gone, or never on this host
      }
    }
    return { runs, folders };
  }

  async close(): Promise<void> {
    await Promise.all(this.appending);
    await this.store.close();
  }

  /** The runs of a batch, each folded; crashes found are recorded (once: their ids are fixed). */
  private project(batch: readonly RunLogRecord[]): RunView[];
  private project(batch: readonly RunLogRecord[], detectedOnly: true): RunLogRecord[];
  private project(batch: readonly RunLogRecord[], detectedOnly = false): RunView[] | RunLogRecord[] {
    const views: RunView[] = [];
    const detected: RunLogRecord[] = [];
    for (const records of groupByRun(batch).values()) {
      const projected = projectRun(records, sameHostCheck);
      if (projected === undefined) continue;
      views.push(projected.view);
      detected.push(...projected.detected);
    }
    this.record(detected);
    return detectedOnly ? detected : views;
  }

  /** One run's records folded; crashes found are recorded. */
  private projectRun(records: readonly RunLogRecord[]): RunView | undefined {
    const projected = projectRun(records, sameHostCheck);
    if (projected !== undefined) this.record(projected.detected);
    return projected?.view;
  }

  /** Crashes found, recorded so that they stay known after the pid is reused; a failure here changes nothing in what is shown. */
  private record(detected: readonly RunLogRecord[]): void {
    if (detected.length > 0) this.appending.push(this.store.append(detected).catch(() => {}));
  }
}

/** A batch's records by run. */
function groupByRun(batch: readonly RunLogRecord[]): Map<string, RunLogRecord[]> {
  return groupBy(batch, runKey);
}

/** When a run started: its earliest `run` record (what {@link projectRun} calls `startedAt`). */
function firstHeaderAt(records: readonly RunLogRecord[]): string | undefined {
  let first: string | undefined;
  for (const r of records) if (r.kind === "run" && (first === undefined || r.at < first)) first = r.at;
  return first;
}

function newestFirst(a: { startedAt?: string; at?: string }, b: { startedAt?: string; at?: string }): number {
  const x = a.startedAt ?? a.at ?? "";
  const y = b.startedAt ?? b.at ?? "";
  return x < y ? 1 : x > y ? -1 : 0;
}
