// Trigger rules, timeouts, backoff, priority and the logical date on the local engine.
import { describe, expect, it } from "vitest";
import { TaskBase, TaskTimeoutError, Workflow } from "wfkit";
import { runLocal } from "wfkit/local";
import { EXPECTED_STATES, triggerRules } from "../../../fixtures/workflows/trigger-rules.js";
import { quietRun } from "../../../support/quiet-run.js";

describe("trigger rules on the local engine", () => {
  it("end every task as Airflow does, for every rule after every way two upstream tasks can end", async () => {
    const result = await runLocal(triggerRules, quietRun().options);
    expect(Object.fromEntries(result.tasks.map((t) => [t.task, t.status]))).toEqual(EXPECTED_STATES);
    expect(result.status).toBe("failed");
  });

  it("a notify task with one_failed runs after a failure anywhere and is skipped when nothing failed", async () => {
    const ran: string[] = [];
    class Load extends TaskBase<{ fail: boolean }> {
      run(): void {
        if (this.params.fail) throw new Error("load failed");
      }
    }
    class Publish extends TaskBase {
      run(): void {}
    }
    class Alert extends TaskBase {
      static override triggerRule = "one_failed" as const;
      run(): void {
        ran.push("Alert");
      }
    }
    const { z } = await import("zod");
    const wf = new Workflow({ category: "alerting", version: "dev", params: z.object({ fail: z.boolean() }) })
      .addNode(Load)
      .addNode(Publish, { upstreams: Load })
      .addNode(Alert, { upstreams: [Load, Publish] });
    const failed = await runLocal(wf, quietRun({ params: { fail: true } }).options);
    expect(failed.tasks.map((t) => `${t.task} ${t.status}`)).toEqual(["Load failed", "Publish upstream_failed", "Alert success"]);
    expect(failed.status).toBe("failed");
    const fine = await runLocal(wf, quietRun({ params: { fail: false } }).options);
    expect(fine.tasks.map((t) => `${t.task} ${t.status}`)).toEqual(["Load success", "Publish success", "Alert skipped"]);
    expect(fine.status).toBe("success");
    expect(ran).toEqual(["Alert"]);
  });
});

describe("timeouts on the local engine", () => {
  it("abort the attempt's signal, end it terminated with TaskTimeoutError, retry it like a failure, and fail the run", async () => {
    const seen: string[] = [];
    class Slow extends TaskBase {
      static override timeoutSeconds = 0.05;
      static override retries = 1;
      async run(): Promise<void> {
        await new Promise<void>((resolve) => this.signal.addEventListener("abort", () => resolve(), { once: true }));
        seen.push(`aborted: ${String((this.signal.reason as Error).message)}`);
      }
    }
    class After extends TaskBase {
      run(): void {}
    }
    const wf = new Workflow({ category: "timeout", version: "dev" }).addNode(Slow).addNode(After, { upstreams: Slow });
    const q = quietRun();
    const result = await runLocal(wf, q.options);
    const slow = result.tasks[0]!;
    expect(slow.status).toBe("terminated");
    expect(slow.error).toBeInstanceOf(TaskTimeoutError);
    expect(slow.attempts.map((a) => [a.attempt, a.status, a.error])).toEqual([
      [1, "terminated", "TaskTimeoutError: task Slow timed out after 0.05 s (its timeoutSeconds): raise timeoutSeconds, or make it finish sooner"],
      [2, "terminated", "TaskTimeoutError: task Slow timed out after 0.05 s (its timeoutSeconds): raise timeoutSeconds, or make it finish sooner"],
    ]);
    expect(seen).toHaveLength(2);
    expect(result.tasks[1]!.status).toBe("upstream_failed");
    expect(result.status).toBe("failed");
    expect(q.events.filter((e) => e.data.action === "task.retrying")).toHaveLength(1);
  });

  it("end a task that ignores its signal too: the run does not wait for it", async () => {
    class Stubborn extends TaskBase {
      static override timeoutSeconds = 0.05;
      async run(): Promise<void> {
        await new Promise((resolve) => setTimeout(resolve, 60_000).unref());
      }
    }
    const result = await runLocal(new Workflow({ category: "stubborn", version: "dev" }).addNode(Stubborn), quietRun().options);
    expect(result.tasks[0]).toMatchObject({ status: "terminated" });
    expect(result.tasks[0]!.error).toBeInstanceOf(TaskTimeoutError);
  });
});

describe("retries with backoff on the local engine", () => {
  it("wait the doubled delay between attempts (as task.retrying says)", async () => {
    class Flaky extends TaskBase {
      static override retries = 2;
      static override retryDelaySeconds = 0.6;
      static override retryExponentialBackoff = true;
      run(): void {
        throw new Error("not yet");
      }
    }
    const q = quietRun();
    delete q.options.retryDelaySeconds;
    const result = await runLocal(new Workflow({ category: "backoff", version: "dev" }).addNode(Flaky), q.options);
    expect(result.tasks[0]!.attempts).toHaveLength(3);
    // Airflow's formula without its jitter: ceil(0.6 × 2^k) seconds (the cap: node-settings.test.ts).
    expect(q.events.filter((e) => e.data.action === "task.retrying").map((e) => (e.data as { delaySeconds: number }).delaySeconds)).toEqual([1, 2]);
  }, 20_000);
});

describe("priority on the local engine", () => {
  it("starts the ready task with the higher priorityWeight first, then the one added first", async () => {
    const order: string[] = [];
    const make = (name: string, priority: number) =>
      ({ [name]: class extends TaskBase {
        static override priorityWeight = priority;
        run(): void {
          order.push(name);
        }
      } })[name]!;
    const wf = new Workflow({ category: "priority", version: "dev" }).addNode(make("Low", 1)).addNode(make("High", 10)).addNode(make("Mid", 5)).addNode(make("AlsoLow", 1));
    await runLocal(wf, quietRun({ concurrency: 1 }).options);
    expect(order).toEqual(["High", "Mid", "Low", "AlsoLow"]);
  });
});

describe("the logical date and data interval on the local engine", () => {
  const seen: { logicalDate: string; start: string; end: string }[] = [];
  class Day extends TaskBase {
    run(): void {
      seen.push({ logicalDate: this.context.logicalDate.toISOString(), start: this.context.dataInterval.start.toISOString(), end: this.context.dataInterval.end.toISOString() });
    }
  }

  it("a @daily run at a logical date processes that day; without one, the last complete day", async () => {
    seen.length = 0;
    const wf = new Workflow({ category: "daily", version: "dev", schedule: "@daily" }).addNode(Day);
    await runLocal(wf, quietRun({ logicalDate: "2026-11-28" }).options);
    expect(seen[0]).toEqual({ logicalDate: "2026-11-28T00:00:00.000Z", start: "2026-11-28T00:00:00.000Z", end: "2026-11-29T00:00:00.000Z" });
    const before = Date.now();
    await runLocal(wf, quietRun().options);
    const today = new Date(before - (before % 86_400_000));
    // Unless the run straddled midnight UTC, the interval is yesterday.
    if (Date.now() - (Date.now() % 86_400_000) === today.getTime()) {
      expect(seen[1]).toEqual({ logicalDate: new Date(today.getTime() - 86_400_000).toISOString(), start: new Date(today.getTime() - 86_400_000).toISOString(), end: today.toISOString() });
    }
  });

  it("refuses a logical date that is no date, naming the option", async () => {
    const wf = new Workflow({ category: "daily", version: "dev", schedule: "@daily" }).addNode(Day);
    await expect(runLocal(wf, quietRun({ logicalDate: "yesterday" as never }).options)).rejects.toThrow(/logicalDate/);
  });
});
