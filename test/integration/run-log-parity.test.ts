// The run log says the same of the same workflow on every engine. The examples (etl, flaky: a
// retry, a failure, tasks blocked by it) and the parity fixtures (a task that calls
// process.exit, one killed by SIGKILL) run locally (`wf run`), as Airflow task instances
// (`wf run-task` under `airflow dags test`, one process per task), in a notebook (a real
// Jupyter kernel), all recording into one WF_HOME, and on Airflow's SDK runtime (stub DAGs under
// a real Airflow 3.3 scheduler, wfkit's coordinator starting each task; a WF_HOME of its own, as
// its runs are Airflow's too); then, per task, the status, the number of attempts and the
// sequence of task actions must be the same on all four. The differences the
// engines are meant to have are listed in RUN_STATUS below, and nowhere else: any other
// difference fails.
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRunLog, type RunView } from "wfkit";
import { airflowAvailability, createAirflowHome, testDags, type AirflowHome } from "../support/airflow.js";
import { AirflowDeployment, schedulerAirflowAvailability } from "../support/airflow-scheduler.js";
import { postgresAvailability } from "../support/postgres.js";
import { createNotebookProject, executeNotebook, jupyterAvailability, type NotebookProject } from "../support/jupyter.js";
import { repoRoot, wf } from "../support/wf-cli.js";
import { wfkitTarball } from "../support/wfkit-tarball.js";

const SLOW = 900_000;
const airflow = airflowAvailability(3);
const jupyter = jupyterAvailability();
const scheduler = schedulerAirflowAvailability();
const postgres = await postgresAvailability("the run-log parity test (Airflow's SDK runtime)");
const skipped = [
  !airflow.ok && `Airflow: ${airflow.reason.split("\n")[0]}`,
  !jupyter.ok && `Jupyter: ${jupyter.reason.split("\n")[0]}`,
  !scheduler.ok && `Airflow scheduler: ${scheduler.reason.split("\n")[0]}`,
  !postgres.ok && `PostgreSQL: ${postgres.reason.split("\n")[0]}`,
].filter(Boolean);
const title = `the run log of one workflow on the local engine, Airflow (both runtimes) and a notebook${skipped.length > 0 ? ` (skipped: ${skipped.join("; ")})` : ""}`;

type Engine = "local" | "airflow" | "airflow-sdk" | "notebook";
const DAGS = ["csv_to_report_etl_orders_1.0.0", "flaky_demo_dev", "parity_exits_1.0.0", "parity_killed_1.0.0"] as const;
type Dag = (typeof DAGS)[number];

/**
 * How each run ends on each engine: the one place where the engines differ, and why.
 * - A notebook that stops at a failing cell never reaches its summary cell, which ends the run:
 *   once nbclient shuts the kernel down, the run's process is gone without an end, so the run
 *   is `crashed` (the tasks say what happened).
 * - A SIGKILL ends a local run's process, and a notebook's kernel, with the task: `crashed`. On
 *   Airflow it ends one task's process; the worker command records the crash, Airflow marks the task
 *   after it upstream_failed, and the run, folded from its tasks, is `failed`. On the SDK runtime
 *   wfkit's coordinator records the crash the same way.
 */
const RUN_STATUS: Record<Dag, Record<Engine, string>> = {
  "csv_to_report_etl_orders_1.0.0": { local: "success", airflow: "success", "airflow-sdk": "success", notebook: "success" },
  flaky_demo_dev: { local: "failed", airflow: "failed", "airflow-sdk": "failed", notebook: "crashed" },
  "parity_exits_1.0.0": { local: "failed", airflow: "failed", "airflow-sdk": "failed", notebook: "crashed" },
  "parity_killed_1.0.0": { local: "crashed", airflow: "failed", "airflow-sdk": "failed", notebook: "crashed" },
};

/**
 * What must be the same everywhere: per task, its status, how many attempts, its actions in
 * order, and what it put in the run's catalog and got from it (name and sha256; where the
 * catalog keeps it differs by engine).
 */
async function taskFacts(run: RunView, atHome: string = home): Promise<Record<string, string>> {
  const log = await openRunLog({ home: atHome, env: {} });
  try {
    const actions = (await log.actions({ dagId: run.dagId, runId: run.runId })).reverse();
    return Object.fromEntries(
      run.tasks.map((t) => [
        t.task,
        `${t.status}, ${t.attempts.length} attempt(s): ${actions
          .filter((a) => a.task === t.task)
          .map((a) => `${a.action}#${a.attempt}`)
          .join(" ")}${t.catalog.length === 0 ? "" : `; catalog: ${t.catalog.map((c) => `${c.stage} ${c.name} ${c.form} ${c.sha256}`).join(", ")}`}`,
      ]),
    );
  } finally {
    await log.close();
  }
}

let home: string;
/** The SDK runtime's WF_HOME: its runs are engine "airflow" too, so they cannot share `home`. */
let sdkHome: string;

describe.skipIf(skipped.length > 0)(title, () => {
  let work: string;
  let airflowHome: AirflowHome;
  let deployment: AirflowDeployment | undefined;
  let project: NotebookProject;
  const runs = new Map<string, RunView>();

  beforeAll(async () => {
    if (!airflow.ok || !jupyter.ok || !scheduler.ok) return;
    work = await mkdtemp(path.join(tmpdir(), "wfkit-parity-"));
    home = path.join(work, "wf-home");
    sdkHome = path.join(work, "wf-home-sdk");
    const env = { WF_HOME: home, WF_RETRY_DELAY_SECONDS: "0", WF_PROGRESS: "off" };
    const parity = "test/fixtures/workflows/run-log-parity.ts";

    // Local: `wf run`, a process per run (the SIGKILL ends only that one).
    for (const [file, workflow, code] of [
      ["examples/etl.ts", undefined, 0],
      ["examples/flaky.ts", undefined, 1],
      [parity, "exits", 1],
      [parity, "killed", null],
    ] as const) {
      const out = await wf(["run", file, ...(workflow ? ["-w", workflow] : [])], env);
      expect(out.code, out.stderr).toBe(code);
    }

    // Airflow: the examples from wfkit's tarball, the parity fixtures from a package of their own.
    const root = path.join(work, "install-root");
    const tarball = await wfkitTarball();
    const pkg = path.join(work, "parity-pkg");
    await mkdir(path.join(pkg, "workflows"), { recursive: true });
    await writeFile(path.join(pkg, "package.json"), JSON.stringify({ name: "wf-parity", version: "1.0.0", type: "module", dependencies: { wfkit: `file:${tarball}` } }));
    await copyFile(path.join(repoRoot, parity), path.join(pkg, "workflows", "parity.ts"));
    await mkdir(path.join(pkg, "node_modules"));
    await symlink(repoRoot, path.join(pkg, "node_modules", "wfkit"));
    for (const spec of [tarball, pkg]) expect((await wf(["install", spec, "--root", root])).code).toBe(0);
    airflowHome = await createAirflowHome(airflow.install, { WF_INSTALL_ROOT: root, WF_HOME: home, PATH: `${path.dirname(process.execPath)}:${process.env["PATH"] ?? ""}` });
    expect((await wf(["export", "--engine", "airflow", "--out", airflowHome.dagsFolder, "examples/etl.ts", "examples/flaky.ts", pkg])).code).toBe(0);
    const reports = await testDags(airflowHome, DAGS.map((dagId) => ({ dagId })));
    for (const report of reports) expect(report.error, report.traceback).toBeUndefined();

    // Airflow's SDK runtime: the same packages, stub DAGs, a real scheduler, wfkit's coordinator.
    deployment = new AirflowDeployment({
      install: scheduler.install,
      executor: "LocalExecutor",
      env: {
        WF_HOME: sdkHome,
        PATH: `${path.dirname(process.execPath)}:${process.env["PATH"] ?? ""}`,
        PYTHONPATH: path.join(repoRoot, "python"),
        AIRFLOW__SDK__COORDINATORS: JSON.stringify({ wfkit: { classpath: "wfkit_airflow.WfkitCoordinator", kwargs: { install_root: root } } }),
        AIRFLOW__SDK__QUEUE_TO_COORDINATOR: JSON.stringify({ wfkit: "wfkit" }),
      },
    });
    await deployment.start();
    expect((await wf(["export", "--engine", "airflow", "--runtime", "sdk", "--out", deployment.dagsFolder, "examples/etl.ts", "examples/flaky.ts", pkg])).code).toBe(0);
    await deployment.waitForDags([...DAGS]);
    const sdkRuns = [];
    for (const dagId of DAGS) {
      await deployment.unpause(dagId);
      sdkRuns.push(await deployment.trigger(dagId));
    }
    for (const r of sdkRuns) await deployment.waitForRun(r.dag_id, r.dag_run_id);

    // Notebook: each workflow's notebook run whole in a kernel, stopping at a failing cell.
    project = await createNotebookProject();
    const nb = path.join(project.dir, "nb");
    expect((await wf(["export", "--engine", "notebook", "--out", nb, "examples/etl.ts", "examples/flaky.ts", parity])).code).toBe(0);
    for (const dag of DAGS) await executeNotebook(path.join(nb, `${dag}.ipynb`), { env });

    for (const [atHome, sdk] of [[home, false], [sdkHome, true]] as const) {
      const log = await openRunLog({ home: atHome, env: {} });
      for (const summary of await log.runs({ limit: 100 })) {
        const key = `${summary.dagId}/${sdk ? "airflow-sdk" : summary.engine}`;
        expect(runs.has(key), `two ${key} runs`).toBe(false);
        runs.set(key, await log.run(summary.runId, { dagId: summary.dagId }));
      }
      await log.close();
    }
  }, SLOW);

  afterAll(async () => {
    await deployment?.stop();
    await airflowHome?.cleanup();
    await project?.cleanup();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  const run = (dag: Dag, engine: Engine): RunView => {
    const found = runs.get(`${dag}/${engine}`);
    if (found === undefined) throw new Error(`no ${engine} run of ${dag} in the run log; it has ${[...runs.keys()].join(", ")}`);
    return found;
  };

  for (const dag of DAGS) {
    it(`${dag}: every task's status, attempts and actions are the same on every engine and Airflow runtime`, async () => {
      const local = await taskFacts(run(dag, "local"));
      expect(await taskFacts(run(dag, "airflow"))).toEqual(local);
      expect(await taskFacts(run(dag, "airflow-sdk"), sdkHome)).toEqual(local);
      expect(await taskFacts(run(dag, "notebook"))).toEqual(local);
      expect(Object.values(local).length).toBeGreaterThan(2);
    });

    it(`${dag}: the run ends as RUN_STATUS says on each engine`, () => {
      for (const engine of ["local", "airflow", "airflow-sdk", "notebook"] as const) expect(`${engine}: ${run(dag, engine).status}`).toBe(`${engine}: ${RUN_STATUS[dag][engine]}`);
    });
  }

  it("records the catalog of the example that passes its data through it, with sha256s (compared above)", async () => {
    const facts = await taskFacts(run("csv_to_report_etl_orders_1.0.0", "local"));
    expect(facts["Extract"]).toMatch(/^success, 1 attempt\(s\): run#1 success#1; catalog: put orders json [0-9a-f]{64}$/);
    expect(facts["Transform"]).toMatch(/; catalog: get orders json [0-9a-f]{64}, put kept json [0-9a-f]{64}$/);
    expect(facts["Load"]).toMatch(/; catalog: get kept json [0-9a-f]{64}, put report file [0-9a-f]{64}$/);
  });

  it("records what each kind of end looks like (the facts compared above)", async () => {
    expect(await taskFacts(run("flaky_demo_dev", "local"))).toEqual({
      Start: "success, 1 attempt(s): run#1 success#1",
      Flaky: "success, 2 attempt(s): run#1 fail#1 retry#1 run#2 success#2",
      Summarize: "success, 1 attempt(s): run#1 success#1",
      AlwaysFails: "failed, 1 attempt(s): run#1 fail#1",
      Publish: "upstream_failed, 0 attempt(s): ",
      Notify: "upstream_failed, 0 attempt(s): ",
    });
    expect(await taskFacts(run("parity_exits_1.0.0", "local"))).toEqual({
      Before: "success, 1 attempt(s): run#1 success#1",
      Exits: "failed, 1 attempt(s): run#1 fail#1",
      After: "upstream_failed, 0 attempt(s): ",
    });
    expect(await taskFacts(run("parity_killed_1.0.0", "local"))).toEqual({
      Before: "success, 1 attempt(s): run#1 success#1",
      Killed: "crashed, 1 attempt(s): run#1 crash#1",
      After: "upstream_failed, 0 attempt(s): ",
    });
    // The worker command saw how the task process died; a reader that found a process gone cannot know.
    const crash = run("parity_killed_1.0.0", "airflow").tasks.find((t) => t.task === "Killed")!.attempts[0]!;
    expect(crash).toMatchObject({ status: "crashed", signal: "SIGKILL" });
    // On the SDK runtime wfkit's coordinator saw it (Airflow gave it the exit code).
    const sdkCrash = run("parity_killed_1.0.0", "airflow-sdk").tasks.find((t) => t.task === "Killed")!.attempts[0]!;
    expect(sdkCrash).toMatchObject({ status: "crashed", signal: "SIGKILL" });
  });
});
