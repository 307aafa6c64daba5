import { describe, expect, it } from "vitest";
import { groupBy } from "../../../src/util/group-by.js";

describe("groupBy", () => {
  it("groups items by key, groups and items in first-seen order", () => {
    expect([...groupBy(["b1", "a1", "b2", "c1", "a2"], (s) => s[0])]).toEqual([
      ["b", ["b1", "b2"]],
      ["a", ["a1", "a2"]],
      ["c", ["c1"]],
    ]);
    expect(groupBy([], (s: string) => s).size).toBe(0);
  });
});
