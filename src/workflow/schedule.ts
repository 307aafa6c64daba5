import { Cron } from "croner";
import * as z from "zod";
import { pure } from "../util/pure.js";

/** A date as options take it: a Date, `YYYY-MM-DD` (midnight UTC) or an ISO date-time with an offset. */
export const DateInputSchema = /* @__PURE__ */ pure(() => z
  .union([z.date(), z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((value) => (typeof value === "string" ? new Date(value.length === 10 ? `${value}T00:00:00Z` : value) : value))
  .refine((date) => !Number.isNaN(date.getTime()), "is not a valid date"));

/**
 * Airflow's cron presets (`airflow.sdk.definitions.timetables._cron.CRON_PRESETS`), expanded the
 * way Airflow expands them, so that a preset means the same here as on Airflow.
 */
export const CRON_PRESETS: Readonly<Record<string, string>> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@quarterly": "0 0 1 */3 *",
  "@yearly": "0 0 1 1 *",
};

/** A run's logical date and the data interval it covers, both in UTC. */
export interface DataInterval {
  /** Airflow's logical date: the start of the interval for a scheduled run. */
  readonly logicalDate: Date;
  readonly start: Date;
  readonly end: Date;
}

/** A schedule, checked: cron (presets expanded), `@once`, or none. */
export type Schedule = { kind: "cron"; expression: string; cron: Cron } | { kind: "once" } | { kind: "none" };

/**
 * Parse a workflow's `schedule`: a five-field cron expression, one of Airflow's presets
 * (`@daily`…), `@once`, or null. Returns a problem text instead of throwing, for validation.
 * Croner parses the cron (Airflow's croniter takes the same five-field syntax); wfkit insists on
 * exactly five fields because croner reads a sixth as seconds at the front and croniter at the end.
 */
export function parseSchedule(schedule: string | null): Schedule | { problem: string } {
  if (schedule === null) return { kind: "none" };
  if (schedule === "@once") return { kind: "once" };
  const expression = CRON_PRESETS[schedule] ?? schedule;
  if (expression.startsWith("@")) {
    return { problem: `schedule "${schedule}" is not a preset Airflow knows; use one of ${[...Object.keys(CRON_PRESETS), "@once"].join(", ")}, a cron expression ("0 6 * * *") or null` };
  }
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    return { problem: `schedule "${schedule}" is not a cron expression: it needs five fields (minute hour day-of-month month day-of-week), like "0 6 * * 1-5"; or use a preset such as "@daily"` };
  }
  try {
    return { kind: "cron", expression: fields.join(" "), cron: new Cron(fields.join(" "), { timezone: "UTC", paused: true }) };
  } catch (error) {
    return { problem: `schedule "${schedule}" is not a valid cron expression (${(error as Error).message.replace(/^CronPattern: /, "")}); write it as five fields, like "0 6 * * 1-5"` };
  }
}

/**
 * The data interval of a run with logical date `logicalDate`, as Airflow's
 * `CronDataIntervalTimetable` (which wfkit's DAG files use on Airflow 2 and 3) gives a scheduled
 * or backfilled run: from the logical date to the schedule's next tick. Without a cron schedule
 * the interval is the instant itself, as Airflow gives an unscheduled run.
 */
export function dataIntervalAt(schedule: Schedule, logicalDate: Date): DataInterval {
  if (schedule.kind !== "cron") return { logicalDate, start: logicalDate, end: logicalDate };
  const end = schedule.cron.nextRun(logicalDate) ?? logicalDate;
  return { logicalDate, start: logicalDate, end };
}

/**
 * The data interval of a run started by hand at `now` with no logical date, as Airflow infers it
 * for a manual run (`infer_manual_data_interval`): the last complete interval before `now`, its
 * start the logical date. Without a cron schedule, the instant `now`.
 */
export function manualDataInterval(schedule: Schedule, now: Date): DataInterval {
  if (schedule.kind !== "cron") return { logicalDate: now, start: now, end: now };
  // The latest tick at or before `now` ends the interval; the tick before it starts it.
  const next = schedule.cron.nextRun(new Date(now.getTime() - 1000));
  const end = next !== null && next.getTime() <= now.getTime() ? next : (schedule.cron.previousRuns(1, now)[0] ?? now);
  const start = schedule.cron.previousRuns(1, end)[0] ?? end;
  return { logicalDate: start, start, end };
}
