import { describe, expect, it } from "vitest";
import { projectRun, summaryOf } from "../../../src/run-log/project-run.js";
import type { ActionRecord, RunLogRecord, RunRecord } from "../../../src/run-log/run-log-record.js";
import { RunViewSchema } from "../../../src/run-log/run-view.js";

const code = { package: null, wfkit: "0.1.0", node: "v20", git: null };
let n = 0;
const at = (s: number) => new Date(Date.UTC(2026, 11, 3, 10, 0, s)).toISOString();

function header(scope: "run" | "task", s = 0, pid = 100): RunRecord {
  return {
    v: 1,
    kind: "run",
    id: `h${n++}`,
    dagId: "etl_1",
    runId: "r1",
    at: at(s),
    host: "h",
    pid,
    workflow: "etl",
    version: "1",
    dagHash: "abc",
    engine: scope === "run" ? "local" : "airflow",
    scope,
    params: {},
    tags: [],
    originalRunId: null,
    code,
    tasks: [
      { task: "A", upstreams: [], retries: 1 },
      { task: "B", upstreams: ["A"], retries: 0 },
    ],
  };
}
function act(task: string, attempt: number, action: ActionRecord["action"], s: number, extra: Partial<ActionRecord> = {}): ActionRecord {
  return { v: 1, kind: "action", id: `a${n++}`, dagId: "etl_1", runId: "r1", at: at(s), host: "h", pid: 100, task, attempt, action, ...extra };
}
const alive = () => true;
const dead = () => false;
const error = { name: "Error", message: "boom", resolvableBy: "user" as const };

describe("projectRun", () => {
  it("folds a whole run: attempts, retries, the end record's status", () => {
    const records: RunLogRecord[] = [
      header("run"),
      act("A", 1, "run", 1),
      act("A", 1, "fail", 2, { durationMs: 1000, error }),
      act("A", 1, "retry", 2, { error }),
      act("A", 2, "run", 3),
      act("A", 2, "success", 4, { durationMs: 1000, metrics: { rows: 3 } }),
      act("B", 1, "run", 4),
      act("B", 1, "inaction", 5, { durationMs: 5, reason: "nothing new" }),
      { v: 1, kind: "end", id: "e", dagId: "etl_1", runId: "r1", at: at(6), host: "h", pid: 100, status: "success", durationMs: 6000 },
    ];
    const { view, detected } = projectRun(records.reverse(), alive)!;
    expect(RunViewSchema.parse(view)).toEqual(view);
    expect(view.status).toBe("success");
    expect(view.durationMs).toBe(6000);
    expect(view.tasks.map((t) => [t.task, t.status, t.attempts.map((a) => a.status)])).toEqual([
      ["A", "success", ["failed", "success"]],
      ["B", "skipped", ["skipped"]],
    ]);
    expect(view.tasks[0]!.attempts[0]).toMatchObject({ retried: true, error, durationMs: 1000 });
    expect(view.tasks[0]!.metrics).toEqual({ rows: 3 });
    expect(view.tasks[1]!.skipReason).toBe("nothing new");
    expect(detected).toEqual([]);
    expect(summaryOf(view).tasks).toEqual({ success: 1, skipped: 1 });
  });

  it("folds a re-run: a reused task has no attempt of its own and names the run it came from", () => {
    const records: RunLogRecord[] = [
      { ...header("run"), originalRunId: "r0" },
      act("A", 2, "reuse", 1, { originalRunId: "r0", originalStatus: "success" }),
      act("B", 1, "run", 2),
      act("B", 1, "success", 3, { durationMs: 1000 }),
    ];
    const { view } = projectRun(records, alive)!;
    expect(RunViewSchema.parse(view)).toEqual(view);
    expect(view.originalRunId).toBe("r0");
    expect(view.tasks.map((t) => [t.task, t.status, t.attempts.length])).toEqual([
      ["A", "reused", 0],
      ["B", "success", 1],
    ]);
    expect(view.tasks[0]!.reused).toEqual({ runId: "r0", status: "success", attempt: 2 });
    expect(summaryOf(view).tasks).toEqual({ reused: 1, success: 1 });
    // An Airflow-like run folded from its tasks: reused counts as done and good.
    const derived = projectRun([{ ...header("task"), originalRunId: "r0" }, ...records.slice(1)], alive)!.view;
    expect(derived.status).toBe("success");
  });

  it("counts a record once however often it was stored", () => {
    const a = act("A", 1, "run", 1);
    const { view } = projectRun([header("run"), a, a, { ...a }], alive)!;
    expect(view.tasks[0]!.attempts).toHaveLength(1);
  });

  it("derives an Airflow run's status from its tasks: running while tries or tasks remain", () => {
    const start = [header("task", 0, 1), act("A", 1, "run", 1), act("A", 1, "fail", 2, { error })];
    // A has 1 retry: Airflow tries again.
    expect(projectRun(start, alive)!.view.status).toBe("running");
    expect(projectRun(start, alive)!.view.tasks[0]!.status).toBe("up_for_retry");
    const failed = [...start, act("A", 2, "run", 3), act("A", 2, "fail", 4, { error })];
    const view = projectRun(failed, alive)!.view;
    expect(view.tasks.map((t) => t.status)).toEqual(["failed", "upstream_failed"]);
    expect(view.status).toBe("failed");
    expect(view.endedAt).toBe(at(4));
    const ok = [header("task", 0, 1), act("A", 1, "run", 1), act("A", 1, "success", 2), header("task", 2, 2), act("B", 1, "run", 3), act("B", 1, "success", 4)];
    expect(projectRun(ok, alive)!.view.status).toBe("success");
  });

  it("takes a fail record's willRetry over the tries left: a failure the engine said is final ends the task failed", () => {
    // A has 1 retry, but its first try's failure was final (an Airflow engine that fails it fast).
    const final = [header("task", 0, 1), act("A", 1, "run", 1), act("A", 1, "fail", 2, { error, willRetry: false, maxAttempts: 2 })];
    const view = projectRun(final, alive)!.view;
    expect(RunViewSchema.parse(view)).toEqual(view);
    expect(view.tasks.map((t) => t.status)).toEqual(["failed", "upstream_failed"]);
    expect(view.status).toBe("failed");
    // One that says another try follows is up for retry, with or without its retry record.
    const again = [header("task", 0, 1), act("A", 1, "run", 1), act("A", 1, "fail", 2, { error, willRetry: true, maxAttempts: 2 })];
    expect(projectRun(again, alive)!.view.tasks[0]!.status).toBe("up_for_retry");
    // In a whole run too, read before its retry record is written: what the fail record says wins.
    const whole = [header("run"), act("A", 1, "run", 1), act("A", 1, "fail", 2, { error, willRetry: true, maxAttempts: 2 })];
    expect(projectRun(whole, alive)!.view.tasks[0]!.status).toBe("up_for_retry");
  });

  it("shows and records a crash when the process of a running attempt is gone", () => {
    const records = [header("run"), act("A", 1, "run", 1)];
    expect(projectRun(records, alive)!.view.status).toBe("running");
    const { view, detected } = projectRun(records, dead)!;
    expect(view.status).toBe("crashed");
    expect(view.tasks[0]!.attempts[0]!.status).toBe("crashed");
    expect(detected.map((r) => (r.kind === "action" ? r.action : r.status))).toEqual(["crash", "crashed"]);
    // Recorded, the crash reads the same, and the ids are fixed: recording it twice is once.
    const again = projectRun([...records, ...detected, ...detected], alive)!;
    expect(again.view.status).toBe("crashed");
    expect(again.detected).toEqual([]);
  });

  it("takes a supervisor's crash action as the attempt's end", () => {
    const records = [header("task"), act("A", 1, "run", 1), act("A", 1, "crash", 2, { exitCode: null, signal: "SIGKILL" })];
    const { view } = projectRun(records, alive)!;
    expect(view.tasks[0]!.attempts[0]).toMatchObject({ status: "crashed", signal: "SIGKILL" });
    expect(view.tasks[0]!.status).toBe("up_for_retry");
  });

  it("has no run without a run record", () => {
    expect(projectRun([act("A", 1, "run", 1)], alive)).toBeUndefined();
  });
});
