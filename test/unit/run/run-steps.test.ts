// A step added to the run lifecycle reaches every engine without a change to any engine: the
// local engine, the Airflow worker (`wf run-task`, in process) and a notebook run each leave
// the marker this test's step writes.
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSilentLogger } from "../../../src/logging/logger.js";
import { runLocal } from "wfkit/local";
import { openNotebookRun } from "wfkit/notebook";
import { runSteps, type RunStep } from "../../../src/run/run-steps.js";
import { main } from "../../../cli/program.js";
import flaky from "../../../examples/flaky.js";
import { exampleNotebookSpec } from "../../support/example-notebook.js";
import { cases } from "../../fixtures/workflows/worker-cases.js";
import { findRunDir } from "../../support/run-dir.js";

const repoRoot = path.resolve(import.meta.dirname, "../../..");
const MARKER = "marker.jsonl";

/** The added step: one line per hook, in the run directory. */
const marker: RunStep = (run, scope) => {
  const note = (line: Record<string, unknown>) => appendFileSync(path.join(run.runDir, MARKER), `${JSON.stringify({ engine: run.engine, scope, ...line })}\n`);
  return {
    opened: () => note({ at: "opened" }),
    attemptEnded: (task, attempt) => note({ at: "attemptEnded", task, attempt: attempt.attempt, status: attempt.status }),
    finished: (result) => note({ at: "finished", status: result.status, tasks: result.tasks.length }),
    closing: () => note({ at: "closing" }),
  };
};

function markers(runDir: string): Record<string, unknown>[] {
  return readFileSync(path.join(runDir, MARKER), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("a step added to the run lifecycle", () => {
  beforeAll(() => void runSteps.push(marker));
  afterAll(() => void runSteps.splice(runSteps.indexOf(marker), 1));

  it("runs on the local engine: opened, every attempt, finished, closing", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-step-local-"));
    const result = await runLocal(flaky, { home, retryDelaySeconds: 0, logger: createSilentLogger(), progress: "off", env: {} });
    const lines = markers(result.runDir);
    expect(lines[0]).toEqual({ engine: "local", scope: "run", at: "opened" });
    expect(lines.filter((l) => l["at"] === "attemptEnded")).toHaveLength(result.tasks.reduce((n, t) => n + t.attempts.length, 0));
    expect(lines).toContainEqual({ engine: "local", scope: "run", at: "attemptEnded", task: "Flaky", attempt: 2, status: "success" });
    expect(lines.slice(-2)).toEqual([
      { engine: "local", scope: "run", at: "finished", status: "failed", tasks: 6 },
      { engine: "local", scope: "run", at: "closing" },
    ]);
  });

  it("runs on the Airflow worker (wf run-task): opened, the attempt, closing; no process sees the run finish", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-step-airflow-"));
    const err: string[] = [];
    const io = { out: () => {}, err: (s: string) => void err.push(s), color: false, env: { WF_HOME: home, WF_LOG_LEVEL: "warn" }, cwd: repoRoot };
    const code = await main(["run-task", "test/fixtures/workflows/worker-cases.ts", "--task", "UsesParam", "--run-id", "step-marker", "--attempt", "3"], io);
    expect(code, err.join("")).toBe(0);
    const runDir = findRunDir(home, "step-marker");
    expect(markers(runDir)).toEqual([
      { engine: "airflow", scope: "task", at: "opened" },
      { engine: "airflow", scope: "task", at: "attemptEnded", task: "UsesParam", attempt: 3, status: "success" },
      { engine: "airflow", scope: "task", at: "closing" },
    ]);
    expect(cases.dagId).toBe("worker_cases_1.0.0");
  });

  it("runs on a notebook run: opened, each cell's attempt, finished at the summary", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "wfkit-step-nb-"));
    const run = await openNotebookRun({
      ...exampleNotebookSpec(flaky, "flaky", cwd),
      cwd,
      env: { WF_INSTALL_ROOT: path.join(cwd, "no-install-root"), WF_RETRY_DELAY_SECONDS: "0" },
      write: () => {},
      logger: createSilentLogger(),
    });
    await run.task("Start");
    await run.summary();
    expect(markers(run.context.runDir)).toEqual([
      { engine: "notebook", scope: "run", at: "opened" },
      { engine: "notebook", scope: "run", at: "attemptEnded", task: "Start", attempt: 1, status: "success" },
      { engine: "notebook", scope: "run", at: "finished", status: "terminated", tasks: 6 },
    ]);
  });

  it("is gone once removed: runs leave no marker", async () => {
    runSteps.splice(runSteps.indexOf(marker), 1);
    try {
      const home = mkdtempSync(path.join(tmpdir(), "wfkit-step-none-"));
      const result = await runLocal(cases, { home, logger: createSilentLogger(), progress: "off", env: {}, params: { day: "2026-01-02" } });
      expect(existsSync(path.join(result.runDir, MARKER))).toBe(false);
    } finally {
      runSteps.push(marker);
    }
  });
});
