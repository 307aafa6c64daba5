// wfkit's DAG files in a real Airflow 3: a DagBag imports them, dag.test() and `airflow dags
// test` run them, every task through `wf run-task` from a versioned install root, exactly as
// the README's "Deploy to Airflow" describes.
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  airflowAvailability,
  airflowCli,
  createAirflowHome,
  loadDagBag,
  readTaskLogs,
  testDags,
  wfkitField,
  wfkitLine,
  type AirflowHome,
  type DagInfo,
  type DagRunReport,
} from "../support/airflow.js";
import { repoRoot, wf } from "../support/wf-cli.js";
import { wfkitTarball } from "../support/wfkit-tarball.js";
import { HOSTILE, HOSTILE_MARKER } from "../fixtures/workflows/hostile.js";
import { FAILURE, FIRST_BATCH } from "../fixtures/workflows/operator.js";

const SLOW = 600_000;
const found = airflowAvailability(3);
const title = found.ok ? `a real Airflow ${found.install.version}` : `a real Airflow 3 (skipped: ${found.reason.split("\n")[0]})`;

/** A workflow package whose one task logs which version of the code it is. */
const versionsModule = (version: string) => `import { TaskBase, Workflow } from "wfkit";
export class Hello extends TaskBase {
  run(): void {
    this.logger.info("hello from code version ${version}");
  }
}
export const versions = new Workflow({ category: "versions", version: "${version}" }).addNode(Hello);
`;

/** Params that JSON Schema cannot fully express: Airflow lets a bad \`day\` through, wfkit's zod check stops it. */
const paramsModule = `import { z } from "zod";
import { TaskBase, Workflow } from "wfkit";
const params = z.object({
  day: z.string().refine((d) => /^\\d{4}-\\d{2}-\\d{2}$/.test(d), "day must be a date like 2026-11-20").default("2026-01-01"),
  limit: z.number().int().min(1).default(10).describe("How many rows"),
});
export class ShowParams extends TaskBase<z.infer<typeof params>> {
  run(): void {
    this.logger.info("params received", { day: this.params.day, limit: this.params.limit, limit_type: typeof this.params.limit });
  }
}
export const paramsDemo = new Workflow({ category: "params", detail: "demo", version: "1.0.0", params }).addNode(ShowParams);
`;

/** Task classes made in a loop and never exported one by one: the worker finds them through the workflow. */
const dynamicModule = `import { TaskBase, Workflow, type TaskClass } from "wfkit";
function region(name: string): TaskClass {
  const Task = class extends TaskBase {
    run(): void {
      this.logger.info(\`loaded region \${name}\`);
    }
  };
  Object.defineProperty(Task, "name", { value: \`Load_\${name}\` });
  return Task;
}
class Plan extends TaskBase {
  run(): void {
    this.logger.info("planned");
  }
}
export const dynamic = new Workflow({ category: "dynamic", version: "1.0.0" }).addNode(Plan);
for (const name of ["eu", "us"]) dynamic.addNode(region(name), { upstreams: Plan });
`;

async function writePackage(dir: string, version: string, tarball: string, modules: Record<string, string>): Promise<void> {
  await mkdir(path.join(dir, "workflows"), { recursive: true });
  const pkg = { name: "wf-airflow-fixture", version, type: "module", dependencies: { wfkit: `file:${tarball}`, zod: "^4.0.0" } };
  await writeFile(path.join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  for (const [name, text] of Object.entries(modules)) await writeFile(path.join(dir, "workflows", name), text);
  // For `wf export` from the sources here; `npm pack` leaves node_modules out.
  await mkdir(path.join(dir, "node_modules"));
  await symlink(repoRoot, path.join(dir, "node_modules", "wfkit"));
  await symlink(path.join(repoRoot, "node_modules", "zod"), path.join(dir, "node_modules", "zod"));
}

/** Run `wf`, failing the test with its output when it does not exit 0. */
async function wfOk(args: string[], env: Record<string, string> = {}): Promise<string> {
  const out = await wf(args, env);
  if (out.code !== 0) throw new Error(`wf ${args.join(" ")} exited ${out.code}:\n${out.stdout}\n${out.stderr}`);
  return out.stdout;
}


describe.skipIf(!found.ok)(title, () => {
  let home: AirflowHome;
  let work: string;
  let dags: DagInfo[];
  let importErrors: Record<string, string>;
  let runs: Record<string, DagRunReport>;

  beforeAll(async () => {
    if (!found.ok) return;
    work = await mkdtemp(path.join(tmpdir(), "wfkit-airflow-it-"));
    await rm(HOSTILE_MARKER, { force: true });
    const root = path.join(work, "install-root");
    const tarball = await wfkitTarball();
    const [v1, v2, v3] = ["1.0.0", "2.0.0", "3.0.0"].map((v) => path.join(work, `fixture-${v}`)) as [string, string, string];
    await mkdir(path.join(v1, "workflows"), { recursive: true });
    for (const fixture of ["hostile.ts", "operator.ts"]) await copyFile(path.join(repoRoot, "test/fixtures/workflows", fixture), path.join(v1, "workflows", fixture));
    await writePackage(v1, "1.0.0", tarball, { "versions.ts": versionsModule("1.0.0"), "params.ts": paramsModule, "dynamic.ts": dynamicModule });
    await writePackage(v2, "2.0.0", tarball, { "versions.ts": versionsModule("2.0.0") });
    await writePackage(v3, "3.0.0", tarball, { "versions.ts": versionsModule("3.0.0") });
    // Code on the "worker": wfkit itself (its examples) and two versions of the fixture package.
    // Version 3.0.0 is exported but never installed.
    for (const spec of [tarball, v1, v2]) await wfOk(["install", spec, "--root", root]);

    home = await createAirflowHome(found.install, {
      WF_INSTALL_ROOT: root,
      WF_HOME: path.join(work, "wf-home"),
      PATH: `${path.dirname(process.execPath)}:${process.env["PATH"] ?? ""}`,
    });
    await wfOk(["export", "--engine", "airflow", "--out", home.dagsFolder, "examples/etl.ts", "examples/flaky.ts", "examples/diamond.ts"]);
    for (const dir of [v1, v2, v3]) await wfOk(["export", "--engine", "airflow", "--out", home.dagsFolder, dir]);

    ({ importErrors, dags } = await loadDagBag(home));
    const reports = await testDags(home, [
      { dagId: "csv_to_report_etl_orders_1.0.0" },
      { dagId: "csv_to_report_etl_orders_1.0.0", conf: { currency: "USD", minAmount: 50, run_id: "conf-run-1" } },
      { dagId: "flaky_demo_dev" },
      { dagId: "versions_1.0.0" },
      { dagId: "versions_2.0.0" },
      { dagId: "versions_3.0.0" },
      { dagId: "hostile_1.0.0" },
      { dagId: "params_demo_1.0.0", conf: { day: "2026-11-20", limit: 7 } },
      { dagId: "params_demo_1.0.0", conf: { day: "yesterday" } },
      { dagId: "dynamic_1.0.0" },
      { dagId: "operator_1.0.0" },
      // A conf key the workflow does not take: wf run-task refuses every task (exit 2).
      { dagId: "operator_1.0.0", conf: { nope: 1 } },
    ]);
    const keys = ["etl", "etlConf", "flaky", "v1", "v2", "v3", "hostile", "paramsOk", "paramsBad", "dynamic", "operator", "operatorBad"];
    runs = Object.fromEntries(reports.map((r, i) => [keys[i]!, r]));
  }, SLOW);
  afterAll(() => home?.cleanup());

  const dag = (id: string) => {
    const found = dags.find((d) => d.dagId === id);
    if (found === undefined) throw new Error(`no DAG ${id}; DagBag has ${dags.map((d) => d.dagId).join(", ")}`);
    return found;
  };
  const taskLog = (run: DagRunReport, id: string) => run.tasks.find((t) => t.taskId === id)?.log ?? "";
  const states = (run: DagRunReport) => Object.fromEntries(run.tasks.map((t) => [t.taskId, t.state]));
  /** Text with each run of whitespace as one space. */
  const folded = (text: string) => text.replace(/\s+/g, " ");

  it("imports every exported DAG with zero import errors", () => {
    expect(importErrors).toEqual({});
    expect(dags.map((d) => d.dagId).sort()).toEqual([
      "csv_to_report_etl_orders_1.0.0",
      "dynamic_1.0.0",
      "flaky_demo_dev",
      "hostile_1.0.0",
      "images_to_site_gallery_1.0.0",
      "operator_1.0.0",
      "params_demo_1.0.0",
      "versions_1.0.0",
      "versions_2.0.0",
      "versions_3.0.0",
    ]);
  });

  it("has the workflow's task ids, edges, retries, queue, params and tags", () => {
    const etl = dag("csv_to_report_etl_orders_1.0.0");
    expect(etl.tags).toEqual(["1.0.0", "csv", "etl", "example", "report"]);
    expect(etl.schedule).toBeNull();
    expect(etl.catchup).toBe(false);
    expect(etl.tasks.map((t) => [t.taskId, t.upstream.sort()])).toEqual([
      ["Extract", []],
      ["Load", ["Transform"]],
      ["Transform", ["Extract"]],
    ].sort() as never);
    for (const t of etl.tasks) {
      expect(t).toMatchObject({ operator: "WfkitTaskOperator", bashOperator: true, retries: 0, retryDelaySeconds: 60, queue: "default" });
      expect(t.literal).toEqual(expect.arrayContaining(["env.WF_PACKAGE", "env.WF_MODULE", "env.WF_TASK"]));
    }
    expect(etl.params["minAmount"]).toMatchObject({ default: 0, description: "Drop orders below this amount", schema: { type: "number", minimum: 0 } });
    expect(etl.params["currency"]).toMatchObject({ default: "EUR", schema: { enum: ["EUR", "USD"] } });
    expect(etl.params["input"]).toMatchObject({ default: null });
    expect(etl.docMd).toContain("| Package | wfkit@0.1.0 |");

    const flaky = dag("flaky_demo_dev");
    const byId = Object.fromEntries(flaky.tasks.map((t) => [t.taskId, t]));
    expect(byId["Flaky"]).toMatchObject({ retries: 2, retryDelaySeconds: 1, upstream: ["Start"] });
    expect(byId["Notify"]!.upstream).toEqual(["Publish"]);
    const gallery = dag("images_to_site_gallery_1.0.0");
    expect(gallery.tasks.find((t) => t.taskId === "Publish")?.upstream.sort()).toEqual(expect.arrayContaining(["Resize"]));
  });

  it("runs examples/etl.ts end to end: every task through wf run-task, its own log lines in Airflow's task log", () => {
    const run = runs["etl"]!;
    expect(run.state, run.error ?? JSON.stringify(states(run))).toBe("success");
    expect(states(run)).toEqual({ Extract: "success", Transform: "success", Load: "success" });
    expect(taskLog(run, "Extract")).toContain("extracted 6 orders");
    expect(taskLog(run, "Transform")).toContain("kept 4 of 6 orders");
    expect(taskLog(run, "Load")).toContain("loaded 2 customers into report.csv");
  });

  it("passes conf params as typed values and conf run_id as wfkit's run id", () => {
    const run = runs["etlConf"]!;
    expect(run.state, run.error).toBe("success");
    const line = wfkitLine(taskLog(run, "Transform"), "kept ");
    expect(["currency", "min_amount", "run_id", "attempt"].map((k) => wfkitField(line, k))).toEqual(["USD", 50, "conf-run-1", 1]);
  });

  it("fails the always-failing example with the task's error in its log; Airflow retries the flaky one", () => {
    const run = runs["flaky"]!;
    expect(run.state).toBe("failed");
    expect(states(run)).toMatchObject({ Start: "success", Flaky: "success", Summarize: "success", AlwaysFails: "failed", Publish: "upstream_failed", Notify: "upstream_failed" });
    expect(run.tasks.find((t) => t.taskId === "Flaky")?.tryNumber).toBe(2);
    expect(taskLog(run, "Flaky")).toContain("succeeded on attempt 2");
    expect(taskLog(run, "AlwaysFails")).toContain("ExportError: the export target rejected the file: quota exceeded");
  });

  it("runs two versions of one workflow side by side, each task with its own version's code", () => {
    expect(runs["v1"]!.state).toBe("success");
    expect(runs["v2"]!.state).toBe("success");
    expect(taskLog(runs["v1"]!, "Hello")).toContain("hello from code version 1.0.0");
    expect(taskLog(runs["v1"]!, "Hello")).not.toContain("version 2.0.0");
    expect(taskLog(runs["v2"]!, "Hello")).toContain("hello from code version 2.0.0");
  });

  it("runs task classes made in a loop, found through their workflow", () => {
    const run = runs["dynamic"]!;
    expect(run.state, run.error).toBe("success");
    expect(states(run)).toEqual({ Plan: "success", Load_eu: "success", Load_us: "success" });
    expect(taskLog(run, "Load_us")).toContain("loaded region us");
  });

  it("fails a task whose version is not installed, saying what to install and where", () => {
    const run = runs["v3"]!;
    expect(states(run)).toEqual({ Hello: "failed" });
    expect(taskLog(run, "Hello")).toContain("wf-airflow-fixture@3.0.0 is not installed on this worker");
    expect(taskLog(run, "Hello")).toContain("wf install <tarball or npm spec of wf-airflow-fixture@3.0.0> --root");
  });

  it("keeps hostile text verbatim and never executes it", () => {
    const hostile = dag("hostile_1.0.0");
    // doc_md is Markdown, which Airflow 2 renders with raw HTML: every "<" is escaped there.
    expect(hostile.docMd).toContain(`Description: ${HOSTILE.replaceAll("<", "&lt;")}`);
    expect(hostile.tags).toEqual(expect.arrayContaining(["tag '''", 'tag """', "tag {{ x }}", "tag $(touch x)", "tag `id`", "tag ü"]));
    expect(hostile.params["note"]).toMatchObject({ default: HOSTILE, description: `Note: ${HOSTILE}` });
    expect(hostile.params["count"]).toMatchObject({ description: "{{ params }} {% raw %}" });
    const run = runs["hostile"]!;
    expect(run.state, run.error).toBe("success");
    expect(wfkitField(wfkitLine(taskLog(run, "Echo"), "note received"), "note")).toBe(HOSTILE);
    expect(existsSync(HOSTILE_MARKER)).toBe(false);
  });

  it("checks params on the worker: a valid conf arrives typed, an invalid one fails the task naming the param", () => {
    const ok = runs["paramsOk"]!;
    expect(ok.state, ok.error).toBe("success");
    const received = wfkitLine(taskLog(ok, "ShowParams"), "params received");
    expect(["day", "limit", "limit_type"].map((k) => wfkitField(received, k))).toEqual(["2026-11-20", 7, "number"]);
    const bad = runs["paramsBad"]!;
    expect(states(bad)).toEqual({ ShowParams: "failed" });
    expect(taskLog(bad, "ShowParams")).toContain("day: day must be a date like 2026-11-20");
  });

  it("logs each wfkit line at its own level, readable, and fails with wfkit's reason; the task's retry runs", () => {
    const run = runs["operator"]!;
    expect(states(run)).toEqual({ Fails: "failed", Skips: "skipped" });
    const fails = run.tasks.find((t) => t.taskId === "Fails")!;
    expect(fails.tryNumber).toBe(2);
    const [first, second] = fails.attemptLogs as [string, string];
    // The console of dag.test: "<time> [<level>] <event>"; the event is the operator's text.
    expect(first).toMatch(/\[info\s*\] loading orders table=orders rows=3 note="two words" workflow=operator version=1\.0\.0 dag_id=operator_1\.0\.0 task=Fails run_id=\S+ attempt=1 /);
    expect(first).toMatch(/\[warning\s*\] the warehouse is slow seconds=2\.5 cause="Error: socket hang up"\nError: socket hang up\n\s+at Fails\.run \(/);
    expect(first).toMatch(new RegExp(`\\[error\\s*\\] ${FIRST_BATCH} batch=1 `));
    // A try Airflow retries: wfkit's warning is the reason.
    expect(first).toMatch(new RegExp(`\\[warning\\s*\\] attempt 1 failed, retrying in 1 s: WarehouseError: ${FAILURE} \\(attempt 1\\)`));
    // dag.test's console wraps the exception's text: compared with its whitespace folded.
    expect(folded(first)).toContain(`AirflowException: attempt 1 failed, retrying in 1 s: WarehouseError: ${FAILURE} (attempt 1)`);
    expect(second).toMatch(new RegExp(`\\[error\\s*\\] task failed: WarehouseError: ${FAILURE} \\(attempt 2\\) thrown_at=\\S+operator\\.ts:\\d+ resolvable_by=user`));
    expect(second).toMatch(/\nWarehouseError: the warehouse refused the load \(attempt 2\)\n\s+at Fails\.run \(/);
    // The reason Airflow shows is the task's error, not the task's own error line nor the exit code.
    expect(folded(second)).toContain(`AirflowException: task failed: WarehouseError: ${FAILURE} (attempt 2)`);
    expect(second).not.toContain("Bash command failed");
    expect(taskLog(run, "Skips")).toMatch(/\[info\s*\] task skipped: nothing new to load /);
  });

  it("fails every task of a run wf run-task refuses (exit 2) at once, with the refusal as the reason, retries or not", () => {
    const run = runs["operatorBad"]!;
    expect(run.state, run.error).toBe("failed");
    expect(run.tasks.map((t) => [t.taskId, t.state, t.tryNumber, t.attemptLogs.length])).toEqual([
      ["Fails", "failed", 1, 1],
      ["Skips", "failed", 1, 1],
    ]);
    const log = taskLog(run, "Fails");
    expect(log).toMatch(/\[error\s*\] wf: invalid run parameters for operator_1\.0\.0; fix it and start the run again:/);
    expect(log).toMatch(/\[error\s*\]\s+nope: this workflow takes no parameters/);
    expect(log).toContain("Command exited with return code 2: bad input, failing without retries");
    expect(folded(log)).toContain("AirflowFailException: wf: invalid run parameters for operator_1.0.0; fix it and start the run again: nope: this workflow takes no parameters");
    expect(log).not.toContain("loading orders");
  });

  // The etl DAG through `airflow dags test` is in readme-deploy.test.ts, as the README runs it.
  it("`airflow dags test` of the always-failing example fails, with the task's error in the logs", async () => {
    const bad = await airflowCli(home, ["dags", "test", "flaky_demo_dev"]);
    expect(bad.code).toBe(1);
    const badLogs = await readTaskLogs(home, "flaky_demo_dev", bad.stdout);
    expect(badLogs["AlwaysFails"]).toContain("ExportError: the export target rejected the file: quota exceeded");
  }, SLOW);
});
