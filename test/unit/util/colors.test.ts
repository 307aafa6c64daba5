import { describe, expect, it } from "vitest";
import { colors, wantsColor } from "../../../src/util/colors.js";

describe("wantsColor", () => {
  it("wants colour only on a terminal without NO_COLOR or TERM=dumb", () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: true }, { TERM: "xterm-256color", CI: "true" })).toBe(true);
    expect(wantsColor({ isTTY: false }, { CI: "true", FORCE_COLOR: "1" })).toBe(false);
    expect(wantsColor({}, {})).toBe(false);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: "" })).toBe(false);
    expect(wantsColor({ isTTY: true }, { TERM: "dumb" })).toBe(false);
  });

  it("its painters always paint; the decision is the caller's", () => {
    expect(colors.red("x")).toBe("\u001b[31mx\u001b[39m");
  });
});
