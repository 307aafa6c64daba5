import { describe, expect, it } from "vitest";
import { NodeSettingsSchema } from "../../../src/workflow/node-settings.js";

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
