import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { TaskBase, Workflow } from "wfkit";
import { runLocal } from "wfkit/local";
import { quietRun } from "../../support/quiet-run.js";
import { action, taskOf } from "../../support/events.js";

const INTERVAL_MS = 40;

/** Counts nothing for a while, then counts 5 steps of 2 intervals each. */
class CountsLate extends TaskBase {
  async run(): Promise<void> {
    await sleep(INTERVAL_MS * 1.5);
    this.progress.add(5);
    for (let i = 0; i < 5; i++) {
      await sleep(INTERVAL_MS * 2);
      this.progress.advance(1);
    }
  }
}

/** Takes as long, counts nothing. */
class CountsNothing extends TaskBase {
  async run(): Promise<void> {
    await sleep(INTERVAL_MS * 11);
  }
}

describe("task.progress events", () => {
  it("come at most every interval once a task's tracker counts, with counts that never go back; none for a tracker that counts nothing", async () => {
    const wf = new Workflow({ category: "progress-events", version: "1.0.0" }).addNode(CountsLate).addNode(CountsNothing);
    const run = quietRun({ events: { progressIntervalSeconds: INTERVAL_MS / 1000 } });
    const result = await runLocal(wf, run.options);
    expect(result.status).toBe("success");
    expect(run.events.filter((e) => taskOf(e) === "CountsNothing").map(action)).toEqual(["task.started", "task.succeeded"]);
    const progress = run.events.filter((e) => taskOf(e) === "CountsLate" && action(e) === "task.progress");
    expect(progress.length).toBeGreaterThan(0);
    const counts = progress.map((e) => (e.data.action === "task.progress" ? e.data.progress.completed : -1));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    const times = progress.map((e) => Date.parse(e.time));
    // Timers may fire late, never early: consecutive events are at least an interval apart
    // (the timer's own rounding allowed for).
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(INTERVAL_MS - 2);
    // The first look is on the task's beat: an interval multiple after it started.
    const started = Date.parse(run.events.find((e) => taskOf(e) === "CountsLate" && action(e) === "task.started")!.time);
    expect(times[0]! - started).toBeGreaterThanOrEqual(2 * INTERVAL_MS - 2);
  });
});
