// The README's "Test your workflow with vitest" example, run as a user would run it: the
// example workflow module and the public `wfkit/local` entry point, nothing internal.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runLocal } from "wfkit/local";
import { etl } from "../../examples/etl.js";
import { ExportError, flaky } from "../../examples/flaky.js";
import { diamond } from "../../examples/diamond.js";
import { quietRun } from "../support/quiet-run.js";
import { action, attemptOf, taskOf } from "../support/events.js";

describe("the examples through the public API", () => {
  it("etl keeps only the large USD orders", async () => {
    const result = await runLocal(etl, {
      ...quietRun().options,
      params: { currency: "USD", minAmount: 100 },
      retryDelaySeconds: 0,
    });
    expect(result.status).toBe("success");
    expect(result.tasks.map((t) => t.status)).toEqual(["success", "success", "success"]);
    expect(readFileSync(path.join(result.runDir, "report.csv"), "utf8")).toBe("customer,total\numbrella,310.25\n");
  });

  it("etl logs each task's own lines in order, bound to the task", async () => {
    const run = quietRun();
    await runLocal(etl, run.options);
    // Progress lines (`Transform.progress`, at debug for a quick run) are not the task's own lines.
    const own = run.lines.filter((l) => !l.logger.startsWith("wfkit") && !l.logger.endsWith(".progress"));
    expect(own.map((l) => [l.logger, l.message])).toEqual([
      ["Extract", "extracted 6 orders"],
      ["Transform", "kept 4 of 6 orders"],
      ["Load", "loaded 2 customers into report.csv"],
    ]);
  });

  it("diamond runs its three branches in parallel between fetch and publish", async () => {
    const run = quietRun();
    const result = await runLocal(diamond, run.options);
    expect(result.status).toBe("success");
    const starts = run.events.filter((e) => action(e) === "task.started").map((e) => taskOf(e));
    const ends = run.events.filter((e) => action(e) === "task.succeeded").map((e) => taskOf(e));
    expect(starts.slice(1, 4).sort()).toEqual(["Classify", "Index", "Resize"]);
    // all three branches started before the first of them finished
    const firstBranchEnd = run.events.findIndex((e) => action(e) === "task.succeeded" && taskOf(e) !== "Fetch");
    const lastBranchStart = run.events.findLastIndex((e) => action(e) === "task.started" && taskOf(e) !== "Publish");
    expect(lastBranchStart).toBeLessThan(firstBranchEnd);
    expect(ends.at(-1)).toBe("Publish");
  });

  it("flaky: the retried task succeeds on attempt 2; the user's error comes back unwrapped", async () => {
    const result = await runLocal(flaky, quietRun().options);
    expect(result.status).toBe("failed");
    const byName = Object.fromEntries(result.tasks.map((t) => [t.task, t]));
    expect(byName["Flaky"]!.status).toBe("success");
    expect(byName["Flaky"]!.attempts.map((a) => a.status)).toEqual(["failed", "success"]);
    expect(byName["AlwaysFails"]!.error).toBeInstanceOf(ExportError);
    expect(byName["Publish"]!.status).toBe("upstream_failed");
    expect(byName["Notify"]!.status).toBe("upstream_failed");
    expect(byName["Summarize"]!.status).toBe("success");
  });
});
