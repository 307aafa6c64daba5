// OpenTelemetry end to end: runs of the traced fixture with WF_OTEL on, their spans and metrics
// received as real OTLP/HTTP (protobuf) by a receiver in this process and decoded with the
// OpenTelemetry proto definitions — a local `wf run` with a parent trace context, a notebook in
// a real Jupyter kernel, and `airflow dags test` of the exported DAG with Airflow's parent trace
// context in the DAG run's conf. The span tree, its attributes, masking, the ids that events and
// log lines carry, and the metrics' names and values.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WfEvent } from "wfkit";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver.js";
import { renderWaterfall } from "../support/trace-waterfall.js";
import { wf } from "../support/wf-cli.js";
import { logLines } from "../support/log-lines.js";
import { findRunDir } from "../support/run-dir.js";
import { airflowAvailability, airflowCli, createAirflowHome, writeFixturePackage, type AirflowHome } from "../support/airflow.js";
import { wfkitTarball } from "../support/wfkit-tarball.js";
import { createNotebookProject, executeNotebook, jupyterAvailability, type NotebookProject } from "../support/jupyter.js";

const SLOW = 600_000;
const PARENT_TRACE = "0af7651916cd43dd8448eb211c80319c";
const PARENT_SPAN = "b7ad6b7169203331";
const TRACEPARENT = `00-${PARENT_TRACE}-${PARENT_SPAN}-01`;
const DAG_ID = "tests_traced_1.0.0";
const FIXTURE = "test/fixtures/workflows/traced.ts";

/** The env that turns telemetry on, towards `receiver`. */
function otelEnv(receiver: OtlpReceiver): Record<string, string> {
  return { WF_OTEL: "on", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_METRIC_EXPORT_INTERVAL: "600000", OTEL_SERVICE_NAME: "wfkit-tests" };
}

function one(spans: ReceivedSpan[], predicate: (s: ReceivedSpan) => boolean, what: string): ReceivedSpan {
  const found = spans.filter(predicate);
  if (found.length !== 1) throw new Error(`expected one span ${what}, found ${found.length}:\n${renderWaterfall(spans)}`);
  return found[0]!;
}

const attempt = (spans: ReceivedSpan[], task: string, n = 1) => one(spans, (s) => s.name === `task ${task}` && s.attributes["wfkit.attempt"] === n, `task ${task} #${n}`);
const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) => spans.filter((s) => s.parentSpanId === parent.spanId).sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0));

describe("OpenTelemetry of a local run (wf run)", () => {
  let receiver: OtlpReceiver;
  let home: string;
  let spans: ReceivedSpan[];
  let runId: string;
  let stderr: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    home = await mkdtemp(path.join(tmpdir(), "wfkit-otel-"));
    const out = await wf(["run", FIXTURE, "-p", "flaky=true", "-p", "fail=true", "--traceparent", TRACEPARENT, "--json"], { ...otelEnv(receiver), WF_HOME: home, WF_RETRY_DELAY_SECONDS: "0" });
    expect(out.code, out.stderr).toBe(1);
    runId = (JSON.parse(out.stdout) as { runId: string }).runId;
    stderr = out.stderr;
    // The run sends before it ends: everything is here by the time the process exits.
    spans = receiver.spans();
  }, SLOW);
  afterAll(async () => {
    await receiver?.close();
    if (home !== undefined) await rm(home, { recursive: true, force: true });
  });

  it("makes one trace under the given parent: the run, each attempt, each hook, and the task's own spans", () => {
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([PARENT_TRACE]));
    const run = one(spans, (s) => s.name === `run ${DAG_ID}`, "of the run");
    expect(run.parentSpanId).toBe(PARENT_SPAN);
    expect(run.attributes).toMatchObject({ "wfkit.run_id": runId, "wfkit.dag_id": DAG_ID, "wfkit.workflow": "tests_traced", "wfkit.version": "1.0.0", "wfkit.engine": "local", "wfkit.status": "failed" });
    expect(run.status.code).toBe(2);
    expect(run.resource["service.name"]).toBe("wfkit-tests");

    const attempts = childrenOf(spans, run);
    expect(attempts.map((s) => `${s.name}#${String(s.attributes["wfkit.attempt"])}`)).toEqual(["task Extract#1", "task Transform#1", "task Transform#2", "task Load#1"]);
    for (const s of attempts) {
      expect(s.attributes).toMatchObject({ "wfkit.run_id": runId, "wfkit.dag_id": DAG_ID, "wfkit.engine": "local", "wfkit.queue": "default", "wfkit.version": "1.0.0" });
      expect(typeof s.attributes["host.name"]).toBe("string");
    }
    const hooks = (s: ReceivedSpan) => childrenOf(spans, s).map((h) => h.name);
    expect(hooks(attempt(spans, "Extract"))).toEqual(["preRun", "run", "postRun", "teardown"]);
    expect(hooks(attempt(spans, "Transform", 1))).toEqual(["preRun", "run", "rollback", "teardown"]);
    expect(hooks(attempt(spans, "Transform", 2))).toEqual(["preRun", "run", "postRun", "teardown"]);

    const extractRun = childrenOf(spans, attempt(spans, "Extract")).find((h) => h.name === "run")!;
    const read = one(spans, (s) => s.name === "read source", "of the task's own");
    expect(read.parentSpanId).toBe(extractRun.spanId);
    expect(one(spans, (s) => s.name === "parse rows", "made inside it").parentSpanId).toBe(read.spanId);
    expect(read.attributes["rows"]).toBe(3);
  });

  it("says how each attempt ended: status, exception event, a retry to come", () => {
    const first = attempt(spans, "Transform", 1);
    expect(first.status).toMatchObject({ code: 2, message: "the source was busy" });
    expect(first.attributes).toMatchObject({ "wfkit.status": "failed", "wfkit.will_retry": true });
    const failedHook = childrenOf(spans, first).find((h) => h.name === "run")!;
    expect(failedHook.status.code).toBe(2);
    const exception = failedHook.events.find((e) => e.name === "exception")!;
    expect(exception.attributes).toMatchObject({ "exception.type": "Error", "exception.message": "the source was busy" });
    expect(String(exception.attributes["exception.stacktrace"])).toContain("traced.ts");
    expect(attempt(spans, "Transform", 2).status.code).toBe(1);
    expect(attempt(spans, "Load").attributes).toMatchObject({ "wfkit.status": "failed", "wfkit.will_retry": false });
  });

  it("masks secrets in every span by the run's rule: a secret param, a URL's password", () => {
    const text = JSON.stringify(spans, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    expect(text).not.toContain("tok-s3cr3t-value");
    expect(text).not.toContain("hunter2");
    const read = one(spans, (s) => s.name === "read source", "of the task's own");
    expect(read.attributes["source.url"]).toBe("postgres://etl:[masked]@db.example:5432/warehouse");
    expect(read.attributes["auth"]).toBe("Bearer [masked]");
    expect(attempt(spans, "Load").status.message).toBe("warehouse refused token [masked]");
  });

  it("puts the span's ids into every status event and task log line", async () => {
    const events = (await readFile(path.join(findRunDir(home, runId), "events.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as WfEvent);
    const run = one(spans, (s) => s.name === `run ${DAG_ID}`, "of the run");
    const started = events.find((e) => e.data.action === "run.started")!;
    expect(started.data).toMatchObject({ traceId: PARENT_TRACE, spanId: run.spanId });
    for (const event of events.filter((e) => "task" in e.data)) {
      const data = event.data as { task: string; attempt: number; traceId?: string; spanId?: string };
      expect(data.traceId, event.type).toBe(PARENT_TRACE);
      expect(data.spanId, event.type).toBe(attempt(spans, data.task, data.attempt).spanId);
    }
    const line = logLines(stderr).find((l) => l["message"] === "extracted 3 rows")!;
    expect(line).toMatchObject({ trace_id: PARENT_TRACE, span_id: attempt(spans, "Extract").spanId, task: "Extract" });
  });

  it("sends the metrics: attempts by status, their durations, retries and what tasks counted", () => {
    const metric = (name: string) => receiver.metrics().filter((m) => m.name === name).at(-1)!;
    const point = (name: string, attrs: Record<string, unknown>) => metric(name).points.find((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v));
    const executed = metric("wfkit.tasks.executed");
    expect(executed).toMatchObject({ kind: "sum", isMonotonic: true });
    const at = { "wfkit.dag_id": DAG_ID, "wfkit.engine": "local" };
    expect(point("wfkit.tasks.executed", { ...at, "wfkit.task": "Extract", "wfkit.status": "success" })?.value).toBe(1);
    expect(point("wfkit.tasks.executed", { ...at, "wfkit.task": "Transform", "wfkit.status": "failed" })?.value).toBe(1);
    expect(point("wfkit.tasks.executed", { ...at, "wfkit.task": "Transform", "wfkit.status": "success" })?.value).toBe(1);
    expect(point("wfkit.tasks.executed", { ...at, "wfkit.task": "Load", "wfkit.status": "failed" })?.value).toBe(1);
    expect(metric("wfkit.task.duration")).toMatchObject({ kind: "histogram", unit: "s" });
    const duration = point("wfkit.task.duration", { ...at, "wfkit.task": "Extract", "wfkit.status": "success" })!;
    expect(duration.count).toBe(1);
    expect(duration.sum).toBeGreaterThan(0.004);
    expect(point("wfkit.task.retries", { ...at, "wfkit.task": "Transform" })?.value).toBe(1);
    expect(point("wfkit.task.retries", { ...at, "wfkit.task": "Load" })).toBeUndefined();
    expect(point("wfkit.task.progress", { "wfkit.task": "Extract", "wfkit.metric": "rows" })?.value).toBe(3);
  });
});

describe("OpenTelemetry switches", () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver?.close());

  it("sends nothing when off, takes TRACEPARENT from the environment, and refuses a bad --traceparent (exit 2)", { timeout: SLOW }, async () => {
    const off = await wf(["run", FIXTURE], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    expect(off.code, off.stderr).toBe(0);
    expect(receiver.requests).toBe(0);

    const env = await wf(["run", FIXTURE], { ...otelEnv(receiver), TRACEPARENT });
    expect(env.code, env.stderr).toBe(0);
    const run = one(receiver.spans(), (s) => s.name === `run ${DAG_ID}`, "of the run");
    expect([run.traceId, run.parentSpanId]).toEqual([PARENT_TRACE, PARENT_SPAN]);
    receiver.clear();

    const root = await wf(["run", FIXTURE], otelEnv(receiver));
    expect(root.code, root.stderr).toBe(0);
    const own = one(receiver.spans(), (s) => s.name === `run ${DAG_ID}`, "of the run");
    expect(own.parentSpanId).toBeUndefined();
    expect(own.traceId).not.toBe(PARENT_TRACE);

    const bad = await wf(["run", FIXTURE, "--traceparent", "00-xyz"], otelEnv(receiver));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--traceparent "00-xyz": not a traceparent');
  });

  it("adds the process's memory and CPU with WF_OTEL=process", { timeout: SLOW }, async () => {
    receiver.clear();
    const out = await wf(["run", FIXTURE], { ...otelEnv(receiver), WF_OTEL: "process" });
    expect(out.code, out.stderr).toBe(0);
    const names = new Set(receiver.metrics().map((m) => m.name));
    for (const name of ["process.cpu.time", "process.memory.usage", "wfkit.tasks.executed"]) expect(names).toContain(name);
    const memory = receiver.metrics().find((m) => m.name === "process.memory.usage")!;
    expect(memory.points[0]!.value).toBeGreaterThan(10 * 1024 * 1024);
  });

  it("says once that the collector could not be reached, and the run still succeeds", { timeout: SLOW }, async () => {
    const out = await wf(["run", FIXTURE], { WF_OTEL: "on", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9", OTEL_EXPORTER_OTLP_TIMEOUT: "2000" });
    expect(out.code, out.stderr).toBe(0);
    const warnings = logLines(out.stderr).filter((l) => l["logger"] === "wfkit.telemetry");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!["message"]).toMatch(/OpenTelemetry exports? failed \(last: (spans|metrics) to http:\/\/127\.0\.0\.1:9\/v1\/(traces|metrics)/);
  });
});

const jupyter = jupyterAvailability();
describe.skipIf(!jupyter.ok)(`OpenTelemetry of a notebook run in a real Jupyter kernel${jupyter.ok ? "" : ` (skipped: ${jupyter.reason.split("\n")[0]})`}`, () => {
  let receiver: OtlpReceiver;
  let project: NotebookProject;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    project = await createNotebookProject();
  });
  afterAll(async () => {
    await receiver?.close();
    await project?.cleanup();
  });

  it("traces the run the notebook's cells make, under TRACEPARENT, and sends it by the summary cell", { timeout: SLOW }, async () => {
    const nb = path.join(project.dir, "nb");
    const out = await wf(["export", "--engine", "notebook", "--out", nb, FIXTURE]);
    expect(out.code, out.stderr).toBe(0);
    const run = await executeNotebook(path.join(nb, `${DAG_ID}.ipynb`), { env: { ...otelEnv(receiver), TRACEPARENT, WF_HOME: path.join(project.dir, ".wf") } });
    expect(run.error).toBeUndefined();
    const spans = receiver.spans();
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([PARENT_TRACE]));
    const root = one(spans, (s) => s.name === `run ${DAG_ID}`, "of the run");
    expect(root.parentSpanId).toBe(PARENT_SPAN);
    expect(root.attributes).toMatchObject({ "wfkit.engine": "notebook", "wfkit.status": "success" });
    expect(childrenOf(spans, root).map((s) => s.name)).toEqual(["task Extract", "task Transform", "task Load"]);
    expect(childrenOf(spans, attempt(spans, "Extract")).map((s) => s.name)).toEqual(["preRun", "run", "postRun", "teardown"]);
    expect(one(spans, (s) => s.name === "read source", "of the task's own").attributes["auth"]).toBe("Bearer [masked]");
    expect(receiver.metrics().some((m) => m.name === "wfkit.tasks.executed" && m.points.some((p) => p.attributes["wfkit.engine"] === "notebook"))).toBe(true);
  });
});

const airflow = airflowAvailability(3);
describe.skipIf(!airflow.ok)(`OpenTelemetry through a real Airflow 3 (airflow dags test)${airflow.ok ? "" : ` (skipped: ${airflow.ok ? "" : airflow.reason.split("\n")[0]})`}`, () => {
  let receiver: OtlpReceiver;
  let dir: string;
  let home: AirflowHome;

  beforeAll(async () => {
    if (!airflow.ok) return;
    receiver = await startOtlpReceiver();
    dir = await mkdtemp(path.join(tmpdir(), "wfkit-otel-airflow-"));
    const tarball = await wfkitTarball();
    const pkg = path.join(dir, "traced-pkg");
    await writeFixturePackage(pkg, { name: "wf-traced", tarball, fixtures: ["traced.ts"], zod: true });
    const root = path.join(dir, "install-root");
    for (const spec of [tarball, pkg]) {
      const installed = await wf(["install", spec, "--root", root]);
      expect(installed.code, installed.stderr).toBe(0);
    }
    home = await createAirflowHome(airflow.install, {
      ...otelEnv(receiver),
      WF_HOME: path.join(dir, "wf-home"),
      WF_PROGRESS: "off",
      WF_INSTALL_ROOT: root,
      PATH: `${path.dirname(process.execPath)}:${process.env["PATH"] ?? ""}`,
    });
    const exported = await wf(["export", "--engine", "airflow", "--out", home.dagsFolder, pkg]);
    expect(exported.code, exported.stderr).toBe(0);
  }, SLOW);
  afterAll(async () => {
    await receiver?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("parents every task's spans, on every worker process, by the DAG run conf's airflow/dagrun_parent_trace_context", { timeout: SLOW }, async () => {
    const conf = { "airflow/dagrun_parent_trace_context": { traceparent: TRACEPARENT, tracestate: "vendor=abc" }, run_id: "otel-airflow-1" };
    const r = await airflowCli(home, ["dags", "test", DAG_ID, "--conf", JSON.stringify(conf)]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    // The task log names the span once, with the run's identity: found from the span, and back.
    expect(r.stdout + r.stderr).toContain(`trace_id=${PARENT_TRACE}`);
    const spans = receiver.spans().filter((s) => s.attributes["wfkit.run_id"] === "otel-airflow-1" || s.attributes["wfkit.hook"] !== undefined || s.name === "read source" || s.name === "parse rows");
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([PARENT_TRACE]));
    const tasks = spans.filter((s) => s.name.startsWith("task "));
    expect(tasks.map((s) => s.name).sort()).toEqual(["task Extract", "task Load", "task Transform"]);
    for (const s of tasks) {
      expect(s.parentSpanId).toBe(PARENT_SPAN);
      expect(s.attributes).toMatchObject({ "wfkit.engine": "airflow", "wfkit.dag_id": DAG_ID, "wfkit.run_id": "otel-airflow-1", "wfkit.queue": "default", "wfkit.status": "success" });
      expect(childrenOf(spans, s).map((h) => h.name)).toEqual(["preRun", "run", "postRun", "teardown"]);
    }
    // Each task ran in a process of its own: the spans of one trace came from three.
    expect(new Set(tasks.map((s) => s.resource["process.pid"])).size).toBe(3);
    expect(receiver.metrics().some((m) => m.name === "wfkit.tasks.executed" && m.points.some((p) => p.attributes["wfkit.engine"] === "airflow"))).toBe(true);
  });

  it("without a parent, the tasks of one DAG run still share one trace; wfkit's own conf key parents them too", { timeout: SLOW }, async () => {
    receiver.clear();
    const plain = await airflowCli(home, ["dags", "test", DAG_ID, "--conf", JSON.stringify({ run_id: "otel-airflow-2" })]);
    expect(plain.code, plain.stderr + plain.stdout).toBe(0);
    const own = "00-1234567890abcdef1234567890abcdef-1122334455667788-01";
    const wfkitKey = await airflowCli(home, ["dags", "test", DAG_ID, "--conf", JSON.stringify({ run_id: "otel-airflow-3", "wfkit/traceparent": own })]);
    expect(wfkitKey.code, wfkitKey.stderr + wfkitKey.stdout).toBe(0);
    const tasksOf = (runId: string) => receiver.spans().filter((s) => s.name.startsWith("task ") && s.attributes["wfkit.run_id"] === runId);
    const second = tasksOf("otel-airflow-2");
    expect(second).toHaveLength(3);
    expect(new Set(second.map((s) => s.traceId)).size).toBe(1);
    expect(second.every((s) => s.parentSpanId === undefined)).toBe(true);
    const third = tasksOf("otel-airflow-3");
    expect(third.map((s) => [s.traceId, s.parentSpanId])).toEqual(Array.from({ length: 3 }, () => ["1234567890abcdef1234567890abcdef", "1122334455667788"]));
  });
});

// The README's picture is rendered from what a receiver got: keep it renderable from real spans.
it("renders a received trace as a text waterfall", async () => {
  const receiver = await startOtlpReceiver();
  try {
    const out = await wf(["run", FIXTURE, "--traceparent", TRACEPARENT], otelEnv(receiver));
    expect(out.code, out.stderr).toBe(0);
    const picture = renderWaterfall(receiver.spans());
    expect(picture).toContain(PARENT_TRACE);
    for (const name of [`run ${DAG_ID}`, "task Extract", "read source", "parse rows", "teardown"]) expect(picture).toContain(name);
  } finally {
    await receiver.close();
  }
}, SLOW);

