import { describe, expect, it } from "vitest";
import { didYouMeanSuffix } from "wfkit/engine";
import { didYouMean } from "../../../src/util/did-you-mean.js";

const tasks = ["Extract", "Transform", "Load"];

describe("didYouMean", () => {
  it("finds a close typo", () => {
    expect(didYouMean("Extrct", tasks)).toBe("Extract");
    expect(didYouMean("Tranform", tasks)).toBe("Transform");
    expect(didYouMean("Loaad", tasks)).toBe("Load");
  });

  it("counts a swap of two letters as close (4+ letters allow 2 edits)", () => {
    expect(didYouMean("Laod", tasks)).toBe("Load");
  });

  it("ignores case and returns the candidate as written", () => {
    expect(didYouMean("extract", tasks)).toBe("Extract");
    expect(didYouMean("EXTRACT", tasks)).toBe("Extract");
    expect(didYouMean("lOAD", tasks)).toBe("Load");
  });

  it("prefers the exact case-insensitive match over a near one", () => {
    expect(didYouMean("date", ["data", "Date"])).toBe("Date");
  });

  it("returns undefined for far strings", () => {
    expect(didYouMean("Zebra", tasks)).toBeUndefined();
    expect(didYouMean("Xyz", tasks)).toBeUndefined();
    expect(didYouMean("completely-different", tasks)).toBeUndefined();
  });

  it("allows only one edit for short input", () => {
    expect(didYouMean("ax", ["ab"])).toBe("ab");
    expect(didYouMean("xy", ["ab"])).toBeUndefined();
    expect(didYouMean("xyc", ["abc"])).toBeUndefined();
    expect(didYouMean("Lod", tasks)).toBe("Load");
  });

  it("returns undefined for an empty candidate list", () => {
    expect(didYouMean("Extract", [])).toBeUndefined();
    expect(didYouMean("", [])).toBeUndefined();
  });

  it("suggests the only candidate that starts with the input", () => {
    expect(didYouMean("retryDelay", ["retryDelaySeconds", "retries", "queue"])).toBe("retryDelaySeconds");
    expect(didYouMean("retrydelay", ["retryDelaySeconds", "queue"])).toBe("retryDelaySeconds");
  });

  it("does not guess between several candidates sharing the prefix, nor for prefixes under 3 letters", () => {
    expect(didYouMean("retryDel", ["retryDelaySeconds", "retryDelayMinutes"])).toBeUndefined();
    expect(didYouMean("re", ["retryDelaySeconds"])).toBeUndefined();
  });
});

describe("didYouMeanSuffix", () => {
  it("formats a suggestion, or nothing", () => {
    expect(didYouMeanSuffix("Extrct", tasks)).toBe(' (did you mean "Extract"?)');
    expect(didYouMeanSuffix("Zebra", tasks)).toBe("");
    expect(didYouMeanSuffix("Extract", [])).toBe("");
  });
});
