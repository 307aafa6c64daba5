// Airflow's own behaviour as the reference for wfkit's settings: the trigger-rules fixture and a
// @daily fixture exported as DAG files and run by a real Airflow 3 (`airflow dags test`, every
// task a `wf run-task`), compared with the local engine: every trigger rule after every way two
// upstream tasks can end, the data interval of a run at a logical date, and a task timeout.
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLocal } from "wfkit/local";
import { airflowAvailability, createAirflowHome, testDags, type AirflowHome, type DagRunReport } from "../support/airflow.js";
import { repoRoot, wf } from "../support/wf-cli.js";
import { wfkitTarball } from "../support/wfkit-tarball.js";
import { quietRun } from "../support/quiet-run.js";
import { EXPECTED_STATES, triggerRules } from "../fixtures/workflows/trigger-rules.js";

const FIXTURES = ["trigger-rules.ts", "daily-interval.ts"];
const SLOW = 600_000;

const airflow = airflowAvailability(3);
const skip = airflow.ok ? undefined : `Airflow: ${airflow.reason.split("\n")[0]}`;

describe.skipIf(skip !== undefined)(`wfkit's settings against a real Airflow 3${skip === undefined ? "" : ` (skipped: ${skip})`}`, () => {
  let dir: string;
  let tarball: string | undefined;
  let home: AirflowHome;
  let rules: DagRunReport;
  let daily: DagRunReport;
  let slow: DagRunReport;

  beforeAll(async () => {
    if (!airflow.ok) return;
    dir = await mkdtemp(path.join(tmpdir(), "wfkit-rules-"));
    tarball = await wfkitTarball();
    const pkg = path.join(dir, "rules-pkg");
    await mkdir(path.join(pkg, "workflows"), { recursive: true });
    await mkdir(path.join(pkg, "node_modules"));
    const zod = (JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["zod"]!;
    await writeFile(path.join(pkg, "package.json"), JSON.stringify({ name: "wf-rules", version: "1.0.0", type: "module", dependencies: { wfkit: `file:${tarball}`, zod } }));
    for (const file of FIXTURES) await copyFile(path.join(repoRoot, "test", "fixtures", "workflows", file), path.join(pkg, "workflows", file));
    await symlink(repoRoot, path.join(pkg, "node_modules", "wfkit"));
    await symlink(path.join(repoRoot, "node_modules", "zod"), path.join(pkg, "node_modules", "zod"));
    const root = path.join(dir, "install-root");
    for (const spec of [tarball, pkg]) {
      const installed = await wf(["install", spec, "--root", root]);
      expect(installed.code, installed.stderr).toBe(0);
    }
    const env = { WF_HOME: path.join(dir, "wf-home"), WF_PROGRESS: "off", WF_INSTALL_ROOT: root, PATH: `${path.dirname(process.execPath)}:${process.env["PATH"] ?? ""}` };
    home = await createAirflowHome(airflow.install, env);
    const exported = await wf(["export", "--engine", "airflow", "--out", home.dagsFolder, pkg]);
    expect(exported.code, exported.stderr).toBe(0);
    const reports = await testDags(home, [
      { dagId: triggerRules.dagId },
      { dagId: "interval_daily_1.0.0", logicalDate: "2026-11-28T00:00:00Z" },
      { dagId: "interval_daily_1.0.0", logicalDate: "2026-11-29T00:00:00Z", conf: { slow: true } },
    ]);
    for (const report of reports) expect(report.error, report.traceback).toBeUndefined();
    [rules, daily, slow] = reports as [DagRunReport, DagRunReport, DagRunReport];
  }, SLOW);

  afterAll(async () => {
    await home?.cleanup();
    if (tarball !== undefined) await rm(path.dirname(tarball), { recursive: true, force: true });
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("ends every task of the trigger-rules fixture as the local engine does, and as the fixture says Airflow documents", async () => {
    const airflowStates = Object.fromEntries(rules.tasks.map((t) => [t.taskId, t.state]));
    expect(airflowStates).toEqual(EXPECTED_STATES);
    const local = await runLocal(triggerRules, quietRun().options);
    expect(Object.fromEntries(local.tasks.map((t) => [t.task, t.status]))).toEqual(airflowStates);
    expect(rules.state).toBe("failed");
  });

  it("gives the task the DAG run's data interval; `wf run --logical-date` gives the same interval a scheduled run of that date covers", async () => {
    // dag.test makes a manual run: Airflow gives it the last complete interval before its
    // logical date (a scheduled or backfilled run of logical date D covers D to D + 1 day:
    // test/integration/airflow-scheduler.test.ts). The task sees what Airflow gave.
    const interval = daily.tasks.find((t) => t.taskId === "Interval")!;
    expect(interval.state).toBe("success");
    expect(interval.log).toContain("interval 2026-11-27T00:00:00.000Z 2026-11-28T00:00:00.000Z logical 2026-11-28T00:00:00.000Z");
    const local = await wf(["run", path.join(repoRoot, "test/fixtures/workflows/daily-interval.ts"), "--logical-date", "2026-11-27"], { WF_HOME: path.join(dir, "local-home"), WF_PROGRESS: "off" });
    expect(local.code, local.stderr).toBe(0);
    expect(local.stderr).toContain("interval 2026-11-27T00:00:00.000Z 2026-11-28T00:00:00.000Z logical 2026-11-27T00:00:00.000Z");
  });

  it("fails a task past its timeoutSeconds (Airflow's execution_timeout) and still runs the all_done task after it", async () => {
    const states = Object.fromEntries(slow.tasks.map((t) => [t.taskId, t.state]));
    expect(states).toEqual({ Interval: "success", Slow: "failed", Notify: "success" });
    expect(slow.tasks.find((t) => t.taskId === "Slow")!.log).toMatch(/Timeout|timed out/i);
    // Locally the same task ends terminated with TaskTimeoutError; the run fails the same way.
    const local = await wf(["run", path.join(repoRoot, "test/fixtures/workflows/daily-interval.ts"), "--param", "slow=true", "--json"], { WF_HOME: path.join(dir, "local-home"), WF_PROGRESS: "off" });
    expect(local.code).toBe(1);
    const result = JSON.parse(local.stdout) as { status: string; tasks: { task: string; status: string }[] };
    expect(result.tasks.map((t) => `${t.task} ${t.status}`)).toEqual(["Interval success", "Slow terminated", "Notify success"]);
    expect(result.status).toBe("failed");
  });
});
