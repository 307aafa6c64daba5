import { describe, expect, it } from "vitest";
import { TaskBase, Workflow, type TaskContext } from "wfkit";
import { runLocal } from "wfkit/local";
import { quietRun } from "../../support/quiet-run.js";

describe("a task attempt's context", () => {
  it("has the run's identity as own properties and one logger, made on first use, bound to the task", async () => {
    let seen: TaskContext | undefined;
    class Look extends TaskBase {
      run(): void {
        seen = this.context;
        this.logger.info("hi");
      }
    }
    const run = quietRun({ runId: "ctx-1" });
    const result = await runLocal(new Workflow({ category: "ctx", version: "1.0.0" }).addNode(Look), run.options);
    expect(result.status).toBe("success");
    expect(Object.keys(seen!)).toEqual(["runId", "workflowName", "version", "dagId", "taskName", "attempt", "engine", "params", "progress", "events", "signal", "runDir"]);
    expect(seen!.logger).toBe(seen!.logger);
    expect(seen!.logger.name).toBe("Look");
    const { emit } = seen!.events;
    expect(emit("detached.emit").data).toMatchObject({ action: "custom", name: "detached.emit", task: "Look", attempt: 1 });
    expect(run.lines.find((l) => l.message === "hi")).toMatchObject({ logger: "Look", fields: { task: "Look", run_id: "ctx-1", attempt: 1 } });
  });

  it("reports a task's progress through `<task>.progress`, a logger made only when the tracker reports", async () => {
    class Count extends TaskBase {
      run(): void {
        this.progress.add(3).advance(3);
      }
    }
    class Quiet extends TaskBase {
      run(): void {}
    }
    const run = quietRun({ runId: "ctx-2", progress: "log" });
    const wf = new Workflow({ category: "ctx", version: "1.0.0" }).addNode(Count).addNode(Quiet);
    expect((await runLocal(wf, run.options)).status).toBe("success");
    // The run's own tracker reports as wfkit.progress; of the tasks', only the one that counted.
    const lines = run.lines.filter((l) => l.message.startsWith("progress ") && l.logger !== "wfkit.progress");
    expect(lines.map((l) => l.logger)).toEqual(["Count.progress"]);
    expect(lines[0]).toMatchObject({ level: "debug", fields: { task: "Count", run_id: "ctx-2", attempt: 1, progress: "Count", completed: 3, total: 3 } });
  });
});
