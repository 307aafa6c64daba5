// Re-running a failed run, end to end, on every engine: `wf run --rerun` (the command a failed
// run's summary prints), a notebook written by `wf export --engine notebook --rerun` and run in
// a real Jupyter kernel, and a run that failed under Airflow (`airflow dags test`, one
// `wf run-task` process per task) recorded in PostgreSQL, re-run on this machine from the same
// WF_HOME. Each time only the failed part runs (the fixture's tasks write their names to
// ran.log); the rest is reused with its catalog entries.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parse } from "shell-quote";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRunLog } from "wfkit";
import { airflowAvailability, createAirflowHome, loadDagBag, testDags, type AirflowHome } from "../support/airflow.js";
import { createNotebookProject, executeNotebook, jupyterAvailability, type NotebookProject } from "../support/jupyter.js";
import { postgresAvailability, TestDatabase } from "../support/postgres.js";
import { repoRoot, wf } from "../support/wf-cli.js";
import { wfkitTarball } from "../support/wfkit-tarball.js";

const FIXTURE = "test/fixtures/workflows/rerun.ts";
const DAG = "tests_rerun_1.0.0";
const SLOW = 600_000;

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "wfkit-rerun-it-"));
});
afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

/** A fresh WF_HOME and fixture folder (ran.log, fail-<task> markers), and the env that points the fixture at them. */
async function sandbox(name: string): Promise<{ home: string; dir: string; env: Record<string, string>; ran(): Promise<string[]>; fail(task: string, on?: boolean): Promise<void> }> {
  const dir = path.join(work, name);
  const home = path.join(dir, "wf-home");
  await mkdir(home, { recursive: true });
  const log = path.join(dir, "ran.log");
  return {
    home,
    dir,
    env: { WF_HOME: home, WF_TEST_RERUN_DIR: dir, WF_RETRY_DELAY_SECONDS: "0", WF_PROGRESS: "off" },
    async ran() {
      if (!existsSync(log)) return [];
      const lines = (await readFile(log, "utf8")).split("\n").filter(Boolean);
      await rm(log);
      return lines;
    },
    async fail(task, on = true) {
      const marker = path.join(dir, `fail-${task}`);
      if (on) await writeFile(marker, "");
      else await rm(marker, { force: true });
    },
  };
}

describe("wf run --rerun", () => {
  it("a failed run's summary prints the command that re-runs it; that command runs only the failed part", async () => {
    const s = await sandbox("cli");
    await s.fail("Report");
    const first = await wf(["run", FIXTURE, "--tag", "nightly"], { ...s.env, WF_LOG_FORMAT: "pretty" });
    expect(first.code, first.stderr).toBe(1);
    expect(await s.ran()).toEqual(["Extract", "Clean", "Side", "Report"]);
    const line = first.stdout.split("\n").find((l) => l.includes("re-run the failed part:"));
    expect(line, first.stdout).toBeDefined();
    const command = line!.split("re-run the failed part: ")[1]!;
    expect(command).toMatch(new RegExp(`^wf run ${FIXTURE} --rerun \\S+ --tag nightly$`));

    await s.fail("Report", false);
    const words = parse(command) as string[];
    const second = await wf(words.slice(1), { ...s.env, WF_LOG_FORMAT: "pretty" });
    expect(second.code, second.stderr).toBe(0);
    expect(await s.ran()).toEqual(["Report"]);
    expect(second.stdout).toMatch(/re-run of \S+ \(3 reused\)/);
    expect(second.stdout).toMatch(/↺ Extract\s+reused\s+from run /);
    expect(second.stdout).not.toContain("re-run the failed part");

    const json = await wf([...words.slice(1), "--json"], s.env);
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout) as { originalRunId: string; tasks: { task: string; status: string }[] };
    expect(result.tasks.map((t) => t.status)).toEqual(["reused", "reused", "reused", "success"]);
    expect(await s.ran()).toEqual(["Report"]);
  });

  it("refuses, with exit 2 and both hashes, a workflow that changed since; says what to give again; --from needs --rerun", async () => {
    const s = await sandbox("cli-refused");
    await s.fail("Side");
    const first = await wf(["run", FIXTURE, "--json", "--param", "token=tok-1a2b3c4d"], s.env);
    expect(first.code).toBe(1);
    const { runId, dagHash } = JSON.parse(first.stdout) as { runId: string; dagHash: string };

    const secret = await wf(["run", FIXTURE, "--rerun", runId], s.env);
    expect(secret.code).toBe(2);
    expect(secret.stderr).toContain(`param "token" is a secret and was recorded masked: give it again (--param token=…`);

    // The same dag id with one more edge: another dag hash.
    const changed = path.join(s.dir, "changed.ts");
    const source = await readFile(path.join(repoRoot, FIXTURE), "utf8");
    await writeFile(changed, source.replace("rerun.addNode(Report, { upstreams: [Clean, Side] });", "rerun.addNode(Report, { upstreams: [Clean, Side, Extract] });"));
    await mkdir(path.join(s.dir, "node_modules"));
    await symlink(repoRoot, path.join(s.dir, "node_modules", "wfkit"));
    await symlink(path.join(repoRoot, "node_modules", "zod"), path.join(s.dir, "node_modules", "zod"));
    const refused = await wf(["run", changed, "--rerun", runId, "--param", "token=tok-1a2b3c4d"], s.env);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`was made by dag hash ${dagHash}`);
    expect(refused.stderr).toMatch(/now has dag hash [0-9a-f]{64}.*--force/s);
    expect(await s.ran()).toEqual(["Extract", "Clean", "Side"]);
    await s.fail("Side", false);
    const forced = await wf(["run", changed, "--rerun", runId, "--force", "--param", "token=tok-1a2b3c4d"], s.env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await s.ran()).toEqual(["Side", "Report"]);

    const usage = await wf(["run", FIXTURE, "--from", "Clean"], s.env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--from goes with --rerun <run id>");
    const unknown = await wf(["run", FIXTURE, "--rerun", "20260101T000000Z-000000"], s.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`no run "20260101T000000Z-000000" of ${DAG} in the run log`);
    const airflowExport = await wf(["export", "--engine", "airflow", "--rerun", runId, "--out", s.dir, FIXTURE], s.env);
    expect(airflowExport.code).toBe(2);
    expect(airflowExport.stderr).toContain("use it with --engine notebook");
    const several = await wf(["export", "--engine", "notebook", "--rerun", runId, "--out", s.dir, "test/fixtures/workflows/two-workflows.ts"], s.env);
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/--rerun writes the notebook of one workflow, and the inputs hold 2 \(.*\): give --dag-id/);
  });
});

const jupyter = jupyterAvailability();
describe.skipIf(!jupyter.ok)(`a notebook that re-runs a failed notebook run (wf export --engine notebook --rerun)${jupyter.ok ? "" : ` (skipped: ${jupyter.reason.split("\n")[0]})`}`, () => {
  let project: NotebookProject;
  afterAll(async () => {
    await project?.cleanup();
  });

  it("reuses what succeeded; only the failed task's cell runs its task", async () => {
    const s = await sandbox("notebook");
    project = await createNotebookProject();
    const nb = path.join(project.dir, "nb");
    expect((await wf(["export", "--engine", "notebook", "--out", nb, FIXTURE])).code).toBe(0);
    await s.fail("Report");
    const first = await executeNotebook(path.join(nb, `${DAG}.ipynb`), { env: s.env });
    expect(first.failedCellId).toBe("task-4");
    expect(await s.ran()).toEqual(["Extract", "Clean", "Side", "Report"]);
    const log = await openRunLog({ home: s.home, env: {} });
    const [original] = await log.runs({ dagId: DAG, limit: 1 });
    await log.close();
    expect(original).toMatchObject({ engine: "notebook", tasks: { success: 3, failed: 1 } });

    await s.fail("Report", false);
    const exported = await wf(["export", "--engine", "notebook", "--rerun", original!.runId, "--out", nb, FIXTURE]);
    expect(exported.code, exported.stderr).toBe(0);
    const file = path.join(nb, `${DAG}.rerun-${original!.runId}.ipynb`);
    const second = await executeNotebook(file, { env: s.env });
    expect(second.ok, second.error).toBe(true);
    expect(await s.ran()).toEqual(["Report"]);
    const setup = second.cells.find((c) => c.id === "setup")!;
    expect(setup.text).toContain(`re-run of run ${original!.runId}: reused Extract, Clean, Side; run the cells of Report`);
    expect(second.cells.find((c) => c.id === "task-1")!.text).toContain(`↺ Extract reused from run ${original!.runId}: not run again`);
    expect(second.cells.find((c) => c.id === "summary")!.text).toMatch(/success\s+4 tasks .* re-run of \S+ \(3 reused\)/);

    const after = await openRunLog({ home: s.home, env: {} });
    const [rerun] = await after.runs({ dagId: DAG, limit: 1 });
    await after.close();
    expect(rerun).toMatchObject({ engine: "notebook", status: "success", originalRunId: original!.runId, tasks: { reused: 3, success: 1 } });
  }, SLOW);
});

const airflow = airflowAvailability(3);
const postgres = await postgresAvailability("re-running a failed Airflow run recorded in PostgreSQL");
const skipAirflow = [!airflow.ok && `Airflow: ${airflow.reason.split("\n")[0]}`, !postgres.ok && `PostgreSQL: ${postgres.reason}`].filter(Boolean);
describe.skipIf(skipAirflow.length > 0)(`a failed Airflow run, recorded in PostgreSQL, re-run on this machine${skipAirflow.length > 0 ? ` (skipped: ${skipAirflow.join("; ")})` : ""}`, () => {
  const db = new TestDatabase();
  let airflowHome: AirflowHome;
  beforeAll(async () => {
    if (skipAirflow.length === 0) await db.create();
  });
  afterAll(async () => {
    await airflowHome?.cleanup();
    if (skipAirflow.length === 0) await db.drop();
  });

  it("wf run --rerun RUN_ID --dag-id D runs only the failed task, on the upstream data the workers left; clearing the task on Airflow lands in the same run", async () => {
    if (!airflow.ok) return;
    const s = await sandbox("airflow");
    const env = { ...s.env, WF_RUN_LOG: db.url() };
    // The fixture as a workflow package, installed where the workers load it.
    const pkg = path.join(s.dir, "rerun-pkg");
    await mkdir(path.join(pkg, "workflows"), { recursive: true });
    await mkdir(path.join(pkg, "node_modules"));
    const tarball = await wfkitTarball();
    const zodVersion = (JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["zod"]!;
    await writeFile(path.join(pkg, "package.json"), JSON.stringify({ name: "wf-rerun", version: "1.0.0", type: "module", dependencies: { wfkit: `file:${tarball}`, zod: zodVersion } }));
    await copyFile(path.join(repoRoot, FIXTURE), path.join(pkg, "workflows", "rerun.ts"));
    for (const name of ["wfkit", "zod"]) await symlink(name === "wfkit" ? repoRoot : path.join(repoRoot, "node_modules", name), path.join(pkg, "node_modules", name));
    const root = path.join(s.dir, "install-root");
    for (const spec of [tarball, pkg]) {
      const installed = await wf(["install", spec, "--root", root]);
      expect(installed.code, installed.stderr).toBe(0);
    }
    airflowHome = await createAirflowHome(airflow.install, { ...env, WF_INSTALL_ROOT: root, PATH: `${path.dirname(process.execPath)}:${process.env["PATH"] ?? ""}` });
    expect((await wf(["export", "--engine", "airflow", "--out", airflowHome.dagsFolder, pkg])).code).toBe(0);

    await s.fail("Report");
    const [report] = await testDags(airflowHome, [{ dagId: DAG }]);
    expect(report!.error, report!.traceback).toBeUndefined();
    expect(report!.state).toBe("failed");
    expect(Object.fromEntries(report!.tasks.map((t) => [t.taskId, t.state]))).toMatchObject({ Extract: "success", Clean: "success", Side: "success", Report: "failed" });
    expect((await s.ran()).sort()).toEqual(["Clean", "Extract", "Report", "Side"]);

    const log = await openRunLog({ home: s.home, store: db.url(), env: {} });
    const original = await log.run(report!.runId, { dagId: DAG });
    await log.close();
    expect(original).toMatchObject({ engine: "airflow", status: "failed" });

    await s.fail("Report", false);
    const rerun = await wf(["run", path.join(pkg, "workflows", "rerun.ts"), "--rerun", report!.runId, "--dag-id", DAG, "--json"], env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await s.ran()).toEqual(["Report"]);
    const result = JSON.parse(rerun.stdout) as { runId: string; originalRunId: string; tasks: { task: string; status: string }[] };
    expect(result.originalRunId).toBe(report!.runId);
    expect(result.tasks.map((t) => `${t.task} ${t.status}`)).toEqual(["Extract reused", "Clean reused", "Side reused", "Report success"]);

    // The re-run is in the same PostgreSQL run log, with the Airflow run's catalog carried.
    const after = await openRunLog({ home: s.home, store: db.url(), env: {} });
    const view = await after.run(result.runId, { dagId: DAG });
    await after.close();
    expect(view).toMatchObject({ engine: "local", originalRunId: report!.runId, status: "success" });
    const put = original.tasks.flatMap((t) => t.catalog.filter((c) => c.stage === "put").map((c) => `${c.name} ${c.sha256}`));
    const carried = view.tasks.flatMap((t) => t.catalog.filter((c) => c.stage === "carry").map((c) => `${c.name} ${c.sha256}`));
    expect(carried.sort()).toEqual(put.sort());
    expect(put.length).toBe(4);

    // On Airflow itself a failed task is cleared, and Airflow runs it again with the next try
    // number in the same DAG run: here, its operator's command with the environment Airflow
    // renders for try 2 (no scheduler runs in this test). Its attempt lands in the same run's records.
    const { dags } = await loadDagBag(airflowHome);
    const operator = dags.find((d) => d.dagId === DAG)!.tasks.find((t) => t.taskId === "Report")!;
    // Rejects when the command exits non-zero.
    await promisify(execFile)("bash", ["-c", operator.bashCommand!], {
      // The operator's templated variables as Airflow renders them for that run's try 2 (a run
      // triggered by dag.test has its dates; "" is how a missing one renders).
      env: { ...airflowHome.env, ...operator.env, WF_RUN_ID: report!.runId, WF_PARAMS: JSON.stringify(original.params), WF_ATTEMPT: "2", WF_LOGICAL_DATE: "", WF_DATA_INTERVAL_START: "", WF_DATA_INTERVAL_END: "", WF_TRACE_CONTEXT: "" },
    });
    expect(await s.ran()).toEqual(["Report"]);
    const again = await openRunLog({ home: s.home, store: db.url(), env: {} });
    const same = await again.run(report!.runId, { dagId: DAG });
    await again.close();
    expect(same.status).toBe("success");
    expect(same.tasks.find((t) => t.task === "Report")!.attempts.map((a) => `${a.attempt} ${a.status}`)).toEqual(["1 failed", "2 success"]);
  }, SLOW);
});
