// `wf audit` and `wf extracts` as text: the runs table, the bar chart with its drop marker, the
// coverage with its gaps, totals, run errors, sources and targets, the hold; the extracts table.
import { describe, expect, it } from "vitest";
import { renderAudit, renderExtracts } from "../../../cli/render-audit.js";
import { auditRuns, coverageOf, totalsOf, type AuditReport } from "../../../src/run-log-query/audit-report.js";
import type { Extract } from "../../../src/audit/extract.js";
import type { RunLogRecord } from "../../../src/run-log/run-log-record.js";
import { WORKFLOW, days, localRun } from "../../fixtures/unit-audit/audit-records.js";

const STORE = "file /home/me/.wf/run-log";

/** Daily runs, one a day from 2026-11-25 at 06:00, with these read counts and data days. */
function dailyRuns(list: [runId: string, read: number, day: string, status?: "success" | "failed"][]): RunLogRecord[] {
  return list.flatMap(([runId, read, day, status = "success"], i) =>
    localRun(runId, new Date(Date.parse("2026-11-25T06:00:00.000Z") + i * 86_400_000).toISOString(), status, { records: { read, written: read }, dataRange: days(day) }),
  );
}

function report(records: RunLogRecord[], hold: Partial<AuditReport["hold"]> = {}): AuditReport {
  const { runs, sources, targets } = auditRuns(records, WORKFLOW, () => true);
  return {
    workflow: WORKFLOW,
    since: null,
    runs,
    totals: totalsOf(runs),
    coverage: coverageOf(runs),
    sources,
    targets,
    hold: { maxConsecutiveFailures: null, onHold: false, failures: [], refused: 0, lastRelease: null, ...hold },
  };
}

const week = dailyRuns([
  ["r1", 100, "2026-11-24"],
  ["r2", 110, "2026-11-25"],
  ["r3", 10, "2026-11-26"],
  ["r4", 105, "2026-11-27"],
  // No data for 2026-11-28 to 2026-11-30.
  ["r5", 95, "2026-12-01"],
]);

const lines = (text: string) => text.split("\n");

describe("renderAudit", () => {
  it("lists the runs newest first, with records, data days, errors and durations", () => {
    const text = renderAudit(report(week), { color: false, limit: 20, store: STORE });
    expect(text.endsWith("\n")).toBe(true);
    expect(lines(text)[0]).toBe(`audit of ${WORKFLOW}: 5 runs (${STORE})`);
    const table = lines(text).slice(2, 8);
    expect(table[0]).toMatch(/^STARTED \(UTC\)\s+RUN ID\s+VERSION\s+ENGINE\s+STATUS\s+DURATION\s+RECORDS\s+DATA\s+ERRORS$/);
    expect(table.slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
      ["2026-11-29 06:00:00", "r5", "1", "local", "success", "1m 00s", "read=95 written=95", "2026-12-01", "0"],
      ["2026-11-28 06:00:00", "r4", "1", "local", "success", "1m 00s", "read=105 written=105", "2026-11-27", "0"],
      ["2026-11-27 06:00:00", "r3", "1", "local", "success", "1m 00s", "read=10 written=10", "2026-11-26", "0"],
      ["2026-11-26 06:00:00", "r2", "1", "local", "success", "1m 00s", "read=110 written=110", "2026-11-25", "0"],
      ["2026-11-25 06:00:00", "r1", "1", "local", "success", "1m 00s", "read=100 written=100", "2026-11-24", "0"],
    ]);
  });

  /** The chart's lines (after its title line), one per run shown. */
  function chart(text: string, title: string, runs: number): string[] {
    const at = lines(text).indexOf(title);
    expect(at, `no line "${title}" in:\n${text}`).toBeGreaterThan(0);
    return lines(text).slice(at + 1, at + 1 + runs);
  }
  const runOf = (line: string) => /\b(r\d)\b/.exec(line)?.[1];

  it("charts the runs oldest first (written records by default) and marks a run far below the median with ▼", () => {
    const text = renderAudit(report(week), { color: false, limit: 20, store: STORE });
    const bars = chart(text, "written records per run, oldest first:", 5);
    expect(bars.map(runOf)).toEqual(["r1", "r2", "r3", "r4", "r5"]);
    // Written 100, 110, 10, 105, 95: the median is 100, and 10 is 90% below it.
    expect(bars[2]).toMatch(/ 10  ▼ 90% below the median \(100\)$/);
    expect(bars.filter((l) => l.includes("▼"))).toEqual([bars[2]]);
    // 95 is not far below the median: no marker.
    expect(bars[4]).toMatch(/ 95$/);
    // The longest bar is the largest run's, 30 columns; the others in proportion.
    expect(bars[1]).toContain(`${"█".repeat(30)} 110`);
    expect(bars[0]).toContain(`${"█".repeat(27)}${" ".repeat(3)} 100`);
    expect(bars[2]).toContain(`${"█".repeat(3)}${" ".repeat(27)} 10`);
  });

  it("charts one kind with --kind, and marks drops in it", () => {
    const records = dailyRuns([
      ["r1", 100, "2026-11-24"],
      ["r2", 100, "2026-11-25"],
    ]);
    // r2 rejected nothing; r1 rejected 50 (the rest is the same).
    (records.find((r) => r.kind === "audit" && r.runId === "r1") as { records: Record<string, number> }).records["rejected"] = 50;
    const text = renderAudit(report(records), { color: false, limit: 20, kind: "rejected", store: STORE });
    const bars = chart(text, "rejected records per run, oldest first:", 2);
    expect(bars[0]).toMatch(/\br1\b.* 50$/);
    expect(bars[1]).toMatch(/\br2\b.* 0  ▼ 100% below the median \(50\)$/);
    // Without --kind the same runs chart their written records: no drop.
    expect(renderAudit(report(records), { color: false, limit: 20, store: STORE })).not.toContain("▼");
  });

  it("without --kind charts written records, else read ones, else the first kind; all kinds summed when runs counted none", () => {
    const only = (records: Record<string, number>) =>
      renderAudit(report(localRun("r1", "2026-11-25T06:00:00.000Z", "success", { records })), { color: false, limit: 20, store: STORE });
    expect(only({ read: 5, written: 4 })).toContain("\nwritten records per run, oldest first:\n");
    expect(only({ read: 5, rejected: 1 })).toContain("\nread records per run, oldest first:\n");
    expect(only({ rejected: 1, dropped: 2 })).toContain("\ndropped records per run, oldest first:\n");
    expect(only({})).toContain("\nrecords (all kinds) per run, oldest first:\n");
  });

  it("names each gap in the data loaded with its day count", () => {
    const text = renderAudit(report(week), { color: false, limit: 20, store: STORE });
    expect(text).toContain("data loaded (successful runs, UTC days): 2026-11-24 to 2026-11-27, 2026-12-01\n  no data loaded for 2026-11-28 to 2026-11-30 (3 days)\n");
    const one = renderAudit(report(dailyRuns([["a", 1, "2026-11-24"], ["b", 1, "2026-11-26"]])), { color: false, limit: 20, store: STORE });
    expect(one).toContain("  no data loaded for 2026-11-25 (1 day)\n");
    const none = renderAudit(report(dailyRuns([["a", 1, "2026-11-24", "failed"]])), { color: false, limit: 20, store: STORE });
    expect(none).toContain("data loaded (successful runs, UTC days): none recorded\n");
    expect(none).not.toContain("no data loaded for");
  });

  it("shows the newest runs only with --limit, and says so", () => {
    const text = renderAudit(report(week), { color: false, limit: 2, store: STORE });
    expect(lines(text)[0]).toBe(`audit of ${WORKFLOW}: 5 runs (${STORE}), the newest 2 shown (--limit)`);
    expect(text).not.toMatch(/\br1\b/);
    expect(text).toMatch(/\br4\b/);
  });

  it("totals, run errors newest run first (the ones that failed the run marked), sources and targets", () => {
    const records = [
      ...localRun("a", "2026-11-25T06:00:00.000Z", "success", {
        records: { read: 5 },
        errorCount: 1,
        errors: [{ type: "Data Error", description: "row 2: no id", at: "2026-11-25T06:00:30.000Z", failRun: false }],
        sources: [{ name: "landing", type: "csv", objects: [{ name: "orders.csv", attributes: [{ name: "id", flags: ["key", "partition"] }, { name: "day", flags: [] }] }], datasetTypes: ["sales"] }],
        targets: [{ name: "warehouse", type: null, objects: [], datasetTypes: [] }],
      }),
      ...localRun("b", "2026-11-26T06:00:00.000Z", "failed", {
        records: { read: 1 },
        errorCount: 1,
        errors: [{ type: "Source Missing", description: "no file for 2026-11-26", at: "2026-11-26T06:00:30.000Z", failRun: true }],
      }),
    ];
    const text = renderAudit(report(records), { color: false, limit: 20, store: STORE });
    expect(text).toContain("totals: 2 runs, records read=6, 2 run errors\n");
    expect(text).toContain("run errors, newest run first:\n  b  Load#1  Source Missing: no file for 2026-11-26  (failed the run)\n  a  Load#1  Data Error: row 2: no id\n");
    expect(text).toContain("sources:\n  landing (csv): orders.csv(id:key:partition, day)  [sales]\ntargets:\n  warehouse\n");
    const bare = renderAudit(report(dailyRuns([["a", 1, "2026-11-24"]])), { color: false, limit: 20, store: STORE });
    expect(bare).toContain("totals: 1 run, records read=1 written=1, 0 run errors\n");
    expect(bare).not.toContain("run errors, newest run first");
    expect(bare).toContain("sources:\n  none declared or recorded\ntargets:\n  none declared or recorded\n");
  });

  it("says whether the workflow is on hold, and how to release it", () => {
    const records = dailyRuns([
      ["r1", 100, "2026-11-24"],
      ["r2", 1, "2026-11-25", "failed"],
      ["r3", 1, "2026-11-26", "failed"],
    ]);
    const failures = [
      { dagId: "d", runId: "r3", status: "failed" as const, startedAt: "2026-11-27T06:00:00.000Z" },
      { dagId: "d", runId: "r2", status: "failed" as const, startedAt: "2026-11-26T06:00:00.000Z" },
    ];
    const held = renderAudit(report(records, { maxConsecutiveFailures: 2, onHold: true, failures, refused: 1 }), { color: false, limit: 20, store: STORE });
    expect(held.endsWith(`hold: ON HOLD after 2 failed runs in a row (r3, r2); 1 run refused since. Let it run again: wf audit release ${WORKFLOW}\n`)).toBe(true);
    const lastRelease = { id: "x", workflow: WORKFLOW, action: "release" as const, at: "2026-11-28T09:15:00.000Z", by: "ana@ops", host: "ops", pid: 1, dagId: null, runId: null, reason: "fixed" };
    const free = renderAudit(report(records, { maxConsecutiveFailures: 2, lastRelease }), { color: false, limit: 20, store: STORE });
    expect(free).toContain("hold: not on hold (held after 2 failed runs in a row); last released 2026-11-28 09:15:00 by ana@ops\n");
    expect(renderAudit(report(records), { color: false, limit: 20, store: STORE })).toContain("hold: the workflow sets no maxConsecutiveFailures\n");
  });

  it("colours the drop and the hold red and the gaps yellow only when colour is on", () => {
    const held = report(week, { maxConsecutiveFailures: 2, onHold: true, failures: [{ dagId: "d", runId: "r5", status: "failed", startedAt: "2026-11-29T06:00:00.000Z" }], refused: 0 });
    expect(renderAudit(held, { color: false, limit: 20, store: STORE })).not.toContain("\x1b");
    const text = renderAudit(held, { color: true, limit: 20, store: STORE });
    expect(text).toMatch(/\x1b\[31m[^\n]*\br3\b[^\n]*▼ 90% below the median \(100\)\x1b\[39m/);
    expect(text.match(/\x1b\[31m[^\n]*▼/g)).toHaveLength(1);
    expect(text).toContain("\x1b[33m  no data loaded for 2026-11-28 to 2026-11-30 (3 days)\x1b[39m");
    expect(text).toContain("\x1b[31mhold: ON HOLD after 1 failed runs in a row (r5); 0 runs refused since.");
  });
});

describe("renderExtracts", () => {
  const actor = { workflow: WORKFLOW, dagId: "d", runId: "20261201T060000Z-ab12", task: "Load" };
  const extract = (filename: string, fields: Partial<Extract> = {}): Extract => ({
    location: "/data/in",
    filename,
    status: "ready",
    producer: null,
    changedBy: null,
    registeredAt: "2026-12-01T05:00:00.000Z",
    updatedAt: "2026-12-01T05:00:00.000Z",
    ...fields,
  });

  it("one line per extract: status, location, filename, when it changed, and the run and task that changed or registered it", () => {
    const text = renderExtracts(
      [
        extract("a.csv"),
        extract("b.csv", { status: "loading", producer: { ...actor, task: "Find" }, changedBy: actor, updatedAt: "2026-12-01T06:00:01.500Z" }),
        extract("c.csv", { producer: { ...actor, task: "Find" } }),
      ],
      false,
    );
    expect(lines(text).map((l) => l.split(/\s{2,}/))).toEqual([
      ["STATUS", "LOCATION", "FILENAME", "UPDATED (UTC)", "BY"],
      ["ready", "/data/in", "a.csv", "2026-12-01 05:00:00", "-"],
      ["loading", "/data/in", "b.csv", "2026-12-01 06:00:01", "20261201T060000Z-ab12 Load"],
      ["ready", "/data/in", "c.csv", "2026-12-01 05:00:00", "20261201T060000Z-ab12 Find"],
      [""],
    ]);
    expect(renderExtracts([extract("a.csv")], true)).toContain("\x1b[1mSTATUS");
  });

  it("says so when none match", () => {
    expect(renderExtracts([], false)).toBe("no extracts match\n");
  });
});
