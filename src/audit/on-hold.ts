import { randomUUID } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { groupBy } from "../util/group-by.js";
import { isoTime } from "../logging/log-record.js";
import { runKey } from "../run-log/file-store.js";
import { projectRun, type ProcessCheck } from "../run-log/project-run.js";
import type { RunLogStore } from "../run-log/run-log-store.js";
import type { RunView } from "../run-log/run-view.js";
import type { AuditStore } from "./audit-store.js";
import type { HoldRecord } from "./hold.js";

/** A run that counted towards a hold. */
export interface HeldRun {
  dagId: string;
  runId: string;
  status: RunView["status"];
  startedAt: string;
}

/** Whether a workflow is on hold, and why. */
export interface HoldState {
  /** Its last `max` ended runs (since it was last released) all failed or crashed. */
  onHold: boolean;
  /** The runs that put it on hold, newest first (when on hold). */
  failures: HeldRun[];
  /** The last release, if any. */
  lastRelease: HoldRecord | undefined;
  /** Runs refused since it went on hold. */
  refused: number;
}

const FAILED = new Set<RunView["status"]>(["failed", "crashed"]);

/**
 * Whether `workflow` is on hold (ProcessTracker's `max_concurrent_failures`): its newest `max`
 * ended runs since its last release all failed or crashed. Runs still running count neither
 * way; `except` (the run asking, on an Airflow worker) is left out.
 */
export async function holdState(
  workflow: string,
  max: number,
  runLog: RunLogStore,
  audit: AuditStore,
  alive: ProcessCheck,
  except?: { dagId: string; runId: string },
): Promise<HoldState> {
  const holds = await audit.holds(workflow);
  const lastRelease = holds.find((h) => h.action === "release");
  const since = lastRelease === undefined ? undefined : new Date(lastRelease.at);
  const ended: HeldRun[] = [];
  const skip = except === undefined ? undefined : runKey(except);
  for await (const batch of runLog.scan({ workflow, since, kinds: ["run", "end"], expect: max })) {
    const runs: HeldRun[] = [];
    for (const [key, records] of groupBy(batch, runKey)) {
      if (key === skip) continue;
      const view = projectRun(records, alive)?.view;
      if (view === undefined || view.workflow !== workflow || view.status === "running") continue;
      if (since !== undefined && view.startedAt < lastRelease!.at) continue;
      runs.push({ dagId: view.dagId, runId: view.runId, status: view.status, startedAt: view.startedAt });
    }
    runs.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
    ended.push(...runs);
    if (ended.length >= max) break;
  }
  return holdOf(ended, max, holds);
}

/**
 * The hold, from a workflow's runs (any order) and its hold records (newest first): on hold when
 * its newest `max` ended runs since the last release all failed or crashed.
 */
export function holdOf(runs: readonly HeldRun[], max: number, holds: readonly HoldRecord[]): HoldState {
  const lastRelease = holds.find((h) => h.action === "release");
  const ended = runs
    .filter((r) => r.status !== "running" && (lastRelease === undefined || r.startedAt >= lastRelease.at))
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  const last = ended.slice(0, max).map((r) => ({ dagId: r.dagId, runId: r.runId, status: r.status, startedAt: r.startedAt }));
  const onHold = last.length === max && last.every((r) => FAILED.has(r.status));
  const newestFailure = last[0]?.startedAt ?? "";
  const refused = onHold ? holds.filter((h) => h.action === "refuse" && h.at >= newestFailure).length : 0;
  return { onHold, failures: onHold ? last : [], lastRelease, refused };
}

/** Who a record says did something: `user@host` of this process. */
export function whoAmI(): string {
  let user = process.env["USER"] ?? "unknown";
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (a container's arbitrary uid): the environment's USER, or "unknown".
  }
  return `${user}@${hostname()}`;
}

/** A new hold record of this process. */
export function holdRecord(workflow: string, action: HoldRecord["action"], reason: string, run?: { dagId: string; runId: string }, by = whoAmI()): HoldRecord {
  return { id: randomUUID(), workflow, action, at: isoTime(Date.now()), by, host: hostname(), pid: process.pid, dagId: run?.dagId ?? null, runId: run?.runId ?? null, reason };
}

/** What a refused run is told: the failures, and how to release the workflow. */
export function holdMessage(workflow: string, state: HoldState): string {
  const runs = state.failures.map((r) => `${r.runId} (${r.dagId}, ${r.status}, started ${r.startedAt})`).join(", ");
  return `workflow ${workflow} is on hold: its last ${state.failures.length} run${state.failures.length === 1 ? "" : "s"} failed in a row (maxConsecutiveFailures): ${runs}; nothing ran. Find out why (wf audit ${workflow}, wf runs show <run id>), then let it run again: wf audit release ${workflow}`;
}
