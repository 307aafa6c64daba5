// The run log says the same of the same workflow on every engine. The examples (etl, flaky: a
// retry, a failure, tasks blocked by it) and the parity fixtures (a task that calls
// process.exit, one killed by SIGKILL) run locally (`wf run`), as Airflow task instances
// (`wf run-task` under `airflow dags test`, one process per task) and in a notebook (a real
// Jupyter kernel), all recording into one WF_HOME; then, per task, the status, the number of
// attempts and the sequence of task actions must be the same on all three. The differences the
// engines are meant to have are listed in RUN_STATUS below, and nowhere else: any other
// difference fails.
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRunLog, type RunView } from "wfkit";
import { airflowAvailability, createAirflowHome, testDags, type AirflowHome } from "../support/airflow.js";
import { createNotebookProject, executeNotebook, jupyterAvailability, type NotebookProject } from "../support/jupyter.js";
import { repoRoot, wf } from "../support/wf-cli.js";
import { wfkitTarball } from "../support/wfkit-tarball.js";

const SLOW = 900_000;
const airflow = airflowAvailability(3);
const jupyter = jupyterAvailability();
const skipped = [!airflow.ok && `Airflow: ${airflow.reason.split("\n")[0]}`, !jupyter.ok && `Jupyter: ${jupyter.reason.split("\n")[0]}`].filter(Boolean);
const title = `the run log of one workflow on the local engine, Airflow and a notebook${skipped.length > 0 ? ` (skipped: ${skipped.join("; ")})` : ""}`;

type Engine = "local" | "airflow" | "notebook";
const DAGS = ["csv_to_report_etl_orders_1.0.0", "flaky_demo_dev", "parity_exits_1.0.0", "parity_killed_1.0.0"] as const;
type Dag = (typeof DAGS)[number];

/**
 * How each run ends on each engine: the one place where the engines differ, and why.
 * - A notebook that stops at a failing cell never reaches its summary cell, which ends the run:
 *   once nbclient shuts the kernel down, the run's process is gone without an end, so the run
 *   is `crashed` (the tasks say what happened).
 * - A SIGKILL ends a local run's process, and a notebook's kernel, with the task: `crashed`. On
 *   Airflow it ends one task's process; the worker command records the crash, Airflow marks the task
 *   after it upstream_failed, and the run, folded from its tasks, is `failed`.
 */
const RUN_STATUS: Record<Dag, Record<Engine, string>> = {
  "csv_to_report_etl_orders_1.0.0": { local: "success", airflow: "success", notebook: "success" },
  flaky_demo_dev: { local: "failed", airflow: "failed", notebook: "crashed" },
  "parity_exits_1.0.0": { local: "failed", airflow: "failed", notebook: "crashed" },
  "parity_killed_1.0.0": { local: "crashed", airflow: "failed", notebook: "crashed" },
};

/**
 * What must be the same everywhere: per task, its status, how many attempts, its actions in
 * order, and what it put in the run's catalog and got from it (name and sha256; where the
 * catalog keeps it differs by engine).
 */
async function taskFacts(run: RunView): Promise<Record<string, string>> {
  const log = await openRunLog({ home, env: {} });
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

describe.skipIf(!airflow.ok || !jupyter.ok)(title, () => {
  let work: string;
  let airflowHome: AirflowHome;
  let project: NotebookProject;
  const runs = new Map<string, RunView>();

  beforeAll(async () => {
    if (!airflow.ok || !jupyter.ok) return;
    work = await mkdtemp(path.join(tmpdir(), "wfkit-parity-"));
    home = path.join(work, "wf-home");
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

    // Notebook: each workflow's notebook run whole in a kernel, stopping at a failing cell.
    project = await createNotebookProject();
    const nb = path.join(project.dir, "nb");
    expect((await wf(["export", "--engine", "notebook", "--out", nb, "examples/etl.ts", "examples/flaky.ts", parity])).code).toBe(0);
    for (const dag of DAGS) await executeNotebook(path.join(nb, `${dag}.ipynb`), { env });

    const log = await openRunLog({ home, env: {} });
    for (const summary of await log.runs({ limit: 100 })) {
      const key = `${summary.dagId}/${summary.engine}`;
      expect(runs.has(key), `two ${summary.engine} runs of ${summary.dagId}`).toBe(false);
      runs.set(key, await log.run(summary.runId, { dagId: summary.dagId }));
    }
    await log.close();
  }, SLOW);

  afterAll(async () => {
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
    it(`${dag}: every task's status, attempts and actions are the same on the three engines`, async () => {
      const local = await taskFacts(run(dag, "local"));
      expect(await taskFacts(run(dag, "airflow"))).toEqual(local);
      expect(await taskFacts(run(dag, "notebook"))).toEqual(local);
      expect(Object.values(local).length).toBeGreaterThan(2);
    });

    it(`${dag}: the run ends as RUN_STATUS says on each engine`, () => {
      for (const engine of ["local", "airflow", "notebook"] as const) expect(`${engine}: ${run(dag, engine).status}`).toBe(`${engine}: ${RUN_STATUS[dag][engine]}`);
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
  });
});
