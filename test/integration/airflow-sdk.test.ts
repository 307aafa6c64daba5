// wfkit's tasks on Airflow's SDK runtime under a REAL Airflow 3.3 deployment (api-server,
// scheduler, dag-processor over PostgreSQL; LocalExecutor), configured as the README's "Airflow's
// SDK runtime" says: stub DAGs from `wf export --runtime sdk`, the packages `wf install`ed, wfkit's
// coordinator (python/wfkit_airflow) named in [sdk] coordinators with the "wfkit" queue routed to
// it. Every example runs to the states it reaches on the BashOperator runtime; the SDK fixture
// (test/fixtures/workflows/sdk.ts) reads a Variable and a Connection (its password masked), logs at
// error level (ERROR in Airflow's task log), pushes an XCom that Airflow's REST API shows and a
// downstream task pulls, is retried by Airflow, and fails without a retry on bad params; a task
// marked failed while it runs is stopped (SIGTERM from the supervisor): rollback runs, the run log
// says `terminated`.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFixturePackage } from "../support/airflow.js";
import { AirflowDeployment, schedulerAirflowAvailability, type DagRun, type TaskInstance, type TaskLogRecord } from "../support/airflow-scheduler.js";
import { designedOutcomes } from "../support/example-outcomes.js";
import { postgresAvailability } from "../support/postgres.js";
import { repoRoot, wf } from "../support/wf-cli.js";
import { wfkitTarball } from "../support/wfkit-tarball.js";
import { ALARM, CONNECTION, FLAKY, PASSWORD, VARIABLE, WAITING, XCOM_KEY } from "../fixtures/workflows/sdk.js";
import { openRunLog } from "wfkit";

const SLOW = 600_000;
const found = schedulerAirflowAvailability();
const postgres = await postgresAvailability("the Airflow SDK runtime tests");
const skip = !found.ok ? found.reason : !postgres.ok ? postgres.reason : null;
const title = skip === null && found.ok ? `Airflow's SDK runtime (a real Airflow ${found.install.version} scheduler, LocalExecutor)` : `Airflow's SDK runtime (skipped: ${(skip ?? "").split("\n")[0]})`;
const PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env["PATH"] ?? ""}`;
const SDK_DAG = "sdk_1.0.0";
const CANCEL_DAG = "sdk_cancel_1.0.0";

async function wfOk(args: string[]): Promise<string> {
  const out = await wf(args);
  if (out.code !== 0) throw new Error(`wf ${args.join(" ")} exited ${out.code}:\n${out.stdout}\n${out.stderr}`);
  return out.stdout;
}

interface Finished {
  run: DagRun;
  tasks: TaskInstance[];
}
const states = (f: Finished) => Object.fromEntries(f.tasks.map((t) => [t.task_id, t.state]));
const tries = (f: Finished) => Object.fromEntries(f.tasks.map((t) => [t.task_id, t.try_number]));

describe.skipIf(skip !== null)(title, () => {
  let airflow: AirflowDeployment | undefined;
  let work: string | undefined;
  let dagIds: string[] = [];
  const runs = new Map<string, Finished>();
  let ok: Finished;
  let refused: Finished;
  let cancelled: Finished;
  let wfHome: string;

  beforeAll(async () => {
    if (!found.ok) return;
    work = await mkdtemp(path.join(tmpdir(), "wfkit-airflow-sdk-"));
    const root = path.join(work, "install-root");
    wfHome = path.join(work, "wf-home");
    airflow = new AirflowDeployment({
      install: found.install,
      executor: "LocalExecutor",
      env: {
        WF_HOME: wfHome,
        PATH,
        // The README's worker set-up: wfkit's coordinator importable, named, and the queue routed to it.
        PYTHONPATH: path.join(repoRoot, "python"),
        AIRFLOW__SDK__COORDINATORS: JSON.stringify({ wfkit: { classpath: "wfkit_airflow.WfkitCoordinator", kwargs: { install_root: root } } }),
        AIRFLOW__SDK__QUEUE_TO_COORDINATOR: JSON.stringify({ wfkit: "wfkit" }),
      },
    });
    const deployment = airflow;
    const examples = (await readdir(path.join(repoRoot, "examples"))).filter((f) => f.endsWith(".ts")).sort().map((f) => `examples/${f}`);
    const fixture = path.join(work, "sdk-package");
    const tarball = await wfkitTarball();
    await Promise.all([
      deployment.start(),
      wfOk(["export", "--engine", "airflow", "--runtime", "sdk", "--out", deployment.dagsFolder, ...examples]),
      wfOk(["install", tarball, "--root", root]),
      (async () => {
        await writeFixturePackage(fixture, { name: "wf-sdk-fixture", tarball, fixtures: ["sdk.ts"], zod: true });
        await wfOk(["export", "--engine", "airflow", "--runtime", "sdk", "--out", path.join(deployment.dagsFolder, "sdk"), fixture]);
        await wfOk(["install", fixture, "--root", root]);
      })(),
    ]);
    await deployment.createVariable(VARIABLE, "eu-west");
    await deployment.createConnection({ connection_id: CONNECTION, conn_type: "postgres", host: "db.internal", port: 5432, login: "etl", password: PASSWORD, schema: "sales", extra: '{"sslmode": "require"}' });
    dagIds = (await readdir(deployment.dagsFolder)).filter((f) => f.endsWith(".py")).map((f) => f.slice(0, -3)).sort();
    await deployment.waitForDags([...dagIds, SDK_DAG, CANCEL_DAG]);
    const triggered: DagRun[] = [];
    for (const dagId of [...dagIds, SDK_DAG]) {
      await deployment.unpause(dagId);
      triggered.push(await deployment.trigger(dagId, dagId === SDK_DAG ? { runId: "sdk-ok" } : {}));
    }
    triggered.push(await deployment.trigger(SDK_DAG, { runId: "sdk-refused", conf: { nope: 1 } }));
    await deployment.unpause(CANCEL_DAG);
    const cancelRun = await deployment.trigger(CANCEL_DAG, { runId: "sdk-cancelled" });
    await Promise.all([
      (async () => {
        // Stopped once it waits: marked failed, as a user does in the UI; the supervisor then ends the task's process.
        const logFile = deployment.taskLogFile(CANCEL_DAG, "sdk-cancelled", "Waits", 1);
        const deadline = Date.now() + 180_000;
        while (!(await readFile(logFile, "utf8").catch(() => "")).includes(WAITING)) {
          if (Date.now() > deadline) throw new Error(`Waits never logged "${WAITING}" (${logFile})`);
          await new Promise((r) => setTimeout(r, 250));
        }
        await deployment.setTaskState(CANCEL_DAG, "sdk-cancelled", "Waits", "failed");
        const done = await deployment.waitForRun(CANCEL_DAG, cancelRun.dag_run_id);
        cancelled = { run: done, tasks: await deployment.taskInstances(CANCEL_DAG, cancelRun.dag_run_id) };
      })(),
      ...triggered.map(async (run) => {
        const done = await deployment.waitForRun(run.dag_id, run.dag_run_id);
        runs.set(run.dag_run_id === "sdk-ok" || run.dag_run_id === "sdk-refused" ? run.dag_run_id : run.dag_id, { run: done, tasks: await deployment.taskInstances(run.dag_id, run.dag_run_id) });
      }),
    ]);
    ok = runs.get("sdk-ok")!;
    refused = runs.get("sdk-refused")!;
  }, SLOW);

  afterAll(async () => {
    try {
      await airflow?.stop();
    } finally {
      if (work) await rm(work, { recursive: true, force: true });
    }
  }, 120_000);

  const records = (f: Finished, task: string, attempt: number): TaskLogRecord[] => airflow!.taskLogRecords(f.run.dag_id, f.run.dag_run_id, task, attempt);
  const logText = async (f: Finished, task: string, attempt: number) => readFile(airflow!.taskLogFile(f.run.dag_id, f.run.dag_run_id, task, attempt), "utf8");

  it("parses the stub DAGs with no import errors; their tasks are on the wfkit queue", async () => {
    expect(await airflow!.importErrors()).toEqual({});
    expect(dagIds).toEqual(expect.arrayContaining(["csv_to_report_etl_orders_1.0.0", "flaky_demo_dev"]));
    for (const f of [...runs.values(), cancelled]) for (const t of f.tasks) expect(t.queue, `${f.run.dag_id}.${t.task_id}`).toBe("wfkit");
  });

  it("runs every example to the states it reaches on the BashOperator runtime", async () => {
    const actual = Object.fromEntries(dagIds.map((id) => [id, { run: runs.get(id)!.run.state, tasks: states(runs.get(id)!) }]));
    const expected = designedOutcomes(Object.fromEntries(dagIds.map((id) => [id, runs.get(id)!])));
    const surprises: string[] = [];
    for (const id of dagIds) {
      for (const t of runs.get(id)!.tasks) {
        if (t.state !== expected[id]!.tasks[t.task_id] && t.try_number > 0) surprises.push(`${id}.${t.task_id} (${t.state}):\n${(await logText(runs.get(id)!, t.task_id, t.try_number)).slice(-3000)}`);
      }
    }
    expect(actual, surprises.join("\n\n")).toEqual(expected);
    const etl = runs.get("csv_to_report_etl_orders_1.0.0")!;
    expect(records(etl, "Extract", 1).some((r) => r.level === "info" && r.event.startsWith("extracted 6 orders"))).toBe(true);
    const flaky = runs.get("flaky_demo_dev")!;
    expect(tries(flaky)["Flaky"]).toBe(2);
  });

  it("reads a Variable and a Connection, the password masked everywhere in the task log", async () => {
    expect(states(ok)).toEqual({ Reads: "success", Pulls: "success", Flaky: "success" });
    const reads = records(ok, "Reads", 1);
    const line = reads.find((r) => r.event.startsWith("region "));
    expect(line, JSON.stringify(reads, null, 1)).toMatchObject({ level: "info", event: "region eu-west, warehouse db.internal:5432", login: "etl", schema: "sales", sslmode: "require" });
    expect(reads.find((r) => r.event.startsWith("connecting as"))?.event).toBe("connecting as etl with [masked]");
    expect(await logText(ok, "Reads", 1)).not.toContain(PASSWORD);
  });

  it("logs wfkit's error-level line at ERROR in Airflow's task log", () => {
    const alarm = records(ok, "Reads", 1).find((r) => r.event === ALARM);
    expect(alarm).toMatchObject({ level: "error", logger: "Reads", region: "eu-west" });
  });

  it("pushes an XCom that Airflow's REST API shows, and the downstream task pulls it", async () => {
    expect(await airflow!.xcom(SDK_DAG, "sdk-ok", "Reads", XCOM_KEY)).toEqual({ count: 3, limit: 10, region: "eu-west" });
    expect(records(ok, "Pulls", 1).find((r) => r.event === "pulled 3 orders")).toMatchObject({ level: "info" });
  });

  it("is retried by Airflow: the first try up for retry with wfkit's reason, the second succeeds", async () => {
    expect(tries(ok)["Flaky"]).toBe(2);
    expect(airflow!.taskLogAttempts(SDK_DAG, "sdk-ok", "Flaky")).toEqual([1, 2]);
    const first = records(ok, "Flaky", 1);
    // wfkit's report of a try Airflow retries is a warning: `attempt 1 failed, retrying in 1 s: Error: …`.
    expect(first.find((r) => r.event.startsWith("attempt 1 failed, retrying in 1 s: Error: " + FLAKY)), JSON.stringify(first, null, 1)).toMatchObject({ level: "warning" });
    expect(records(ok, "Flaky", 2).some((r) => r.event === "succeeded on attempt 2")).toBe(true);
  });

  it("fails every task at once on bad params, without a retry, and says why at ERROR", async () => {
    expect(refused.run.state).toBe("failed");
    expect(states(refused)).toEqual({ Reads: "failed", Pulls: "upstream_failed", Flaky: "failed" });
    expect(tries(refused)["Flaky"]).toBe(1);
    expect(airflow!.taskLogAttempts(SDK_DAG, "sdk-refused", "Flaky")).toEqual([1]);
    const why = records(refused, "Flaky", 1).find((r) => r.level === "error" && r.event.startsWith("task refused"));
    expect(why?.event).toMatch(/nope: unknown parameter/);
  });

  it("stops a task Airflow stops while it runs: SIGTERM, rollback, `terminated` in wfkit's run log, the state Airflow set", async () => {
    expect(cancelled.run.state).toBe("failed");
    expect(cancelled.tasks.map((t) => [t.task_id, t.state, t.try_number])).toEqual([["Waits", "failed", 1]]);
    const log = await logText(cancelled, "Waits", 1);
    expect(log).toContain("rolled back the wait");
    expect(records(cancelled, "Waits", 1).find((r) => r.event.startsWith("SIGTERM: stopping task Waits"))).toMatchObject({ level: "warning", logger: "wfkit.worker" });
    const runLog = await openRunLog({ home: wfHome, env: {} });
    try {
      const run = await runLog.run("sdk-cancelled", { dagId: CANCEL_DAG });
      expect(run.tasks.map((t) => [t.task, t.status])).toEqual([["Waits", "terminated"]]);
    } finally {
      await runLog.close();
    }
  });
});
