import { describe, expect, it } from "vitest";
import { parseSince } from "../../../src/run-log-query/since.js";
import { RunLogOptionsError } from "../../../src/run-log/errors.js";

describe("parseSince", () => {
  const now = Date.UTC(2026, 11, 3, 12);
  it("takes ages, dates and times", () => {
    expect(parseSince("7d", "--since", now).toISOString()).toBe("2026-11-26T12:00:00.000Z");
    expect(parseSince("12h", "--since", now).toISOString()).toBe("2026-12-03T00:00:00.000Z");
    expect(parseSince("30m", "--since", now).toISOString()).toBe("2026-12-03T11:30:00.000Z");
    expect(parseSince("2w", "--since", now).toISOString()).toBe("2026-11-19T12:00:00.000Z");
    expect(parseSince("2026-12-01", "--since", now).toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(parseSince("2026-12-01T10:00:00Z", "--since", now).toISOString()).toBe("2026-12-01T10:00:00.000Z");
  });
  it("refuses anything else, naming the option and the forms it takes", () => {
    expect(() => parseSince("last week", "--since", now)).toThrow(RunLogOptionsError);
    expect(() => parseSince("7 days", "--older-than", now)).toThrow(/--older-than "7 days": expected an age such as 7d/);
  });
});
