// `--airflow-version 2` output in a real Airflow 2.11: imported by its DagBag, and the example
// ETL run end to end through `wf run-task`.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowAvailability, createAirflowHome, loadDagBag, testDags, type AirflowHome, type DagInfo, type DagRunReport } from "../support/airflow.js";
import { repoRoot, wf } from "../support/wf-cli.js";
import { wfkitTarball } from "../support/wfkit-tarball.js";

const found = airflowAvailability(2);
const title = found.ok ? `--airflow-version 2 in a real Airflow ${found.install.version}` : `--airflow-version 2 (skipped: ${found.reason.split("\n")[0]})`;

describe.skipIf(!found.ok)(title, () => {
  let home: AirflowHome;
  let dags: DagInfo[];
  let importErrors: Record<string, string>;
  let run: DagRunReport;

  beforeAll(async () => {
    if (!found.ok) return;
    const work = await mkdtemp(path.join(tmpdir(), "wfkit-airflow2-it-"));
    const root = path.join(work, "install-root");
    const install = await wf(["install", await wfkitTarball(), "--root", root]);
    if (install.code !== 0) throw new Error(install.stderr);
    home = await createAirflowHome(found.install, {
      WF_INSTALL_ROOT: root,
      WF_HOME: path.join(work, "wf-home"),
      PATH: `${path.dirname(process.execPath)}:${process.env["PATH"] ?? ""}`,
    });
    const files = ["examples/etl.ts", "examples/flaky.ts", "examples/diamond.ts", "test/fixtures/workflows/hostile.ts"];
    const exported = await wf(["export", "--engine", "airflow", "--airflow-version", "2", "--out", home.dagsFolder, ...files.map((f) => `${repoRoot}${f}`)]);
    if (exported.code !== 0) throw new Error(exported.stderr);
    ({ importErrors, dags } = await loadDagBag(home));
    [run] = (await testDags(home, [{ dagId: "csv_to_report_etl_orders_1.0.0", conf: { currency: "USD" } }])) as [DagRunReport];
  }, 300_000);
  afterAll(() => home?.cleanup());

  it("imports with zero import errors, with the same structure as for Airflow 3", () => {
    expect(importErrors).toEqual({});
    expect(dags.map((d) => d.dagId).sort()).toEqual(["csv_to_report_etl_orders_1.0.0", "flaky_demo_dev", "hostile_1.0.0", "images_to_site_gallery_1.0.0"]);
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
    expect(etl.tasks.every((t) => t.operator === "BashOperator" && t.literal.includes("env.WF_TASK"))).toBe(true);
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
});
