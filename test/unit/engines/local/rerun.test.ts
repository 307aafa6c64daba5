// Re-running a run on the local engine (`runLocal({ rerun })`, what `wf run --rerun` does): only
// the failed part runs, the rest is reused with its catalog entries; the dag hash, params and
// catalog are checked. Uses the file run log and catalog in a temp WF_HOME.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openRunLog, TaskBase, Workflow, type RunResult } from "wfkit";
import { renderRunSummary } from "wfkit/engine";
import { RerunNotPossibleError, RerunOptionsError, RerunParamsError, RerunRefusedError, runLocal } from "wfkit/local";
import { rerun as workflow } from "../../../fixtures/workflows/rerun.js";
import { quietRun } from "../../../support/quiet-run.js";

let dir: string;
let home: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "wfkit-rerun-"));
  home = path.join(dir, "home");
  process.env["WF_TEST_RERUN_DIR"] = dir;
});
afterEach(() => {
  delete process.env["WF_TEST_RERUN_DIR"];
  rmSync(dir, { recursive: true, force: true });
});

/** Which tasks ran since the last call, in order. */
function ran(): string[] {
  const file = path.join(dir, "ran.log");
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
  rmSync(file);
  return lines;
}

function failing(task: string, fail = true): void {
  const marker = path.join(dir, `fail-${task}`);
  if (fail) writeFileSync(marker, "");
  else rmSync(marker, { force: true });
}

async function run(options: Parameters<typeof runLocal<typeof workflow.params>>[1] = {}, wf: Workflow = workflow): Promise<RunResult> {
  return runLocal(wf as typeof workflow, { ...quietRun().options, home, ...options });
}

function statuses(result: RunResult): Record<string, string> {
  return Object.fromEntries(result.tasks.map((t) => [t.task, t.status]));
}

describe("runLocal({ rerun })", () => {
  it("runs only the failed part: succeeded tasks are reused, their catalog entries carried (hard links), the run records its original", async () => {
    failing("Report");
    const first = await run();
    expect(statuses(first)).toEqual({ Extract: "success", Clean: "success", Side: "success", Report: "failed" });
    expect(ran()).toEqual(["Extract", "Clean", "Side", "Report"]);

    failing("Report", false);
    const second = await run({ rerun: { runId: first.runId } });
    expect(ran()).toEqual(["Report"]);
    expect(second.status).toBe("success");
    expect(second.runId).not.toBe(first.runId);
    expect(second.originalRunId).toBe(first.runId);
    expect(statuses(second)).toEqual({ Extract: "reused", Clean: "reused", Side: "reused", Report: "success" });
    expect(second.tasks[0]!.reused).toEqual({ runId: first.runId, status: "success" });
    expect(second.tasks[0]!.attempts).toEqual([]);

    // The reused file is the original's bytes, linked, not copied.
    const original = path.join(first.runDir, "catalog", "raw");
    const carried = path.join(second.runDir, "catalog", "raw");
    expect(statSync(carried).ino).toBe(statSync(original).ino);

    const log = await openRunLog({ home, env: {} });
    try {
      const view = await log.run(second.runId);
      expect(view.originalRunId).toBe(first.runId);
      expect(view.status).toBe("success");
      expect(view.tasks.map((t) => [t.task, t.status])).toEqual([
        ["Extract", "reused"],
        ["Clean", "reused"],
        ["Side", "reused"],
        ["Report", "success"],
      ]);
      expect(view.tasks[0]!.reused).toEqual({ runId: first.runId, status: "success", attempt: 1 });
      const originalView = await log.run(first.runId);
      const put = (task: string) => originalView.tasks.find((t) => t.task === task)!.catalog.filter((c) => c.stage === "put").map((c) => `${c.name} ${c.sha256}`);
      const carriedOf = (task: string) => view.tasks.find((t) => t.task === task)!.catalog.filter((c) => c.stage === "carry").map((c) => `${c.name} ${c.sha256}`);
      expect(carriedOf("Extract")).toEqual(put("Extract"));
      expect(carriedOf("Clean")).toEqual(put("Clean"));
      const actions = (await log.actions({ runId: second.runId })).reverse().map((a) => `${a.task} ${a.action}`);
      expect(actions).toEqual(["Extract reuse", "Clean reuse", "Side reuse", "Report run", "Report success"]);
    } finally {
      await log.close();
    }
    const summary = renderRunSummary(second, false);
    expect(summary).toContain(`re-run of ${first.runId} (3 reused)`);
    expect(summary).toMatch(/↺ Extract\s+reused\s+from run /);
  });

  it("runs failed and upstream_failed tasks again, and a re-run of a re-run reuses again", async () => {
    failing("Clean");
    const first = await run();
    expect(statuses(first)).toEqual({ Extract: "success", Clean: "failed", Side: "success", Report: "upstream_failed" });
    ran();
    failing("Report");
    failing("Clean", false);
    const second = await run({ rerun: { runId: first.runId } });
    expect(ran()).toEqual(["Clean", "Report"]);
    expect(statuses(second)).toEqual({ Extract: "reused", Clean: "success", Side: "reused", Report: "failed" });
    failing("Report", false);
    const third = await run({ rerun: { runId: second.runId } });
    expect(ran()).toEqual(["Report"]);
    expect(third.status).toBe("success");
    // Extract's outcome is the first run's; this run took it from the second, which carried it.
    expect(third.tasks.find((t) => t.task === "Extract")!.reused).toEqual({ runId: second.runId, status: "success" });
  });

  it("--from runs that task and everything downstream again, even after a success", async () => {
    const first = await run();
    expect(first.status).toBe("success");
    ran();
    const again = await run({ rerun: { runId: first.runId, from: ["Clean"] } });
    expect(ran()).toEqual(["Clean", "Report"]);
    expect(statuses(again)).toEqual({ Extract: "reused", Clean: "success", Side: "reused", Report: "success" });
    await expect(run({ rerun: { runId: first.runId, from: ["Claen"] } })).rejects.toThrow(RerunOptionsError);
    await expect(run({ rerun: { runId: first.runId, from: ["Claen"] } })).rejects.toThrow(/--from "Claen": tests_rerun_1.0.0 has no such task \(did you mean "Clean"\?\)/);
  });

  it("a catalog entry gone from the original run makes its producer run again, and says so", async () => {
    failing("Report");
    const first = await run();
    ran();
    failing("Report", false);
    // A file entry's data deleted (metadata left), and a JSON entry deleted.
    rmSync(path.join(first.runDir, "catalog", "raw"), { force: true });
    rmSync(path.join(first.runDir, "catalog", ".entries", "side.json"));
    const second = await run({ rerun: { runId: first.runId } });
    expect(ran()).toEqual(["Extract", "Side", "Report"]);
    expect(statuses(second)).toEqual({ Extract: "success", Clean: "reused", Side: "success", Report: "success" });
    const extract = second.tasks.find((t) => t.task === "Extract")!;
    expect(extract.rerunReason).toMatch(/its catalog entry "raw" is missing from the original run's catalog/);
    expect(second.tasks.find((t) => t.task === "Side")!.rerunReason).toMatch(/"side" is missing/);
    expect(renderRunSummary(second, false)).toMatch(/Extract\s+success\s+.*ran again: its catalog entry "raw" is missing/);
  });

  it("refuses a workflow whose dag hash changed, naming both hashes, unless forced", async () => {
    failing("Report");
    const first = await run();
    ran();
    failing("Report", false);
    // The same dag id, one task more: another dag hash.
    class Extra extends TaskBase {
      run(): void {}
    }
    const changed = new Workflow({ category: "tests", detail: "rerun", version: "1.0.0", params: workflow.params });
    for (const node of workflow.nodes) changed.addNode(node.task, { upstreams: node.upstreams });
    changed.addNode(Extra);
    expect(changed.dagId).toBe(workflow.dagId);
    const refused = run({ rerun: { runId: first.runId } }, changed);
    await expect(refused).rejects.toThrow(RerunRefusedError);
    await expect(run({ rerun: { runId: first.runId } }, changed)).rejects.toThrow(new RegExp(`dag hash ${workflow.dagHash()}.*dag hash ${changed.dagHash()}.*--force`));
    expect(ran()).toEqual([]);
    const forced = await run({ rerun: { runId: first.runId, force: true } }, changed);
    // Extra runs too (it records nothing in ran.log); the reused tasks do not.
    expect(ran()).toEqual(["Report"]);
    expect(statuses(forced)).toEqual({ Extract: "reused", Clean: "reused", Side: "reused", Report: "success", Extra: "success" });
  });

  it("takes params from the original run unless given; a secret param must be given again", async () => {
    failing("Report");
    const first = await run({ params: { rows: 5, token: "tok-3f9a1c" } });
    expect(first.params).toEqual({ rows: 5, token: "[masked]" });
    failing("Report", false);
    await expect(run({ rerun: { runId: first.runId } })).rejects.toThrow(RerunParamsError);
    await expect(run({ rerun: { runId: first.runId } })).rejects.toThrow(/param "token" is a secret and was recorded masked: give it again \(--param token=…/);
    const second = await run({ rerun: { runId: first.runId }, params: { token: "tok-3f9a1c" } });
    expect(second.status).toBe("success");
    expect(second.params).toEqual({ rows: 5, token: "[masked]" });
    const third = await run({ rerun: { runId: first.runId }, params: { token: "tok-3f9a1c", rows: 7 } });
    expect(third.params["rows"]).toBe(7);
  });

  it("reuses a task that skipped itself as skipped: its downstream tasks are skipped again, not run", async () => {
    const calls: string[] = [];
    let broken = true;
    class Gate extends TaskBase {
      run(): void {
        calls.push("Gate");
        this.skip("nothing new");
      }
    }
    class AfterGate extends TaskBase {
      run(): void {
        calls.push("AfterGate");
      }
    }
    class Other extends TaskBase {
      run(): void {
        calls.push("Other");
        if (broken) throw new Error("broken");
      }
    }
    const wf = new Workflow({ category: "tests", detail: "skips", version: "1.0.0" });
    wf.addNode(Gate);
    wf.addNode(AfterGate, { upstreams: Gate });
    wf.addNode(Other);
    const first = await run({}, wf);
    expect(statuses(first)).toEqual({ Gate: "skipped", AfterGate: "skipped", Other: "failed" });
    broken = false;
    calls.length = 0;
    const second = await run({ rerun: { runId: first.runId } }, wf);
    expect(calls).toEqual(["Other"]);
    expect(statuses(second)).toEqual({ Gate: "reused", AfterGate: "skipped", Other: "success" });
    expect(second.tasks[0]!.reused).toEqual({ runId: first.runId, status: "skipped" });
    expect(second.status).toBe("success");
  });

  it("says clearly when the run is not there or still running, and refuses its own run id", async () => {
    await expect(run({ rerun: { runId: "20261201T000000Z-000000" } })).rejects.toThrow(RerunNotPossibleError);
    await expect(run({ rerun: { runId: "20261201T000000Z-000000" } })).rejects.toThrow(/no run "20261201T000000Z-000000" of tests_rerun_1.0.0 in the run log .*wf runs list --dag-id tests_rerun_1.0.0/);
    await expect(run({ rerun: { runId: "x", nope: 1 } as never })).rejects.toThrow(/nope: unknown option/);
    const done = await run();
    await expect(run({ runId: done.runId, rerun: { runId: done.runId } })).rejects.toThrow(/run id \S+ is the run being re-run: a re-run is a new run/);

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    class Waits extends TaskBase {
      async run(): Promise<void> {
        started();
        await gate;
      }
    }
    const wf = new Workflow({ category: "tests", detail: "waits", version: "1.0.0" });
    wf.addNode(Waits);
    const pending = run({ runId: "20261204T000000Z-aaaaaa" }, wf);
    await running;
    await expect(run({ rerun: { runId: "20261204T000000Z-aaaaaa" } }, wf)).rejects.toThrow(/run 20261204T000000Z-aaaaaa of tests_waits_1.0.0 is still running .*re-run it once it has ended/);
    release();
    expect((await pending).status).toBe("success");
  });
});
