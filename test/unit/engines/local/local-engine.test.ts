import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ParamsValidationError,
  RunResultSchema,
  TaskBase,
  Workflow,
  WorkflowValidationError,
  type TaskClass,
} from "wfkit";
import { LocalRunOptionsError, runLocal } from "wfkit/local";
import { quietRun } from "../../../support/quiet-run.js";
import { action, attemptOf, taskOf } from "../../../support/events.js";
import type { WfEvent } from "wfkit";

/** A class with its own name whose run() calls `body`. */
function task(name: string, body: (self: TaskBase) => unknown = () => {}, statics: Partial<TaskClass> = {}): TaskClass {
  const cls = {
    [name]: class extends TaskBase {
      run() {
        return body(this) as void;
      }
    },
  }[name]!;
  Object.assign(cls, statics);
  return cls as unknown as TaskClass;
}

describe("runLocal", () => {
  it("runs independent tasks concurrently, never more than `concurrency` at once", async () => {
    let running = 0;
    let peak = 0;
    const body = async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(15);
      running--;
    };
    const build = () => {
      const wf = new Workflow({ category: "wide", version: "dev" });
      for (let i = 0; i < 6; i++) wf.addNode(task(`W${i}`, body));
      return wf;
    };
    await runLocal(build(), quietRun({ concurrency: 2 }).options);
    expect(peak).toBe(2);
    peak = 0;
    await runLocal(build(), quietRun({ concurrency: 16 }).options);
    expect(peak).toBe(6);
  });

  it("starts a task only after all its upstreams succeeded, ties in insertion order", async () => {
    const order: string[] = [];
    const log = (self: TaskBase) => order.push(self.taskName);
    const A = task("A", log);
    const C = task("C", log);
    const B = task("B", log);
    const D = task("D", log);
    const wf = new Workflow({ category: "order", version: "dev" })
      .addNode(A)
      .addNode(C, { upstreams: A })
      .addNode(B, { upstreams: A })
      .addNode(D, { upstreams: [B, C] });
    const result = await runLocal(wf, quietRun({ concurrency: 1 }).options);
    expect(order).toEqual(["A", "C", "B", "D"]);
    expect(result.tasks.map((t) => t.task)).toEqual(["A", "C", "B", "D"]);
    expect(result.tasks.find((t) => t.task === "D")!.upstreams).toEqual(["B", "C"]);
  });

  it("retries a failing task up to its retries and records every attempt", async () => {
    let calls = 0;
    const Flaky = task(
      "Flaky",
      () => {
        calls++;
        if (calls < 3) throw new Error(`try ${calls}`);
      },
      { retries: 2, retryDelaySeconds: 3600 },
    );
    const run = quietRun();
    const result = await runLocal(new Workflow({ category: "retry", version: "dev" }).addNode(Flaky), run.options);
    const t = result.tasks[0]!;
    expect(t.status).toBe("success");
    expect(t.attempts.map((a) => [a.attempt, a.status, a.error])).toEqual([
      [1, "failed", "Error: try 1"],
      [2, "failed", "Error: try 2"],
      [3, "success", undefined],
    ]);
    expect(t.error).toBeUndefined();
    const retrying = run.events.filter((e) => action(e) === "task.retrying");
    expect(retrying.map((e) => e.data)).toMatchObject([
      { task: "Flaky", attempt: 1, nextAttempt: 2, delaySeconds: 0, error: { name: "Error", message: "try 1", resolvableBy: "user" } },
      { task: "Flaky", attempt: 2, nextAttempt: 3, delaySeconds: 0, error: { name: "Error", message: "try 2", resolvableBy: "user" } },
    ]);
  });

  it("uses node overrides of retries and the task's own delay when not overridden", async () => {
    let calls = 0;
    const Once = task("Once", () => {
      calls++;
      if (calls === 1) throw new Error("first");
    });
    const wf = new Workflow({ category: "retry", version: "dev" }).addNode(Once, { retries: 1, retryDelaySeconds: 0.01 });
    const run = quietRun();
    delete run.options.retryDelaySeconds;
    const result = await runLocal(wf, run.options);
    expect(result.tasks[0]!.attempts).toHaveLength(2);
    expect((run.events.find((e) => action(e) === "task.retrying")!.data as Record<string, unknown>)["delaySeconds"]).toBe(0.01);
  });

  it("gives up after the last retry; downstream tasks are upstream_failed, other branches finish", async () => {
    class MyError extends Error {}
    const Root = task("Root");
    const Bad = task("Bad", () => {
      throw new MyError("bad data");
    }, { retries: 1 });
    const Child = task("Child");
    const Grandchild = task("Grandchild");
    const Good = task("Good");
    const Join = task("Join");
    const wf = new Workflow({ category: "fail", version: "dev" })
      .addNode(Root)
      .addNode(Bad, { upstreams: Root })
      .addNode(Child, { upstreams: Bad })
      .addNode(Grandchild, { upstreams: Child })
      .addNode(Good, { upstreams: Root })
      .addNode(Join, { upstreams: [Good, Grandchild] });
    const result = await runLocal(wf, quietRun().options);
    const status = Object.fromEntries(result.tasks.map((t) => [t.task, t.status]));
    expect(status).toEqual({
      Root: "success",
      Bad: "failed",
      Child: "upstream_failed",
      Grandchild: "upstream_failed",
      Good: "success",
      Join: "upstream_failed",
    });
    expect(result.status).toBe("failed");
    const bad = result.tasks.find((t) => t.task === "Bad")!;
    expect(bad.error).toBeInstanceOf(MyError);
    expect(bad.attempts).toHaveLength(2);
    expect(result.tasks.find((t) => t.task === "Child")!.attempts).toEqual([]);
  });

  it("settles a 10,000-task chain behind a failed head without overflowing the stack", async () => {
    const wf = new Workflow({ category: "long", version: "dev" });
    let previous = task("T0", () => {
      throw new Error("head");
    });
    wf.addNode(previous);
    for (let i = 1; i < 10_000; i++) {
      const next = task(`T${i}`);
      wf.addNode(next, { upstreams: previous });
      previous = next;
    }
    const result = await runLocal(wf, quietRun().options);
    expect(result.tasks.filter((t) => t.status === "upstream_failed")).toHaveLength(9_999);
  });

  it("skips the downstream of a skipped task", async () => {
    const Nothing = task("Nothing", (self) => self.skip());
    const After = task("After");
    const wf = new Workflow({ category: "skip", version: "dev" }).addNode(Nothing).addNode(After, { upstreams: Nothing });
    const result = await runLocal(wf, quietRun().options);
    expect(result.tasks.map((t) => t.status)).toEqual(["skipped", "skipped"]);
    expect(result.status).toBe("success");
  });

  it("on abort: running tasks see the signal, roll back, tear down and end terminated; the rest do not run", async () => {
    const controller = new AbortController();
    const calls: string[] = [];
    let started!: () => void;
    const isRunning = new Promise<void>((resolve) => (started = resolve));
    class Long extends TaskBase {
      async run() {
        started();
        await sleep(60_000, undefined, { signal: this.signal });
      }
      override rollback() {
        calls.push(`rollback aborted=${this.signal.aborted}`);
      }
      override teardown() {
        calls.push("teardown");
      }
    }
    class Stubborn extends TaskBase {
      async run() {
        await sleep(300); // ignores the signal: the run must not wait for it
      }
    }
    const After = task("After");
    const wf = new Workflow({ category: "abort", version: "dev" })
      .addNode(Long)
      .addNode(Stubborn)
      .addNode(After, { upstreams: [Long, Stubborn] });
    const run = quietRun({ signal: controller.signal });
    const pending = runLocal(wf, run.options);
    await isRunning;
    controller.abort(new Error("user pressed Ctrl-C"));
    const result = await pending;
    expect(result.status).toBe("terminated");
    expect(Object.fromEntries(result.tasks.map((t) => [t.task, t.status]))).toEqual({
      Long: "terminated",
      Stubborn: "terminated",
      After: "not_run",
    });
    expect(calls).toEqual(["rollback aborted=true", "teardown"]);
    expect(result.tasks[0]!.attempts[0]!.error).toContain("user pressed Ctrl-C");
    expect(run.events.at(-1)!.data.action).toBe("run.terminated");
    expect(run.events.filter((e) => action(e) === "task.terminated")).toHaveLength(2);
  });

  it("does not start anything when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    let ran = false;
    const A = task("A", () => {
      ran = true;
    });
    const result = await runLocal(new Workflow({ category: "x", version: "dev" }).addNode(A), quietRun({ signal: controller.signal }).options);
    expect(ran).toBe(false);
    expect(result.status).toBe("terminated");
    expect(result.tasks[0]!.status).toBe("not_run");
  });

  it("stops retrying when aborted during the retry delay", async () => {
    const controller = new AbortController();
    const Fails = task("Fails", () => {
      setTimeout(() => controller.abort(), 10);
      throw new Error("nope");
    }, { retries: 5, retryDelaySeconds: 60 });
    const run = quietRun({ signal: controller.signal });
    delete run.options.retryDelaySeconds;
    const result = await runLocal(new Workflow({ category: "x", version: "dev" }).addNode(Fails), run.options);
    expect(result.tasks[0]!.attempts).toHaveLength(1);
    expect(result.tasks[0]!.status).toBe("terminated");
    expect(String(result.tasks[0]!.error)).toContain("nope");
    expect(result.status).toBe("terminated");
  });

  it("writes result.json into the run directory and returns a result that fits RunResultSchema", async () => {
    const wf = new Workflow({ category: "dir", version: "1.2.3" }).addNode(task("Only"));
    const run = quietRun({ runId: "fixed-run" });
    const result = await runLocal(wf, run.options);
    expect(result.runDir).toBe(path.join(run.options.home!, "runs", wf.dagId, "fixed-run"));
    const file = path.join(result.runDir, "result.json");
    expect(existsSync(file)).toBe(true);
    const onDisk = JSON.parse(readFileSync(file, "utf8"));
    expect(onDisk).toMatchObject({ runId: "fixed-run", dagId: "dir_1.2.3", status: "success", engine: "local" });
    expect(RunResultSchema.parse(result)).toBeTruthy();
    expect(result.dagHash).toBe(wf.dagHash());
  });

  it("refuses invalid workflows, params, run ids and options before running anything", async () => {
    let ran = false;
    const A = task("A", () => {
      ran = true;
    });
    const invalid = new Workflow({ category: "bad name", version: "1.0" }).addNode(A).addNode(A);
    await expect(runLocal(invalid, quietRun().options)).rejects.toBeInstanceOf(WorkflowValidationError);

    const params = z.object({ limit: z.number().int() });
    const typed = new Workflow({ category: "p", version: "dev", params }).addNode(A);
    const bad = runLocal(typed, quietRun({ params: { limit: 1.5, limt: 2 } as never }).options);
    await expect(bad).rejects.toBeInstanceOf(ParamsValidationError);
    await expect(bad).rejects.toThrow(/limt: unknown parameter \(did you mean "limit"\?\)/);

    await expect(runLocal(typed, quietRun({ params: { limit: 1 }, runId: "../escape" }).options)).rejects.toThrow(/run id/);
    await expect(
      runLocal(typed, { ...quietRun().options, retryDelay: 0 } as never),
    ).rejects.toThrow(LocalRunOptionsError);
    await expect(runLocal(typed, { ...quietRun().options, retryDelay: 0 } as never)).rejects.toThrow(/did you mean "retryDelaySeconds"/);
    expect(ran).toBe(false);
  });

  it("takes its defaults from the WF_* environment it is given", async () => {
    const wf = new Workflow({ category: "env", version: "dev" });
    let running = 0;
    let peak = 0;
    for (let i = 0; i < 4; i++) {
      wf.addNode(
        task(`E${i}`, async () => {
          peak = Math.max(peak, ++running);
          await sleep(10);
          running--;
        }),
      );
    }
    const run = quietRun({ env: { WF_CONCURRENCY: "1" } });
    await runLocal(wf, run.options);
    expect(peak).toBe(1);
    await expect(runLocal(wf, quietRun({ env: { WF_CONCURRENCY: "zero" } }).options)).rejects.toThrow(/WF_CONCURRENCY/);
  });
});

describe("runLocal edge cases", () => {
  it("a cancel that arrives after every task finished leaves the run a success", async () => {
    const controller = new AbortController();
    const Last = task("Last");
    const onEvent = (e: WfEvent) => {
      if (action(e) === "task.succeeded") controller.abort(); // after the last task is done
    };
    const wf = new Workflow({ category: "late", version: "dev" }).addNode(Last);
    const result = await runLocal(wf, quietRun({ signal: controller.signal, onEvent }).options);
    expect(controller.signal.aborted).toBe(true);
    expect(result.tasks[0]!.status).toBe("success");
    expect(result.status).toBe("success");
  });

  it("still returns the result when result.json cannot be written, but failed, saying what could not be written and why", async () => {
    const Writes = task("Writes", (self) => {
      // Make the run directory's result.json path a folder, so the rename onto it fails.
      mkdirSync(path.join(self.context.runDir, "result.json", "blocker"), { recursive: true });
    });
    const run = quietRun();
    const events: WfEvent[] = [];
    const result = await runLocal(new Workflow({ category: "disk", version: "dev" }).addNode(Writes), { ...run.options, onEvent: (e) => events.push(e) });
    expect(result.tasks[0]!.status).toBe("success");
    expect(result.status).toBe("failed");
    expect(result.error).toContain(`the run could not record itself: could not write result.json in ${result.runDir} (`);
    expect(result.error).toMatch(/\((EISDIR|ENOTEMPTY|EEXIST)[^)]*\); set WF_HOME to a writable folder with room and run again$/);
    const lines = run.lines.filter((l) => l.level === "error");
    expect(lines.map((l) => l.message)).toEqual([expect.stringMatching(/^could not write .*result\.json: .*; the run will end failed$/)]);
    expect(events.map(action).at(-1)).toBe("run.failed");
    expect(readdirSync(result.runDir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
