import { describe, expect, it } from "vitest";
import type { WfEvent } from "wfkit";
import { createEvent, InProcessEventBus } from "wfkit/engine";

const origin = { runId: "r", dagId: "d_dev", workflowName: "d", version: "dev", engine: "local" as const };
const event = (action: "run.started" | "run.succeeded" | "task.started"): WfEvent =>
  action === "run.started"
    ? createEvent(origin, action, { params: {} })
    : action === "run.succeeded"
      ? createEvent(origin, action, { durationMs: 1 })
      : createEvent(origin, action, {}, { task: "T", attempt: 1 });

describe("InProcessEventBus", () => {
  it("delivers every event to every subscriber, in order, until they unsubscribe", () => {
    const bus = new InProcessEventBus();
    const a: string[] = [];
    const b: string[] = [];
    const offA = bus.subscribe((e) => a.push(e.data.action));
    bus.subscribe((e) => b.push(e.data.action));
    bus.publish(event("run.started"));
    offA();
    bus.publish(event("run.succeeded"));
    expect(a).toEqual(["run.started"]);
    expect(b).toEqual(["run.started", "run.succeeded"]);
  });

  it("reports a throwing listener and still delivers to the others", () => {
    const errors: [unknown, string][] = [];
    const bus = new InProcessEventBus((error, e) => errors.push([error, e.data.action]));
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error("dashboard bug");
    });
    bus.subscribe((e) => seen.push(e.data.action));
    expect(() => bus.publish(event("task.started"))).not.toThrow();
    expect(seen).toEqual(["task.started"]);
    expect(String(errors[0]![0])).toContain("dashboard bug");
    expect(errors[0]![1]).toBe("task.started");
  });
});
