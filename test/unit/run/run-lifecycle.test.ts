import { compileRunLogOptions } from "../../../src/run-log/run-log-options.js";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TaskBase, Workflow, type WfEvent } from "wfkit";
import {
  compileEventsOptions,
  InProcessEventBus,
  InvalidRunIdError,
  newTaskResult,
  RunDirError,
  RunLifecycle,
  type RunLifecycleInput,
  type RunScope,
} from "wfkit/engine";
import { createSilentLogger } from "../../../src/logging/logger.js";

class Only extends TaskBase {
  run() {}
}

class Fails extends TaskBase {
  run() {
    throw new Error("boom");
  }
}

const input = (workflow: Workflow, home: string, params: Record<string, unknown> = {}, scope: RunScope = "run"): RunLifecycleInput => ({
  workflow,
  engine: "local",
  scope,
  params,
  logger: createSilentLogger(),
  bus: new InProcessEventBus(),
  signal: new AbortController().signal,
  home,
  events: compileEventsOptions({}, home),
  runLog: compileRunLogOptions({}, home),
});

const tempHome = () => mkdtempSync(path.join(tmpdir(), "wfkit-lifecycle-"));

describe("RunLifecycle", () => {
  it("validates params and hands them to tasks deeply frozen, as each Airflow task gets its own copy", async () => {
    const params = z.object({ opts: z.object({ tags: z.array(z.string()) }).default({ tags: ["a"] }), when: z.date().optional() });
    const wf = new Workflow({ category: "freeze", version: "dev", params }).addNode(Only);
    const home = tempHome();
    const when = new Date(0);
    const run = await RunLifecycle.open(input(wf, home, { when }));
    const ctx = run.context as unknown as { params: { opts: { tags: string[] }; when?: Date } };
    expect(ctx.params).toEqual({ opts: { tags: ["a"] }, when });
    expect(Object.isFrozen(ctx.params)).toBe(true);
    expect(Object.isFrozen(ctx.params.opts.tags)).toBe(true);
    expect(() => ctx.params.opts.tags.push("b")).toThrow(TypeError);
    expect(ctx.params.when).toBe(when); // class instances are passed through, not frozen
    expect(run.context.runDir.startsWith(path.join(home, "runs"))).toBe(true);
    expect(run.context.dagHash).toBe(wf.dagHash());
    await run.close();
  });

  it("reports an unusable WF_HOME as a RunDirError naming the folder", async () => {
    const file = path.join(tempHome(), "not-a-dir");
    writeFileSync(file, "x");
    const wf = new Workflow({ category: "ro", version: "dev" }).addNode(Only);
    const attempt = RunLifecycle.open(input(wf, file));
    await expect(attempt).rejects.toThrow(RunDirError);
    await expect(attempt).rejects.toThrow(/cannot create the run directory .*not-a-dir\/runs\/.*set WF_HOME to a writable folder/);
  });

  it("refuses a run id with a path in it before any folder is made", async () => {
    const home = tempHome();
    const wf = new Workflow({ category: "ids", version: "dev" }).addNode(Only);
    for (const runId of ["../escape", "a/b", ".."]) {
      await expect(RunLifecycle.open({ ...input(wf, home), runId })).rejects.toThrow(InvalidRunIdError);
    }
    expect(existsSync(path.join(home, "runs"))).toBe(false);
  });

  it("a whole run: run.started at open, the tasks' events, result.json and the end event at finish, in that order", async () => {
    const home = tempHome();
    const wf = new Workflow({ category: "whole", version: "dev" }).addNode(Only).addNode(Fails, { upstreams: Only });
    const events: WfEvent[] = [];
    const run = await RunLifecycle.open({ ...input(wf, home), onEvent: (e) => events.push(e) });
    const [only, fails] = wf.topologicalOrder();
    const results = [newTaskResult(only!), newTaskResult(fails!)];
    expect(await run.runTask(only!, results[0]!, { firstAttempt: 1, lastAttempt: 1, delaySeconds: 0 })).toBe("success");
    expect(await run.runTask(fails!, results[1]!, { firstAttempt: 1, lastAttempt: 2, delaySeconds: 0 })).toBe("failed");
    expect(results[1]!.attempts.map((a) => a.status)).toEqual(["failed", "failed"]);
    const result = await run.finish(results);
    expect(result.status).toBe("failed");
    // A second finish with the same status records the result again but publishes no second end event.
    await run.finish(results);
    await run.close();
    await run.close();
    expect(events.map((e) => e.data.action)).toEqual([
      "run.started",
      "task.started",
      "task.succeeded",
      "task.started",
      "task.failed",
      "task.retrying",
      "task.started",
      "task.failed",
      "run.failed",
    ]);
    const onDisk = JSON.parse(readFileSync(path.join(run.context.runDir, "result.json"), "utf8")) as { status: string; tasks: unknown[] };
    expect(onDisk.status).toBe("failed");
    expect(onDisk.tasks).toHaveLength(2);
    expect(await run.context.progress.whenClosed()).toBe("failed");
    const file = readFileSync(run.context.eventsFile, "utf8").trim().split("\n");
    expect(file).toHaveLength(events.length);
  });

  it("one task of a shared run (an Airflow worker): no run events and no result.json", async () => {
    const home = tempHome();
    const wf = new Workflow({ category: "task", version: "dev" }).addNode(Only);
    const events: WfEvent[] = [];
    const run = await RunLifecycle.open({ ...input(wf, home, {}, "task"), onEvent: (e) => events.push(e) });
    const [node] = wf.topologicalOrder();
    expect(await run.runTask(node!, newTaskResult(node!), { firstAttempt: 3, lastAttempt: 3, delaySeconds: 0 })).toBe("success");
    await run.close();
    expect(events.map((e) => `${e.data.action}#${"attempt" in e.data ? e.data.attempt : ""}`)).toEqual(["task.started#3", "task.succeeded#3"]);
    expect(existsSync(path.join(run.context.runDir, "result.json"))).toBe(false);
  });

  it("a task that another process retries (Airflow): its failure says task.retrying, and nothing waits here", async () => {
    const home = tempHome();
    const wf = new Workflow({ category: "elsewhere", version: "dev" }).addNode(Fails, { retryDelaySeconds: 300 });
    const events: WfEvent[] = [];
    const run = await RunLifecycle.open({ ...input(wf, home, {}, "task"), onEvent: (e) => events.push(e) });
    const [node] = wf.topologicalOrder();
    const result = newTaskResult(node!);
    const plan = { firstAttempt: 2, lastAttempt: 2, retriedElsewhere: true } as const;
    expect(await run.runTask(node!, result, plan)).toBe("failed");
    expect(result.attempts).toHaveLength(1);
    expect(events.map((e) => e.data.action)).toEqual(["task.started", "task.failed", "task.retrying"]);
    expect(events[2]!.data).toMatchObject({ attempt: 2, nextAttempt: 3, delaySeconds: 300, error: { message: "boom" } });
    // The last try: no retry is announced.
    events.length = 0;
    expect(await run.runTask(node!, newTaskResult(node!), { firstAttempt: 3, lastAttempt: 3 })).toBe("failed");
    expect(events.map((e) => e.data.action)).toEqual(["task.started", "task.failed"]);
    await run.close();
  });

  it("a cancel while waiting to retry ends the task terminated, with the failed attempt's error kept", async () => {
    const home = tempHome();
    const wf = new Workflow({ category: "cancel", version: "dev" }).addNode(Fails);
    const controller = new AbortController();
    const run = await RunLifecycle.open({ ...input(wf, home), signal: controller.signal, onEvent: (e) => e.data.action === "task.retrying" && controller.abort() });
    const [node] = wf.topologicalOrder();
    const result = newTaskResult(node!);
    expect(await run.runTask(node!, result, { firstAttempt: 1, lastAttempt: 3, delaySeconds: 60 })).toBe("terminated");
    expect(result.status).toBe("terminated");
    expect(result.attempts).toHaveLength(1);
    expect((result.error as Error).message).toBe("boom");
    await run.close();
  });
});
