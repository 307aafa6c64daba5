import { describe, expect, it } from "vitest";
import { z } from "zod";
import { collect, parseDateOption, parseParamArgs, parsePositiveInt } from "../../../cli/parse-options.js";
import { UsageError } from "../../../cli/errors.js";

describe("parseParamArgs", () => {
  const schema = z.object({ day: z.string(), limit: z.number().default(5), tags: z.array(z.string()).optional() });

  it("keeps text for string fields, parses JSON for the others, splits at the first =", () => {
    expect(parseParamArgs(["day=2026-01-01", "limit=10", 'tags=["a","b"]'], schema)).toEqual({
      day: "2026-01-01",
      limit: 10,
      tags: ["a", "b"],
    });
    expect(parseParamArgs(["day=a=b"], schema)).toEqual({ day: "a=b" });
    expect(parseParamArgs(["day="], schema)).toEqual({ day: "" });
  });

  it("rejects malformed and repeated pairs with a UsageError naming them", () => {
    expect(() => parseParamArgs(["limit"], schema)).toThrow(UsageError);
    expect(() => parseParamArgs(["=3"], schema)).toThrow(/expected key=value/);
    expect(() => parseParamArgs(["limit=1", "limit=2"], schema)).toThrow(/--param limit is given twice/);
  });

  it("collect accumulates repeated options", () => {
    expect(collect("b", collect("a"))).toEqual(["a", "b"]);
  });
});

describe("parsePositiveInt", () => {
  it("accepts whole numbers >= 1 only", () => {
    expect(parsePositiveInt("--concurrency", "4")).toBe(4);
    for (const bad of ["0", "-1", "1.5", "abc", "", "1e3", "99999999999999999999"]) {
      expect(() => parsePositiveInt("--concurrency", bad), bad).toThrow(/--concurrency .*expected a whole number >= 1/);
    }
  });
});

describe("parseDateOption", () => {
  it("takes YYYY-MM-DD as midnight UTC and an ISO date-time with an offset", () => {
    expect(parseDateOption("--logical-date", "2026-11-28")).toEqual(new Date("2026-11-28T00:00:00Z"));
    expect(parseDateOption("--logical-date", "2026-11-28T06:00:00+02:00")).toEqual(new Date("2026-11-28T04:00:00Z"));
  });

  it.each(["yesterday", "2026-11-28T06:00:00", "2026-13-01", ""])("refuses %j naming the option (exit 2)", (text) => {
    expect(() => parseDateOption("--logical-date", text)).toThrow(UsageError);
    expect(() => parseDateOption("--logical-date", text)).toThrow(`--logical-date ${JSON.stringify(text)}: expected a date`);
  });
});
