import { describe, expect, it } from "vitest";
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
