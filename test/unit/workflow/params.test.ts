import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ParamsValidationError, type ParamsSchema } from "wfkit";
import { checkParamsSchema, coerceParamValue, isParamsSchema, parseRunParams } from "../../../src/workflow/params.js";

function paramsError(fn: () => unknown): ParamsValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ParamsValidationError) return error;
    throw error;
  }
  throw new Error("did not throw");
}

const schema = z.object({
  date: z.string(),
  count: z.number().int().min(1).default(3),
  dryRun: z.boolean().default(false),
  mode: z.enum(["fast", "slow"]).optional(),
});

describe("isParamsSchema", () => {
  it("accepts zod object schemas only", () => {
    expect(isParamsSchema(schema)).toBe(true);
    expect(isParamsSchema(z.object({}))).toBe(true);
    expect(isParamsSchema(z.string())).toBe(false);
    expect(isParamsSchema(z.array(z.string()))).toBe(false);
    expect(isParamsSchema({})).toBe(false);
    expect(isParamsSchema({ shape: {} })).toBe(false);
    expect(isParamsSchema(null)).toBe(false);
    expect(isParamsSchema(undefined)).toBe(false);
  });

  it("recognises a schema from another copy of zod by its definition", () => {
    const foreign = { _zod: { def: { type: "object", shape: {} } } };
    expect(isParamsSchema(foreign)).toBe(true);
  });
});

describe("checkParamsSchema", () => {
  it("finds nothing wrong with no schema or a good one", () => {
    expect(checkParamsSchema(undefined)).toEqual([]);
    expect(checkParamsSchema(schema)).toEqual([]);
    expect(checkParamsSchema(z.object({ n: z.number().min(1).default(1).optional() }))).toEqual([]);
  });

  it.each<[string, unknown]>([
    ["a string schema", z.string()],
    ["a plain object", {}],
    ["null", null],
    ["a number", 42],
  ])("rejects %s", (_, value) => {
    const issues = checkParamsSchema(value);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: "invalid-params-schema", path: ["params"], tasks: [] });
    expect(issues[0]!.message).toContain("zod object schema");
  });

  it("names a zod 3 schema and says what to do", () => {
    const zod3Like = { _def: { typeName: "ZodObject" }, shape: {} };
    const [issue] = checkParamsSchema(zod3Like);
    expect(issue).toMatchObject({ code: "invalid-params-schema", path: ["params"] });
    expect(issue!.message).toContain("zod 3 schema; wfkit needs zod 4");
  });

  it("catches defaults that fail their own schema, each one", () => {
    const issues = checkParamsSchema(
      z.object({
        count: z.number().min(1).default(0),
        ok: z.number().default(0),
        name: z.string().min(3).default("ab"),
      }),
    );
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ["invalid-params-default", ["params", "count"]],
      ["invalid-params-default", ["params", "name"]],
    ]);
    expect(issues[0]!.message).toContain('param "count"');
    expect(issues[0]!.message).toContain("(0)");
    expect(issues[1]!.message).toContain('("ab")');
  });

  it("catches a bad default under optional, nullable or readonly", () => {
    const issues = checkParamsSchema(
      z.object({
        a: z.number().min(1).default(0).optional(),
        b: z.number().min(1).default(0).nullable(),
        c: z.number().min(1).default(0).readonly(),
      }),
    );
    expect(issues.map((i) => i.path[1])).toEqual(["a", "b", "c"]);
  });

  it("catches a bad prefault and a bad function default", () => {
    const issues = checkParamsSchema(
      z.object({ p: z.number().min(1).prefault(0), f: z.email().default(() => "nope") }),
    );
    expect(issues.map((i) => i.path[1])).toEqual(["p", "f"]);
  });
});

describe("parseRunParams", () => {
  it("applies defaults", () => {
    expect(parseRunParams(schema, { date: "2024-01-01" }, "wf")).toEqual({
      date: "2024-01-01",
      count: 3,
      dryRun: false,
    });
    expect(parseRunParams(schema, { date: "d", count: 5, mode: "fast" }, "wf")).toEqual({
      date: "d",
      count: 5,
      dryRun: false,
      mode: "fast",
    });
  });

  it("rejects an unknown parameter with a suggestion and the known names", () => {
    const error = paramsError(() => parseRunParams(schema, { date: "d", cuont: 2 }, "etl_1.0.0"));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]!.param).toBe("cuont");
    expect(error.problems[0]!.message).toContain('did you mean "count"?');
    expect(error.problems[0]!.message).toContain("known: date, count, dryRun, mode");
    expect(error.message).toContain("etl_1.0.0");
  });

  it("rejects an unknown parameter without a suggestion when nothing is close", () => {
    const error = paramsError(() => parseRunParams(schema, { date: "d", zzzzzz: 1 }, "wf"));
    expect(error.problems[0]!.message).not.toContain("did you mean");
  });

  it("reports every problem at once", () => {
    const error = paramsError(() =>
      parseRunParams(schema, { count: 0, dryRun: "yes", mode: "medium", colour: "red" }, "wf"),
    );
    expect(error.problems.map((p) => p.param).sort()).toEqual(["colour", "count", "date", "dryRun", "mode"]);
    for (const problem of error.problems) expect(error.message).toContain(`${problem.param}: ${problem.message}`);
  });

  it("reports an unknown name once even with a strict schema", () => {
    const error = paramsError(() => parseRunParams(z.object({ date: z.string() }).strict(), { date: "d", dat: "x" }, "wf"));
    expect(error.problems.map((p) => p.param)).toEqual(["dat"]);
    expect(error.problems[0]!.message).toContain('did you mean "date"?');
  });

  it("names nested problems by their path", () => {
    const nested = z.object({ range: z.object({ from: z.number() }) });
    const error = paramsError(() => parseRunParams(nested, { range: { from: "x" } }, "wf"));
    expect(error.problems.map((p) => p.param)).toEqual(["range.from"]);
  });

  it("rejects any params when the workflow has none", () => {
    expect(parseRunParams(undefined, {}, "wf")).toEqual({});
    const error = paramsError(() => parseRunParams(undefined, { date: "d", count: 1 }, "wf"));
    expect(error.problems).toEqual([
      { param: "date", message: "this workflow takes no parameters" },
      { param: "count", message: "this workflow takes no parameters" },
    ]);
  });

  it("says there are no known params for an empty schema", () => {
    const error = paramsError(() => parseRunParams(z.object({}), { x: 1 }, "wf"));
    expect(error.problems[0]!.message).toContain("known: (none)");
  });
});

describe("coerceParamValue", () => {
  const fields = z.object({
    s: z.string(),
    e: z.enum(["true", "007", "fast"]),
    n: z.number(),
    b: z.boolean(),
    a: z.array(z.string()),
    o: z.object({ x: z.number() }),
    sd: z.string().default("x"),
    so: z.string().optional(),
    snr: z.string().nullable().readonly(),
    nd: z.number().default(1),
    no: z.number().optional(),
    lit: z.literal("on"),
    numLit: z.literal(3),
    t: z.string().transform((s) => s.length),
    email: z.email(),
  });

  it("keeps the raw text for string fields", () => {
    expect(coerceParamValue(fields, "s", "007")).toBe("007");
    expect(coerceParamValue(fields, "s", "true")).toBe("true");
    expect(coerceParamValue(fields, "s", "null")).toBe("null");
    expect(coerceParamValue(fields, "s", '["a"]')).toBe('["a"]');
    expect(coerceParamValue(fields, "s", '"quoted"')).toBe('"quoted"');
    expect(coerceParamValue(fields, "email", "1")).toBe("1");
  });

  it("keeps the raw text for enum and string literal fields", () => {
    expect(coerceParamValue(fields, "e", "true")).toBe("true");
    expect(coerceParamValue(fields, "e", "007")).toBe("007");
    expect(coerceParamValue(fields, "lit", "on")).toBe("on");
  });

  it("parses JSON for number, boolean, array and object fields", () => {
    expect(coerceParamValue(fields, "n", "3")).toBe(3);
    expect(coerceParamValue(fields, "n", "-2.5")).toBe(-2.5);
    expect(coerceParamValue(fields, "b", "true")).toBe(true);
    expect(coerceParamValue(fields, "b", "false")).toBe(false);
    expect(coerceParamValue(fields, "a", '["x","y"]')).toEqual(["x", "y"]);
    expect(coerceParamValue(fields, "o", '{"x":1}')).toEqual({ x: 1 });
    expect(coerceParamValue(fields, "numLit", "3")).toBe(3);
  });

  it("falls back to the raw text when it is not JSON", () => {
    expect(coerceParamValue(fields, "n", "abc")).toBe("abc");
    expect(coerceParamValue(fields, "b", "yes")).toBe("yes");
    expect(coerceParamValue(fields, "a", "[x")).toBe("[x");
  });

  it("looks through default, optional, nullable and readonly wrappers", () => {
    expect(coerceParamValue(fields, "sd", "007")).toBe("007");
    expect(coerceParamValue(fields, "so", "true")).toBe("true");
    expect(coerceParamValue(fields, "snr", "1")).toBe("1");
    expect(coerceParamValue(fields, "nd", "7")).toBe(7);
    expect(coerceParamValue(fields, "no", "7")).toBe(7);
  });

  it("keeps the raw text for a string that is transformed", () => {
    expect(coerceParamValue(fields, "t", "42")).toBe("42");
    expect(coerceParamValue(fields, "t", "true")).toBe("true");
  });

  it("parses JSON for unknown fields and when there is no schema", () => {
    expect(coerceParamValue(fields, "unknown", "3")).toBe(3);
    expect(coerceParamValue(undefined, "x", "true")).toBe(true);
    expect(coerceParamValue(undefined, "x", "text")).toBe("text");
  });

  it("produces values that parseRunParams accepts", () => {
    const raw = { date: "2024-01-01", count: "4", dryRun: "true", mode: "fast" };
    const coerced = Object.fromEntries(
      Object.entries(raw).map(([k, v]) => [k, coerceParamValue(schema as ParamsSchema, k, v)]),
    );
    expect(parseRunParams(schema, coerced, "wf")).toEqual({ date: "2024-01-01", count: 4, dryRun: true, mode: "fast" });
  });
});
