import * as z from "zod";
import path from "node:path";
import type { Workflow } from "../workflow/workflow.js";
import { downstreamsOf } from "../graph/graph.js";
import { groupBy } from "../util/group-by.js";
import { didYouMeanSuffix } from "../util/did-you-mean.js";
import { optionProblems } from "../util/option-problems.js";
import { MASKED } from "../logging/mask.js";
import { errorMessage } from "../errors/wfkit-error.js";
import type { CatalogStore, StoredEntry } from "../catalog/catalog-store.js";
import { CATALOG_DIR, FileCatalogStore } from "../catalog/file-catalog-store.js";
import { CatalogNameSchema } from "../catalog/catalog-name.js";
import type { CompiledRunLogOptions } from "../run-log/run-log-options.js";
import { openRunLogStore, sameHostCheck } from "../run-log/open-run-log-store.js";
import { runKey } from "../run-log/file-store.js";
import { projectRun } from "../run-log/project-run.js";
import type { CatalogView, RunView, TaskView } from "../run-log/run-view.js";
import type { RunLogRecord } from "../run-log/run-log-record.js";
import { runDirPath } from "./run-dir.js";
import { RerunNotPossibleError, RerunOptionsError, RerunParamsError, RerunRefusedError } from "./errors.js";
import { pure } from "../util/pure.js";

/** What to re-run (`wf run --rerun`, `runLocal({ rerun })`, a notebook's set-up cell). */
export const RerunRequestSchema = /* @__PURE__ */ pure(() => z.strictObject({
  runId: z.string().min(1).describe("The run to re-run: its failed part runs again, what succeeded is reused"),
  dagId: z.string().min(1).optional().describe("The original run's DAG (run ids are unique per DAG only); default the workflow's own"),
  force: z.boolean().optional().describe("Re-run although the workflow's dag hash differs from the original run's (tasks are matched by name)"),
  from: z.array(z.string().min(1)).optional().describe("Run these tasks again, and everything downstream of them, even where they succeeded"),
}));
/** What to re-run, as a caller writes it. */
export type RerunRequest = z.input<typeof RerunRequestSchema>;

/** A task a re-run does not run: its outcome and catalog entries come from the original run. */
export interface ReusedTask {
  /** How it ended there. */
  status: "success" | "skipped";
  /** The attempt whose outcome is reused. */
  attempt: number;
  /** Its catalog entries: in the original run's catalog, each found whole, when planned; in the new run's once carried (`carryReused`). */
  entries: StoredEntry[];
}

/** What a re-run reuses and what it runs again, decided once when the run opens. */
export interface RerunPlan {
  readonly originalRunId: string;
  /** Tasks not run again, by name. */
  readonly reuse: ReadonlyMap<string, ReusedTask>;
  /** Tasks that succeeded in the original run but run again, with why (a catalog entry of theirs is missing). */
  readonly rerunReasons: ReadonlyMap<string, string>;
  /** The original run's catalog. */
  readonly originalCatalog: CatalogStore;
}

/** The original run, read from the run log, and the params the re-run starts with. */
export interface RerunSource {
  original: RunView;
  params: Record<string, unknown>;
  /** The tasks `from` names and everything downstream of them: run again whatever they did. */
  forced: ReadonlySet<string>;
}

/**
 * Read the run to re-run from the run log and check that it can be: it exists (one DAG's), it
 * has ended, it was made by this workflow's tasks and edges (its dag hash; `force` skips that
 * check), and every param it had is known again: params come from the original run, except
 * those given now, and a secret param (masked in the run log) must be given again. Throws
 * RerunOptionsError, RerunNotPossibleError, RerunRefusedError, RerunParamsError or a run-log
 * error.
 */
export async function readRerunSource(workflow: Workflow, rawRequest: RerunRequest, runLog: CompiledRunLogOptions, given: Record<string, unknown>): Promise<RerunSource> {
  const parsed = RerunRequestSchema.safeParse(rawRequest);
  if (!parsed.success) throw new RerunOptionsError(`invalid re-run request: ${optionProblems(parsed.error, Object.keys(RerunRequestSchema.shape)).join("; ")}`);
  const request = parsed.data;
  // Checked before the run log is read: a typo is the cheaper mistake to report.
  const forced = downstreamClosure(workflow, request.from ?? []);
  const dagId = request.dagId ?? workflow.dagId;
  const store = await openRunLogStore(runLog);
  const records: RunLogRecord[] = [];
  try {
    for await (const batch of store.scan({ runId: request.runId, dagId })) records.push(...batch);
  } finally {
    await store.close();
  }
  const runs = [...groupBy(records, runKey).values()].map((r) => projectRun(r, sameHostCheck)?.view).filter((v): v is RunView => v !== undefined);
  const original = runs[0];
  if (original === undefined) {
    throw new RerunNotPossibleError(
      `no run ${JSON.stringify(request.runId)} of ${dagId} in the run log (${store.description}) to re-run; \`wf runs list --dag-id ${dagId}\` shows its runs${request.dagId === undefined ? " (give --dag-id when the run was of another DAG)" : ""}`,
    );
  }
  if (original.status === "running") {
    throw new RerunNotPossibleError(`run ${original.runId} of ${original.dagId} is still running (hosts ${original.hosts.join(", ")}): re-run it once it has ended`);
  }
  if (original.dagHash !== workflow.dagHash() && request.force !== true) {
    throw new RerunRefusedError(
      `run ${original.runId} was made by dag hash ${original.dagHash}, and ${workflow.dagId} now has dag hash ${workflow.dagHash()}: its tasks or edges changed since, so what the run left may not fit them. Re-run with --force (rerun.force) to reuse what succeeded by task name anyway, or start a new run`,
    );
  }
  const masked = Object.keys(original.params).filter((key) => !(key in given) && JSON.stringify(original.params[key]).includes(MASKED));
  if (masked.length > 0) {
    const list = masked.map((k) => JSON.stringify(k)).join(", ");
    throw new RerunParamsError(
      `run ${original.runId}'s param${masked.length === 1 ? "" : "s"} ${list} ${masked.length === 1 ? "is a secret and was" : "are secrets and were"} recorded masked: give ${masked.length === 1 ? "it" : "them"} again (${masked.map((k) => `--param ${k}=…`).join(" ")}; in code, params)`,
    );
  }
  return { original, params: { ...original.params, ...given }, forced };
}

/**
 * Decide what a re-run reuses: every task whose last attempt in the original run succeeded (or
 * skipped itself), unless it is at or below a `from` task, or one of the catalog entries it put
 * is gone from the original run's catalog (then it runs again, and the plan says why: never a
 * wrong result from a missing input). The rest run again. One pass over the tasks and their
 * entries (never a search per task: a 10,000-task chain is planned in about 150 ms, most of it
 * reading its entries' metadata).
 */
export async function planRerun(workflow: Workflow, source: RerunSource, home: string): Promise<RerunPlan> {
  const { original } = source;
  const originalCatalog = new FileCatalogStore(path.join(runDirPath(home, original.dagId, original.runId), CATALOG_DIR));
  const forced = source.forced;
  const byName = new Map(original.tasks.map((t) => [t.task, t]));
  const reuse = new Map<string, ReusedTask>();
  const rerunReasons = new Map<string, string>();
  for (const node of workflow.topologicalOrder()) {
    const view = byName.get(node.name);
    if (view === undefined || forced.has(node.name)) continue;
    const outcome = reusableOutcome(view);
    if (outcome === undefined) continue;
    const entries: StoredEntry[] = [];
    let missing: string | undefined;
    for (const record of latestPuts(view.catalog)) {
      const found = await findWhole(originalCatalog, record);
      if (typeof found === "string") {
        missing = found;
        break;
      }
      entries.push(found);
    }
    if (missing !== undefined) rerunReasons.set(node.name, missing);
    else reuse.set(node.name, { ...outcome, entries });
  }
  return { originalRunId: original.runId, reuse, rerunReasons, originalCatalog };
}

/** How a task of the original run ended, when a re-run may reuse it. */
function reusableOutcome(view: TaskView): Omit<ReusedTask, "entries"> | undefined {
  if (view.status === "reused" && view.reused !== undefined) return { status: view.reused.status, attempt: view.reused.attempt };
  const last = view.attempts.at(-1);
  if (last === undefined) return undefined; // skipped because an upstream was: the scheduler decides again
  if (view.status === "success" && last.status === "success") return { status: "success", attempt: last.attempt };
  if (view.status === "skipped" && last.status === "skipped") return { status: "skipped", attempt: last.attempt };
  return undefined;
}

/** The last `put` (or `carry`) of each name a task stored. */
function latestPuts(catalog: readonly CatalogView[]): CatalogView[] {
  const last = new Map<string, CatalogView>();
  for (const record of catalog) if (record.stage !== "get") last.set(record.name, record);
  return [...last.values()];
}

/**
 * Carry the entries of every task the plan reuses into the new run's catalog, all at once (a
 * reused task's downstream tasks `get` them). A task whose entry could not be carried after all
 * (deleted since it was planned) runs again instead, and the plan says why.
 */
export async function carryReused(plan: RerunPlan, catalog: CatalogStore): Promise<RerunPlan> {
  const owner = new Map<string, string>();
  const entries: StoredEntry[] = [];
  for (const [task, reused] of plan.reuse) {
    for (const entry of reused.entries) {
      owner.set(entry.name, task);
      entries.push(entry);
    }
  }
  const { carried, failed } = await catalog.carry(entries, plan.originalCatalog);
  const byName = new Map(carried.map((e) => [e.name, e]));
  const reuse = new Map<string, ReusedTask>();
  const rerunReasons = new Map(plan.rerunReasons);
  for (const { name, error } of failed) rerunReasons.set(owner.get(name)!, `its catalog entry ${JSON.stringify(name)} could not be taken from the original run's catalog: ${errorMessage(error)}`);
  for (const [task, reused] of plan.reuse) {
    if (!rerunReasons.has(task)) reuse.set(task, { ...reused, entries: reused.entries.map((e) => byName.get(e.name)!) });
  }
  return { ...plan, reuse, rerunReasons };
}

/** The entry as the record says it was stored, or why it cannot be reused. */
async function findWhole(catalog: CatalogStore, record: CatalogView): Promise<StoredEntry | string> {
  // A name from a record becomes a path: only a name a put could have taken is looked up.
  if (!CatalogNameSchema.safeParse(record.name).success) return `its catalog record names ${JSON.stringify(record.name)}, which is no catalog name`;
  const gone = `its catalog entry ${JSON.stringify(record.name)} is missing from the original run's catalog (${catalog.description})`;
  let entry: StoredEntry | undefined;
  try {
    entry = await catalog.find(record.name);
  } catch (error) {
    return `${gone}: ${errorMessage(error)}`;
  }
  if (entry === undefined || !(await catalog.intact(entry))) return gone;
  if (entry.sha256 !== record.sha256) return `its catalog entry ${JSON.stringify(record.name)} in the original run's catalog is not what the task put (sha256 ${entry.sha256.slice(0, 12)}, recorded ${record.sha256.slice(0, 12)})`;
  return entry;
}

/** The `from` tasks and every task downstream of them. */
function downstreamClosure(workflow: Workflow, from: readonly string[]): Set<string> {
  const graph = workflow.graph();
  const names = graph.map((n) => n.name);
  const index = new Map(names.map((n, i) => [n, i]));
  const down = downstreamsOf(graph);
  const seen = new Set<number>();
  const unknown = from.filter((name) => !index.has(name));
  if (unknown.length > 0) {
    throw new RerunOptionsError(
      unknown.map((name) => `--from ${JSON.stringify(name)}: ${workflow.dagId} has no such task${didYouMeanSuffix(name, names)}`).join("; ") + `; its tasks are ${names.join(", ")}`,
    );
  }
  const work = from.map((name) => index.get(name)!);
  while (work.length > 0) {
    const i = work.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    work.push(...down[i]!);
  }
  return new Set([...seen].map((i) => names[i]!));
}
