// A workflow on hold (maxConsecutiveFailures) through local runs: its last runs failed in a row,
// so a new run is refused before anything of it is made, the refusal recorded; `release` lets it
// run again; a success in between resets the count.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openAudit, RunLogOptionsError, TaskBase, Workflow, WorkflowOnHoldError, type RunResult, type WfEvent } from "wfkit";
import { createLogger, runLocal } from "wfkit/local";
import { FileAuditStore } from "../../../src/audit/file-audit-store.js";
import { workflow } from "../../fixtures/workflows/on-hold.js";

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), "wfkit-hold-"));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

const logLines: string[] = [];
const quiet = () => ({ home, env: {}, logger: createLogger({ level: "warn", format: "json", destination: (line: string) => logLines.push(line) }), progress: "off" as const, retryDelaySeconds: 0 });

/** One run of the fixture workflow (its first task fails with `fail`), with the events it published. */
async function run(fail: boolean, runId?: string): Promise<{ result: RunResult; events: WfEvent[] }> {
  const events: WfEvent[] = [];
  const result = await runLocal(workflow, { ...quiet(), params: { fail }, runId, onEvent: (e) => events.push(e) });
  return { result, events };
}

/** The error a run throws (it must throw), and the events it published first. */
async function refused(fail = false, runId?: string): Promise<{ error: unknown; events: WfEvent[] }> {
  const events: WfEvent[] = [];
  const error = await runLocal(workflow, { ...quiet(), params: { fail }, runId, onEvent: (e) => events.push(e) }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "the run was not refused").toBeDefined();
  return { error, events };
}

const runDirs = () => {
  const dir = path.join(home, "runs", workflow.dagId);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};

async function release(name = workflow.name, options: { by?: string; reason?: string } = {}) {
  const audit = await openAudit({ home, env: {} });
  try {
    return await audit.release(name, options);
  } finally {
    await audit.close();
  }
}

describe("maxConsecutiveFailures", () => {
  it("after two failed runs the third is refused before any task runs: no event, no run folder, a refuse record", async () => {
    const first = await run(true, "run-1");
    const second = await run(true, "run-2");
    expect([first.result.status, second.result.status]).toEqual(["failed", "failed"]);
    expect(runDirs()).toEqual(["run-1", "run-2"]);

    const { error, events } = await refused(false, "run-3");
    expect(error).toBeInstanceOf(WorkflowOnHoldError);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^workflow ${workflow.name} is on hold: its last 2 runs failed in a row \\(maxConsecutiveFailures\\): run-2 \\(${workflow.dagId}, failed, started .*\\), run-1 \\(${workflow.dagId}, failed, started .*\\); nothing ran\\.`));
    expect(message).toContain(`wf audit release ${workflow.name}`);
    expect(events).toEqual([]);
    expect(runDirs()).toEqual(["run-1", "run-2"]);

    const store = new FileAuditStore(home);
    const holds = await store.holds(workflow.name);
    await store.close();
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({ workflow: workflow.name, action: "refuse", dagId: workflow.dagId, runId: "run-3", reason: message, pid: process.pid });

    // Refused again: each refusal recorded, and the report counts them.
    await refused(false, "run-4");
    const audit = await openAudit({ home, env: {} });
    try {
      const report = await audit.report(workflow.name);
      expect(report.hold).toMatchObject({ maxConsecutiveFailures: 2, onHold: true, refused: 2, lastRelease: null });
      expect(report.hold.failures.map((f) => f.runId)).toEqual(["run-2", "run-1"]);
      // Refused runs are no runs.
      expect(report.runs.map((r) => r.runId)).toEqual(["run-2", "run-1"]);
    } finally {
      await audit.close();
    }
  });

  it("after release a run goes ahead; it takes two new failures to hold it again", async () => {
    await run(true);
    await run(true);
    await refused();
    const record = await release(workflow.name, { by: "ana@ops", reason: "the source is back" });
    expect(record).toMatchObject({ workflow: workflow.name, action: "release", by: "ana@ops", reason: "the source is back", dagId: null, runId: null });

    // The failures before the release count no more: one new failure does not hold it.
    const afterRelease = await run(true);
    expect(afterRelease.result.status).toBe("failed");
    expect(afterRelease.events.map((e) => e.data.action)).toContain("task.started");
    const ok = await run(false);
    expect(ok.result.status).toBe("success");
    await run(true);
    await run(true);
    expect((await refused()).error).toBeInstanceOf(WorkflowOnHoldError);
  });

  it("a success between failures resets the count", async () => {
    await run(true);
    expect((await run(false)).result.status).toBe("success");
    await run(true);
    // Failed, succeeded, failed: the last two are not both failures.
    const goes = await run(true);
    expect(goes.result.status).toBe("failed");
    expect(goes.events.length).toBeGreaterThan(0);
    expect((await refused()).error).toBeInstanceOf(WorkflowOnHoldError);
  });

  it("release of a workflow that is not on hold throws RunLogOptionsError, and records nothing", async () => {
    await run(true);
    const error = await release().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunLogOptionsError);
    expect((error as Error).message).toBe(`workflow ${workflow.name} is not on hold: fewer than 2 of its runs failed in a row; nothing to release`);
    const store = new FileAuditStore(home);
    expect(await store.holds(workflow.name)).toEqual([]);
    await store.close();

    // A workflow that sets no maxConsecutiveFailures is never on hold.
    class Only extends TaskBase {
      run(): void {}
    }
    const plain = new Workflow({ category: "never_held", version: "1.0.0" }).addNode(Only);
    await runLocal(plain, quiet());
    await expect(release(plain.name)).rejects.toThrow(new RunLogOptionsError(`workflow ${plain.name} is not on hold: it sets no maxConsecutiveFailures; nothing to release`));
  });

  it("with the run log off nothing tells whether it is on hold: the run goes ahead, with a warning", async () => {
    const off = { ...quiet(), runLog: { store: "off" as const } };
    logLines.length = 0;
    for (let i = 0; i < 3; i++) expect((await runLocal(workflow, { ...off, params: { fail: true } })).status).toBe("failed");
    expect(logLines.filter((l) => l.includes("maxConsecutiveFailures, but the run log is off"))).toHaveLength(3);
  });
});
