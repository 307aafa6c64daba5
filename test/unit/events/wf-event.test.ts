import { describe, expect, it } from "vitest";
import { hostname } from "node:os";
import { WfEventSchema, WfkitError, type WfEvent } from "wfkit";
import { createEvent, eventErrorOf } from "wfkit/engine";
import { runEndEvent } from "../../../src/run/run-end-event.js";
import { LIFECYCLE_ACTIONS, type EventAction } from "../../../src/events/wf-event.js";
import { routingKey } from "../../../src/events/routing-key.js";

const origin = { runId: "01JRUN", dagId: "images_to_site_gallery_1.0.0", workflowName: "images_to_site_gallery", version: "1.0.0", engine: "airflow" as const };
const task = { task: "Resize", attempt: 2 };
const error = { name: "TypeError", message: "x is undefined", resolvableBy: "user" as const };
const progress = { title: "Resize", state: "running" as const, completed: 3, total: 5, unit: "files", children: [{ title: "thumbs", state: "done" as const, completed: 2, children: [] }] };
const audit = {
  records: { read: 10, rejected: 1 },
  dataRange: { low: "2026-11-28T00:00:00.000Z", high: "2026-11-29T00:00:00.000Z" },
  errorCount: 1,
  errors: [{ type: "Data Error", description: "row 3: no id", at: "2026-11-29T01:00:00.000Z", failRun: false }],
  statuses: [{ status: "validating", at: "2026-11-29T01:00:00.000Z" }],
  sources: [{ name: "landing", type: "csv", objects: [{ name: "orders.csv", attributes: [{ name: "id", flags: ["key" as const] }] }], datasetTypes: ["sales"] }],
  targets: [{ name: "warehouse", type: null, objects: [], datasetTypes: [] }],
  extracts: [{ location: "/in", filename: "orders.csv", from: null, to: "ready" }],
};

/** One valid event of every action. */
function everyAction(): Record<EventAction, WfEvent> {
  return {
    "run.started": createEvent(origin, "run.started", { params: { limit: 2 } }),
    "run.succeeded": createEvent(origin, "run.succeeded", { durationMs: 10 }),
    "run.failed": createEvent(origin, "run.failed", { durationMs: 10, failedTasks: ["Resize"] }),
    "run.terminated": createEvent(origin, "run.terminated", { durationMs: 10 }),
    "task.started": createEvent(origin, "task.started", {}, task),
    "task.progress": createEvent(origin, "task.progress", { progress, metrics: { rows: 3 } }, task),
    "task.catalog": createEvent(origin, "task.catalog", { stage: "put", name: "orders", form: "file", location: "/wf/runs/d/r/catalog/orders/data", sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", size: 4 }, task),
    "task.audit": createEvent(origin, "task.audit", audit, task),
    "task.succeeded": createEvent(origin, "task.succeeded", { durationMs: 5, metrics: {} }, task),
    "task.failed": createEvent(origin, "task.failed", { durationMs: 5, metrics: {}, error, willRetry: true, maxAttempts: 3 }, task),
    "task.retrying": createEvent(origin, "task.retrying", { nextAttempt: 3, delaySeconds: 60, error }, task),
    "task.skipped": createEvent(origin, "task.skipped", { durationMs: 1, reason: "no new files" }, task),
    "task.reused": createEvent(origin, "task.reused", { originalRunId: "r0", originalStatus: "success" }, task),
    "task.terminated": createEvent(origin, "task.terminated", { durationMs: 1, metrics: {}, reason: "received SIGTERM" }, task),
    "task.crashed": createEvent(origin, "task.crashed", { exitCode: null, signal: "SIGKILL", lastAction: "task.started" }, { ...task, pid: 4242 }),
    custom: createEvent(origin, "custom", { name: "rows.loaded", payload: { rows: 10 } }, task),
  };
}

describe("status events", () => {
  it("every action makes a CloudEvents 1.0 envelope that fits the exported schema", () => {
    const events = everyAction();
    expect(Object.keys(events).sort()).toEqual([...LIFECYCLE_ACTIONS, "custom"].sort());
    for (const [action, event] of Object.entries(events)) {
      expect(WfEventSchema.parse(event)).toEqual(event);
      expect(event).toMatchObject({
        specversion: "1.0",
        type: `dev.wfkit.${action}`,
        source: "/wfkit/airflow/images_to_site_gallery_1.0.0",
        datacontenttype: "application/json",
        dataschema: "urn:wfkit:events:v1",
      });
      expect(event.data).toMatchObject({ action, runId: "01JRUN", dagId: origin.dagId, workflow: origin.workflowName, version: "1.0.0", engine: "airflow", host: hostname() });
      expect(event.subject).toBe(action.startsWith("run.") ? "01JRUN" : "01JRUN/Resize");
      expect(Date.parse(event.time)).not.toBeNaN();
    }
    expect(events["task.crashed"].data.pid).toBe(4242);
    expect(events["task.started"].data.pid).toBe(process.pid);
  });

  it("ids are unique UUIDs", () => {
    const ids = Array.from({ length: 1000 }, () => createEvent(origin, "task.started", {}, task).id);
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids.slice(0, 10)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("the schema rejects what consumers could not rely on", () => {
    const good = everyAction()["task.failed"];
    const bad = (patch: (e: Record<string, any>) => void) => {
      const copy = structuredClone(good) as Record<string, any>;
      patch(copy);
      return WfEventSchema.safeParse(copy).success;
    };
    expect(bad(() => {})).toBe(true);
    expect(bad((e) => (e["specversion"] = "0.3"))).toBe(false);
    expect(bad((e) => (e["type"] = "task.failed"))).toBe(false);
    expect(bad((e) => (e["data"].engine = "spark"))).toBe(false);
    expect(bad((e) => delete e["data"].error)).toBe(false);
    expect(bad((e) => (e["data"].error.resolvableBy = "nobody"))).toBe(false);
    expect(bad((e) => (e["data"].action = "task.exploded"))).toBe(false);
    expect(bad((e) => (e["time"] = "yesterday"))).toBe(false);
    expect(bad((e) => delete e["data"].task)).toBe(false);
    expect(bad((e) => (e["data"].willRetry = "yes"))).toBe(false);
    expect(bad((e) => (e["data"].maxAttempts = 0))).toBe(false);
    expect(bad((e) => (e["data"].maxAttempts = 1.5))).toBe(false);
  });

  it("a task.failed of wfkit 0.1.0, without willRetry and maxAttempts, still reads as version 1", () => {
    const old = structuredClone(everyAction()["task.failed"]) as WfEvent & { data: Record<string, unknown> };
    delete old.data["willRetry"];
    delete old.data["maxAttempts"];
    expect(WfEventSchema.parse(old)).toEqual(old);
  });

  it("the schema rejects task.audit events with counts, dates or datasets consumers could not rely on", () => {
    const good = everyAction()["task.audit"];
    const bad = (patch: (e: Record<string, any>) => void) => {
      const copy = structuredClone(good) as Record<string, any>;
      patch(copy);
      return WfEventSchema.safeParse(copy).success;
    };
    expect(bad(() => {})).toBe(true);
    expect(bad((e) => (e["data"].dataRange = null))).toBe(true);
    expect(bad((e) => (e["data"].records.read = -1))).toBe(false);
    expect(bad((e) => (e["data"].records.read = 1.5))).toBe(false);
    expect(bad((e) => (e["data"].dataRange.low = "2026-11-28"))).toBe(false);
    expect(bad((e) => delete e["data"].errorCount)).toBe(false);
    expect(bad((e) => (e["data"].errors[0].failRun = "no"))).toBe(false);
    expect(bad((e) => (e["data"].sources[0].name = ""))).toBe(false);
    expect(bad((e) => (e["data"].sources[0].objects[0].attributes[0].flags = ["primary"]))).toBe(false);
    expect(bad((e) => delete e["data"].targets[0].type)).toBe(false);
    expect(bad((e) => delete e["data"].extracts)).toBe(false);
  });

  it("routing keys are <dag_id>.<task>.<action>, one word per name", () => {
    const events = everyAction();
    expect(routingKey(events["task.started"])).toBe("images_to_site_gallery_1_0_0.Resize.task.started");
    expect(routingKey(events["run.failed"])).toBe("images_to_site_gallery_1_0_0._run.run.failed");
    expect(routingKey(events.custom)).toBe("images_to_site_gallery_1_0_0.Resize.custom.rows_loaded");
    for (const event of Object.values(events)) expect(routingKey(event).split(".")).toHaveLength(4);
  });

  it("failure events carry the class, the masked message and who can fix it", () => {
    class BadConfig extends WfkitError {
      static override readonly resolvableBy = "config" as const;
    }
    expect(eventErrorOf(new BadConfig("cannot reach amqp://bob:hunter2@mq:5672"))).toEqual({
      name: "BadConfig",
      message: "cannot reach amqp://bob:[masked]@mq:5672",
      resolvableBy: "config",
    });
    expect(eventErrorOf(Object.assign(new Error("refused"), { code: "ECONNREFUSED" })).resolvableBy).toBe("external");
    expect(eventErrorOf("plain string")).toMatchObject({ message: "plain string", resolvableBy: "user" });
  });

  it("the run's last event follows its status and names failed tasks", () => {
    const tasks = [
      { task: "A", status: "success" as const, upstreams: [], attempts: [] },
      { task: "B", status: "failed" as const, upstreams: [], attempts: [] },
      { task: "C", status: "upstream_failed" as const, upstreams: ["B"], attempts: [] },
    ];
    expect(runEndEvent(origin, { status: "failed", durationMs: 3, tasks }).data).toMatchObject({ action: "run.failed", failedTasks: ["B"] });
    expect(runEndEvent(origin, { status: "success", durationMs: 3, tasks: [] }).data.action).toBe("run.succeeded");
    expect(runEndEvent(origin, { status: "terminated", durationMs: 3, tasks: [] }).data.action).toBe("run.terminated");
  });
});
