/**
 * What a wfkit task costs under a real Airflow scheduler, against a plain BashOperator running
 * `true`, in the same deployment and the same run: Airflow 3 (api-server, scheduler,
 * dag-processor, the LocalExecutor over PostgreSQL), as test/integration/airflow-scheduler.test.ts
 * deploys it, with the same pinned venv (built on first use under ~/.cache/wfkit/airflow/).
 *
 *   npm run build && tsx bench/airflow-scheduler-overhead.ts              # prints the table
 *   npm run build && tsx bench/airflow-scheduler-overhead.ts --json       # machine-readable
 *   npm run build && tsx bench/airflow-scheduler-overhead.ts --rounds 5   # DAG runs of each (default 3)
 *
 * Three DAGs of five tasks in a chain (one task at a time, so that tasks never wait for each other
 * or for a slot): `nothing_to_overhead_bench_1.0.0`, a wfkit workflow of five no-op tasks exported with
 * `wf export --engine airflow` and installed with `wf install` (compiled, as on a worker);
 * `nothing_to_overhead_bench_sdk_1.0.0`, the same tasks in a package of their own exported with
 * `--runtime sdk` (stub tasks run by wfkit's coordinator, configured as the README says: Airflow's
 * SDK runtime); and `overhead_bash_true`, five BashOperators running `true` (the peer: Airflow's
 * own cost of a task). Each round triggers one run of each, one after the other, the order
 * rotating. Per task
 * instance: its duration (start to end, as the REST API gives them: Airflow's task runner, the
 * DAG file parsed again, the operator, the command) and, per DAG run, its wall time (start to end)
 * over its five tasks. Reported: medians, the per-task overhead (wfkit − bash) in seconds and the
 * ratio. Targets: the BashOperator runtime within +0.3 s per task (issue 22); the SDK runtime no
 * slower than the BashOperator `true` (issue 23).
 *
 * A benchmark, not a test: it never fails on its figures. It needs PostgreSQL on 127.0.0.1:5432
 * (user postgres), Python 3.11, and the built dist/.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AirflowDeployment, ensureSchedulerAirflow, type TaskInstance } from "../test/support/airflow-scheduler.js";
import { countArg } from "./support/args.js";
import { machineInfo } from "./support/machine.js";

const argv = process.argv.slice(2);
const json = argv.includes("--json");
const ROUNDS = countArg(argv, "--rounds", 3, 1);
const TASKS = ["A", "B", "C", "D", "E"];
const TARGET_SECONDS = 0.3;
const loadStart = loadavg()[0]!;
const repo = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(repo, "dist", "cli", "bin.js");
const WFKIT_DAG = "nothing_to_overhead_bench_1.0.0";
const SDK_DAG = "nothing_to_overhead_bench_sdk_1.0.0";
const BASH_DAG = "overhead_bash_true";

const found = await ensureSchedulerAirflow();
if (!found.ok) {
  console.log(json ? JSON.stringify({ benchmark: "airflow-scheduler-overhead", skipped: found.reason }) : `airflow-scheduler-overhead: skipped: ${found.reason}`);
  process.exit(0);
}

const work = mkdtempSync(path.join(tmpdir(), "wfkit-bench-sched-"));
const root = path.join(work, "install-root");
const PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env["PATH"] ?? ""}`;
const airflow = new AirflowDeployment({
  install: found.install,
  executor: "LocalExecutor",
  env: {
    WF_INSTALL_ROOT: root,
    WF_HOME: path.join(work, "wf-home"),
    PATH,
    // The SDK runtime's worker set-up (README, "Airflow's SDK runtime").
    PYTHONPATH: path.join(repo, "python"),
    AIRFLOW__SDK__COORDINATORS: JSON.stringify({ wfkit: { classpath: "wfkit_airflow.WfkitCoordinator", kwargs: { install_root: root } } }),
    AIRFLOW__SDK__QUEUE_TO_COORDINATOR: JSON.stringify({ wfkit: "wfkit" }),
  },
});

/** The wfkit package: five no-op tasks in a chain, depending on wfkit packed from this repository. */
function writePackage(dir: string, tarball: string, detail?: string): void {
  mkdirSync(path.join(dir, "src"), { recursive: true });
  writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: `overhead-bench${detail ? `-${detail}` : ""}`, version: "1.0.0", type: "module", dependencies: { wfkit: `file:${tarball}` } }, null, 2)}\n`);
  const lines = ['import { TaskBase, Workflow } from "wfkit";', ""];
  for (const name of TASKS) lines.push(`export class ${name} extends TaskBase {`, "  run(): void {}", "}");
  lines.push(`export const overhead = new Workflow({ version: "1.0.0", category: "bench", inputData: "nothing", outputData: "overhead"${detail ? `, detail: "${detail}"` : ""} });`);
  TASKS.forEach((name, i) => lines.push(i === 0 ? `overhead.addNode(${name});` : `overhead.addNode(${name}, { upstreams: ${TASKS[i - 1]} });`));
  writeFileSync(path.join(dir, "src", "overhead.ts"), `${lines.join("\n")}\n`);
  // `wf export` loads the sources here; `npm pack` (wf install) leaves node_modules out.
  mkdirSync(path.join(dir, "node_modules"));
  execFileSync("ln", ["-s", repo, path.join(dir, "node_modules", "wfkit")]);
}

/** The peer DAG: the same chain of BashOperators running `true`, the same default settings. */
const BASH_DAG_FILE = [
  "import datetime",
  "from airflow.providers.standard.operators.bash import BashOperator",
  "from airflow.sdk import DAG",
  "",
  `with DAG(dag_id="${BASH_DAG}", schedule=None, start_date=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc), catchup=False, default_args={"retries": 0}) as dag:`,
  "    previous = None",
  ...TASKS.map((name) => `    ${name} = BashOperator(task_id="${name}", bash_command="true")\n    if previous is not None:\n        previous >> ${name}\n    previous = ${name}`),
  "",
].join("\n");

const seconds = (t: TaskInstance) => (new Date(t.end_date!).getTime() - new Date(t.start_date!).getTime()) / 1000;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const DAGS = [BASH_DAG, WFKIT_DAG, SDK_DAG];
const samples: Record<string, { task: number[]; run: number[] }> = Object.fromEntries(DAGS.map((d) => [d, { task: [], run: [] }]));
try {
  const pack = mkdtempSync(path.join(work, "pack-"));
  execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", pack], { cwd: repo, stdio: "ignore" });
  const tarball = path.join(pack, readdirSync(pack).find((f) => f.endsWith(".tgz"))!);
  const pkg = path.join(work, "overhead-bench");
  writePackage(pkg, tarball);
  const wf = (args: string[]) => execFileSync(process.execPath, [bin, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  wf(["export", "--engine", "airflow", "--out", airflow.dagsFolder, pkg]);
  wf(["install", pkg, "--root", root]);
  const sdkPkg = path.join(work, "overhead-bench-sdk");
  writePackage(sdkPkg, tarball, "sdk");
  wf(["export", "--engine", "airflow", "--runtime", "sdk", "--out", path.join(airflow.dagsFolder, "sdk"), sdkPkg]);
  wf(["install", sdkPkg, "--root", root]);
  writeFileSync(path.join(airflow.dagsFolder, `${BASH_DAG}.py`), BASH_DAG_FILE);
  await airflow.start();
  await airflow.waitForDags(DAGS);
  for (const dagId of DAGS) await airflow.unpause(dagId);
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...DAGS.slice(round % DAGS.length), ...DAGS.slice(0, round % DAGS.length)];
    for (const dagId of order) {
      const triggered = await airflow.trigger(dagId, { runId: `bench-${round}` });
      const run = await airflow.waitForRun(dagId, triggered.dag_run_id, { timeoutMs: 300_000 });
      const tasks = await airflow.taskInstances(dagId, run.dag_run_id);
      if (run.state !== "success" || tasks.some((t) => t.state !== "success")) {
        throw new Error(`${dagId} run ${run.dag_run_id} ended ${run.state}: ${tasks.map((t) => `${t.task_id}=${t.state}`).join(", ")}`);
      }
      samples[dagId]!.task.push(...tasks.map(seconds));
      samples[dagId]!.run.push((new Date(run.end_date!).getTime() - new Date(run.start_date!).getTime()) / 1000 / TASKS.length);
    }
  }
} finally {
  await airflow.stop();
  rmSync(work, { recursive: true, force: true });
}

const wfkitTask = median(samples[WFKIT_DAG]!.task);
const bashTask = median(samples[BASH_DAG]!.task);
const wfkitRun = median(samples[WFKIT_DAG]!.run);
const sdkTask = median(samples[SDK_DAG]!.task);
const sdkRun = median(samples[SDK_DAG]!.run);
const bashRun = median(samples[BASH_DAG]!.run);
const result = {
  benchmark: "airflow-scheduler-overhead",
  airflow: found.install.version,
  rounds: ROUNDS,
  tasksPerRun: TASKS.length,
  taskInstanceSeconds: { wfkit: wfkitTask, bashTrue: bashTask, overhead: wfkitTask - bashTask, ratio: wfkitTask / bashTask },
  runSecondsPerTask: { wfkit: wfkitRun, bashTrue: bashRun, overhead: wfkitRun - bashRun, ratio: wfkitRun / bashRun },
  sdk: {
    taskInstanceSeconds: { sdk: sdkTask, bashTrue: bashTask, overhead: sdkTask - bashTask, ratio: sdkTask / bashTask },
    runSecondsPerTask: { sdk: sdkRun, bashTrue: bashRun, overhead: sdkRun - bashRun, ratio: sdkRun / bashRun },
  },
  target: { overheadSecondsAtMost: TARGET_SECONDS, met: wfkitTask - bashTask <= TARGET_SECONDS, sdkNoSlowerThanBashTrue: sdkTask <= bashTask },
  samples,
  machine: machineInfo(loadStart),
};
if (json) console.log(JSON.stringify(result, null, 2));
else {
  const f = (x: number) => x.toFixed(2);
  console.log(`wfkit task vs BashOperator true under a real Airflow ${found.install.version} scheduler (LocalExecutor) — ${ROUNDS} runs of 5 chained tasks each, medians`);
  console.log(`1-min load average: ${loadStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end`);
  const signed = (x: number) => (x < 0 ? f(x) : `+${f(x)}`);
  console.log("                                 runtime   wfkit   bash true   overhead   ratio");
  for (const [runtime, task, run] of [["bash", wfkitTask, wfkitRun], ["sdk", sdkTask, sdkRun]] as const) {
    console.log(`task instance (start→end), s   ${runtime.padStart(9)}   ${f(task).padStart(5)}   ${f(bashTask).padStart(9)}   ${signed(task - bashTask).padStart(8)}   ${(task / bashTask).toFixed(2)}x`);
    console.log(`DAG run wall per task, s       ${runtime.padStart(9)}   ${f(run).padStart(5)}   ${f(bashRun).padStart(9)}   ${signed(run - bashRun).padStart(8)}   ${(run / bashRun).toFixed(2)}x`);
  }
  console.log(`target: BashOperator runtime per-task overhead ≤ +${TARGET_SECONDS} s: ${result.target.met ? "met" : "NOT met"} (${signed(wfkitTask - bashTask)} s)`);
  console.log(`target: SDK runtime task instance no slower than a BashOperator true: ${result.target.sdkNoSlowerThanBashTrue ? "met" : "NOT met"} (${signed(sdkTask - bashTask)} s)`);
}
