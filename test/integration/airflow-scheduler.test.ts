// wfkit's DAG files under a REAL Airflow 3 deployment — api-server, scheduler and dag-processor as
// processes over a PostgreSQL metadata database, every run triggered and read through the REST
// API (not `airflow dags test`, not a DagBag). LocalExecutor: every example of this repository,
// deployed as the README's "Deploy to Airflow" says, and the production settings of
// test/fixtures/workflows/production.ts (catch-up between a start and an end date, one active run,
// a pool, priorities, a timeout, trigger rules, owners) doing what Airflow documents, and the DAG's
// task operator (test/fixtures/workflows/operator.ts: wfkit's lines at their levels in Airflow's
// task log files, wfkit's reason for a failure, bad input failed without retries). CeleryExecutor: two workers on different
// queues, each with its own install root, sharing WF_HOME; a task pinned to a queue runs on the
// worker of that queue.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wfkitField, wfkitLine, writeFixturePackage } from "../support/airflow.js";
import {
  AirflowDeployment,
  redisAvailability,
  schedulerAirflowAvailability,
  type DagRun,
  type TaskInstance,
  type TaskLogRecord,
} from "../support/airflow-scheduler.js";
import { postgresAvailability } from "../support/postgres.js";
import { designedOutcomes } from "../support/example-outcomes.js";
import { repoRoot, wf } from "../support/wf-cli.js";
import { wfkitTarball } from "../support/wfkit-tarball.js";
import { HEAVY_QUEUE } from "../fixtures/workflows/queues.js";
import { FAILURE, FIRST_BATCH } from "../fixtures/workflows/operator.js";
import { ALERT_OWNER, OWNER, POOL, TIMEOUT_SECONDS } from "../fixtures/workflows/production.js";

const SLOW = 600_000;
const found = schedulerAirflowAvailability();
// Under CI these throw (the file fails); elsewhere they say once what is skipped and why.
const postgres = await postgresAvailability("the real-scheduler Airflow tests");
const redis = await redisAvailability("the CeleryExecutor tests");
const localSkip = !found.ok ? found.reason : !postgres.ok ? postgres.reason : null;
const celerySkip = localSkip ?? (!redis.ok ? redis.reason : null);
const title = (what: string, skip: string | null) =>
  skip === null && found.ok ? `${what} (a real Airflow ${found.install.version} scheduler)` : `${what} (skipped: ${(skip ?? "").split("\n")[0]})`;
/** `node` first on PATH: the workers' tasks run `wf`, a Node script. */
const PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env["PATH"] ?? ""}`;

/** Run `wf`, failing with its output when it does not exit 0. */
async function wfOk(args: string[]): Promise<string> {
  const out = await wf(args);
  if (out.code !== 0) throw new Error(`wf ${args.join(" ")} exited ${out.code}:\n${out.stdout}\n${out.stderr}`);
  return out.stdout;
}

/**
 * Wait for every promise, then throw the first rejection: a failed start must not leave a `wf
 * install` or a poll running on after the hook (Promise.all returns while the others go on).
 */
async function settleAll(promises: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
}

/** A finished run with its task instances. */
interface Finished {
  run: DagRun;
  tasks: TaskInstance[];
}

/** The DAG ids of the *.py files in a dags folder. */
const dagIdsIn = async (folder: string) => (await readdir(folder)).filter((f) => f.endsWith(".py")).map((f) => f.slice(0, -3)).sort();
const states = (f: Finished) => Object.fromEntries(f.tasks.map((t) => [t.task_id, t.state]));
const task = (f: Finished, id: string) => {
  const t = f.tasks.find((x) => x.task_id === id);
  if (t === undefined) throw new Error(`no task ${id} in ${f.run.dag_id}: ${f.tasks.map((x) => x.task_id).join(", ")}`);
  return t;
};


describe.skipIf(localSkip !== null)(title("LocalExecutor: every example, deployed as the README says, and the production settings", localSkip), () => {
  let airflow: AirflowDeployment | undefined;
  let work: string | undefined;
  let dagIds: string[] = [];
  const runs = new Map<string, Finished>();
  const CONF_RUN = "wfkit_conf_run";
  const CONF_LOGICAL_DATE = new Date("2026-11-20T00:00:00Z");
  // test/fixtures/workflows/production.ts: runs the scheduler starts by itself, and one triggered.
  const NIGHTLY = "production_nightly_1.0.0";
  const GUARDED = "production_guarded_1.0.0";
  /** The catch-up runs' logical dates: startDate 2026-11-01 to endDate 2026-11-03, both included. */
  const NIGHTS = ["2026-11-01", "2026-11-02", "2026-11-03"].map((d) => new Date(`${d}T00:00:00Z`));
  let nightly: Finished[] = [];
  let guarded: Finished;
  // test/fixtures/workflows/operator.ts: one run as the workflow takes it, one with a conf key it does not take.
  const OPERATOR = "operator_1.0.0";
  let operatorOk: Finished;
  let operatorRefused: Finished;

  beforeAll(async () => {
    if (!found.ok) return;
    work = await mkdtemp(path.join(tmpdir(), "wfkit-airflow-sched-local-"));
    const root = path.join(work, "install-root");
    airflow = new AirflowDeployment({
      install: found.install,
      executor: "LocalExecutor",
      // The scheduler's LocalExecutor runs the tasks: the "worker" env is the deployment's.
      env: { WF_INSTALL_ROOT: root, WF_HOME: path.join(work, "wf-home"), PATH },
    });
    const deployment = airflow;
    const examples = (await readdir(path.join(repoRoot, "examples"))).filter((f) => f.endsWith(".ts")).sort().map((f) => `examples/${f}`);
    const production = path.join(work, "production");
    // "Deploy to Airflow": the DAG files into the dags folder, the packed package onto the worker
    // (`wf install` of wfkit's own tarball: its examples are in it). Airflow starts meanwhile.
    // The production fixture the same way, as a package of its own, its DAGs in a sub-folder (the
    // dag-processor reads sub-folders too), so that dagIds stay the examples'; the pool its tasks
    // take slots from exists before any of them is scheduled. The operator fixture rides in the same
    // package (one install).
    await settleAll([
      deployment.start().then(() => deployment.createPool(POOL, 1, "one slot: the tasks that use it run one at a time")),
      wfOk(["export", "--engine", "airflow", "--out", deployment.dagsFolder, ...examples]),
      wfkitTarball().then((tarball) => wfOk(["install", tarball, "--root", root])),
      wfkitTarball().then(async (tarball) => {
        await writeFixturePackage(production, { name: "wf-scheduler-production", tarball, fixtures: ["production.ts", "operator.ts"] });
        await wfOk(["export", "--engine", "airflow", "--out", path.join(deployment.dagsFolder, "production"), production]);
        await wfOk(["install", production, "--root", root]);
      }),
    ]);
    dagIds = await dagIdsIn(deployment.dagsFolder);
    const fixtureIds = await dagIdsIn(path.join(deployment.dagsFolder, "production"));
    if (fixtureIds.join() !== [OPERATOR, GUARDED, NIGHTLY].join()) throw new Error(`expected the DAGs ${OPERATOR}, ${GUARDED}, ${NIGHTLY}; exported ${fixtureIds.join(", ")}`);
    await deployment.waitForDags([...dagIds, NIGHTLY, GUARDED, OPERATOR]);
    // Unpaused, the nightly DAG's catch-up runs start by themselves: nothing triggers them.
    await deployment.unpause(NIGHTLY);
    await deployment.unpause(GUARDED);
    const guardedRun = await deployment.trigger(GUARDED);
    await deployment.unpause(OPERATOR);
    const operatorRuns = [await deployment.trigger(OPERATOR, { runId: "operator-ok" }), await deployment.trigger(OPERATOR, { runId: "operator-refused", conf: { nope: 1 } })];
    const triggered: { key: string; run: DagRun }[] = [];
    for (const dagId of dagIds) {
      await deployment.unpause(dagId);
      triggered.push({ key: dagId, run: await deployment.trigger(dagId) });
    }
    const etl = "csv_to_report_etl_orders_1.0.0";
    triggered.push({
      key: CONF_RUN,
      run: await deployment.trigger(etl, { conf: { currency: "USD", minAmount: 50, run_id: "sched-conf-run-1" }, logicalDate: CONF_LOGICAL_DATE, runId: CONF_RUN }),
    });
    const withTasks = async (run: DagRun): Promise<Finished> => ({ run, tasks: await deployment.taskInstances(run.dag_id, run.dag_run_id) });
    await settleAll([
      ...triggered.map(async ({ key, run }) => {
        runs.set(key, await withTasks(await deployment.waitForRun(run.dag_id, run.dag_run_id)));
      }),
      (async () => {
        guarded = await withTasks(await deployment.waitForRun(GUARDED, guardedRun.dag_run_id));
      })(),
      (async () => {
        // Both run meanwhile: the wait for one is the wait for both.
        operatorOk = await withTasks(await deployment.waitForRun(OPERATOR, operatorRuns[0]!.dag_run_id));
        operatorRefused = await withTasks(await deployment.waitForRun(OPERATOR, operatorRuns[1]!.dag_run_id));
      })(),
      (async () => {
        nightly = await Promise.all((await deployment.waitForRuns(NIGHTLY, NIGHTS.length)).map(withTasks));
      })(),
    ]);
  }, SLOW);

  afterAll(async () => {
    try {
      await airflow?.stop();
    } finally {
      if (work) await rm(work, { recursive: true, force: true });
    }
  }, 120_000);

  const finished = (dagId: string) => {
    const f = runs.get(dagId);
    if (f === undefined) throw new Error(`no run of ${dagId}; ran ${[...runs.keys()].join(", ")}`);
    return f;
  };
  const log = (f: Finished, taskId: string) => airflow!.taskLog(f.run.dag_id, f.run.dag_run_id, taskId, task(f, taskId).try_number);
  const ms = (date: string | null) => {
    if (date === null) throw new Error("no date where one was expected");
    return new Date(date).getTime();
  };
  const iso = (date: string | null) => (date === null ? null : new Date(date).toISOString());
  const DAY = 24 * 60 * 60 * 1000;

  it("parses every exported example with zero import errors", async () => {
    expect(dagIds).toEqual(
      expect.arrayContaining(["csv_to_report_etl_orders_1.0.0", "flaky_demo_dev", "images_to_site_gallery_1.0.0", "files_to_records_ingest_1.0.0"]),
    );
    expect(await airflow!.importErrors()).toEqual({});
  });

  it("runs every example DAG to the end it is designed for, each task instance in its designed state", async () => {
    const actual = Object.fromEntries(dagIds.map((id) => [id, { run: finished(id).run.state, tasks: states(finished(id)) }]));
    const expected = designedOutcomes(Object.fromEntries(dagIds.map((id) => [id, finished(id)])));
    // On a mismatch, the end of the log of every task that did not end as designed.
    const surprises: string[] = [];
    for (const id of dagIds) {
      for (const t of finished(id).tasks) {
        if (t.state === expected[id]!.tasks[t.task_id] || t.try_number === 0) continue;
        surprises.push(`${id}.${t.task_id} (${t.state}):\n${(await log(finished(id), t.task_id)).slice(-3000)}`);
      }
    }
    expect(actual, surprises.join("\n\n")).toEqual(expected);
    // The LocalExecutor has no queues to pick: every task instance keeps the exported "default".
    for (const id of dagIds) for (const t of finished(id).tasks) expect(t.queue, `${id}.${t.task_id}`).toBe("default");
  });

  it("runs examples/etl.ts end to end: each task's own log lines in its Airflow task log", async () => {
    const etl = finished("csv_to_report_etl_orders_1.0.0");
    expect(await log(etl, "Extract")).toContain("extracted 6 orders");
    expect(await log(etl, "Transform")).toContain("kept 4 of 6 orders");
    expect(await log(etl, "Load")).toContain("loaded 2 customers into report.csv");
  });

  it("retries the flaky task for real and fails the always-failing one with its error in the task log", async () => {
    const flaky = finished("flaky_demo_dev");
    expect(task(flaky, "Flaky").try_number).toBe(2);
    expect(await log(flaky, "Flaky")).toContain("succeeded on attempt 2");
    expect(await airflow!.taskLog(flaky.run.dag_id, flaky.run.dag_run_id, "Flaky", 1)).toContain("connection reset by peer (transient)");
    expect(await log(flaky, "AlwaysFails")).toContain("ExportError: the export target rejected the file: quota exceeded");
  });

  it("hands the REST API's conf and logical_date to the run: typed params, conf run_id as wfkit's run id", async () => {
    const run = finished(CONF_RUN);
    expect(run.run).toMatchObject({ state: "success", dag_run_id: CONF_RUN, conf: { currency: "USD", minAmount: 50, run_id: "sched-conf-run-1" } });
    expect(new Date(run.run.logical_date!).toISOString()).toBe(CONF_LOGICAL_DATE.toISOString());
    const kept = wfkitLine(await log(run, "Transform"), "kept ");
    expect(kept).toContain("kept 1 of 6 orders");
    expect(["currency", "min_amount", "run_id", "attempt"].map((k) => wfkitField(kept, k))).toEqual(["USD", 50, "sched-conf-run-1", 1]);
  });

  it("creates exactly the catch-up runs from startDate to endDate by itself, each task seeing its run's data interval and logical date", async () => {
    // Airflow: with catchup, the scheduler creates a run for every interval since start_date that
    // has not run, none with a logical date past end_date; a @daily interval is [day, day + 1).
    expect(nightly.map((f) => ({ type: f.run.run_type, state: f.run.state, logical: iso(f.run.logical_date), start: iso(f.run.data_interval_start), end: iso(f.run.data_interval_end) }))).toEqual(
      NIGHTS.map((night) => ({ type: "scheduled", state: "success", logical: night.toISOString(), start: night.toISOString(), end: new Date(night.getTime() + DAY).toISOString() })),
    );
    for (const f of nightly) {
      const stamp = wfkitLine(await log(f, "Stamp"), "data interval");
      // What the task read from this.context is what the REST API says of its run.
      expect(["interval_start", "interval_end", "logical_date"].map((k) => wfkitField(stamp, k)), `${f.run.dag_run_id}: ${stamp}`).toEqual([
        iso(f.run.data_interval_start),
        iso(f.run.data_interval_end),
        iso(f.run.logical_date),
      ]);
    }
    // Past the end date the timetable has no next run: the scheduler will create no fourth one.
    const details = await airflow!.dagDetails(NIGHTLY);
    expect(details).toMatchObject({ next_dagrun_logical_date: null, next_dagrun_data_interval_start: null, next_dagrun_data_interval_end: null });
    expect(await airflow!.dagRuns(NIGHTLY)).toHaveLength(NIGHTS.length);
  });

  it("runs the catch-up runs one at a time with maxActiveRuns 1, and shows the DAG's settings as the workflow set them", async () => {
    for (const [i, f] of nightly.entries()) {
      expect(f.run.start_date, f.run.dag_run_id).not.toBeNull();
      expect(ms(f.run.end_date), f.run.dag_run_id).toBeGreaterThanOrEqual(ms(f.run.start_date));
      // Airflow's max_active_runs: a run starts only after the one before it ended.
      if (i > 0) expect(ms(f.run.start_date), `${f.run.dag_run_id} started before ${nightly[i - 1]!.run.dag_run_id} ended`).toBeGreaterThanOrEqual(ms(nightly[i - 1]!.run.end_date));
    }
    const details = await airflow!.dagDetails(NIGHTLY);
    expect({ ...details, start_date: iso(details.start_date), end_date: iso(details.end_date) }).toMatchObject({
      is_paused: false,
      catchup: true,
      max_active_runs: 1,
      max_active_tasks: 16,
      start_date: NIGHTS[0]!.toISOString(),
      end_date: NIGHTS.at(-1)!.toISOString(),
      dag_run_timeout: "PT10M",
      owners: [OWNER],
    });
    expect(details.timetable_summary).toContain("0 0 * * *");
    expect((await airflow!.dagDetails(GUARDED)).max_active_tasks).toBe(8);
  });

  it("shares a one-slot pool: its two tasks run one after the other, the higher priorityWeight first", async () => {
    expect(await airflow!.get(`/api/v2/pools/${POOL}`)).toMatchObject({ name: POOL, slots: 1 });
    const [urgent, routine] = [task(guarded, "Urgent"), task(guarded, "Routine")];
    expect([urgent.state, routine.state]).toEqual(["success", "success"]);
    // Both were ready at once (roots of the run); with one slot, Routine (lower weight, and
    // first in the DAG) waited until Urgent ended.
    expect(ms(routine.start_date), `Urgent ${urgent.start_date}..${urgent.end_date}, Routine ${routine.start_date}..${routine.end_date}`).toBeGreaterThanOrEqual(ms(urgent.end_date));
    expect([urgent, routine].map((t) => ({ task: t.task_id, pool: t.pool, slots: t.pool_slots, weight: t.priority_weight }))).toEqual([
      { task: "Urgent", pool: POOL, slots: 1, weight: 10 },
      { task: "Routine", pool: POOL, slots: 1, weight: 1 },
    ]);
    expect(await log(guarded, "Urgent")).toContain(`Urgent holds the ${POOL} slot`);
    expect(await log(guarded, "Routine")).toContain(`Routine holds the ${POOL} slot`);
  });

  it("fails the task that outlasts timeoutSeconds by Airflow's execution_timeout; all_done and one_failed tasks after it run, all_success ones do not", async () => {
    expect(guarded.run.state).toBe("failed");
    expect(states(guarded)).toEqual({ Urgent: "success", Routine: "success", TimesOut: "failed", Cleanup: "success", Alert: "success", Publish: "upstream_failed" });
    const timesOut = task(guarded, "TimesOut");
    expect(timesOut.try_number).toBe(1);
    const timeoutLog = await log(guarded, "TimesOut");
    expect(timeoutLog).toContain(`past the ${TIMEOUT_SECONDS} s timeout`);
    // Airflow's own timeout (the task runner's SIGALRM), not the task ending by itself.
    expect(timeoutLog).toContain("Process timed out");
    expect(timeoutLog).toContain("AirflowTaskTimeout");
    expect(timeoutLog).not.toContain("slept to the end");
    expect(ms(timesOut.end_date) - ms(timesOut.start_date)).toBeGreaterThanOrEqual(TIMEOUT_SECONDS * 1000);
    expect(await log(guarded, "Cleanup")).toContain("cleanup ran after TimesOut ended");
    expect(await log(guarded, "Alert")).toContain("alert ran because TimesOut failed");
    expect(task(guarded, "Publish").try_number).toBe(0);
  });

  it("shows every task's settings in the REST API's task details as the workflow set them", async () => {
    const seconds = (s: number) => ({ __type: "TimeDelta", days: 0, seconds: s, microseconds: 0 });
    const details = Object.fromEntries(
      await Promise.all(guarded.tasks.map(async (t) => [t.task_id, await airflow!.taskDetails(GUARDED, t.task_id)] as const)),
    );
    const pick = (id: string) => {
      const d = details[id]!;
      return { owner: d.owner, pool: d.pool, pool_slots: d.pool_slots, priority_weight: d.priority_weight, trigger_rule: d.trigger_rule, execution_timeout: d.execution_timeout, retry_delay: d.retry_delay };
    };
    // defaultTaskSettings' retryDelaySeconds 5 reaches every task; the workflow's owner every task but Alert.
    const base = { owner: OWNER, pool: "default_pool", pool_slots: 1, priority_weight: 1, trigger_rule: "all_success", execution_timeout: null, retry_delay: seconds(5) };
    expect(Object.fromEntries(Object.keys(details).sort().map((id) => [id, pick(id)]))).toEqual({
      Alert: { ...base, owner: ALERT_OWNER, trigger_rule: "one_failed" },
      Cleanup: { ...base, trigger_rule: "all_done" },
      Publish: base,
      Routine: { ...base, pool: POOL },
      TimesOut: { ...base, execution_timeout: seconds(TIMEOUT_SECONDS) },
      Urgent: { ...base, pool: POOL, priority_weight: 10 },
    });
    expect((await airflow!.dagDetails(GUARDED)).owners.sort()).toEqual([ALERT_OWNER, OWNER].sort());
  });

  /** One attempt's log file: each record's level and text, the exception of the failure. */
  const records = (f: Finished, taskId: string, tryNumber: number) => airflow!.taskLogRecords(OPERATOR, f.run.dag_run_id, taskId, tryNumber);
  const wfkitRecords = (all: TaskLogRecord[]) => all.filter((r) => r.logger === "airflow.task.operators.wfkit").map((r) => [r.level, r.event.split("\n")[0]]);
  const failure = (all: TaskLogRecord[]) => all.find((r) => r.event === "Task failed with exception")?.error_detail?.[0];

  it("writes each wfkit line at its level in Airflow's task log file, fails with wfkit's reason, and retries a task that fails in run()", () => {
    expect(operatorOk.run.state).toBe("failed");
    expect(operatorOk.tasks.map((t) => [t.task_id, t.state, t.try_number]).sort()).toEqual([
      ["Fails", "failed", 2],
      ["Skips", "skipped", 1],
    ]);
    expect(airflow!.taskLogAttempts(OPERATOR, operatorOk.run.dag_run_id, "Fails")).toEqual([1, 2]);
    const [first, second] = [records(operatorOk, "Fails", 1), records(operatorOk, "Fails", 2)];
    const identity = `workflow=operator version=1.0.0 dag_id=${OPERATOR} task=Fails run_id=operator-ok`;
    expect(wfkitRecords(first)).toEqual([
      ["info", `loading orders table=orders rows=3 note="two words" ${identity} attempt=1`],
      ["warning", 'the warehouse is slow seconds=2.5 cause="Error: socket hang up"'],
      ["error", `${FIRST_BATCH} batch=1`],
      ["warning", expect.stringMatching(new RegExp(`^attempt 1 failed, retrying in 1 s: WarehouseError: ${FAILURE} \\(attempt 1\\) thrown_at=\\S+operator\\.ts:\\d+$`))],
      ["info", "Command exited with return code 1"],
    ]);
    // A field's error has its stack below the line, in the same record.
    expect(first.find((r) => r.event.startsWith("the warehouse is slow"))!.event).toMatch(/\nError: socket hang up\n\s+at Fails\.run \(/);
    expect(failure(first)).toMatchObject({ exc_type: "AirflowException", exc_value: `attempt 1 failed, retrying in 1 s: WarehouseError: ${FAILURE} (attempt 1)` });
    // The last try: wfkit's error line at ERROR with the stack below it; the reason Airflow shows is the task's error.
    const failed = second.find((r) => r.event.startsWith("task failed: "))!;
    expect(failed).toMatchObject({ level: "error", logger: "airflow.task.operators.wfkit" });
    expect(failed.event).toMatch(new RegExp(`^task failed: WarehouseError: ${FAILURE} \\(attempt 2\\) thrown_at=\\S+ resolvable_by=user run_log=\\S+\\nWarehouseError: ${FAILURE} \\(attempt 2\\)\\n\\s+at Fails\\.run \\(`));
    expect(failure(second)).toMatchObject({ exc_type: "AirflowException", exc_value: `task failed: WarehouseError: ${FAILURE} (attempt 2)` });
    expect(records(operatorOk, "Skips", 1).find((r) => r.event.startsWith("task skipped: "))).toMatchObject({ level: "info", event: expect.stringContaining("task skipped: nothing new to load") });
  });

  it("fails every task of a run that wf run-task refuses (exit 2) on its first try, though Fails has a retry, with the refusal as the reason", () => {
    expect(operatorRefused.run.state).toBe("failed");
    expect(operatorRefused.tasks.map((t) => [t.task_id, t.state, t.try_number]).sort()).toEqual([
      ["Fails", "failed", 1],
      ["Skips", "failed", 1],
    ]);
    expect(airflow!.taskLogAttempts(OPERATOR, operatorRefused.run.dag_run_id, "Fails")).toEqual([1]);
    const all = records(operatorRefused, "Fails", 1);
    expect(wfkitRecords(all)).toEqual([
      ["error", `wf: invalid run parameters for ${OPERATOR}; fix it and start the run again:`],
      ["error", "  nope: this workflow takes no parameters"],
      ["info", "Command exited with return code 2: bad input, failing without retries"],
    ]);
    expect(failure(all)).toMatchObject({
      exc_type: "AirflowFailException",
      exc_value: `wf: invalid run parameters for ${OPERATOR}; fix it and start the run again:\n  nope: this workflow takes no parameters`,
    });
  });
});

describe.skipIf(celerySkip !== null)(title("CeleryExecutor: two workers, a task pinned to a queue", celerySkip), () => {
  const DAG = "queues_1.0.0";
  let airflow: AirflowDeployment | undefined;
  let work: string | undefined;
  let roots: { default: string; heavy: string };
  let done: Finished;

  beforeAll(async () => {
    if (!found.ok) return;
    work = await mkdtemp(path.join(tmpdir(), "wfkit-airflow-sched-celery-"));
    roots = { default: path.join(work, "root-default"), heavy: path.join(work, "root-heavy") };
    airflow = new AirflowDeployment({
      install: found.install,
      executor: "CeleryExecutor",
      // Storage both "machines" share: the catalog hands Produce's numbers to Crunch on the other worker.
      env: { WF_HOME: path.join(work, "wf-home-shared"), PATH },
      workers: [
        { name: "default", queues: ["default"], env: { WF_INSTALL_ROOT: roots.default } },
        { name: "heavy", queues: [HEAVY_QUEUE], env: { WF_INSTALL_ROOT: roots.heavy } },
      ],
    });
    const deployment = airflow;
    const pkg = path.join(work, "fixture");
    await writeFixturePackage(pkg, { name: "wf-scheduler-fixture", tarball: await wfkitTarball(), fixtures: ["queues.ts"] });
    await settleAll([
      deployment.start(),
      wfOk(["export", "--engine", "airflow", "--out", deployment.dagsFolder, pkg]),
      // The package onto each worker, into that worker's own root.
      ...Object.values(roots).map((root) => wfOk(["install", pkg, "--root", root])),
    ]);
    const exported = await dagIdsIn(deployment.dagsFolder);
    if (exported.join() !== DAG) throw new Error(`expected the one DAG ${DAG}, exported ${exported.join(", ")}`);
    await deployment.waitForDags([DAG]);
    await deployment.unpause(DAG);
    const run = await deployment.trigger(DAG);
    done = { run: await deployment.waitForRun(DAG, run.dag_run_id), tasks: [] };
    done.tasks = await deployment.taskInstances(DAG, run.dag_run_id);
  }, SLOW);

  afterAll(async () => {
    try {
      await airflow?.stop();
    } finally {
      if (work) await rm(work, { recursive: true, force: true });
    }
  }, 120_000);

  const worker = (name: string) => airflow!.workers.find((w) => w.name === name)!;
  const log = (taskId: string) => airflow!.taskLog(DAG, done.run.dag_run_id, taskId, task(done, taskId).try_number);
  const ranFrom = async (taskId: string) => {
    const line = (await log(taskId)).split("\n").find((l) => / module=/.test(l));
    return line === undefined ? undefined : (wfkitField(line, "module") as string);
  };

  it("completes a run across both workers", async () => {
    const failed = done.tasks.filter((t) => t.state !== "success" && t.try_number > 0);
    const logs = await Promise.all(failed.map(async (t) => `${t.task_id} (${t.state}):\n${(await log(t.task_id)).slice(-3000)}`));
    expect({ run: done.run.state, tasks: states(done) }, logs.join("\n\n")).toEqual({
      run: "success",
      tasks: { Produce: "success", Crunch: "success", Tally: "success", Report: "success" },
    });
  });

  it("runs the task pinned to a queue on that queue's worker, and the others on the default worker", () => {
    const where = Object.fromEntries(done.tasks.map((t) => [t.task_id, { queue: t.queue, hostname: t.hostname }]));
    const [byDefault, byHeavy] = [worker("default").hostname, worker("heavy").hostname];
    expect(where).toEqual({
      Produce: { queue: "default", hostname: byDefault },
      Crunch: { queue: HEAVY_QUEUE, hostname: byHeavy },
      Tally: { queue: "default", hostname: byDefault },
      Report: { queue: "default", hostname: byDefault },
    });
  });

  it("runs each task from its own worker's install root, and hands data between workers through the shared WF_HOME", async () => {
    expect(await ranFrom("Crunch")).toBe(path.join(roots.heavy, "wf-scheduler-fixture", "1.0.0", "node_modules", "wf-scheduler-fixture", "workflows", "queues.ts"));
    expect(await ranFrom("Produce")).toBe(path.join(roots.default, "wf-scheduler-fixture", "1.0.0", "node_modules", "wf-scheduler-fixture", "workflows", "queues.ts"));
    expect(await log("Crunch")).toContain(`crunched 4 numbers on queue ${HEAVY_QUEUE}`);
    expect(await log("Report")).toContain("reported sum 10 of 4 numbers");
  });
});
