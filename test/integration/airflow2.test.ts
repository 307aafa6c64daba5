// `--airflow-version 2` output in a real Airflow 2.11: imported by its DagBag, the example ETL run
// end to end through `wf run-task`, and the DAG's task operator: wfkit's lines at their levels,
// wfkit's reason for a failure, and bad input failing without retries.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  airflowAvailability,
  createAirflowHome,
  loadDagBag,
  testDags,
  writeFixturePackage,
  type AirflowHome,
  type DagInfo,
  type DagRunReport,
} from "../support/airflow.js";
import { repoRoot, wf } from "../support/wf-cli.js";
import { wfkitTarball } from "../support/wfkit-tarball.js";
import { FAILURE, FIRST_BATCH } from "../fixtures/workflows/operator.js";

const found = airflowAvailability(2);
const title = found.ok ? `--airflow-version 2 in a real Airflow ${found.install.version}` : `--airflow-version 2 (skipped: ${found.reason.split("\n")[0]})`;

describe.skipIf(!found.ok)(title, () => {
  let home: AirflowHome;
  let dags: DagInfo[];
  let importErrors: Record<string, string>;
  let run: DagRunReport;
  let operator: DagRunReport;
  let refused: DagRunReport;

  beforeAll(async () => {
    if (!found.ok) return;
    const work = await mkdtemp(path.join(tmpdir(), "wfkit-airflow2-it-"));
    const root = path.join(work, "install-root");
    const tarball = await wfkitTarball();
    const pkg = path.join(work, "operator-pkg");
    await writeFixturePackage(pkg, { name: "wf-airflow2-operator", tarball, fixtures: ["operator.ts"] });
    for (const spec of [tarball, pkg]) {
      const install = await wf(["install", spec, "--root", root]);
      if (install.code !== 0) throw new Error(install.stderr);
    }
    home = await createAirflowHome(found.install, {
      WF_INSTALL_ROOT: root,
      WF_HOME: path.join(work, "wf-home"),
      PATH: `${path.dirname(process.execPath)}:${process.env["PATH"] ?? ""}`,
    });
    const files = ["examples/etl.ts", "examples/flaky.ts", "examples/diamond.ts", "test/fixtures/workflows/hostile.ts"];
    const exported = await wf(["export", "--engine", "airflow", "--airflow-version", "2", "--out", home.dagsFolder, ...files.map((f) => `${repoRoot}${f}`), pkg]);
    if (exported.code !== 0) throw new Error(exported.stderr);
    ({ importErrors, dags } = await loadDagBag(home));
    [run, operator, refused] = (await testDags(home, [
      { dagId: "csv_to_report_etl_orders_1.0.0", conf: { currency: "USD" } },
      { dagId: "operator_1.0.0" },
      // A conf key the workflow does not take: wf run-task refuses every task (exit 2).
      { dagId: "operator_1.0.0", conf: { nope: 1 } },
    ])) as [DagRunReport, DagRunReport, DagRunReport];
  }, 300_000);
  afterAll(() => home?.cleanup());

  const states = (r: DagRunReport) => Object.fromEntries(r.tasks.map((t) => [t.taskId, t.state]));

  it("imports with zero import errors, with the same structure as for Airflow 3", () => {
    expect(importErrors).toEqual({});
    expect(dags.map((d) => d.dagId).sort()).toEqual(["csv_to_report_etl_orders_1.0.0", "flaky_demo_dev", "hostile_1.0.0", "images_to_site_gallery_1.0.0", "operator_1.0.0"]);
    const flaky = dags.find((d) => d.dagId === "flaky_demo_dev")!;
    expect(Object.fromEntries(flaky.tasks.map((t) => [t.taskId, [...t.upstream].sort()]))).toEqual({
      Start: [],
      Flaky: ["Start"],
      Summarize: ["Flaky"],
      AlwaysFails: ["Start"],
      Publish: ["AlwaysFails"],
      Notify: ["Publish"],
    });
    const etl = dags.find((d) => d.dagId === "csv_to_report_etl_orders_1.0.0")!;
    expect(etl.params["currency"]).toMatchObject({ default: "EUR" });
    expect(etl.tasks.every((t) => t.operator === "WfkitTaskOperator" && t.bashOperator && t.literal.includes("env.WF_TASK"))).toBe(true);
  });

  it("runs the example ETL through wf run-task", () => {
    expect(run.state, run.error).toBe("success");
    expect(run.tasks.map((t) => [t.taskId, t.state])).toEqual(
      expect.arrayContaining([
        ["Extract", "success"],
        ["Transform", "success"],
        ["Load", "success"],
      ]),
    );
    expect(run.tasks.find((t) => t.taskId === "Transform")?.log).toContain("kept 2 of 6 orders");
  });

  it("logs each wfkit line at its own level and fails with wfkit's reason; the task's retry runs", () => {
    expect(states(operator)).toEqual({ Fails: "failed", Skips: "skipped" });
    const fails = operator.tasks.find((t) => t.taskId === "Fails")!;
    expect(fails.tryNumber).toBe(2);
    const [first, second] = fails.attemptLogs as [string, string];
    // Airflow 2's format: "[<time>] {<file>:<line>} <LEVEL> - <message>".
    expect(first).toMatch(/\} INFO - loading orders table=orders rows=3 note="two words" workflow=operator /);
    expect(first).toMatch(/\} WARNING - the warehouse is slow seconds=2\.5 cause="Error: socket hang up"\nError: socket hang up\n\s+at Fails\.run \(/);
    expect(first).toContain(`} ERROR - ${FIRST_BATCH} batch=1`);
    expect(first).toContain(`} WARNING - attempt 1 failed, retrying in 1 s: WarehouseError: ${FAILURE} (attempt 1)`);
    expect(first).toContain(`AirflowException: attempt 1 failed, retrying in 1 s: WarehouseError: ${FAILURE} (attempt 1)`);
    expect(second).toContain(`} ERROR - task failed: WarehouseError: ${FAILURE} (attempt 2) thrown_at=`);
    expect(second).toContain(`AirflowException: task failed: WarehouseError: ${FAILURE} (attempt 2)`);
    expect(second).not.toContain("Bash command failed");
    expect(operator.tasks.find((t) => t.taskId === "Skips")!.log).toContain("} INFO - task skipped: nothing new to load ");
  });

  it("fails every task of a run wf run-task refuses (exit 2) at once, retries or not", () => {
    expect(refused.state).toBe("failed");
    expect(refused.tasks.map((t) => [t.taskId, t.state, t.tryNumber, t.attemptLogs.length])).toEqual([
      ["Fails", "failed", 1, 1],
      ["Skips", "failed", 1, 1],
    ]);
    const log = refused.tasks.find((t) => t.taskId === "Fails")!.log;
    expect(log).toContain("} ERROR - wf: invalid run parameters for operator_1.0.0; fix it and start the run again:");
    expect(log).toContain("} ERROR -   nope: this workflow takes no parameters");
    expect(log).toContain("AirflowFailException: wf: invalid run parameters for operator_1.0.0");
  });
});
