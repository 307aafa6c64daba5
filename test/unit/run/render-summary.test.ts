import { describe, expect, it } from "vitest";
import type { RunResult } from "wfkit";
import { renderRunSummary } from "../../../src/run/render-summary.js";

const attempt = (n: number, status: "success" | "failed", durationMs: number, error?: string) => ({
  attempt: n,
  status,
  startedAt: "2026-01-01T00:00:00.000Z",
  endedAt: "2026-01-01T00:00:00.000Z",
  durationMs,
  ...(error ? { error } : {}),
});

const result: RunResult = {
  runId: "r1",
  workflow: "demo",
  version: "dev",
  dagId: "demo_dev",
  dagHash: "0".repeat(64),
  engine: "local",
  status: "failed",
  params: {},
  startedAt: "2026-01-01T00:00:00.000Z",
  endedAt: "2026-01-01T00:00:01.500Z",
  durationMs: 1500,
  runDir: "/tmp/runs/r1",
  tasks: [
    { task: "Flaky", status: "success", upstreams: [], attempts: [attempt(1, "failed", 3, "Error: transient"), attempt(2, "success", 4)] },
    { task: "Bad", status: "failed", upstreams: [], attempts: [attempt(1, "failed", 2, "TypeError: nope")], error: new TypeError("nope") },
    { task: "After", status: "upstream_failed", upstreams: ["Bad"], attempts: [] },
  ],
};

describe("renderRunSummary", () => {
  it("shows the run, each task's status, retries and errors, aligned, without colour when off", () => {
    expect(renderRunSummary(result, false)).toBe(
      [
        "✖ demo_dev  failed  3 tasks in 1.50 s  run r1",
        "  ✔ Flaky  success          on attempt 2, 7 ms  (attempt 1: Error: transient)",
        "  ✖ Bad    failed           2 ms  TypeError: nope",
        "  ∅ After  upstream_failed",
        "  run dir: /tmp/runs/r1",
        "",
      ].join("\n"),
    );
  });

  it("colours only when asked", () => {
    expect(renderRunSummary(result, true)).not.toBe(renderRunSummary(result, false));
  });
});
