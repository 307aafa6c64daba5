// `wf runs list/show/actions/prune` through the built CLI, over runs that `wf run` and
// `wf run-task` recorded in the file run log: --json validated against the schemas, filters,
// a `wf run` killed with SIGKILL shown and recorded as crashed, two DAGs that share an Airflow
// run id kept apart, and bad input refused with exit 2.
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { RunLogRecordSchema, RunSummarySchema, RunViewSchema, type RunSummary } from "wfkit";
import { startWf, wf } from "../support/wf-cli.js";
import { FileRunLogStore } from "../../src/run-log/file-store.js";
import { runRecord } from "../fixtures/run-log/records.js";

const home = mkdtempSync(path.join(tmpdir(), "wfkit-runs-cli-"));
const env = { WF_HOME: home, WF_RETRY_DELAY_SECONDS: "0", WF_PROGRESS: "off" };
const runs = (...args: string[]) => wf(["runs", ...args], env);
const list = async (...args: string[]): Promise<RunSummary[]> => {
  const out = await runs("list", "--json", ...args);
  expect(out.code, out.stderr).toBe(0);
  return z.array(RunSummarySchema).parse(JSON.parse(out.stdout));
};

describe("wf runs", () => {
  beforeAll(async () => {
    expect((await wf(["run", "examples/etl.ts", "--run-id", "etl-1", "--tag", "nightly"], env)).code).toBe(0);
    expect((await wf(["run", "examples/flaky.ts", "--run-id", "flaky-1", "--tag", "nightly", "--tag", "team-a"], env)).code).toBe(1);
    expect((await wf(["run", "examples/etl.ts", "--run-id", "etl-2"], env)).code).toBe(0);
  });

  it("list: newest first, with status, engine, task counts and tags; filters by status, tag, workflow and limit", async () => {
    const all = await list();
    expect(all.map((r) => [r.runId, r.status, r.engine])).toEqual([
      ["etl-2", "success", "local"],
      ["flaky-1", "failed", "local"],
      ["etl-1", "success", "local"],
    ]);
    expect(all[1]!.tasks).toEqual({ success: 3, failed: 1, upstream_failed: 2 });
    expect(all[1]!.tags).toEqual(["nightly", "team-a"]);
    expect(all[2]!.code.wfkit).toMatch(/^\d+\.\d+\.\d+/);
    expect((await list("--status", "failed")).map((r) => r.runId)).toEqual(["flaky-1"]);
    expect((await list("--tag", "nightly")).map((r) => r.runId)).toEqual(["flaky-1", "etl-1"]);
    expect((await list("--workflow", all[0]!.workflow, "--limit", "1")).map((r) => r.runId)).toEqual(["etl-2"]);
    expect(await list("--since", "2000-01-01", "--dag-id", "no_such_dag")).toEqual([]);
    const text = await runs("list");
    expect(text.stdout.split("\n")[0]).toMatch(/^STARTED \(UTC\) +DAG ID +RUN ID +ENGINE +STATUS +DURATION +TASKS +TAGS$/);
    expect(text.stdout).toMatch(/flaky-1 +local +failed +\S+( ms| s) +3 success, 1 failed, 2 upstream_failed +nightly,team-a/);
  });

  it("show: every task with its attempts, errors and a timeline bar; --json is a RunView", async () => {
    const out = await runs("show", "flaky-1", "--json");
    expect(out.code, out.stderr).toBe(0);
    const run = RunViewSchema.parse(JSON.parse(out.stdout));
    const flaky = run.tasks.find((t) => t.task === "Flaky")!;
    expect(flaky.status).toBe("success");
    expect(flaky.attempts.map((a) => [a.attempt, a.status, a.retried])).toEqual([
      [1, "failed", true],
      [2, "success", false],
    ]);
    expect(flaky.attempts[0]!.error).toMatchObject({ name: expect.any(String), resolvableBy: expect.any(String) });
    const text = await runs("show", "flaky-1");
    expect(text.stdout).toMatch(/^\w+.* run flaky-1 {2}failed\n/);
    expect(text.stdout).toMatch(/ Flaky +success +\|[ █▓░]{40}\| +#1 failed /);
    expect(text.stdout).toMatch(/\n +#2 success /);
    expect(text.stdout).toMatch(/ Publish +upstream_failed +\| {40}\| +-/);
    expect(text.stdout).toContain("timeline:");
  });

  it("actions: Rocketry's filter_by, newest first; --json records match the record schema", async () => {
    const out = await runs("actions", "--action", "fail", "--json");
    expect(out.code, out.stderr).toBe(0);
    const actions = z.array(RunLogRecordSchema).parse(JSON.parse(out.stdout));
    expect(actions.map((a) => (a.kind === "action" ? `${a.runId}/${a.task}#${a.attempt}` : a.kind)).sort()).toEqual(["flaky-1/AlwaysFails#1", "flaky-1/Flaky#1"]);
    const flaky = z.array(RunLogRecordSchema).parse(JSON.parse((await runs("actions", "--task", "Flaky", "--json")).stdout));
    expect(flaky.map((a) => (a.kind === "action" ? a.action : "")).reverse()).toEqual(["run", "fail", "retry", "run", "success"]);
    expect((await runs("actions", "--task", "Flaky")).stdout).toMatch(/Flaky +2 +success /);
  });

  it("a wf run killed with SIGKILL is shown as crashed, and the crash is recorded", async () => {
    const run = startWf(["run", "test/fixtures/workflows/slow.ts", "--run-id", "killed-1"], env);
    // Wait until the task runs (its `run` action is written by the end of that turn).
    for (let i = 0; i < 200 && !(await list()).some((r) => r.runId === "killed-1" && r.tasks.running === 1); i++) await sleep(50);
    run.child.kill("SIGKILL");
    await run.done;
    const [killed] = await list("--dag-id", "slow_dev");
    expect(killed).toMatchObject({ runId: "killed-1", status: "crashed", tasks: { crashed: 1, upstream_failed: 1 } });
    const crash = z.array(RunLogRecordSchema).parse(JSON.parse((await runs("actions", "--action", "crash", "--run-id", "killed-1", "--json")).stdout));
    expect(crash).toHaveLength(1);
    expect(crash[0]).toMatchObject({ kind: "action", task: "Wait", attempt: 1, action: "crash" });
  });

  it("two DAGs with the same Airflow run id get separate folders and records", async () => {
    const id = "scheduled__2026-12-03T00:00:00+00:00";
    expect((await wf(["run-task", "test/fixtures/workflows/worker-cases.ts", "--task", "NothingToDo", "--run-id", id], env)).code).toBe(99);
    expect((await wf(["run-task", "examples/etl.ts", "--task", "Extract", "--run-id", id], env)).code).toBe(0);
    const dags = readdirSync(path.join(home, "runs")).filter((dag) => existsSync(path.join(home, "runs", dag, id)));
    expect(dags).toHaveLength(2);
    const both = (await list()).filter((r) => r.runId === id);
    expect(both.map((r) => r.engine)).toEqual(["airflow", "airflow"]);
    expect(new Set(both.map((r) => r.dagId)).size).toBe(2);
    const ambiguous = await runs("show", id);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain("give the DAG with --dag-id");
    const one = await runs("show", id, "--dag-id", both[0]!.dagId, "--json");
    expect(one.code, one.stderr).toBe(0);
    expect(RunViewSchema.parse(JSON.parse(one.stdout)).dagId).toBe(both[0]!.dagId);
  });

  it("prune removes the records and folders of runs older than the cut-off, and nothing newer", async () => {
    const old = "2026-01-05T10:00:00.000Z";
    await new FileRunLogStore(home).append([
      runRecord("old_1", "old-1", new Date(old), [], { id: "old-run", host: "elsewhere", pid: 1, workflow: "old", engine: "local", scope: "run" }),
      { v: 1, kind: "end", id: "old-end", dagId: "old_1", runId: "old-1", at: old, host: "elsewhere", pid: 1, status: "success", durationMs: 1 },
    ]);
    const before = (await list("--limit", "100")).length;
    const out = await runs("prune", "--older-than", "30d");
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^removed 1 run from the run log \(file .*run-log\) and 0 run folders\n$/);
    expect((await list("--limit", "100")).length).toBe(before - 1);
  });

  it("refuses bad input with exit 2, naming the option and what it takes", async () => {
    const status = await runs("list", "--status", "faild");
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('--status "faild": expected one of running, success, failed, terminated, crashed (did you mean "failed"?)');
    const since = await runs("list", "--since", "last week");
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('since "last week": expected an age such as 7d');
    const missing = await runs("show", "no-such-run");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no run "no-such-run" in the run log');
    const prune = await runs("prune");
    expect(prune.code).toBe(2);
    expect(prune.stderr).toContain("give --older-than");
  });
});
