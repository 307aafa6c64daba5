import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NodeSettingsSchema, parseNodeSettings, type NodeSettingsInput } from "../../../src/workflow/node-settings.js";

const valid = { retries: 0, retryDelaySeconds: 60, queue: "default" };

describe("NodeSettingsSchema", () => {
  it("accepts valid settings, with an optional description", () => {
    expect(NodeSettingsSchema.parse(valid)).toEqual(valid);
    expect(NodeSettingsSchema.parse({ ...valid, retries: 3, retryDelaySeconds: 0.5, description: "d" })).toEqual({
      ...valid,
      retries: 3,
      retryDelaySeconds: 0.5,
      description: "d",
    });
  });

  it.each([
    ["negative retries", { retries: -1 }, "retries"],
    ["fractional retries", { retries: 1.5 }, "retries"],
    ["NaN retries", { retries: Number.NaN }, "retries"],
    ["infinite retries", { retries: Number.POSITIVE_INFINITY }, "retries"],
    ["string retries", { retries: "3" }, "retries"],
    ["negative retry delay", { retryDelaySeconds: -1 }, "retryDelaySeconds"],
    ["empty queue", { queue: "" }, "queue"],
    ["non-string queue", { queue: 1 }, "queue"],
    ["non-string description", { description: 5 }, "description"],
  ])("rejects %s", (_, change, key) => {
    const result = NodeSettingsSchema.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path[0])).toEqual([key]);
  });

  it("requires retries, retry delay and queue", () => {
    const result = NodeSettingsSchema.safeParse({});
    expect(result.error!.issues.map((i) => i.path[0]).sort()).toEqual(["queue", "retries", "retryDelaySeconds"]);
  });
});

describe("parseNodeSettings", () => {
  const same = (input: NodeSettingsInput) => {
    const fast = parseNodeSettings(input);
    const zod = NodeSettingsSchema.safeParse(input);
    expect(fast.success).toBe(zod.success);
    if (fast.success && zod.success) {
      // the same keys, in the same order, with the same values (-0 included)
      expect(Object.keys(fast.data)).toEqual(Object.keys(zod.data));
      for (const key of Object.keys(zod.data) as (keyof typeof zod.data)[]) expect(Object.is(fast.data[key], zod.data[key])).toBe(true);
    } else {
      expect(fast.error!.issues).toEqual(zod.error!.issues);
    }
  };

  it("gives what NodeSettingsSchema.safeParse gives, for any input", () => {
    const anyValue = fc.oneof(
      fc.integer({ min: -3, max: 5 }),
      fc.double(),
      fc.constantFrom(-0, 0.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, Number.POSITIVE_INFINITY, Number.NaN),
      fc.string({ maxLength: 3 }),
      fc.constantFrom(undefined, null, true, "default", "", {}, [], new Number(1)),
    );
    fc.assert(
      fc.property(anyValue, anyValue, anyValue, anyValue, (retries, retryDelaySeconds, queue, description) => {
        same({ retries, retryDelaySeconds, queue, description });
      }),
      { numRuns: 2000 },
    );
  });

  it("the usual settings, with and without a description", () => {
    same({ retries: 0, retryDelaySeconds: 60, queue: "default", description: undefined });
    same({ retries: 3, retryDelaySeconds: 0.5, queue: "cpu", description: "d" });
    same({ retries: -0, retryDelaySeconds: -0, queue: "q", description: undefined });
  });
});
