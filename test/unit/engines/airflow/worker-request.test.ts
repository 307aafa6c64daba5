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

describe("compileWorkerTaskRequest: the DAG run's trace context (--trace-context)", () => {
  const parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  it("reads the conf's trace keys as the DAG's wf_trace_context renders them; empty is none", () => {
    expect(compile({ traceContext: JSON.stringify({ "airflow/dagrun_parent_trace_context": { traceparent: parent, tracestate: "a=b" } }) })).toMatchObject({ traceParent: { traceparent: parent, tracestate: "a=b" } });
    expect(compile({ traceContext: JSON.stringify({ "wfkit/traceparent": parent }) }).traceParent).toEqual({ traceparent: parent });
    const none = compile({ traceContext: "" });
    expect([none.traceParent, none.traceProblem]).toEqual([undefined, undefined]);
  });

  it("makes a bad one a problem to say, not a failure: the task runs in a trace of its own", () => {
    expect(compile({ traceContext: JSON.stringify({ "wfkit/traceparent": "00-bad" }) })).toMatchObject({ traceProblem: expect.stringMatching(/^wfkit\/traceparent "00-bad": not a traceparent/) as unknown });
    expect(compile({ traceContext: "{{ wf_trace_context(dag_run) }}" }).traceProblem).toMatch(/^--trace-context \/ WF_TRACE_CONTEXT is not JSON \(/);
    expect(compile({ traceContext: "[1]" }).traceProblem).toMatch(/not a JSON object/);
  });
});
