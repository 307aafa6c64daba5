import { describe, expect, it } from "vitest";
import { newRunId } from "wfkit/engine";
import { runDirPath } from "../../../src/run/run-dir.js";
import { RunIdSchema } from "../../../src/run/run-id.js";

describe("run ids", () => {
  it("are time-sortable, unique and valid", () => {
    const a = newRunId(new Date("2026-11-22T03:55:54.123Z"));
    expect(a).toMatch(/^20261122T035554Z-[0-9a-f]{6}$/);
    expect(newRunId(new Date("2026-11-22T03:55:55Z")) > a).toBe(true);
    expect(new Set(Array.from({ length: 200 }, () => newRunId())).size).toBe(200);
    expect(RunIdSchema.safeParse(a).success).toBe(true);
  });

  it("accept Airflow-style ids and reject anything that could escape the run folder", () => {
    for (const ok of ["manual__2026-11-22T03:55:54+00:00", "scheduled__2026-01-01T00:00:00+00:00", "r1", "a.b_c-d"]) {
      expect(RunIdSchema.safeParse(ok).success, ok).toBe(true);
    }
    for (const bad of ["", "../x", "a/b", ".hidden", "a b", "x\u0000", "a\\b", "x".repeat(251)]) {
      expect(RunIdSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it("run directories live under <home>/runs/<dag id>/<run id>: Airflow's run ids are unique per DAG only", () => {
    expect(runDirPath(".wf", "etl_1", "r1", "/work/p")).toBe("/work/p/.wf/runs/etl_1/r1");
    expect(runDirPath("/abs/home", "etl_1", "r1", "/work/p")).toBe("/abs/home/runs/etl_1/r1");
  });
});
