import { describe, expect, it } from "vitest";
import type { WfEvent } from "wfkit";
import { createEvent, eventErrorOf } from "wfkit/engine";
import { eventJson } from "../../../src/events/create-event.js";

const origin = { runId: "01JRUN", dagId: "images_to_site_gallery_1.0.0", workflowName: "images_to_site_gallery", version: "1.0.0", engine: "local" as const };
const task = { task: "Resize", attempt: 2 };

describe("eventJson", () => {
  // The text is made by hand from parts (create-event.ts says why); JSON.stringify is the rule.
  const cases: Array<[string, () => WfEvent]> = [
    ["a run event (no task)", () => createEvent(origin, "run.started", { params: { limit: 2, "quote\"d": "a\u2028b" } })],
    ["a task event with an empty payload", () => createEvent(origin, "task.started", {}, task)],
    ["a task event with nested metrics", () => createEvent(origin, "task.succeeded", { durationMs: 5, metrics: { rows: 3, "ü": 1.5 } }, task)],
    ["an error payload", () => createEvent(origin, "task.failed", { durationMs: 5, metrics: {}, error: eventErrorOf(new TypeError("x is \"undefined\"\n")) }, task)],
    ["another process's pid", () => createEvent(origin, "task.crashed", { exitCode: null, signal: "SIGKILL", lastAction: "task.started" }, { ...task, pid: 4242 })],
    ["a custom event with the user's payload", () => createEvent(origin, "custom", { name: "rows.loaded", payload: { rows: 10, when: new Date(0), skip: undefined, nested: [1, "two", null] } }, task)],
    ["names that JSON escapes", () => createEvent({ ...origin, runId: "run\u0001\"x\"", dagId: "d\\ag", workflowName: "wf/ü", version: "1.0.0-β" }, "task.started", {}, { task: "T\"ask\u2029", attempt: 1 })],
    ["a payload key that Object.assign puts in place of a base key", () => createEvent(origin, "task.started", { task: "other" } as never, task)],
    ["an index-like payload key, which JSON writes first", () => createEvent(origin, "task.started", { "7": "seven" } as never, task)],
    ["a payload with toJSON", () => createEvent(origin, "task.started", { toJSON: () => "x" } as never, task)],
    ["a non-finite attempt", () => createEvent(origin, "task.started", {}, { task: "T", attempt: Number.NaN })],
  ];
  for (const [what, make] of cases) {
    it(`is JSON.stringify's text for ${what}`, () => {
      const event = make();
      expect(eventJson(event)).toBe(JSON.stringify(event));
    });
  }

  it("is the same for runs that alternate in one process (the cached parts follow the run)", () => {
    const other = { ...origin, runId: "01JOTHER", engine: "notebook" as const };
    for (const o of [origin, other, origin, { ...origin, version: "2.0.0" }]) {
      const event = createEvent(o, "task.started", {}, task);
      expect(eventJson(event)).toBe(JSON.stringify(event));
      expect(JSON.parse(eventJson(event)).data.runId).toBe(o.runId);
    }
  });

  it("is JSON.stringify for an event that createEvent did not make", () => {
    const copy = { ...createEvent(origin, "task.started", {}, task) } as WfEvent;
    expect(eventJson(copy)).toBe(JSON.stringify(copy));
    expect(Object.keys(copy)).toEqual(["specversion", "id", "source", "type", "time", "subject", "datacontenttype", "dataschema", "data"]);
  });
});
