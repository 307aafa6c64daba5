import { describe, expect, it } from "vitest";
import { ProgressTracker } from "wfkit";
import { createSilentLogger } from "../../../src/logging/logger.js";
import type { TrackerChange } from "../../../src/progress/progress-tracker.js";

describe("ProgressTracker", () => {
  it("counts its own progress once advanced directly; totals can grow", () => {
    const t = new ProgressTracker("rows");
    expect(t.total).toBeUndefined();
    expect(t.used).toBe(false);
    t.add(10).advance(3).advance();
    t.add(5);
    expect([t.completed, t.total]).toEqual([4, 15]);
    expect(t.used).toBe(true);
  });

  it("sums its children when never advanced directly", () => {
    const task = new ProgressTracker("task");
    const a = task.child("a", 10);
    const b = task.child("b", undefined, { unit: "rows" });
    const c = b.child("c", 4);
    a.advance(7);
    c.advance(4);
    expect(b.completed).toBe(4);
    expect(b.total).toBe(4);
    expect([task.completed, task.total]).toEqual([11, 14]);
    const snapshot = task.snapshot();
    expect(snapshot).toMatchObject({
      title: "task",
      unit: undefined,
      state: "running",
      completed: 11,
      total: 14,
      metrics: {},
      endedAt: undefined,
      children: [
        { title: "a", state: "running", completed: 7, total: 10, children: [] },
        { title: "b", unit: "rows", state: "running", completed: 4, total: 4, children: [{ title: "c", completed: 4, total: 4, children: [] }] },
      ],
    });
    expect(typeof snapshot.startedAt).toBe("number");
  });

  it("a tracker advanced directly ignores its children's sums", () => {
    const run = new ProgressTracker("run", 3);
    run.child("t1", 100).advance(100);
    run.advance(1);
    expect([run.completed, run.total]).toEqual([1, 3]);
  });

  it("a total of unknown size stays undefined until a child knows one", () => {
    const task = new ProgressTracker("task");
    const open = task.child("stream");
    open.advance(5);
    expect([task.completed, task.total]).toEqual([5, undefined]);
    task.child("batch", 10);
    expect(task.total).toBe(10);
  });

  it("aggregates metrics into every ancestor, keys sorted", () => {
    const run = new ProgressTracker("run", 2);
    const task = run.child("Parse");
    const files = task.child("files");
    const f1 = files.child("f1", 2);
    const f2 = files.child("f2", 2);
    f1.metric("records", 2).metric("bytes", 100);
    f2.metric("records", 1).metric("rejected", 1).metric("bytes", 50.5);
    task.metric("retries", 1);
    run.metric("records", 10);
    expect(f1.metrics()).toEqual({ bytes: 100, records: 2 });
    expect(files.metrics()).toEqual({ bytes: 150.5, records: 3, rejected: 1 });
    expect(task.metrics()).toEqual({ bytes: 150.5, records: 3, rejected: 1, retries: 1 });
    expect(Object.keys(run.metrics())).toEqual(["bytes", "records", "rejected", "retries"]);
    expect(run.metrics()["records"]).toBe(13);
    expect(f1.metric("delta", -3).metrics()["delta"]).toBe(-3);
    expect(run.snapshot().metrics).toEqual(run.metrics());
  });

  it("done and fail close the tracker once, and close running children with it", () => {
    const t = new ProgressTracker("x");
    expect(t.done().status).toBe("done");
    expect(t.fail().status).toBe("done");
    expect(new ProgressTracker("y").fail().done().status).toBe("failed");

    const task = new ProgressTracker("task");
    const finished = task.child("finished").done();
    const left = task.child("left open");
    const deep = left.child("deep");
    task.fail();
    expect([finished.status, left.status, deep.status]).toEqual(["done", "failed", "failed"]);
    expect(deep.endedAt).toBeGreaterThanOrEqual(deep.startedAt);
    expect(task.child("late").status).toBe("failed");
  });

  it("whenClosed resolves with the final state", async () => {
    const t = new ProgressTracker("x");
    const closed = t.whenClosed();
    setTimeout(() => t.fail(), 1);
    await expect(closed).resolves.toBe("failed");
    await expect(t.whenClosed()).resolves.toBe("failed");
  });

  it("tells watchers of the whole tree about added and closed trackers", () => {
    const run = new ProgressTracker("run");
    const seen: string[] = [];
    const stop = run.watch((change: TrackerChange) => seen.push(`${change.kind} ${change.tracker.title}`));
    const task = run.child("task");
    const step = task.child("step");
    step.advance(3);
    task.done();
    stop();
    run.child("unseen");
    expect(seen).toEqual(["added task", "added step", "closed step", "closed task"]);
  });

  it("hands its logger down to its children and knows its depth", () => {
    const logger = createSilentLogger();
    const run = new ProgressTracker("run");
    const task = run.child("task", undefined, { logger });
    const step = task.child("step");
    expect([run.logger, task.logger, step.logger]).toEqual([undefined, logger, logger]);
    expect([run.depth, task.depth, step.depth]).toEqual([0, 1, 2]);
    expect(step.parent).toBe(task);
  });

  it("rejects bad counts, metrics and titles, naming the tracker", () => {
    const t = new ProgressTracker("x");
    expect(() => t.advance(-1)).toThrow(RangeError);
    expect(() => t.advance(Number.NaN)).toThrow('progress n of "x" must be a finite number >= 0, got NaN');
    expect(() => t.advance(Infinity)).toThrow(RangeError);
    expect(() => t.add(Number.NaN)).toThrow(/finite number >= 0/);
    expect(() => t.add("3" as unknown as number)).toThrow(RangeError);
    expect(() => new ProgressTracker("y", Infinity)).toThrow(RangeError);
    expect(() => t.metric("bytes", Number.POSITIVE_INFINITY)).toThrow('progress metric "bytes" on "x" must be a finite number, got Infinity');
    expect(() => t.metric("", 1)).toThrow(TypeError);
    expect(() => t.child("")).toThrow(/needs a title/);
    expect(t.completed).toBe(0);
  });

  it("keeps exact counts and metrics under many concurrent async updaters, three levels deep", async () => {
    const run = new ProgressTracker("run");
    const tasks = Array.from({ length: 8 }, (_, i) => run.child(`task${i}`));
    await Promise.all(
      tasks.map(async (task, t) => {
        const files = task.child("files");
        await Promise.all(
          Array.from({ length: 10 }, async (_, f) => {
            const rows = files.child(`f${f}`);
            for (let i = 0; i < 500; i++) {
              rows.add(1);
              if ((i + f + t) % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
              rows.advance();
              rows.metric("records", 1);
              if (i % 50 === 0) rows.metric("bytes", 1024);
            }
            rows.done();
          }),
        );
        task.done();
      }),
    );
    expect([run.completed, run.total]).toEqual([40_000, 40_000]);
    expect(run.metrics()).toEqual({ bytes: 8 * 10 * 10 * 1024, records: 40_000 });
    expect(tasks.map((t) => t.completed)).toEqual(Array(8).fill(5_000));
  });
});
