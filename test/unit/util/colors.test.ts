import { describe, expect, it } from "vitest";
import { colors, wantsColor } from "../../../src/util/colors.js";

describe("wantsColor", () => {
  it("wants colour only on a terminal without NO_COLOR, NODE_DISABLE_COLORS or TERM=dumb", () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: true }, { TERM: "xterm-256color", CI: "true" })).toBe(true);
    expect(wantsColor({ isTTY: false }, { CI: "true" })).toBe(false);
    expect(wantsColor({}, {})).toBe(false);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: "" })).toBe(false);
    expect(wantsColor({ isTTY: true }, { NODE_DISABLE_COLORS: "1" })).toBe(false);
    expect(wantsColor({ isTTY: true }, { TERM: "dumb" })).toBe(false);
  });

  it("lets FORCE_COLOR decide when it is set, as Node does", () => {
    for (const on of ["", "1", "2", "3", "true"]) {
      expect(wantsColor({ isTTY: false }, { FORCE_COLOR: on })).toBe(true);
      expect(wantsColor({ isTTY: true }, { FORCE_COLOR: on, NO_COLOR: "1" })).toBe(true);
    }
    for (const off of ["0", "false", "no"]) expect(wantsColor({ isTTY: true }, { FORCE_COLOR: off })).toBe(false);
  });

  it("its painters always paint; the decision is the caller's", () => {
    expect(colors.red("x")).toBe("\u001b[31mx\u001b[39m");
  });
});
