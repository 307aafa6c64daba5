// The audit report's folding of run-log records (auditRuns), the coverage of data days and its
// gaps (coverageOf), and the totals (totalsOf), over hand-made records.
import { describe, expect, it } from "vitest";
import { AuditReportSchema, auditRuns, coverageOf, totalsOf, type AuditRun } from "../../../src/run-log-query/audit-report.js";
import type { ProcessCheck } from "../../../src/run-log/project-run.js";
import type { RunLogRecord } from "../../../src/run-log/run-log-record.js";
import type { Dataset } from "../../../src/events/audit-fields.js";
import { actionRecord, runRecord } from "../../fixtures/run-log/records.js";
import { DAG, WORKFLOW, after, auditRecord, days, endRecord, localRun, localRunRecord } from "../../fixtures/unit-audit/audit-records.js";

const alive: ProcessCheck = () => true;
const error = (description: string, failRun = false) => ({ type: "Data Error", description, at: "2026-12-01T06:00:30.000Z", failRun });

/** The one run auditRuns makes of `records`. */
function onlyRun(records: RunLogRecord[]): AuditRun {
  const { runs } = auditRuns(records, WORKFLOW, alive);
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

describe("auditRuns", () => {
  it("counts each task's last attempt only, but lists run errors, statuses and extract changes of every attempt", () => {
    const start = "2026-12-01T06:00:00.000Z";
    const records = [
      localRunRecord("r1", after(start, 0), ["Extract", "Load"]),
      // Extract's first attempt read more, over more days, then failed; its retry counts.
      auditRecord("r1", "Extract", 1, after(start, 1), {
        records: { read: 500, rejected: 9 },
        dataRange: days("2026-11-01", "2026-11-30"),
        errorCount: 1,
        errors: [error("row 3: no id")],
        statuses: [{ status: "validating", at: after(start, 0.5).toISOString() }],
      }),
      auditRecord("r1", "Extract", 2, after(start, 2), {
        records: { read: 120, rejected: 2 },
        dataRange: days("2026-11-29", "2026-11-30"),
        errorCount: 102,
        errors: [error("row 5: no id"), error("row 6: no id")],
        extracts: [{ location: "/in", filename: "a.csv", from: "ready", to: "loading" }],
      }),
      auditRecord("r1", "Load", 1, after(start, 3), {
        records: { written: 118 },
        dataRange: days("2026-11-28"),
        extracts: [{ location: "/in", filename: "a.csv", from: "loading", to: "loaded" }],
      }),
      endRecord("r1", "success", after(start, 4), 240_000),
    ];
    const run = onlyRun(records);
    expect(run).toMatchObject({ dagId: DAG, runId: "r1", version: "1", engine: "local", status: "success", startedAt: start, durationMs: 240_000 });
    expect(run.records).toEqual({ read: 120, rejected: 2, written: 118 });
    expect(Object.keys(run.records)).toEqual(["read", "rejected", "written"]);
    expect(run.total).toBe(240);
    expect(run.dataRange).toEqual({ low: "2026-11-28T00:00:00.000Z", high: "2026-11-30T23:00:00.000Z" });
    expect(run.errorCount).toBe(103);
    expect(run.errors.map((e) => [e.task, e.attempt, e.description])).toEqual([
      ["Extract", 1, "row 3: no id"],
      ["Extract", 2, "row 5: no id"],
      ["Extract", 2, "row 6: no id"],
    ]);
    expect(run.statuses).toEqual([{ task: "Extract", status: "validating", at: after(start, 0.5).toISOString() }]);
    expect(run.extracts).toEqual([
      { task: "Extract", location: "/in", filename: "a.csv", from: "ready", to: "loading" },
      { task: "Load", location: "/in", filename: "a.csv", from: "loading", to: "loaded" },
    ]);
  });

  it("takes the last attempt by its number, whatever order the records come in", () => {
    const start = "2026-12-01T06:00:00.000Z";
    const records = [
      auditRecord("r1", "Load", 2, after(start, 2), { records: { written: 7 } }),
      localRunRecord("r1", after(start, 0), ["Load"]),
      endRecord("r1", "success", after(start, 3), 180_000),
      auditRecord("r1", "Load", 1, after(start, 1), { records: { written: 50 } }),
    ];
    expect(onlyRun(records).records).toEqual({ written: 7 });
  });

  it("gives an Airflow run (no end record) its status from its task actions, and its duration from its first to its last record", () => {
    const start = "2026-12-02T06:00:00.000Z";
    const tasks = { tasks: [{ task: "Extract", upstreams: [], retries: 0 }, { task: "Load", upstreams: ["Extract"], retries: 0 }] };
    const succeeded = [
      runRecord(DAG, "manual__1", after(start, 0), [], tasks),
      actionRecord(DAG, "manual__1", "Extract", 1, "run", after(start, 0.1)),
      auditRecord("manual__1", "Extract", 1, after(start, 1), { records: { read: 10 } }),
      actionRecord(DAG, "manual__1", "Extract", 1, "success", after(start, 1.1)),
      // The Load worker's own header.
      runRecord(DAG, "manual__1", after(start, 2), [], tasks),
      actionRecord(DAG, "manual__1", "Load", 1, "run", after(start, 2.1)),
      auditRecord("manual__1", "Load", 1, after(start, 3), { records: { written: 10 } }),
      actionRecord(DAG, "manual__1", "Load", 1, "success", after(start, 3.5)),
    ];
    const ok = onlyRun(succeeded);
    expect(ok).toMatchObject({ engine: "airflow", status: "success", durationMs: 210_000, records: { read: 10, written: 10 }, total: 20 });

    const failed = [
      runRecord(DAG, "manual__2", after(start, 10), [], tasks),
      actionRecord(DAG, "manual__2", "Extract", 1, "run", after(start, 10.1)),
      auditRecord("manual__2", "Extract", 1, after(start, 11), { records: { read: 4 }, errorCount: 1, errors: [error("no file", true)] }),
      actionRecord(DAG, "manual__2", "Extract", 1, "fail", after(start, 11.5)),
    ];
    const bad = onlyRun(failed);
    expect(bad).toMatchObject({ status: "failed", errorCount: 1, durationMs: 90_000 });
    expect(bad.errors[0]).toMatchObject({ task: "Extract", attempt: 1, failRun: true });

    const running = [runRecord(DAG, "manual__3", after(start, 20), [], tasks), actionRecord(DAG, "manual__3", "Extract", 1, "run", after(start, 20.1))];
    expect(onlyRun(running)).toMatchObject({ status: "running", durationMs: null, records: {}, total: 0, dataRange: null });
  });

  it("lists the workflow's runs only, newest first; records of a run whose run record is gone are left out", () => {
    const records = [
      ...localRun("old", "2026-12-01T06:00:00.000Z", "success"),
      ...localRun("new", "2026-12-03T06:00:00.000Z", "failed"),
      ...localRun("mid", "2026-12-02T06:00:00.000Z", "success"),
      localRunRecord("other", new Date("2026-12-04T06:00:00.000Z"), ["Load"], {}, "another_workflow_1.0.0"),
      auditRecord("orphan", "Load", 1, new Date("2026-12-05T06:00:00.000Z"), { records: { read: 1 } }),
    ];
    const { runs } = auditRuns(records, WORKFLOW, alive);
    expect(runs.map((r) => [r.runId, r.status])).toEqual([
      ["new", "failed"],
      ["mid", "success"],
      ["old", "success"],
    ]);
    expect(auditRuns(records, "nobody", alive).runs).toEqual([]);
  });

  it("merges the sources and targets of the run headers (declared) and of the audits (added at run time); the newest header's maxConsecutiveFailures wins", () => {
    const landing: Dataset = { name: "landing", type: "csv", objects: [{ name: "a.csv", attributes: [] }], datasetTypes: ["sales"] };
    const landingLater: Dataset = { name: "landing", type: null, objects: [{ name: "b.csv", attributes: [] }], datasetTypes: [] };
    const warehouse: Dataset = { name: "warehouse", type: "postgres", objects: [], datasetTypes: ["sales"] };
    const settings = (max: number | null) => ({ audit: { sources: [landing], targets: [warehouse], datasetTypes: ["sales"], maxConsecutiveFailures: max } });
    const records = [
      ...localRun("r1", "2026-12-01T06:00:00.000Z", "success", { sources: [landingLater] }, settings(5)),
      ...localRun("r2", "2026-12-02T06:00:00.000Z", "success", {}, settings(2)),
    ];
    const result = auditRuns(records, WORKFLOW, alive);
    expect(result.sources).toEqual([{ name: "landing", type: "csv", objects: [{ name: "a.csv", attributes: [] }, { name: "b.csv", attributes: [] }], datasetTypes: ["sales"] }]);
    expect(result.targets).toEqual([warehouse]);
    expect(result.maxConsecutiveFailures).toBe(2);
    expect(auditRuns(localRun("r3", "2026-12-03T06:00:00.000Z", "success"), WORKFLOW, alive).maxConsecutiveFailures).toBeNull();
  });
});

describe("coverageOf", () => {
  /** Runs (one a day) with these statuses and data ranges. */
  function runs(list: [string, "success" | "failed", { low: string; high: string } | null][]): AuditRun[] {
    return list.flatMap(([runId, status, dataRange], i) =>
      auditRuns(localRun(runId, new Date(Date.parse("2026-12-10T06:00:00.000Z") + i * 86_400_000).toISOString(), status, { dataRange }), WORKFLOW, alive).runs,
    );
  }

  it("merges the UTC days of successful runs into ranges and names the gaps with their day counts", () => {
    const coverage = coverageOf(
      runs([
        ["a", "success", days("2026-11-20", "2026-11-22")],
        // Touches the range before it: one range.
        ["b", "success", days("2026-11-23")],
        ["c", "success", days("2026-11-24", "2026-11-26")],
        // Overlaps it: one range.
        ["d", "success", days("2026-11-25", "2026-11-27")],
        // A one-day gap (2026-11-28), then a three-day gap.
        ["e", "success", days("2026-11-29", "2026-11-30")],
        ["f", "success", days("2026-12-04")],
      ]),
    );
    expect(coverage).toEqual({
      ranges: [
        { from: "2026-11-20", to: "2026-11-27" },
        { from: "2026-11-29", to: "2026-11-30" },
        { from: "2026-12-04", to: "2026-12-04" },
      ],
      gaps: [
        { from: "2026-11-28", to: "2026-11-28", days: 1 },
        { from: "2026-12-01", to: "2026-12-03", days: 3 },
      ],
    });
  });

  it("does not count failed runs' data, nor runs without a data range, and does not care about the order of the runs", () => {
    const coverage = coverageOf(
      runs([
        ["late", "success", days("2026-11-30")],
        ["failed", "failed", days("2026-11-29")],
        ["none", "success", null],
        ["early", "success", days("2026-11-27", "2026-11-28")],
      ]),
    );
    expect(coverage).toEqual({
      ranges: [
        { from: "2026-11-27", to: "2026-11-28" },
        { from: "2026-11-30", to: "2026-11-30" },
      ],
      gaps: [{ from: "2026-11-29", to: "2026-11-29", days: 1 }],
    });
  });

  it("a range contained in another changes nothing; no data at all is no range and no gap", () => {
    expect(coverageOf(runs([["wide", "success", days("2026-11-01", "2026-11-30")], ["inside", "success", days("2026-11-10", "2026-11-12")]]))).toEqual({
      ranges: [{ from: "2026-11-01", to: "2026-11-30" }],
      gaps: [],
    });
    expect(coverageOf(runs([["failed", "failed", days("2026-11-01")]]))).toEqual({ ranges: [], gaps: [] });
    expect(coverageOf([])).toEqual({ ranges: [], gaps: [] });
  });

  it("takes a range's days in UTC: a high just before midnight is that day, not the next", () => {
    const coverage = coverageOf(
      runs([
        ["a", "success", { low: "2026-11-27T23:59:59.999Z", high: "2026-11-27T23:59:59.999Z" }],
        ["b", "success", { low: "2026-11-29T00:00:00.000Z", high: "2026-11-29T00:00:00.000Z" }],
      ]),
    );
    expect(coverage.gaps).toEqual([{ from: "2026-11-28", to: "2026-11-28", days: 1 }]);
  });
});

describe("totalsOf", () => {
  it("sums records by kind (sorted) and errors over the runs", () => {
    const all = [
      ...localRun("a", "2026-12-01T06:00:00.000Z", "success", { records: { written: 5, read: 10 }, errorCount: 2 }),
      ...localRun("b", "2026-12-02T06:00:00.000Z", "failed", { records: { read: 3, rejected: 1 }, errorCount: 1 }),
    ];
    const { runs } = auditRuns(all, WORKFLOW, alive);
    const totals = totalsOf(runs);
    expect(totals).toEqual({ runs: 2, records: { read: 13, rejected: 1, written: 5 }, errorCount: 3 });
    expect(Object.keys(totals.records)).toEqual(["read", "rejected", "written"]);
  });

  it("makes a report the schema takes", () => {
    const { runs, sources, targets } = auditRuns(localRun("a", "2026-12-01T06:00:00.000Z", "success", { records: { read: 1 }, dataRange: days("2026-11-30") }), WORKFLOW, alive);
    const report = {
      workflow: WORKFLOW,
      since: null,
      runs,
      totals: totalsOf(runs),
      coverage: coverageOf(runs),
      sources,
      targets,
      hold: { maxConsecutiveFailures: null, onHold: false, failures: [], refused: 0, lastRelease: null },
    };
    expect(AuditReportSchema.parse(report)).toEqual(report);
  });
});
