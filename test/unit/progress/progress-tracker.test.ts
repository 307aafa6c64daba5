import { describe, expect, it } from "vitest";
import { ProgressTracker } from "wfkit";

describe("ProgressTracker", () => {
  it("counts its own progress once advanced directly; totals can grow", () => {
    const t = new ProgressTracker("rows");
    expect(t.total).toBeUndefined();
    t.add(10).advance(3).advance();
    t.add(5);
    expect([t.completed, t.total]).toEqual([4, 15]);
  });

  it("sums its children when never advanced directly", () => {
    const task = new ProgressTracker("task");
    const a = task.child("a", 10);
    const b = task.child("b");
    const c = b.child("c", 4);
    a.advance(7);
    c.advance(4);
    expect(b.completed).toBe(4);
    expect(b.total).toBe(4);
    expect([task.completed, task.total]).toEqual([11, 14]);
    expect(task.snapshot()).toEqual({
      title: "task",
      state: "running",
      completed: 11,
      total: 14,
      children: [
        { title: "a", state: "running", completed: 7, total: 10, children: [] },
        { title: "b", state: "running", completed: 4, total: 4, children: [{ title: "c", state: "running", completed: 4, total: 4, children: [] }] },
      ],
    });
  });

  it("a tracker advanced directly ignores its children's sums", () => {
    const run = new ProgressTracker("run", 3);
    run.child("t1", 100).advance(100);
    run.advance(1);
    expect([run.completed, run.total]).toEqual([1, 3]);
  });

  it("done and fail close the tracker once", () => {
    const t = new ProgressTracker("x");
    expect(t.done().status).toBe("done");
    expect(t.fail().status).toBe("done");
    expect(new ProgressTracker("y").fail().done().status).toBe("failed");
  });

  it("rejects negative or non-finite counts", () => {
    const t = new ProgressTracker("x");
    expect(() => t.advance(-1)).toThrow(RangeError);
    expect(() => t.add(Number.NaN)).toThrow(/finite number >= 0/);
    expect(() => new ProgressTracker("y", Infinity)).toThrow(RangeError);
  });

  it("keeps exact counts under many concurrent async updaters", async () => {
    const task = new ProgressTracker("task");
    const workers = Array.from({ length: 50 }, (_, i) => task.child(`w${i}`, 200));
    await Promise.all(
      workers.map(async (w) => {
        for (let i = 0; i < 200; i++) {
          if (i % 7 === 0) await Promise.resolve();
          w.advance();
        }
        w.done();
      }),
    );
    expect([task.completed, task.total]).toEqual([10_000, 10_000]);
  });
});
