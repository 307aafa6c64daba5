// `task.failed` says whether another attempt follows (`willRetry`), which attempt failed and
// the last one allowed: decided once per attempt by the run lifecycle (TaskRetries in
// run-lifecycle.ts), which then does exactly what the event said.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openRunLog, TaskBase, Workflow, type WfEvent } from "wfkit";
import { runLocal } from "wfkit/local";
import { compileEventsOptions, compileRunLogOptions, InProcessEventBus, newTaskResult, RunLifecycle, type RunLifecycleInput, type RunScope } from "wfkit/engine";
import { createSilentLogger } from "../../../src/logging/logger.js";
import { quietRun } from "../../support/quiet-run.js";
import { action, attemptOf, dataOf, taskOf } from "../../support/events.js";

class FailsTwice extends TaskBase {
  static override retries = 2;
  run(): void {
    if (this.attempt < 3) throw new Error(`attempt ${this.attempt} failed`);
  }
}

class AlwaysFails extends TaskBase {
  static override retries = 2;
  run(): void {
    throw new Error("always");
  }
}

/** What each task.failed of `task` said: `attempt/maxAttempts willRetry`. */
const failures = (events: WfEvent[], task: string) =>
  events.filter((e) => action(e) === "task.failed" && taskOf(e) === task).map((e) => `${attemptOf(e)}/${dataOf(e)["maxAttempts"]} ${dataOf(e)["willRetry"]}`);

describe("task.failed on a local run", () => {
  it("a task with retries 2 that fails twice, then succeeds: two failures that each say another attempt follows, and that one does", async () => {
    const run = quietRun();
    const result = await runLocal(new Workflow({ category: "retries", detail: "twice", version: "dev" }).addNode(FailsTwice), run.options);
    expect(result.status).toBe("success");
    expect(failures(run.events, "FailsTwice")).toEqual(["1/3 true", "2/3 true"]);
    expect(run.events.filter((e) => taskOf(e) === "FailsTwice").map((e) => `${action(e)}#${attemptOf(e)}`)).toEqual([
      "task.started#1",
      "task.failed#1",
      "task.retrying#1",
      "task.started#2",
      "task.failed#2",
      "task.retrying#2",
      "task.started#3",
      "task.succeeded#3",
    ]);
  });

  it("a task that fails every time: the last failure says it is final, and the run log's fail records say the same", async () => {
    const run = quietRun();
    const result = await runLocal(new Workflow({ category: "retries", detail: "always", version: "dev" }).addNode(AlwaysFails), run.options);
    expect(result.status).toBe("failed");
    expect(result.tasks[0]!.attempts).toHaveLength(3);
    expect(failures(run.events, "AlwaysFails")).toEqual(["1/3 true", "2/3 true", "3/3 false"]);
    // No task.retrying after the final one.
    expect(run.events.filter((e) => taskOf(e) === "AlwaysFails").map(action).slice(-2)).toEqual(["task.started", "task.failed"]);
    const log = await openRunLog({ home: run.options.home, env: {} });
    try {
      const fails = await log.actions({ runId: result.runId, action: "fail" });
      expect(fails.map((a) => `${a.attempt}/${a.maxAttempts} ${a.willRetry}`).sort()).toEqual(["1/3 true", "2/3 true", "3/3 false"]);
      const view = await log.run(result.runId);
      expect(view.tasks[0]!.status).toBe("failed");
    } finally {
      await log.close();
    }
  });

  it("a task without retries fails once, finally: 1/1", async () => {
    class Once extends TaskBase {
      run(): void {
        throw new Error("once");
      }
    }
    const run = quietRun();
    await runLocal(new Workflow({ category: "retries", detail: "none", version: "dev" }).addNode(Once), run.options);
    expect(failures(run.events, "Once")).toEqual(["1/1 false"]);
  });

  it("a timed-out attempt (task.terminated) is retried by the same decision; the retry's failure is then final", async () => {
    class SlowThenFails extends TaskBase {
      static override retries = 1;
      static override timeoutSeconds = 0.05;
      async run(): Promise<void> {
        if (this.attempt > 1) throw new Error("fails after the timeout");
        // Longer than the timeout, and gone once the attempt's signal aborts.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 5000);
          this.signal.addEventListener("abort", () => clearTimeout(timer));
        });
      }
    }
    const run = quietRun();
    const result = await runLocal(new Workflow({ category: "retries", detail: "timeout", version: "dev" }).addNode(SlowThenFails), run.options);
    expect(result.tasks[0]!.attempts.map((a) => a.status)).toEqual(["terminated", "failed"]);
    expect(run.events.filter((e) => taskOf(e) === "SlowThenFails").map((e) => `${action(e)}#${attemptOf(e)}`)).toEqual([
      "task.started#1",
      "task.terminated#1",
      "task.retrying#1",
      "task.started#2",
      "task.failed#2",
    ]);
    expect(failures(run.events, "SlowThenFails")).toEqual(["2/2 false"]);
  });
});

const input = (workflow: Workflow, home: string, scope: RunScope, signal: AbortSignal, onEvent: (e: WfEvent) => void): RunLifecycleInput => ({
  workflow,
  engine: scope === "run" ? "local" : "airflow",
  scope,
  params: {},
  logger: createSilentLogger(),
  bus: new InProcessEventBus(),
  onEvent,
  signal,
  home,
  events: compileEventsOptions({}, home),
  runLog: compileRunLogOptions({}, home),
});
const tempHome = () => mkdtempSync(path.join(tmpdir(), "wfkit-retries-"));

class BadInput extends Error {
  override name = "BadInput";
}

describe("TaskRetries: the one retry decision, as task.failed reports it", () => {
  it("a failure the caller says is final (plan.finalFailure) is not retried, here or elsewhere, and says so; other failures still are", async () => {
    let thrown: Error = new BadInput("no such column");
    class Throws extends TaskBase {
      run(): void {
        throw thrown;
      }
    }
    const wf = new Workflow({ category: "final", version: "dev" }).addNode(Throws, { retries: 2 });
    const [node] = wf.topologicalOrder();
    const finalFailure = (error: unknown) => error instanceof BadInput;

    const events: WfEvent[] = [];
    const run = await RunLifecycle.open(input(wf, tempHome(), "run", new AbortController().signal, (e) => events.push(e)));
    const result = newTaskResult(node!);
    expect(await run.runTask(node!, result, { firstAttempt: 1, lastAttempt: 3, delaySeconds: 0, finalFailure })).toBe("failed");
    expect(result.attempts).toHaveLength(1);
    expect(events.filter((e) => taskOf(e) === "Throws").map(action)).toEqual(["task.started", "task.failed"]);
    expect(failures(events, "Throws")).toEqual(["1/3 false"]);

    events.length = 0;
    thrown = new Error("transient");
    expect(await run.runTask(node!, newTaskResult(node!), { firstAttempt: 1, lastAttempt: 3, delaySeconds: 0, finalFailure })).toBe("failed");
    expect(failures(events, "Throws")).toEqual(["1/3 true", "2/3 true", "3/3 false"]);
    await run.close();

    // Retried by another process (Airflow): a final failure does not announce the retry either.
    const airflowEvents: WfEvent[] = [];
    const worker = await RunLifecycle.open(input(wf, tempHome(), "task", new AbortController().signal, (e) => airflowEvents.push(e)));
    thrown = new BadInput("no such column");
    await worker.runTask(node!, newTaskResult(node!), { firstAttempt: 1, lastAttempt: 1, retriedElsewhere: true, finalFailure });
    expect(airflowEvents.map(action)).toEqual(["task.started", "task.failed"]);
    expect(failures(airflowEvents, "Throws")).toEqual(["1/3 false"]);
    await worker.close();
  });

  it("a run cancelled while a failed attempt rolls back: the failure says it is final, and no attempt follows", async () => {
    const controller = new AbortController();
    class FailsAndIsCancelled extends TaskBase {
      run(): void {
        throw new Error("boom");
      }
      override rollback(): void {
        controller.abort(new Error("cancelled by the user"));
      }
    }
    const wf = new Workflow({ category: "cancel", version: "dev" }).addNode(FailsAndIsCancelled, { retries: 2 });
    const [node] = wf.topologicalOrder();
    const events: WfEvent[] = [];
    const run = await RunLifecycle.open(input(wf, tempHome(), "run", controller.signal, (e) => events.push(e)));
    const result = newTaskResult(node!);
    expect(await run.runTask(node!, result, { firstAttempt: 1, lastAttempt: 3, delaySeconds: 0 })).toBe("failed");
    expect(result.attempts).toHaveLength(1);
    expect(failures(events, "FailsAndIsCancelled")).toEqual(["1/3 false"]);
    expect(events.some((e) => action(e) === "task.retrying")).toBe(false);
    await run.close();
  });
});
