import { describe, expect, it } from "vitest";
import { isReservedConfKey, traceParentOfConf, traceParentProblem, traceStateProblem } from "../../../src/telemetry/trace-parent.js";

const PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

describe("traceParentProblem", () => {
  it("accepts a W3C traceparent and says what is wrong with anything else", () => {
    expect(traceParentProblem(PARENT)).toBeUndefined();
    expect(traceParentProblem("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra")).toBeUndefined();
    expect(traceParentProblem("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01")).toMatch(/not a traceparent.*lower case/);
    expect(traceParentProblem("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")).toMatch(/version ff is invalid/);
    expect(traceParentProblem(`${PARENT}-extra`)).toMatch(/version 00 has four fields/);
    expect(traceParentProblem("00-00000000000000000000000000000000-b7ad6b7169203331-01")).toMatch(/trace id is all zeros/);
    expect(traceParentProblem("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")).toMatch(/span id is all zeros/);
  });

  it("checks tracestate members", () => {
    expect(traceStateProblem("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7")).toBeUndefined();
    expect(traceStateProblem("Congo=t61")).toMatch(/"Congo=t61" is not a tracestate member/);
    expect(traceStateProblem(Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(","))).toMatch(/at most 32 members, not 33/);
  });
});

describe("traceParentOfConf", () => {
  it("reads wfkit's key first, then Airflow's string or mapping", () => {
    expect(traceParentOfConf({})).toBeUndefined();
    expect(traceParentOfConf({ "wfkit/traceparent": PARENT, "wfkit/tracestate": "a=b" })).toEqual({ traceparent: PARENT, tracestate: "a=b" });
    expect(traceParentOfConf({ "airflow/dagrun_parent_trace_context": PARENT })).toEqual({ traceparent: PARENT });
    expect(traceParentOfConf({ "airflow/dagrun_parent_trace_context": { traceparent: PARENT, tracestate: "a=b" } })).toEqual({ traceparent: PARENT, tracestate: "a=b" });
    const other = "00-11111111111111111111111111111111-2222222222222222-01";
    expect(traceParentOfConf({ "wfkit/traceparent": other, "airflow/dagrun_parent_trace_context": PARENT })).toEqual({ traceparent: other });
  });

  it("treats an empty value or mapping as absent, drops a bad tracestate and names a bad traceparent's key", () => {
    expect(traceParentOfConf({ "wfkit/traceparent": "", "airflow/dagrun_parent_trace_context": {} })).toBeUndefined();
    expect(traceParentOfConf({ "wfkit/traceparent": PARENT, "wfkit/tracestate": "BAD" })).toEqual({ traceparent: PARENT });
    expect(() => traceParentOfConf({ "wfkit/traceparent": "nope" })).toThrow(/^wfkit\/traceparent "nope": not a traceparent/);
    expect(() => traceParentOfConf({ "airflow/dagrun_parent_trace_context": { traceparent: 42 } })).toThrow(/airflow\/dagrun_parent_trace_context\.traceparent is a number/);
  });

  it("knows conf keys that are settings, not params", () => {
    expect(isReservedConfKey("wfkit/traceparent")).toBe(true);
    expect(isReservedConfKey("airflow/trace_sampled")).toBe(true);
    expect(isReservedConfKey("limit")).toBe(false);
  });
});
