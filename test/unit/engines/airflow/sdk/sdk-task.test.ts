import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import * as z from "zod";
import { TaskBase, Workflow } from "wfkit";
import { loadConfig } from "wfkit/engine";
import { runSdkTask } from "../../../../../engines/airflow/sdk/sdk-task.js";
import type { InstalledTaskRequest } from "../../../../../engines/airflow/installed-task.js";
import { startOtlpReceiver } from "../../../../support/otlp-receiver.js";
import { startFakeSupervisor, startupDetails, type Answer, type FakeSupervisor, type SupervisorRequest } from "../../../../support/fake-supervisor.js";

class Reads extends TaskBase<{ limit: number }> {
  override async run() {
    const region = await this.airflow.variable("region");
    const db = await this.airflow.connection("warehouse");
    this.logger.info(`read ${region} from ${db.host}`, { login: db.login });
    this.logger.warn("a warning", { limit: this.params.limit });
    await this.airflow.xcom.push("rows", { count: 3 });
  }
}
class Pulls extends TaskBase<{ limit: number }> {
  override async run() {
    const rows = await this.airflow.xcom.pull("Reads", "rows");
    this.logger.info("pulled", { rows });
  }
}
class Fails extends TaskBase<{ limit: number }> {
  override run() {
    throw new Error("the warehouse is down");
  }
}
class Skips extends TaskBase<{ limit: number }> {
  override run() {
    this.skip("nothing new");
  }
}
class Slow extends TaskBase<{ limit: number }> {
  static override timeoutSeconds = 0.2;
  override async run() {
    await new Promise((_resolve, reject) => this.signal.addEventListener("abort", () => reject(this.signal.reason as Error)));
  }
}
const flow = new Workflow({ category: "unit", inputData: "sdk", outputData: "sdk", version: "1.0.0", params: z.object({ limit: z.number().int().default(5) }) });
flow.addNode(Reads);
flow.addNode(Pulls, { upstreams: Reads });
flow.addNode(Fails);
flow.addNode(Skips);
flow.addNode(Slow);

const supervisors: FakeSupervisor[] = [];
afterEach(async () => {
  for (const s of supervisors.splice(0)) await s.stop();
});

function request(task: string, home: string, env: NodeJS.ProcessEnv = {}): InstalledTaskRequest {
  return {
    module: "flow.ts",
    cwd: home,
    task,
    workflow: undefined,
    dagId: flow.dagId,
    dagHash: flow.dagHash(),
    debug: false,
    home,
    config: loadConfig({ WF_HOME: home, ...env }),
  };
}

const answers = (request: SupervisorRequest): Answer => {
  switch (request.body["type"]) {
    case "GetVariable":
      return request.body["key"] === "region" ? { body: { type: "VariableResult", key: "region", value: "eu-west" } } : { error: { error: "VARIABLE_NOT_FOUND", detail: { key: request.body["key"] } } };
    case "GetConnection":
      return { body: { type: "ConnectionResult", conn_id: "warehouse", conn_type: "postgres", host: "db.internal", schema: "sales", login: "etl", password: "s3cr3t-pw", port: 5432, extra: '{"sslmode":"require"}' } };
    case "GetXCom":
      return { body: { type: "XComResult", key: request.body["key"], value: request.body["task_id"] === "Reads" ? { count: 3 } : null } };
    default:
      return { body: null };
  }
};

async function runTask(task: string, over: { tryNumber?: number; shouldRetry?: boolean; conf?: Record<string, unknown>; env?: NodeJS.ProcessEnv } = {}) {
  const supervisor = await startFakeSupervisor(startupDetails({ task, dagId: flow.dagId, ...over }), answers);
  supervisors.push(supervisor);
  const home = mkdtempSync(path.join(tmpdir(), "wfkit-sdk-"));
  const said: string[] = [];
  const code = await runSdkTask(request(task, home, over.env), { comm: supervisor.comm, logs: supervisor.logs }, async () => flow, { AIRFLOW__LOGGING__LOGGING_LEVEL: "INFO" }, (t) => said.push(t));
  await supervisor.closed;
  const terminal = supervisor.requests.at(-1)!.body;
  return { code, supervisor, terminal, home };
}

describe("runSdkTask (Airflow's SDK runtime, against a fake supervisor)", () => {
  it("reads a Variable and a Connection, pushes an XCom, logs at Airflow's levels, and succeeds", async () => {
    const { code, supervisor, terminal } = await runTask("Reads");
    expect(code).toBe(0);
    const types = supervisor.requests.map((r) => r.body["type"]);
    expect(types).toEqual(["GetVariable", "GetConnection", "MaskSecret", "SetXCom", "SucceedTask"]);
    expect(supervisor.requests[3]!.body).toMatchObject({ key: "rows", value: { count: 3 }, dag_id: flow.dagId, task_id: "Reads", run_id: "manual__2026-12-05T10:00:00+00:00", map_index: null });
    expect(terminal).toMatchObject({ type: "SucceedTask", task_outlets: [], outlet_events: [] });
    expect(typeof terminal["end_date"]).toBe("string");
    const read = supervisor.records.find((r) => String(r["event"]).startsWith("read eu-west"));
    expect(read).toMatchObject({ level: "info", event: "read eu-west from db.internal", logger: "Reads", login: "etl", task: "Reads", attempt: 1, dag_id: flow.dagId });
    expect(supervisor.records.find((r) => r["event"] === "a warning")).toMatchObject({ level: "warning", limit: 5 });
    // Airflow's run id is wfkit's run id when the conf gives none.
    expect(read!["run_id"]).toBe("manual__2026-12-05T10:00:00+00:00");
  });

  it("pulls an upstream task's XCom", async () => {
    const { supervisor } = await runTask("Pulls");
    expect(supervisor.requests[0]!.body).toMatchObject({ type: "GetXCom", key: "rows", task_id: "Reads", dag_id: flow.dagId, include_prior_dates: false });
    expect(supervisor.records.find((r) => r["event"] === "pulled")).toMatchObject({ rows: { count: 3 } });
  });

  it("asks for a retry, with the reason, while Airflow has tries left; fails when it has none", async () => {
    const retry = await runTask("Fails", { shouldRetry: true });
    expect(retry.code).toBe(0);
    expect(retry.terminal).toMatchObject({ type: "RetryTask", retry_reason: "the warehouse is down" });
    const error = retry.supervisor.records.find((r) => r["level"] === "error");
    expect(String(error!["event"])).toMatch(/^task failed: Error: the warehouse is down|the warehouse is down/);
    expect(String(error!["event"])).toContain("\n    at ");
    const last = await runTask("Fails", { shouldRetry: false, tryNumber: 2 });
    expect(last.terminal).toMatchObject({ type: "TaskState", state: "failed" });
  });

  it("fails at once, without a retry, on bad params — and says why at ERROR", async () => {
    const { code, supervisor, terminal } = await runTask("Reads", { shouldRetry: true, conf: { limit: "ten", colour: "red" } });
    expect(code).toBe(0);
    expect(terminal).toMatchObject({ type: "TaskState", state: "failed" });
    expect(supervisor.requests).toHaveLength(1);
    const refused = supervisor.records.find((r) => r["level"] === "error");
    expect(String(refused!["event"])).toMatch(/^task refused: invalid run parameters[\s\S]*limit: Invalid input/);
    expect(String(refused!["event"])).toMatch(/colour/);
  });

  it("marks a task that skips itself skipped, and takes the run id from the conf", async () => {
    const { terminal, supervisor, home } = await runTask("Skips", { conf: { run_id: "nightly-7" } });
    expect(terminal).toMatchObject({ type: "TaskState", state: "skipped" });
    expect(supervisor.records.some((r) => r["run_id"] === "nightly-7")).toBe(true);
    const events = readFileSync(path.join(home, "runs", flow.dagId, "nightly-7", "events.jsonl"), "utf8");
    expect(events).toContain('"task.skipped"');
  });

  it("parents the task's spans by the conf's trace context (WF_OTEL on), on the task instance's queue; settings in the conf are not params", async () => {
    const receiver = await startOtlpReceiver();
    try {
      const env = { WF_OTEL: "on", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_METRICS_EXPORTER: "none" };
      const conf = { "airflow/dagrun_parent_trace_context": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "airflow/trace_sampled": true, limit: 7 };
      const { terminal } = await runTask("Skips", { conf, env });
      expect(terminal).toMatchObject({ type: "TaskState", state: "skipped" });
      const task = receiver.spans().find((s) => s.name === "task Skips")!;
      expect(task).toMatchObject({ traceId: "0af7651916cd43dd8448eb211c80319c", parentSpanId: "b7ad6b7169203331" });
      expect(task.attributes).toMatchObject({ "wfkit.engine": "airflow", "wfkit.queue": "wfkit", "wfkit.status": "skipped", "wfkit.attempt": 1 });

      receiver.clear();
      const bad = await runTask("Skips", { conf: { "wfkit/traceparent": "00-nope" }, env });
      expect(bad.terminal).toMatchObject({ type: "TaskState", state: "skipped" });
      const warning = bad.supervisor.records.find((r) => r["level"] === "warning" && r["logger"] === "wfkit.telemetry");
      expect(String(warning!["event"])).toMatch(/^the DAG run's trace context is ignored: wfkit\/traceparent "00-nope": not a traceparent/);
      expect(receiver.spans().find((s) => s.name === "task Skips")!.parentSpanId).toBeUndefined();
    } finally {
      await receiver.close();
    }
  });

  it("stops an attempt at the task's timeout itself (no operator applies execution_timeout to a stub task): a failure", async () => {
    const { terminal, supervisor } = await runTask("Slow", { shouldRetry: true });
    expect(terminal).toMatchObject({ type: "RetryTask" });
    expect(String(terminal["retry_reason"])).toMatch(/0\.2 ?s/);
    expect(supervisor.records.some((r) => r["level"] === "error")).toBe(true);
  });

  it("masks a connection's password in every line after it was read", async () => {
    class Leaks extends TaskBase {
      override async run() {
        const db = await this.airflow.connection("warehouse");
        this.logger.info(`connecting with ${db.password}`);
      }
    }
    const leaky = new Workflow({ category: "unit", detail: "leaky", version: "1.0.0" });
    leaky.addNode(Leaks);
    const supervisor = await startFakeSupervisor(startupDetails({ task: "Leaks", dagId: leaky.dagId }), answers);
    supervisors.push(supervisor);
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-sdk-"));
    const r = { ...request("Leaks", home), dagId: leaky.dagId, dagHash: leaky.dagHash() };
    expect(await runSdkTask(r, { comm: supervisor.comm, logs: supervisor.logs }, async () => leaky, {}, () => {})).toBe(0);
    await supervisor.closed;
    expect(JSON.stringify(supervisor.records)).not.toContain("s3cr3t-pw");
    expect(supervisor.records.find((rec) => String(rec["event"]).startsWith("connecting with"))!["event"]).toBe("connecting with [masked]");
  });
});
