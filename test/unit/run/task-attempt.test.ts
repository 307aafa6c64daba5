import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TaskBase, TaskSkipped, Workflow, WfEventSchema, type TaskContext } from "wfkit";
import { runLocal } from "wfkit/local";
import { quietRun } from "../../support/quiet-run.js";
import { action, attemptOf, taskOf } from "../../support/events.js";

function single(task: new (c: TaskContext) => TaskBase) {
  return new Workflow({ category: "unit", version: "dev" }).addNode(task as never);
}

describe("task lifecycle", () => {
  it("runs preRun -> run -> postRun -> teardown on success, without rollback", async () => {
    const calls: string[] = [];
    class Ok extends TaskBase {
      override preRun() {
        calls.push("preRun");
      }
      async run() {
        await Promise.resolve();
        calls.push("run");
      }
      override postRun() {
        calls.push("postRun");
      }
      override rollback() {
        calls.push("rollback");
      }
      override async teardown() {
        calls.push("teardown");
      }
    }
    const result = await runLocal(single(Ok), quietRun().options);
    expect(result.tasks[0]!.status).toBe("success");
    expect(calls).toEqual(["preRun", "run", "postRun", "teardown"]);
  });

  for (const failing of ["preRun", "run", "postRun"] as const) {
    it(`on a failing ${failing}: rollback, then teardown, and the original error is reported`, async () => {
      const calls: string[] = [];
      const boom = new Error(`${failing} broke`);
      class Fails extends TaskBase {
        override preRun() {
          calls.push("preRun");
          if (failing === "preRun") throw boom;
        }
        run() {
          calls.push("run");
          if (failing === "run") throw boom;
        }
        override async postRun() {
          calls.push("postRun");
          if (failing === "postRun") throw boom;
        }
        override rollback() {
          calls.push("rollback");
        }
        override teardown() {
          calls.push("teardown");
        }
      }
      const result = await runLocal(single(Fails), quietRun().options);
      const task = result.tasks[0]!;
      expect(task.status).toBe("failed");
      expect(task.error).toBe(boom);
      const expected = ["preRun", "run", "postRun"];
      expect(calls).toEqual([...expected.slice(0, expected.indexOf(failing) + 1), "rollback", "teardown"]);
    });
  }

  it("logs a failing rollback and still reports the original error", async () => {
    class Original extends Error {}
    class Fails extends TaskBase {
      run() {
        throw new Original("the real cause");
      }
      override rollback() {
        throw new Error("rollback also broke");
      }
    }
    const run = quietRun();
    const result = await runLocal(single(Fails), run.options);
    expect(result.tasks[0]!.error).toBeInstanceOf(Original);
    expect(result.tasks[0]!.attempts[0]!.error).toBe("Error: the real cause");
    const warning = run.lines.find((l) => l.message.includes("rollback failed"));
    expect(warning?.level).toBe("warn");
    expect(String(warning?.fields["rollback_error"])).toContain("rollback also broke");
  });

  it("always runs teardown; a failing teardown is logged and does not change the status", async () => {
    class BadTeardown extends TaskBase {
      run() {}
      override teardown() {
        throw new Error("could not close");
      }
    }
    const run = quietRun();
    const result = await runLocal(single(BadTeardown), run.options);
    expect(result.tasks[0]!.status).toBe("success");
    expect(run.lines.some((l) => l.level === "error" && l.message === "teardown failed")).toBe(true);
  });

  it("reports thrown non-errors as they were thrown", async () => {
    class ThrowsString extends TaskBase {
      run() {
        throw "plain string";
      }
    }
    const result = await runLocal(single(ThrowsString), quietRun().options);
    expect(result.tasks[0]!.error).toBe("plain string");
    expect(result.tasks[0]!.attempts[0]!.error).toBe("string: plain string");
  });

  it("marks a task that throws TaskSkipped (or calls skip) skipped, without rollback", async () => {
    const calls: string[] = [];
    class Nothing extends TaskBase {
      run() {
        this.skip("no new files");
      }
      override rollback() {
        calls.push("rollback");
      }
      override teardown() {
        calls.push("teardown");
      }
    }
    const run = quietRun();
    const result = await runLocal(single(Nothing), run.options);
    expect(result.tasks[0]!.status).toBe("skipped");
    expect(result.tasks[0]!.error).toBeInstanceOf(TaskSkipped);
    expect(result.status).toBe("success");
    expect(calls).toEqual(["teardown"]);
    expect(run.events.map((e) => action(e))).toContain("task.skipped");
  });

  it("gives each task its context: ids, attempt, validated params, bound logger, tracker, events", async () => {
    const params = z.object({ limit: z.number().default(5), label: z.string() });
    let seen: TaskContext<z.infer<typeof params>> | undefined;
    class Inspect extends TaskBase<z.infer<typeof params>> {
      run() {
        seen = this.context;
        this.logger.info("hello", { extra: 1 });
        this.logger.bind({ file: "a.csv" }).info("bound");
        this.progress.child("rows", 2).advance(2).done();
        this.events.emit("inspect.custom", { answer: 42 });
      }
    }
    const wf = new Workflow({ category: "ctx", version: "2.1.0", params }).addNode(Inspect);
    const run = quietRun({ params: { label: "x" }, runId: "my-run-1" });
    const result = await runLocal(wf, run.options);
    expect(result.status).toBe("success");
    expect(seen).toMatchObject({
      runId: "my-run-1",
      workflowName: "ctx",
      version: "2.1.0",
      dagId: "ctx_2.1.0",
      taskName: "Inspect",
      attempt: 1,
      engine: "local",
      params: { limit: 5, label: "x" },
    });
    expect(seen!.runDir).toBe(result.runDir);
    expect(seen!.progress.children[0]).toMatchObject({ title: "rows", completed: 2, total: 2 });
    const hello = run.lines.find((l) => l.message === "hello")!;
    expect(hello.logger).toBe("Inspect");
    expect(hello.fields).toMatchObject({
      workflow: "ctx",
      version: "2.1.0",
      dag_id: "ctx_2.1.0",
      task: "Inspect",
      run_id: "my-run-1",
      attempt: 1,
      extra: 1,
    });
    expect(run.lines.find((l) => l.message === "bound")!.fields).toMatchObject({ task: "Inspect", file: "a.csv" });
    const custom = run.events.find((e) => action(e) === "custom")!;
    expect(custom).toMatchObject({
      type: "dev.wfkit.custom",
      subject: "my-run-1/Inspect",
      data: { action: "custom", task: "Inspect", attempt: 1, runId: "my-run-1", name: "inspect.custom", payload: { answer: 42 } },
    });
    expect(WfEventSchema.parse(custom)).toEqual(custom);
  });

  it("publishes started and finished events in order", async () => {
    class A extends TaskBase {
      run() {}
    }
    class B extends TaskBase {
      run() {
        throw new Error("b");
      }
    }
    const wf = new Workflow({ category: "events", version: "dev" }).addNode(A).addNode(B, { upstreams: A });
    const run = quietRun();
    await runLocal(wf, run.options);
    expect(run.events.map((e) => `${action(e)}${taskOf(e) ? `:${taskOf(e)}` : ""}`)).toEqual([
      "run.started",
      "task.started:A",
      "task.succeeded:A",
      "task.started:B",
      "task.failed:B",
      "run.failed",
    ]);
    const failed = run.events.find((e) => action(e) === "task.failed")!;
    expect(failed.data).toMatchObject({ error: { name: "Error", message: "b", resolvableBy: "user" } });
    for (const e of run.events) expect(WfEventSchema.parse(e)).toEqual(e);
    expect(new Set(run.events.map((e) => e.id)).size).toBe(run.events.length);
  });
});
