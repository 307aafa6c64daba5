import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TaskCrashedError, type WfEvent } from "wfkit";
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
import { action, attemptOf, taskOf } from "../../../support/events.js";
import { repoRoot } from "../../../support/wf-cli.js";
import { exits } from "../../../fixtures/workflows/quits.js";

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

describe("NotebookRun and a task that would end the kernel", () => {
  it("a task calling process.exit() fails its cell with TaskCrashedError; the kernel lives on and its downstream cell is refused", async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), "wfkit-nb-exit-"));
    let output = "";
    const write = (text: string) => void (output += text);
    const run = await openNotebookRun({
      dagId: exits.dagId,
      dagHash: exits.dagHash(),
      package: { name: "wfkit", version: "0.1.0" },
      module: "test/fixtures/workflows/quits.ts",
      exportName: "exits",
      packageRoot: path.relative(cwd, repoRoot),
      params: {},
      cwd,
      env: { WF_INSTALL_ROOT: path.join(cwd, "no-install-root") },
      write,
      logger: createLogger({ level: "info", format: "pretty", interactive: true, destination: (line) => write(`${line}\n`) }),
    });
    const failure = await run.task("Exits").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TaskCrashedError);
    expect((failure as Error).message).toContain("a task called process.exit(0), which would end the whole run unreported");
    expect(output).toContain("✖ Exits failed · exits_dev · attempt 1");
    await expect(run.task("After")).rejects.toBeInstanceOf(NotebookUpstreamNotSucceededError);
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
