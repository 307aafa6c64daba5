import { describe, expect, it } from "vitest";
import { createEvent, type EventOrigin } from "../../../src/events/create-event.js";
import { RECORDED_ACTIONS, recordOfEvent } from "../../../src/run-log/record-of-event.js";
import { RunLogRecordSchema } from "../../../src/run-log/run-log-record.js";

const origin: EventOrigin = { runId: "r-1", dagId: 'odd "dag"_1', workflowName: "w", version: "1", engine: "local" };
const task = { task: "Tâsk\n1", attempt: 2 };
const error = { name: "Error", message: 'bad "quote"\u2028', resolvableBy: "user" as const };
const audit = {
  records: { read: 10, "odd kind\n": 2 },
  dataRange: { low: "2026-11-28T00:00:00.000Z", high: "2026-11-30T00:00:00.000Z" },
  errorCount: 101,
  errors: [{ type: "Data Error", description: 'row "3"', at: "2026-11-30T01:00:00.000Z", failRun: false }],
  statuses: [{ status: "validating", at: "2026-11-30T01:00:00.000Z" }],
  sources: [{ name: "landing", type: "csv", objects: [{ name: "a.csv", attributes: [] }], datasetTypes: ["sales"] }],
  targets: [{ name: "warehouse", type: null, objects: [], datasetTypes: [] }],
  extracts: [{ location: "/in", filename: "a.csv", from: "ready", to: "loading" }],
};

const events = [
  createEvent(origin, "task.started", {}, task),
  createEvent(origin, "task.succeeded", { durationMs: 12.5, metrics: {} }, task),
  createEvent(origin, "task.succeeded", { durationMs: 3, metrics: { rows: 10, "odd key": 1 } }, task),
  createEvent(origin, "task.failed", { durationMs: 3, metrics: {}, error }, task),
  createEvent(origin, "task.retrying", { nextAttempt: 3, delaySeconds: 0, error }, task),
  createEvent(origin, "task.skipped", { durationMs: 0, reason: "nothing new" }, task),
  createEvent(origin, "task.terminated", { durationMs: 1, metrics: { n: 1 }, reason: "received SIGTERM" }, task),
  createEvent(origin, "task.crashed", { exitCode: null, signal: "SIGKILL", lastAction: "task.started" }, { ...task, pid: 4242 }),
  createEvent(origin, "run.succeeded", { durationMs: 10 }),
  createEvent(origin, "run.failed", { durationMs: 10, failedTasks: ["A"] }),
  createEvent(origin, "run.terminated", { durationMs: 10 }),
  createEvent(origin, "task.catalog", { stage: "get", name: "orders", form: "json", location: "/h/catalog/orders/data", sha256: "ab", size: 2 }, task),
  createEvent(origin, "task.reused", { originalRunId: "r-0", originalStatus: "success" }, task),
  createEvent(origin, "task.audit", audit, task),
];

describe("recordOfEvent", () => {
  it("maps each task event to its action and each run end to an end record, valid by the schema", () => {
    const records = events.map((e) => recordOfEvent(e)!);
    expect(records.map((r) => (r.kind === "action" ? r.action : r.kind === "end" ? r.status : r.kind === "catalog" ? `${r.kind}:${r.stage}` : r.kind))).toEqual([
      "run",
      "success",
      "success",
      "fail",
      "retry",
      "inaction",
      "terminate",
      "crash",
      "success",
      "failed",
      "terminated",
      "catalog:get",
      "reuse",
      "audit",
    ]);
    // The audit record carries the workflow (audits are queried by it) and every audit field as the event had it.
    expect(records[13]).toEqual({ v: 1, kind: "audit", id: events[13]!.id, dagId: origin.dagId, runId: "r-1", at: events[13]!.time, host: events[13]!.data.host, pid: process.pid, workflow: "w", task: "Tâsk\n1", attempt: 2, ...audit });
    expect(records[12]).toMatchObject({ task: "Tâsk\n1", attempt: 2, action: "reuse", originalRunId: "r-0", originalStatus: "success" });
    expect(records[11]).toMatchObject({ task: "Tâsk\n1", attempt: 2, name: "orders", form: "json", location: "/h/catalog/orders/data", sha256: "ab", size: 2 });
    for (const r of records) expect(RunLogRecordSchema.parse(r)).toEqual(r);
    expect(records[7]).toMatchObject({ pid: 4242, exitCode: null, signal: "SIGKILL" });
    expect(records.every((r, i) => r.id === events[i]!.id)).toBe(true);
  });

  it("keeps in a fail record whether another attempt follows, and the last attempt; an event of wfkit 0.1.0 without them records neither", () => {
    const final = recordOfEvent(createEvent(origin, "task.failed", { durationMs: 3, metrics: {}, error, willRetry: false, maxAttempts: 2 }, task))!;
    expect(final).toMatchObject({ action: "fail", attempt: 2, willRetry: false, maxAttempts: 2 });
    expect(RunLogRecordSchema.parse(final)).toEqual(final);
    const again = recordOfEvent(createEvent(origin, "task.failed", { durationMs: 3, metrics: {}, error, willRetry: true, maxAttempts: 3 }, task))!;
    expect(again).toMatchObject({ action: "fail", attempt: 2, willRetry: true, maxAttempts: 3 });
    const old = recordOfEvent(createEvent(origin, "task.failed", { durationMs: 3, metrics: {}, error }, task))!;
    expect(old).not.toHaveProperty("willRetry");
    expect(old).not.toHaveProperty("maxAttempts");
  });

  it("records nothing for run.started, progress and custom events", () => {
    expect(recordOfEvent(createEvent(origin, "run.started", { params: {} }))).toBeUndefined();
    expect(recordOfEvent(createEvent(origin, "custom", { name: "x", payload: {} }, task))).toBeUndefined();
  });

  it("names in RECORDED_ACTIONS exactly the actions that record something", () => {
    expect(new Set(events.map((e) => e.data.action))).toEqual(RECORDED_ACTIONS);
  });
});
