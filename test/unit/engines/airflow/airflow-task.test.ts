import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TaskBase, Workflow, type WfEvent } from "wfkit";
import { InProcessEventBus } from "wfkit/engine";
import { createSilentLogger } from "../../../../src/logging/logger.js";
import {
  AirflowCodeMismatchError,
  AirflowTaskError,
  AirflowUnknownTaskError,
  runAirflowTask,
  type AirflowTaskRequest,
} from "wfkit/airflow";
import flaky from "../../../../examples/flaky.js";

// Each refusal comes before the run starts: no run directory is made under `home`.
function request(overrides: Partial<AirflowTaskRequest> = {}): AirflowTaskRequest {
  return {
    workflow: flaky,
    task: "Start",
    runId: "unit-refusal",
    params: {},
    attempt: 1,
    expectedDagId: flaky.dagId,
    expectedDagHash: flaky.dagHash(),
    logger: createSilentLogger(),
    signal: new AbortController().signal,
    home: "/nonexistent/wf-home",
    ...overrides,
  };
}

describe("runAirflowTask refusals", () => {
  it("refuses installed code that defines another dag id: a platform problem", async () => {
    const attempt = runAirflowTask(request({ expectedDagId: "flaky_demo_1.0.0" }));
    await expect(attempt).rejects.toBeInstanceOf(AirflowCodeMismatchError);
    await expect(attempt).rejects.toBeInstanceOf(AirflowTaskError);
    await expect(attempt).rejects.toMatchObject({ resolvableBy: "platform" });
    await expect(attempt).rejects.toThrow(
      `this DAG is flaky_demo_1.0.0, but the installed module defines ${flaky.dagId}: the version installed on the worker is not the one this DAG was exported from; export again or install the matching version`,
    );
  });

  it("refuses installed code whose task graph differs from the export", async () => {
    const attempt = runAirflowTask(request({ expectedDagHash: "f".repeat(64) }));
    await expect(attempt).rejects.toBeInstanceOf(AirflowCodeMismatchError);
    await expect(attempt).rejects.toThrow(/differs from the exported DAG's \(ffffffffffff\): the workflow changed without a new version\. Bump the workflow's version/);
  });

  it("refuses a task the workflow does not have, suggesting the closest: the caller's typo", async () => {
    const attempt = runAirflowTask(request({ task: "Strat" }));
    await expect(attempt).rejects.toBeInstanceOf(AirflowUnknownTaskError);
    await expect(attempt).rejects.toBeInstanceOf(AirflowTaskError);
    await expect(attempt).rejects.toMatchObject({ resolvableBy: "user" });
    await expect(attempt).rejects.toThrow(/has no task "Strat" \(did you mean "Start"\?\); give one of its tasks: Start, /);
  });
});

describe("runAirflowTask's task.failed: one try here, Airflow's retries after it", () => {
  class Fails extends TaskBase {
    run(): void {
      throw new Error("boom");
    }
  }
  const workflow = new Workflow({ category: "airflow_tries", version: "dev" }).addNode(Fails, { retries: 2 });

  /** The events of try `attempt` of 3, run in this process as `wf run-task` runs it. */
  async function tryNumber(attempt: number): Promise<WfEvent[]> {
    const bus = new InProcessEventBus();
    const events: WfEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const result = await runAirflowTask({
      ...request(),
      workflow,
      task: "Fails",
      runId: `tries-${attempt}`,
      attempt,
      expectedDagId: undefined,
      expectedDagHash: undefined,
      home: mkdtempSync(path.join(tmpdir(), "wfkit-airflow-tries-")),
      bus,
      progress: { mode: "off" },
    });
    expect(result.status).toBe("failed");
    return events;
  }

  it("try 1 of 3 says another try follows (task.retrying comes next); try 3 of 3 says it is final", async () => {
    const first = await tryNumber(1);
    expect(first.map((e) => e.data.action)).toEqual(["task.started", "task.failed", "task.retrying"]);
    expect(first[1]!.data).toMatchObject({ attempt: 1, maxAttempts: 3, willRetry: true });
    const last = await tryNumber(3);
    expect(last.map((e) => e.data.action)).toEqual(["task.started", "task.failed"]);
    expect(last[1]!.data).toMatchObject({ attempt: 3, maxAttempts: 3, willRetry: false });
  });
});
