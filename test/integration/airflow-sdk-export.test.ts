// `wf export --engine airflow --runtime sdk` and wfkit's coordinator (python/wfkit_airflow) against a
// real Airflow 3.3: the stub DAGs import in a DagBag and serialize as the dag-processor stores them;
// the coordinator finds a task's DAG file through Airflow's own bundle (the dags-folder
// LocalDagBundle), reads its marker line and builds the `wf run-task` command, or the refusal when
// the package is not installed or the file is no stub DAG of wfkit; the refusal fails the task
// instance through a fake supervisor's sockets and through Airflow's real supervisor.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { TaskBase, Workflow } from "wfkit";
import { main } from "../../cli/program.js";
import type { CliIo } from "../../cli/cli-io.js";
import { renderAirflowDag } from "../../engines/airflow/index.js";
import { etl } from "../../examples/etl.js";
import { airflowAvailability, createAirflowHome, loadDagBag, type AirflowHome, type DagInfo } from "../support/airflow.js";
import { describeFailure, exec } from "../support/python-venv.js";
import { repoRoot } from "../support/wf-cli.js";

const found = airflowAvailability(3);
const title = found.ok ? `stub DAGs and wfkit's coordinator in a real Airflow ${found.install.version}` : `stub DAGs and wfkit's coordinator in a real Airflow 3 (skipped: ${found.reason.split("\n")[0]})`;
const ETL = "csv_to_report_etl_orders_1.0.0";
const PARAMS = "params_sdk_1.0.0";
const SCHEMA = "2026-06-16";
const pkg = JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8")) as { name: string; version: string };

function io(): { cli: CliIo; out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { cli: { out: (s) => out.push(s), err: (s) => err.push(s), color: false, env: {}, cwd: repoRoot }, out: () => out.join(""), err: () => err.join("") };
}

class Load extends TaskBase<{ day: string; limit: number }> {
  static override retries = 2;
  static override retryDelaySeconds = 5;
  static override queue = "heavy";
  static override timeoutSeconds = 30;
  run(): void {}
}
class Report extends TaskBase {
  static override triggerRule = "all_done" as const;
  run(): void {}
}
class Check extends TaskBase {
  run(): void {}
}
/** A workflow with params (one required), a task on a queue of its own, retries and a trigger rule. */
const paramsWorkflow = new Workflow({
  category: "params",
  detail: "sdk",
  version: "1.0.0",
  params: z.object({ day: z.string().describe("Day to load"), limit: z.number().int().min(1).default(10) }),
})
  .addNode(Check)
  .addNode(Load, { upstreams: Check })
  .addNode(Report, { upstreams: [Check, Load] });

describe("wf export --runtime sdk (in process)", () => {
  it("refuses --runtime sdk with --airflow-version 2 (exit 2) and --runtime with the notebook engine", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "wfkit-sdk-export-"));
    try {
      const two = io();
      expect(await main(["export", "--engine", "airflow", "--runtime", "sdk", "--airflow-version", "2", "--out", out, "examples/etl.ts"], two.cli)).toBe(2);
      expect(two.err()).toContain('runtime: "sdk" needs Airflow 3.3 or later');
      const notebook = io();
      expect(await main(["export", "--engine", "notebook", "--runtime", "sdk", "--out", out, "examples/etl.ts"], notebook.cli)).toBe(2);
      expect(notebook.err()).toContain("--runtime says how the tasks of an Airflow DAG run: use it with --engine airflow");
      const unknown = io();
      expect(await main(["export", "--engine", "airflow", "--runtime", "java", "--out", out, "examples/etl.ts"], unknown.cli)).toBe(2);
      expect(unknown.err()).toMatch(/--runtime.*java.*bash, sdk/);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!found.ok)(title, () => {
  let home: AirflowHome;
  let work: string;
  let root: string;
  let dags: DagInfo[];
  let importErrors: Record<string, string>;

  /** Run `script` with the venv's Python, wfkit_airflow importable; its stdout's last line is JSON. */
  async function python<T>(script: string, env: NodeJS.ProcessEnv = {}): Promise<T> {
    return (await pythonOutput<T>(script, env)).result;
  }
  async function pythonOutput<T>(script: string, env: NodeJS.ProcessEnv = {}): Promise<{ result: T; output: string }> {
    const file = path.join(work, `script-${Math.random().toString(36).slice(2)}.py`);
    await writeFile(file, script);
    const r = await exec(home.install.python, [file], { env: { ...home.env, ...env }, cwd: work, timeoutMs: 120_000 });
    const last = r.stdout.trim().split("\n").pop() ?? "";
    if (r.code !== 0 || !last.startsWith("{")) throw new Error(describeFailure(`python ${path.basename(file)}`, r));
    return { result: JSON.parse(last) as T, output: r.stdout + r.stderr };
  }

  beforeAll(async () => {
    if (!found.ok) return;
    work = await mkdtemp(path.join(tmpdir(), "wfkit-sdk-coordinator-"));
    root = path.join(work, "install-root");
    home = await createAirflowHome(found.install, {
      PYTHONPATH: path.join(repoRoot, "python"),
      PYTHONDONTWRITEBYTECODE: "1",
      AIRFLOW__SDK__COORDINATORS: JSON.stringify({ wfkit: { classpath: "wfkit_airflow.WfkitCoordinator", kwargs: { install_root: root } } }),
      AIRFLOW__SDK__QUEUE_TO_COORDINATOR: JSON.stringify({ wfkit: "wfkit", heavy: "wfkit" }),
    });
    // The etl example through the CLI (as a user exports it), the params workflow from code.
    const exported = io();
    const code = await main(["export", "--engine", "airflow", "--runtime", "sdk", "--install-root", root, "--out", home.dagsFolder, "examples/etl.ts"], exported.cli);
    expect(code, exported.err()).toBe(0);
    expect(exported.err()).toContain("wrote 1 stub DAG file for Airflow 3 (SDK runtime)");
    const params = await renderAirflowDag({ workflow: paramsWorkflow, package: { name: "@acme/flows", version: "2.0.0-rc.1" }, modulePath: "dist/params.js", exportName: "paramsWorkflow" }, { runtime: "sdk" });
    await writeFile(path.join(home.dagsFolder, params.fileName), params.content);
    // Two files the coordinator must refuse: the bash DAG (no marker) and a stub DAG whose marker is not wfkit's.
    await mkdir(path.join(home.dagsFolder, "other"));
    // Not DAGs of the DagBag (their dag id is taken), only files a task could point the coordinator at.
    await writeFile(path.join(home.dagsFolder, ".airflowignore"), "other/\n");
    const bash = await renderAirflowDag({ workflow: etl, package: { name: pkg.name, version: pkg.version }, modulePath: "examples/etl.ts", exportName: "etl" });
    await writeFile(path.join(home.dagsFolder, "other", "bash.py"), bash.content);
    const stub = await readFile(path.join(home.dagsFolder, `${ETL}.py`), "utf8");
    await writeFile(path.join(home.dagsFolder, "other", "bad-marker.py"), stub.replace(`"package":"${pkg.name}"`, '"package":"../../etc"'));
    // The etl example's package (wfkit itself) "installed": its wf and its module.
    const dir = path.join(root, pkg.name, pkg.version, "node_modules");
    await mkdir(path.join(dir, ".bin"), { recursive: true });
    await writeFile(path.join(dir, ".bin", "wf"), "#!/bin/sh\nexit 3\n");
    await chmod(path.join(dir, ".bin", "wf"), 0o755);
    await mkdir(path.join(dir, pkg.name, "examples"), { recursive: true });
    await writeFile(path.join(dir, pkg.name, "examples", "etl.ts"), "");
    ({ dags, importErrors } = await loadDagBag(home));
  }, 300_000);

  afterAll(async () => {
    await home?.cleanup();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const dag = (id: string) => dags.find((d) => d.dagId === id)!;

  it("imports the stub DAGs with no import errors: task ids, edges, queues, retries as exported", () => {
    expect(importErrors).toEqual({});
    expect(dags.map((d) => d.dagId).sort()).toEqual([ETL, PARAMS]);
    const byId = (a: { taskId: string }, b: { taskId: string }) => a.taskId.localeCompare(b.taskId);
    expect([...dag(ETL).tasks].sort(byId).map((t) => [t.taskId, t.upstream, t.queue, t.retries, t.operator])).toEqual([
      ["Extract", [], "wfkit", 0, "_StubOperator"],
      ["Load", ["Transform"], "wfkit", 0, "_StubOperator"],
      ["Transform", ["Extract"], "wfkit", 0, "_StubOperator"],
    ]);
    expect(dag(ETL).params["minAmount"]).toMatchObject({ default: 0, hasDefault: true, description: "Drop orders below this amount" });
    expect(dag(ETL).docMd).toContain("| Exported for | Airflow 3.x, SDK runtime |");
    expect([...dag(PARAMS).tasks].sort(byId).map((t) => [t.taskId, t.upstream, t.queue, t.retries, t.retryDelaySeconds])).toEqual([
      ["Check", [], "wfkit", 0, 60],
      ["Load", ["Check"], "heavy", 2, 5],
      ["Report", ["Check", "Load"], "wfkit", 0, 60],
    ]);
    expect(dag(PARAMS).params["day"]).toMatchObject({ hasDefault: false, description: "Day to load", schema: { type: "string" } });
    expect(dag(PARAMS).params["limit"]).toMatchObject({ default: 10, schema: { type: "integer", minimum: 1 } });
  });

  it("serializes the stub DAGs as the dag-processor stores them, every task setting kept", async () => {
    const got = await python<Record<string, Record<string, unknown>>>(`
import json, os
from airflow.dag_processing.dagbag import DagBag
from airflow.serialization.serialized_objects import DagSerialization
bag = DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
assert not bag.import_errors, bag.import_errors
out = {}
for dag_id, dag in bag.dags.items():
    back = DagSerialization.from_dict(DagSerialization.to_dict(dag))
    for t in back.tasks:
        out[dag_id + "." + t.task_id] = {
            "queue": t.queue, "retries": t.retries, "retry_delay": t.retry_delay.total_seconds(),
            "execution_timeout": t.execution_timeout.total_seconds() if t.execution_timeout else None,
            "trigger_rule": str(t.trigger_rule.value if hasattr(t.trigger_rule, "value") else t.trigger_rule),
            "owner": t.owner, "doc_md": t.doc_md.split("\\n")[0], "upstream": sorted(t.upstream_task_ids),
        }
print(json.dumps(out))
`);
    expect(got[`${PARAMS}.Load`]).toEqual({ queue: "heavy", retries: 2, retry_delay: 5, execution_timeout: 30, trigger_rule: "all_success", owner: "airflow", doc_md: "**Load**", upstream: ["Check"] });
    expect(got[`${PARAMS}.Report`]).toMatchObject({ queue: "wfkit", trigger_rule: "all_done", upstream: ["Check", "Load"] });
    expect(Object.keys(got).sort()).toEqual([`${ETL}.Extract`, `${ETL}.Load`, `${ETL}.Transform`, `${PARAMS}.Check`, `${PARAMS}.Load`, `${PARAMS}.Report`]);
  });

  /** What the coordinator builds for tasks (dag id, task id, DAG file relative to the dags folder, bundle name). */
  async function commands(
    cases: { dagId: string; taskId: string; file: string; bundle?: string }[],
    options: { installRoot?: string | null; env?: NodeJS.ProcessEnv } = {},
  ): Promise<{ results: [string[], string][]; viaExecute: [string[], string] }> {
    const kwargs = options.installRoot === undefined ? { install_root: root } : options.installRoot === null ? {} : { install_root: options.installRoot };
    return python(
      `
import json, sys, uuid
from unittest import mock
from airflow.sdk.api.datamodels._generated import BundleInfo, TaskInstance
from airflow.sdk.coordinators import _subprocess
from airflow.sdk.execution_time.coordinator import CoordinatorManager
from wfkit_airflow import WfkitCoordinator

cases = json.loads(${JSON.stringify(JSON.stringify(cases))})
kwargs = json.loads(${JSON.stringify(JSON.stringify(kwargs))})
coordinator = WfkitCoordinator(**kwargs)
def ti(case):
    return TaskInstance(id=uuid.uuid4(), task_id=case["taskId"], dag_id=case["dagId"], run_id="r", try_number=1, dag_version_id=uuid.uuid4(), queue="wfkit")
results = []
for case in cases:
    command, schema = coordinator.build_command(what=ti(case), dag_rel_path=case["file"], bundle_info=BundleInfo(name=case.get("bundle", "dags-folder")))
    results.append([[("<python>" if part == sys.executable else part) for part in command], schema])
# Through execute_task, as the supervisor calls it: the command reaches the subprocess start.
captured = {}
def start(**kw):
    captured.update(command=kw["command"], schema=kw["subprocess_schema_version"])
    raise RuntimeError("stop here")
with mock.patch.object(_subprocess._PopenActivitySubprocess, "start", side_effect=start):
    try:
        coordinator.execute_task(what=ti(cases[0]), dag_rel_path=cases[0]["file"], bundle_info=BundleInfo(name="dags-folder"), client=None, subprocess_logs_to_stdout=False)
    except RuntimeError:
        pass
# The configured coordinator is this class, for both queues.
manager = CoordinatorManager.from_config()
assert type(manager.for_queue("wfkit")).__name__ == "WfkitCoordinator"
assert type(manager.for_queue("heavy")).__name__ == "WfkitCoordinator"
print(json.dumps({"results": results, "viaExecute": [[("<python>" if p == sys.executable else p) for p in captured["command"]], captured["schema"]]}))
`,
      options.env,
    );
  }

  it("builds `wf run-task` of the installed package for a task of a stub DAG, through the dags-folder bundle", async () => {
    const dir = path.join(root, pkg.name, pkg.version, "node_modules");
    const expected = [
      path.join(dir, ".bin", "wf"),
      "run-task",
      path.join(dir, pkg.name, "examples", "etl.ts"),
      // The CLI found the workflow as the module's default export.
      ...["--task", "Transform", "--workflow", "default", "--dag-id", ETL, "--dag-hash", etl.dagHash()],
    ];
    const got = await commands([{ dagId: ETL, taskId: "Transform", file: `${ETL}.py` }]);
    expect(got.results).toEqual([[expected, SCHEMA]]);
    expect(got.viaExecute).toEqual([expected, SCHEMA]);
    // The root: install_root, else WF_INSTALL_ROOT on the worker, else the DAG's installRoot (here the same root).
    const fromEnv = await commands([{ dagId: ETL, taskId: "Transform", file: `${ETL}.py` }], { installRoot: null, env: { WF_INSTALL_ROOT: root } });
    expect(fromEnv.results).toEqual([[expected, SCHEMA]]);
    const fromDag = await commands([{ dagId: ETL, taskId: "Transform", file: `${ETL}.py` }], { installRoot: null });
    expect(fromDag.results).toEqual([[expected, SCHEMA]]);
  });

  it("passes the marker's values as they were exported, however odd: escaped characters decoded, a leading dash after =", async () => {
    const odd = { workflow: '-etl\u2028"x\u00e9', nul: "etl\u0000x" };
    for (const [name, exportName] of Object.entries(odd)) {
      const dagFile = await renderAirflowDag({ workflow: etl, package: { name: pkg.name, version: pkg.version }, modulePath: "examples/etl.ts", exportName }, { runtime: "sdk", installRoot: root });
      await writeFile(path.join(home.dagsFolder, "other", `${name}.py`), dagFile.content);
    }
    const got = await commands(
      [
        { dagId: ETL, taskId: "Load", file: "other/workflow.py" },
        { dagId: ETL, taskId: "Load", file: "other/nul.py" },
      ],
      { installRoot: null },
    );
    expect(got.results[0]![0].slice(3)).toEqual(["--task", "Load", `--workflow=${odd.workflow}`, "--dag-id", ETL, "--dag-hash", etl.dagHash()]);
    expect(got.results[1]![0].slice(0, 3)).toEqual(["<python>", "-m", "wfkit_airflow.refuse"]);
    expect(got.results[1]![0][3]).toContain("holds a NUL character, which no command line can carry");
  });

  it("refuses, without raising, a package not installed, a file that is no stub DAG of wfkit, a bad marker, another DAG, an unknown bundle", async () => {
    const elsewhere = path.join(work, "empty-root");
    const got = await commands(
      [
        { dagId: ETL, taskId: "Extract", file: `${ETL}.py` },
        { dagId: PARAMS, taskId: "Load", file: `${PARAMS}.py` },
        { dagId: ETL, taskId: "Extract", file: "other/bash.py" },
        { dagId: ETL, taskId: "Extract", file: "other/bad-marker.py" },
        { dagId: PARAMS, taskId: "Load", file: `${ETL}.py` },
        { dagId: ETL, taskId: "Extract", file: "missing.py" },
        { dagId: ETL, taskId: "Extract", file: `${ETL}.py`, bundle: "no-such-bundle" },
      ],
      { installRoot: elsewhere },
    );
    for (const [command, schema] of got.results) {
      expect(command.slice(0, 3)).toEqual(["<python>", "-m", "wfkit_airflow.refuse"]);
      expect(command).toHaveLength(4);
      expect(schema).toBe(SCHEMA);
    }
    const [notInstalled, scoped, bash, badMarker, otherDag, missing, noBundle] = got.results.map(([c]) => c[3]!);
    expect(notInstalled).toBe(
      `wfkit: cannot run ${ETL}.Extract: ${pkg.name}@${pkg.version} is not installed on this worker (${path.join(elsewhere, pkg.name, pkg.version, "node_modules", ".bin", "wf")} is missing). Install it once per worker: wf install ${pkg.name}@${pkg.version} --root ${elsewhere} (or give wf install the package's packed tarball instead of the npm spec)`,
    );
    expect(scoped).toContain(`@acme/flows@2.0.0-rc.1 is not installed on this worker (${path.join(elsewhere, "@acme", "flows", "2.0.0-rc.1")}`);
    expect(bash).toMatch(/bash\.py is not a stub DAG of wfkit: it has no '# wfkit-sdk-task:' line in its first 60 lines/);
    expect(badMarker).toContain('package "../../etc" is not a valid npm package name (name cannot start with a period; name can only contain URL-friendly characters)');
    expect(otherDag).toContain(`was exported for the DAG ${ETL}, not ${PARAMS}: export the DAG again`);
    expect(missing).toMatch(/cannot read the DAG file .*missing\.py: No such file or directory/);
    expect(noBundle).toContain("in the bundle 'no-such-bundle': ValueError: Requested bundle 'no-such-bundle' is not configured.");
  });

  /** A fake supervisor: comm and logs servers, `python -m wfkit_airflow.refuse` against them. */
  const fakeSupervisor = `
import json, socket, subprocess, sys, msgspec
def server():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1); s.settimeout(30); return s
def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk: raise EOFError
        data += chunk
    return data
def frame(value):
    payload = msgspec.msgpack.encode(value)
    return len(payload).to_bytes(4, "big") + payload
comm, logs = server(), server()
message = sys.argv[1]
proc = subprocess.Popen([sys.executable, "-m", "wfkit_airflow.refuse", message,
    "--comm=%s:%d" % comm.getsockname(), "--logs=%s:%d" % logs.getsockname()], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
comm_conn, _ = comm.accept(); logs_conn, _ = logs.accept()
comm_conn.settimeout(30); logs_conn.settimeout(30)
# StartupDetails as the supervisor sends it: a response frame [id, body].
comm_conn.sendall(frame([0, {"type": "StartupDetails", "ti": {"task_id": "Extract"}, "dag_rel_path": "x.py"}]))
length = int.from_bytes(read_exactly(comm_conn, 4), "big")
request = msgspec.msgpack.decode(read_exactly(comm_conn, length))
comm_conn.sendall(frame([request[0]]))
log_text = b""
while True:
    chunk = logs_conn.recv(65536)
    if not chunk: break
    log_text += chunk
out, err = proc.communicate(timeout=30)
print(json.dumps({"request": request, "logs": [json.loads(l) for l in log_text.decode().splitlines()], "code": proc.returncode, "stdout": out.decode(), "stderr": err.decode()}))
`;

  it("wfkit_airflow.refuse logs the reason at error, sends TaskState failed and exits 0 (a fake supervisor)", async () => {
    const message = "wfkit: cannot run d.t: naïve 東京 \"quoted\"\nsecond line";
    const file = path.join(work, "fake-supervisor.py");
    await writeFile(file, fakeSupervisor);
    const r = await exec(home.install.python, [file, message], { env: home.env, cwd: work, timeoutMs: 60_000 });
    expect(r.code, describeFailure("fake supervisor", r)).toBe(0);
    const got = JSON.parse(r.stdout.trim().split("\n").pop()!) as { request: [number, { type: string; state: string; end_date: string }]; logs: Record<string, string>[]; code: number; stdout: string; stderr: string };
    expect(got.code).toBe(0);
    expect(got.request).toHaveLength(2);
    expect(got.request[1]).toEqual({ type: "TaskState", state: "failed", end_date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00$/) });
    expect(Math.abs(Date.parse(got.request[1].end_date) - Date.now())).toBeLessThan(60_000);
    expect(got.logs).toEqual([{ timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\+00:00$/), level: "error", event: message, logger: "wfkit" }]);
    expect([got.stdout, got.stderr]).toEqual(["", ""]);
  });

  it("fails the task instance through Airflow's real supervisor, without a retry, its reason in the task log", async () => {
    const root = path.join(tmpdir(), "wfkit-no-such-root");
    const { result: got, output } = await pythonOutput<{ exitCode: number; finalState: string; calls: [string, string, string | null][] }>(
      `
import json, uuid, httpx
from airflow.sdk.api.client import Client
from airflow.sdk.api.datamodels._generated import BundleInfo, TaskInstance
from wfkit_airflow import WfkitCoordinator
calls = []
def handler(request):
    calls.append([request.method, request.url.path.rsplit("/", 1)[-1], request.content.decode() or None])
    if request.url.path.endswith("/run"):
        t = "2026-01-01T00:00:00Z"
        run = {"dag_id": "d", "run_id": "r", "logical_date": t, "data_interval_start": t, "data_interval_end": t, "run_after": t,
               "start_date": t, "end_date": None, "run_type": "manual", "state": "running", "consumed_asset_events": [], "partition_key": None}
        # Retries left: a plain failure would be up_for_retry.
        return httpx.Response(200, json={"dag_run": run, "max_tries": 3, "should_retry": True})
    return httpx.Response(204)
client = Client(base_url="http://execution.invalid", token="t", transport=httpx.MockTransport(handler))
ti = TaskInstance(id=uuid.uuid4(), task_id="Extract", dag_id=${JSON.stringify(ETL)}, run_id="r", try_number=1, dag_version_id=uuid.uuid4(), queue="wfkit")
result = WfkitCoordinator(install_root=${JSON.stringify(root)}).execute_task(
    what=ti, dag_rel_path=${JSON.stringify(`${ETL}.py`)}, bundle_info=BundleInfo(name="dags-folder"), client=client, subprocess_logs_to_stdout=True)
print(json.dumps({"exitCode": result.exit_code, "finalState": str(result.final_state.value), "calls": calls}))
`,
    );
    expect([got.exitCode, got.finalState]).toEqual([0, "failed"]);
    const states = got.calls.filter(([method, what]) => method === "PATCH" && what === "state").map(([, , body]) => (JSON.parse(body!) as { state: string }).state);
    expect(states).toEqual(["failed"]);
    // The reason, as the refusal logged it at error through the logs socket.
    expect(output).toMatch(new RegExp(`\\[error\\s*\\] wfkit: cannot run ${ETL.replaceAll(".", "\\.")}\\.Extract: ${pkg.name}@${pkg.version} is not installed on this worker`));
    expect(output).toContain(`wf install ${pkg.name}@${pkg.version} --root ${root}`);
  });
});
