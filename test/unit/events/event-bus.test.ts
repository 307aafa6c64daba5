import { describe, expect, it } from "vitest";
import { InProcessEventBus, WfEventSchema, type WfEvent } from "wfkit";

const event = (type: string): WfEvent => ({
  id: `id-${type}`,
  type,
  time: new Date(0).toISOString(),
  runId: "r",
  dagId: "d_dev",
  workflow: "d",
  version: "dev",
  engine: "local",
  data: {},
});

describe("InProcessEventBus", () => {
  it("delivers every event to every subscriber, in order, until they unsubscribe", () => {
    const bus = new InProcessEventBus();
    const a: string[] = [];
    const b: string[] = [];
    const offA = bus.subscribe((e) => a.push(e.type));
    bus.subscribe((e) => b.push(e.type));
    bus.publish(event("run.started"));
    offA();
    bus.publish(event("run.succeeded"));
    expect(a).toEqual(["run.started"]);
    expect(b).toEqual(["run.started", "run.succeeded"]);
  });

  it("reports a throwing listener and still delivers to the others", () => {
    const errors: [unknown, string][] = [];
    const bus = new InProcessEventBus((error, e) => errors.push([error, e.type]));
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error("dashboard bug");
    });
    bus.subscribe((e) => seen.push(e.type));
    expect(() => bus.publish(event("task.started"))).not.toThrow();
    expect(seen).toEqual(["task.started"]);
    expect(String(errors[0]![0])).toContain("dashboard bug");
    expect(errors[0]![1]).toBe("task.started");
  });

  it("events fit the exported schema", () => {
    expect(WfEventSchema.parse(event("task.progress"))).toBeTruthy();
    expect(WfEventSchema.safeParse({ ...event("x"), engine: "spark" }).success).toBe(false);
  });
});
