import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NodeSettingsSchema, parseNodeSettings, retryDelayBefore, type NodeSettingsInput } from "../../../src/workflow/node-settings.js";

const valid = { retries: 0, retryDelaySeconds: 60, retryExponentialBackoff: false, queue: "default", poolSlots: 1, priorityWeight: 1, triggerRule: "all_success" };
const unset = { maxRetryDelaySeconds: undefined, timeoutSeconds: undefined, pool: undefined, owner: undefined, description: undefined };

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
    ["zero timeout", { timeoutSeconds: 0 }, "timeoutSeconds"],
    ["zero pool slots", { poolSlots: 0 }, "poolSlots"],
    ["fractional priority", { priorityWeight: 1.5 }, "priorityWeight"],
    ["a priority past 32 bits", { priorityWeight: 2 ** 31 }, "priorityWeight"],
    ["an unknown trigger rule", { triggerRule: "always" }, "triggerRule"],
    ["empty pool", { pool: "" }, "pool"],
    ["non-boolean backoff", { retryExponentialBackoff: 1 }, "retryExponentialBackoff"],
  ])("rejects %s", (_, change, key) => {
    const result = NodeSettingsSchema.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path[0])).toEqual([key]);
  });

  it("requires the settings that have a default", () => {
    const result = NodeSettingsSchema.safeParse({});
    expect(result.error!.issues.map((i) => i.path[0]).sort()).toEqual(["poolSlots", "priorityWeight", "queue", "retries", "retryDelaySeconds", "retryExponentialBackoff", "triggerRule"]);
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
      fc.property(
        fc.record({
          retries: anyValue,
          retryDelaySeconds: anyValue,
          queue: anyValue,
          description: anyValue,
          timeoutSeconds: anyValue,
          pool: anyValue,
          poolSlots: fc.oneof(anyValue, fc.constant(1)),
          priorityWeight: fc.oneof(anyValue, fc.constant(1)),
          triggerRule: fc.constantFrom("all_success", "all_done", "", undefined),
          retryExponentialBackoff: fc.constantFrom(false, true, 0, undefined),
        }),
        (change) => same({ ...valid, ...unset, ...change }),
      ),
      { numRuns: 2000 },
    );
  });

  it("the usual settings, with and without a description", () => {
    same({ ...valid, ...unset });
    same({ ...valid, ...unset, retries: 3, retryDelaySeconds: 0.5, queue: "cpu", description: "d", timeoutSeconds: 30, pool: "db", owner: "data" });
    same({ ...valid, ...unset, retries: -0, retryDelaySeconds: -0, queue: "q" });
    same({ ...valid, ...unset, poolSlots: 2, priorityWeight: 10, triggerRule: "all_done", retryExponentialBackoff: true, maxRetryDelaySeconds: 600 });
  });
});

describe("retryDelayBefore", () => {
  it("is the retry delay without backoff", () => {
    expect([2, 3, 4].map((n) => retryDelayBefore({ retryDelaySeconds: 30, retryExponentialBackoff: false }, n))).toEqual([30, 30, 30]);
  });

  it("doubles after each failed attempt with backoff, from at least a second, up to the maximum (Airflow's formula without its jitter)", () => {
    expect([2, 3, 4, 5].map((n) => retryDelayBefore({ retryDelaySeconds: 30, retryExponentialBackoff: true }, n))).toEqual([30, 60, 120, 240]);
    expect([2, 3, 4, 5].map((n) => retryDelayBefore({ retryDelaySeconds: 30, retryExponentialBackoff: true, maxRetryDelaySeconds: 100 }, n))).toEqual([30, 60, 100, 100]);
    expect([2, 3].map((n) => retryDelayBefore({ retryDelaySeconds: 0, retryExponentialBackoff: true }, n))).toEqual([1, 1]);
  });
});
