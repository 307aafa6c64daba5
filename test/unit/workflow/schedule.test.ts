import { describe, expect, it } from "vitest";
import { dataIntervalAt, manualDataInterval, parseSchedule, type Schedule } from "../../../src/workflow/schedule.js";

const schedule = (text: string | null): Schedule => {
  const parsed = parseSchedule(text);
  if ("problem" in parsed) throw new Error(parsed.problem);
  return parsed;
};
const at = (iso: string) => new Date(iso);
const iso = (i: { logicalDate: Date; start: Date; end: Date }) => [i.logicalDate.toISOString(), i.start.toISOString(), i.end.toISOString()];

describe("parseSchedule", () => {
  it("takes cron expressions, Airflow's presets (expanded as Airflow does), @once and null", () => {
    expect(schedule("0 6 * * 1-5")).toMatchObject({ kind: "cron", expression: "0 6 * * 1-5" });
    expect(schedule("@daily")).toMatchObject({ kind: "cron", expression: "0 0 * * *" });
    expect(schedule("@quarterly")).toMatchObject({ kind: "cron", expression: "0 0 1 */3 *" });
    expect(schedule("@once")).toEqual({ kind: "once" });
    expect(schedule(null)).toEqual({ kind: "none" });
  });

  it.each([
    ["every tuesday", /not a cron expression: it needs five fields/],
    ["0 0 * * * *", /needs five fields/],
    ["@fortnightly", /not a preset Airflow knows; use one of @hourly, @daily/],
    ["61 * * * *", /not a valid cron expression/],
    ["0 0 32 * *", /not a valid cron expression/],
  ])("refuses %s with a message that says what to write", (text, message) => {
    const parsed = parseSchedule(text);
    expect("problem" in parsed && parsed.problem).toMatch(message);
  });
});

describe("data intervals", () => {
  it("a run at a logical date covers it to the schedule's next tick, as CronDataIntervalTimetable gives it", () => {
    expect(iso(dataIntervalAt(schedule("@daily"), at("2026-11-28T00:00:00Z")))).toEqual(["2026-11-28T00:00:00.000Z", "2026-11-28T00:00:00.000Z", "2026-11-29T00:00:00.000Z"]);
    expect(iso(dataIntervalAt(schedule("0 6 * * 1-5"), at("2026-11-27T06:00:00Z")))).toEqual(["2026-11-27T06:00:00.000Z", "2026-11-27T06:00:00.000Z", "2026-11-30T06:00:00.000Z"]);
    expect(iso(dataIntervalAt(schedule(null), at("2026-11-28T12:00:00Z")))).toEqual(["2026-11-28T12:00:00.000Z", "2026-11-28T12:00:00.000Z", "2026-11-28T12:00:00.000Z"]);
  });

  it("a run started by hand covers the last complete interval, as Airflow infers it for a manual run", () => {
    expect(iso(manualDataInterval(schedule("@daily"), at("2026-12-05T07:30:00Z")))).toEqual(["2026-12-04T00:00:00.000Z", "2026-12-04T00:00:00.000Z", "2026-12-05T00:00:00.000Z"]);
    // On a tick itself, the interval that just ended.
    expect(iso(manualDataInterval(schedule("@daily"), at("2026-12-05T00:00:00Z")))).toEqual(["2026-12-04T00:00:00.000Z", "2026-12-04T00:00:00.000Z", "2026-12-05T00:00:00.000Z"]);
    expect(iso(manualDataInterval(schedule("@hourly"), at("2026-12-05T07:30:00Z")))).toEqual(["2026-12-05T06:00:00.000Z", "2026-12-05T06:00:00.000Z", "2026-12-05T07:00:00.000Z"]);
    expect(iso(manualDataInterval(schedule(null), at("2026-12-05T07:30:00Z")))).toEqual(["2026-12-05T07:30:00.000Z", "2026-12-05T07:30:00.000Z", "2026-12-05T07:30:00.000Z"]);
  });
});
