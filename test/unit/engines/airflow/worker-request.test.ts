import { describe, expect, it } from "vitest";
import { compileWorkerTaskRequest } from "../../../../engines/airflow/index.js";
import { loadConfig } from "wfkit/engine";

const compile = (options: Record<string, string>) => compileWorkerTaskRequest("flows.ts", { task: "Load", ...options }, loadConfig({}), {}, "/tmp");

describe("compileWorkerTaskRequest: the DAG run's dates", () => {
  it("takes the logical date and data interval as Airflow renders them, in UTC", () => {
    const request = compile({ logicalDate: "2026-11-28T00:00:00+00:00", dataIntervalStart: "2026-11-28T00:00:00+00:00", dataIntervalEnd: "2026-11-29T01:00:00+01:00" });
    expect(request.dates).toEqual({ logicalDate: "2026-11-28T00:00:00.000Z", start: "2026-11-28T00:00:00.000Z", end: "2026-11-29T00:00:00.000Z" });
  });

  it("treats an empty date as not given (an Airflow 3 run without a logical date renders it so)", () => {
    expect(compile({ logicalDate: "", dataIntervalStart: "", dataIntervalEnd: "" }).dates).toEqual({});
    expect(compile({}).dates).toEqual({});
  });

  it("refuses a date that is no date, and half an interval, naming the option", () => {
    expect(() => compile({ logicalDate: "yesterday" })).toThrow(/--logical-date "yesterday": expected an ISO 8601 date-time/);
    expect(() => compile({ dataIntervalStart: "2026-11-28T00:00:00Z" })).toThrow(/--data-interval-start and --data-interval-end go together/);
  });
});
