import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { boxWidth, wrap } from "../../../src/util/word-wrap.js";

describe("wrap", () => {
  it("breaks at spaces, keeps indentation, cuts words longer than the width", () => {
    expect(wrap("short", 10)).toEqual(["short"]);
    expect(wrap("the quick brown fox jumps", 10)).toEqual(["the quick", "brown fox", "jumps"]);
    expect(wrap("  WF_X=1: expected a number here", 16)).toEqual(["  WF_X=1:", "  expected a", "  number here"]);
    expect(wrap("abcdefghijklmnop", 5)).toEqual(["abcde", "fghij", "klmno", "p"]);
  });

  it("no line is wider than asked and no non-space character is lost", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 10, max: 80 }), (text, width) => {
        const line = text.replace(/\n/g, " ");
        const lines = wrap(line, width);
        for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
        expect(lines.join("").replace(/ /g, "")).toBe(line.replace(/ /g, ""));
      }),
    );
  });

  it("box width follows the terminal within bounds", () => {
    expect(boxWidth(undefined)).toBe(96);
    expect(boxWidth(20)).toBe(96);
    expect(boxWidth(80)).toBe(76);
    expect(boxWidth(300)).toBe(116);
  });
});
