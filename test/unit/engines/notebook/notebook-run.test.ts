import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TaskBase, TaskCrashedError, TaskTimeoutError, Workflow, type WfEvent } from "wfkit";
import { RerunRefusedError, runLocal } from "wfkit/local";
import { createLogger } from "wfkit/engine";
import {
  openNotebookRun,
  NotebookCodeMismatchError,
  NotebookPackageMissingError,
  NotebookRunError,
  NotebookRunOptionsError,
  NotebookUnknownTaskError,
  NotebookUpstreamNotSucceededError,
  type NotebookRunSpec,
} from "wfkit/notebook";
import flaky from "../../../../examples/flaky.js";
import { exampleNotebookSpec } from "../../../support/example-notebook.js";
import { action, attemptOf, dataOf, taskOf } from "../../../support/events.js";
import { repoRoot } from "../../../support/wf-cli.js";
import { exits } from "../../../fixtures/workflows/quits.js";
import { rerun as rerunFixture } from "../../../fixtures/workflows/rerun.js";
import { EXPECTED_STATES, triggerRules } from "../../../fixtures/workflows/trigger-rules.js";
import { daily } from "../../../fixtures/workflows/daily-interval.js";

/** A notebook run of examples/flaky.ts, as its exported set-up cell would open it. */
async function open(overrides: Partial<NotebookRunSpec> = {}) {
  const cwd = await mkdtemp(path.join(tmpdir(), "wfkit-nb-run-"));
  let output = "";
  const events: WfEvent[] = [];
  const write = (text: string) => void (output += text);
  const run = await openNotebookRun({
    ...exampleNotebookSpec(flaky, "flaky", cwd),
    params: {},
    cwd,
    env: { WF_INSTALL_ROOT: path.join(cwd, "no-install-root"), WF_RETRY_DELAY_SECONDS: "0" },
    write,
    logger: createLogger({ level: "info", format: "pretty", interactive: true, destination: (line) => write(`${line}\n`) }),
    ...overrides,
  });
  run.context.bus.subscribe((e) => events.push(e));
  return { run, cwd, output: () => output, events };
}

/** A notebook run of a test fixture's workflow from this repository, opened in `cwd` as its set-up cell would; its output is captured. */
async function openModuleRun(workflow: { dagId: string; dagHash(): string }, module: string, exportName: string, cwd: string, env: NodeJS.ProcessEnv, overrides: Partial<NotebookRunSpec> = {}) {
  let output = "";
  const write = (text: string) => void (output += text);
  const run = await openNotebookRun({
    dagId: workflow.dagId,
    dagHash: workflow.dagHash(),
    package: { name: "wfkit", version: "0.1.0" },
    module,
    exportName,
    packageRoot: path.relative(cwd, repoRoot),
    params: {},
    cwd,
    env: { WF_INSTALL_ROOT: path.join(cwd, "no-install-root"), ...env },
    write,
    logger: createLogger({ level: "info", format: "pretty", interactive: true, destination: (line) => write(`${line}\n`) }),
    ...overrides,
  });
  return { run, output: () => output };
}

describe("NotebookRun and a task that would end the kernel", () => {
  it("a task calling process.exit() fails its cell with TaskCrashedError; the kernel lives on and its downstream cell is refused", async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), "wfkit-nb-exit-"));
    const { run, output } = await openModuleRun(exits, "test/fixtures/workflows/quits.ts", "exits", cwd, {});
    const failure = await run.task("Exits").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TaskCrashedError);
    expect((failure as Error).message).toContain("a task called process.exit(0), which would end the whole run unreported");
    expect(output()).toContain("✖ Exits failed · exits_dev · attempt 1");
    await expect(run.task("After")).rejects.toBeInstanceOf(NotebookUpstreamNotSucceededError);
  });
});

describe("NotebookRun re-running an earlier run (the set-up cell's rerun)", () => {
  it("reuses what succeeded at once, says so in each reused task's cell, and runs the rest cell by cell", async () => {
    const first = await open();
    for (const task of ["Start", "Flaky", "Summarize"]) await first.run.task(task);
    await expect(first.run.task("AlwaysFails")).rejects.toThrow(/quota exceeded/);
    await first.run.summary();
    const original = first.run.runId;

    const second = await open({ cwd: first.cwd, rerun: { runId: original } });
    expect(second.output()).toContain(`re-run of run ${original}: reused Start, Flaky, Summarize; run the cells of AlwaysFails, Publish, Notify`);
    await second.run.task("Flaky");
    expect(second.output()).toContain(`↺ Flaky reused from run ${original}: not run again; its catalog entries are in this run`);
    expect(second.events.filter((e) => taskOf(e) === "Flaky").map((e) => action(e))).toEqual([]);
    await expect(second.run.task("AlwaysFails")).rejects.toThrow(/quota exceeded/);
    await second.run.summary();
    expect(second.output()).toMatch(new RegExp(`  re-run the failed part: wf export --engine notebook --rerun ${second.run.runId} --out \\. \\S*examples/flaky\\.ts\\n`));
    expect(second.output()).toMatch(new RegExp(`✖ flaky_demo_dev {2}failed {2}6 tasks in .* re-run of ${original} \\(3 reused\\)`));
    const result = second.run.result();
    expect(result.originalRunId).toBe(original);
    expect(result.tasks.map((t) => `${t.task} ${t.status}`)).toEqual(["Start reused", "Flaky reused", "Summarize reused", "AlwaysFails failed", "Publish upstream_failed", "Notify upstream_failed"]);
  });
});

describe("NotebookRun re-runs, with the catalog (test/fixtures/workflows/rerun.ts)", () => {
  /** A notebook run of the re-run fixture in `cwd`, its tasks failing where `fail-<task>` exists in `cwd`. */
  const openFixture = (cwd: string, overrides: Partial<NotebookRunSpec> = {}) =>
    openModuleRun(rerunFixture, "test/fixtures/workflows/rerun.ts", "default", cwd, { WF_RETRY_DELAY_SECONDS: "0" }, overrides);
  const cells = ["Extract", "Clean", "Side", "Report"];

  it("runs a reused task's producer again when its catalog entry is gone, runs --from's tasks again, and refuses another dag hash", async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), "wfkit-nb-rerun-"));
    process.env["WF_TEST_RERUN_DIR"] = cwd;
    try {
      await writeFile(path.join(cwd, "fail-Report"), "");
      const first = await openFixture(cwd);
      for (const task of cells.slice(0, 3)) await first.run.task(task);
      await expect(first.run.task("Report")).rejects.toThrow(/Report failed/);
      await first.run.summary();
      await rm(path.join(cwd, "fail-Report"));
      await rm(path.join(first.run.context.runDir, "catalog", "raw"));

      const second = await openFixture(cwd, { rerun: { runId: first.run.runId, from: ["Side"] } });
      expect(second.output()).toContain(`re-run of run ${first.run.runId}: reused Clean; run the cells of Extract (its catalog entry "raw" is missing from the original run's catalog`);
      expect(second.output()).toContain(", Side, Report\n");
      await rm(path.join(cwd, "ran.log"));
      for (const task of cells) await second.run.task(task);
      await second.run.summary();
      expect((await readFile(path.join(cwd, "ran.log"), "utf8")).trim().split("\n")).toEqual(["Extract", "Side", "Report"]);
      expect(second.run.result().tasks.map((t) => `${t.task} ${t.status}`)).toEqual(["Extract success", "Clean reused", "Side success", "Report success"]);
      expect(second.output()).toMatch(/Extract\s+success\s+.*ran again: its catalog entry "raw" is missing/);

      // The same dag id, another graph: refused before anything runs.
      const changed = new Workflow({ category: "tests", detail: "rerun", version: "1.0.0" });
      changed.addNode(class Extract extends TaskBase {
        run(): void {}
      });
      const other = await runLocal(changed, { home: path.join(cwd, ".wf"), env: {}, logger: createLogger({ level: "error", destination: () => {} }), progress: "off" });
      await expect(openFixture(cwd, { rerun: { runId: other.runId } })).rejects.toThrow(RerunRefusedError);
    } finally {
      delete process.env["WF_TEST_RERUN_DIR"];
    }
  });
});

describe("NotebookRun", () => {
  it("runs one task per call, stops at a failure with the task's own error, and counts attempts", async () => {
    const { run, output, events } = await open();
    await run.task("Start");
    expect(output()).toMatch(/INFO {2}Start starting\n✔ Start succeeded \(attempt 1, \d+ ms\); 1 of 6 tasks done\n/);
    const failure = await run.task("AlwaysFails").catch((e: unknown) => e);
    expect((failure as Error).name).toBe("ExportError");
    expect(failure).not.toBeInstanceOf(NotebookRunError);
    expect(output()).toContain("WARN  AlwaysFails rolling back the partial export");
    expect(output()).toContain("✖ AlwaysFails failed · flaky_demo_dev · attempt 1\n  ExportError: the export target rejected the file: quota exceeded\n  at examples/flaky.ts:");
    await expect(run.task("AlwaysFails")).rejects.toThrow(/quota exceeded/);
    expect(output()).toContain("✖ AlwaysFails failed · flaky_demo_dev · attempt 2");
    expect(events.filter((e) => taskOf(e) === "AlwaysFails").map((e) => `${action(e)} ${taskOf(e)}#${attemptOf(e)}`)).toEqual([
      "task.started AlwaysFails#1",
      "task.failed AlwaysFails#1",
      "task.started AlwaysFails#2",
      "task.failed AlwaysFails#2",
    ]);
    // Flaky fails on its first attempt only and has retries: one call, two attempts
    await run.task("Flaky");
    expect(output()).toMatch(/WARN {2}Flaky attempt 1 failed, retrying in 0 s: Error: connection reset by peer \(transient\) thrown_at=examples\/flaky\.ts:\d+\n/);
    expect(output()).toContain("✔ Flaky succeeded (attempt 2, ");
    expect(events.filter((e) => taskOf(e) === "Flaky").map((e) => `${action(e)} ${taskOf(e)}#${attemptOf(e)}`)).toEqual([
      "task.started Flaky#1",
      "task.failed Flaky#1",
      "task.retrying Flaky#1",
      "task.started Flaky#2",
      "task.succeeded Flaky#2",
    ]);
    await run.task("Summarize");
    await expect(run.task("Publish")).rejects.toThrow(/Publish needs its upstream tasks to succeed first: AlwaysFails \(failed\)/);

    await run.summary();
    const result = run.result();
    expect(result.engine).toBe("notebook");
    expect(result.status).toBe("failed");
    expect(result.tasks.map((t) => `${t.task}:${t.status}:${t.attempts.length}`)).toEqual([
      "Start:success:1",
      "Flaky:success:2",
      "Summarize:success:1",
      "AlwaysFails:failed:2",
      "Publish:upstream_failed:0",
      "Notify:upstream_failed:0",
    ]);
    expect(output()).toContain(`✖ ${flaky.dagId}  failed  6 tasks in`);
    expect(output()).toMatch(/∅ Publish +upstream_failed/);
    const saved = JSON.parse(await readFile(path.join(result.runDir, "result.json"), "utf8")) as { status: string };
    expect(saved.status).toBe("failed");
    expect(events.at(-1)!.data.action).toBe("run.failed");
    // Nothing in the output is a terminal control code.
    expect(output()).not.toMatch(/\u001b/);
  });

  it("says in each task.failed whether the cell retries: a retried failure 1/3, a final one, and a cell run again numbering on (2/2)", async () => {
    const { run, events } = await open();
    const failed = (task: string) =>
      events.filter((e) => action(e) === "task.failed" && taskOf(e) === task).map((e) => `${attemptOf(e)}/${dataOf(e)["maxAttempts"]} ${dataOf(e)["willRetry"]}`);
    await run.task("Start");
    await run.task("Flaky");
    expect(failed("Flaky")).toEqual(["1/3 true"]);
    await expect(run.task("AlwaysFails")).rejects.toThrow(/quota exceeded/);
    await expect(run.task("AlwaysFails")).rejects.toThrow(/quota exceeded/);
    expect(failed("AlwaysFails")).toEqual(["1/1 false", "2/2 false"]);
  });

  it("refuses a task before its upstream tasks, and an unknown task with a suggestion", async () => {
    const { run } = await open();
    await expect(run.task("Summarize")).rejects.toThrow("Summarize needs its upstream tasks to succeed first: Flaky (not run yet)");
    await expect(run.task("Summarize")).rejects.toBeInstanceOf(NotebookUpstreamNotSucceededError);
    await expect(run.task("Sumarize")).rejects.toThrow(/has no task "Sumarize" \(did you mean "Summarize"\?\); tasks: Start, /);
    await expect(run.task("Sumarize")).rejects.toBeInstanceOf(NotebookUnknownTaskError);
  });

  it("rolls a task back on request, after which it counts as not run", async () => {
    const { run, output } = await open();
    await run.task("Start");
    await run.rollback("Start");
    expect(output()).toContain("· Start rolled back; it counts as not run");
    expect(run.result().tasks[0]!.status).toBe("not_run");
    expect(run.result().status).toBe("terminated");
  });

  it("says where it looked when the package is not there, and what to install", async () => {
    const failure = open({ packageRoot: "nowhere" });
    await expect(failure).rejects.toThrow(NotebookRunError);
    await expect(failure).rejects.toBeInstanceOf(NotebookPackageMissingError);
    await expect(failure).rejects.toMatchObject({ resolvableBy: "platform" });
    await expect(failure).rejects.toThrow(/nowhere \(no package\.json\).*no-install-root\/wfkit\/0\.1\.0 \(no package\.json\).*wf install wfkit@0\.1\.0 --root/);
  });

  it("refuses code whose task graph differs from the export", async () => {
    await expect(open({ dagHash: "0".repeat(64) })).rejects.toThrow(/differs from the one this notebook was exported with \(000000000000\)/);
    await expect(open({ dagId: "flaky_demo_1.0.0" })).rejects.toThrow(/now defines flaky_demo_dev; export the notebook again/);
    await expect(open({ dagId: "flaky_demo_1.0.0" })).rejects.toBeInstanceOf(NotebookCodeMismatchError);
    await expect(open({ module: "examples/nope.ts" })).rejects.toThrow(/module examples\/nope\.ts is not in .*; export the notebook again/);
    await expect(open({ module: "examples/nope.ts" })).rejects.toBeInstanceOf(NotebookCodeMismatchError);
  });

  it("refuses set-up arguments that do not fit, saying how to get a good set-up cell", async () => {
    const bad = open({ dagHash: "", extra: true } as Partial<NotebookRunSpec>);
    await expect(bad).rejects.toBeInstanceOf(NotebookRunOptionsError);
    await expect(bad).rejects.toThrow(/^openNotebookRun got invalid arguments: .*dagHash.*extra: unknown option.*; fix the set-up cell, or export the notebook again/);
  });

  it("validates the params against the workflow's schema", async () => {
    await expect(open({ params: { nope: 1 } })).rejects.toThrow(/nope/);
  });
});

describe("NotebookRun and trigger rules", () => {
  it("running every cell in order ends every task as Airflow does; a cell whose rule says upstream_failed is refused, one it says skipped is skipped", async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), "wfkit-nb-rules-"));
    const { run, output } = await openModuleRun(triggerRules, "test/fixtures/workflows/trigger-rules.ts", "triggerRules", cwd, {});
    const refused: string[] = [];
    for (const node of triggerRules.topologicalOrder()) {
      const error = await run.task(node.name).catch((e: unknown) => e);
      if (error instanceof NotebookUpstreamNotSucceededError) refused.push(node.name);
    }
    expect(Object.fromEntries(run.result().tasks.map((t) => [t.task, t.status]))).toEqual(EXPECTED_STATES);
    // Refused, not marked: the upstream cells can be fixed and run again.
    expect(refused).toEqual(triggerRules.topologicalOrder().map((n) => n.name).filter((name) => EXPECTED_STATES[name] === "upstream_failed"));
    expect(output()).toContain("↷ one_failed__ok_ok skipped: its trigger rule one_failed is not met by its upstream tasks (Ok success, Ok2 success)");
    expect(output()).toContain("✔ all_done__failed_failed succeeded");
  });
});

describe("NotebookRun and the production settings", () => {
  it("a cell whose task outlasts its timeoutSeconds ends terminated with TaskTimeoutError; the all_done cell after it still runs; the logical date gives the interval", async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), "wfkit-nb-timeout-"));
    const { run, output } = await openModuleRun(daily, "test/fixtures/workflows/daily-interval.ts", "daily", cwd, {}, { params: { slow: true }, logicalDate: "2026-11-28" });
    await run.task("Interval");
    expect(output()).toContain("interval 2026-11-28T00:00:00.000Z 2026-11-29T00:00:00.000Z logical 2026-11-28T00:00:00.000Z");
    const error = await run.task("Slow").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskTimeoutError);
    await run.task("Notify");
    expect(output()).toContain("notify ran");
    const result = run.result();
    expect(result.tasks.map((t) => `${t.task} ${t.status}`)).toEqual(["Interval success", "Slow terminated", "Notify success"]);
    expect(result.status).toBe("failed");
  }, 20_000);
});
