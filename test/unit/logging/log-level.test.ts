import { describe, expect, it } from "vitest";
import { LOG_LEVELS, type LogLevel } from "../../../src/logging/log-level.js";
import { logLevelId, logLevelName } from "../../../src/logging/log-level.js";

describe("log levels", () => {
  it("a level's id is its index in LOG_LEVELS, and back", () => {
    LOG_LEVELS.forEach((level, i) => {
      expect(logLevelId(level)).toBe(i);
      expect(logLevelName(i)).toBe(level);
    });
    expect(logLevelId("verbose" as LogLevel)).toBe(-1);
  });
});
