import { describe, expect, it } from "vitest";
import { TaskBase, TaskSkipped, TaskTerminatedError, WfkitError } from "wfkit";
import { isTaskClass } from "../../../src/task/task-base.js";

describe("TaskBase", () => {
  it("has the documented static defaults", () => {
    class T extends TaskBase {
      run() {}
    }
    expect([T.retries, T.retryDelaySeconds, T.queue, T.description]).toEqual([0, 60, "default", undefined]);
  });

  it("isTaskClass accepts subclasses (deep ones too) and rejects TaskBase itself and everything else", () => {
    class A extends TaskBase {
      run() {}
    }
    class B extends A {}
    expect(isTaskClass(A)).toBe(true);
    expect(isTaskClass(B)).toBe(true);
    expect(isTaskClass(TaskBase)).toBe(false);
    for (const other of [class {}, () => {}, {}, null, undefined, 42, "TaskBase"]) expect(isTaskClass(other)).toBe(false);
  });

  it("recognises classes of another copy of wfkit by their registered brands", () => {
    const OtherBase = function () {} as unknown as { prototype: object };
    Object.defineProperty(OtherBase.prototype, Symbol.for("wfkit.task"), { value: true });
    Object.defineProperty(OtherBase, Symbol.for("wfkit.task.base"), { value: true });
    const OtherTask = function () {} as unknown as { prototype: object };
    Object.setPrototypeOf(OtherTask, OtherBase);
    OtherTask.prototype = Object.create(OtherBase.prototype);
    expect(isTaskClass(OtherTask)).toBe(true);
    expect(isTaskClass(OtherBase)).toBe(false);
  });

  it("its errors are WfkitErrors with their own names", () => {
    const skipped = new TaskSkipped();
    expect(skipped).toBeInstanceOf(WfkitError);
    expect([skipped.name, skipped.message]).toEqual(["TaskSkipped", "nothing to do"]);
    const cause = new Error("SIGTERM");
    const terminated = new TaskTerminatedError("Load", cause);
    expect([terminated.name, terminated.message, terminated.cause]).toEqual(["TaskTerminatedError", "task Load was terminated: SIGTERM", cause]);
  });
});
