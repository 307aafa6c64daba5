import { describe, expect, it } from "vitest";
import { WfkitError } from "wfkit";
import { ConfigError } from "wfkit/engine";

describe("ConfigError", () => {
  it("lists every problem with its variable and received value", () => {
    const error = new ConfigError([
      { variable: "WF_A", received: "x", message: "expected a number" },
      { variable: "WF_B", received: 'say "hi"', message: "expected a level" },
    ]);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(WfkitError);
    expect(error.name).toBe("ConfigError");
    expect(error.problems).toHaveLength(2);
    expect(error.message).toBe(
      'invalid configuration (2 problems); fix or unset these environment variables:\n  WF_A="x": expected a number\n  WF_B="say \\"hi\\"": expected a level',
    );
  });

  it("says problem in the singular for one, and shows a missing value as empty", () => {
    const error = new ConfigError([{ variable: "WF_A", received: undefined, message: "required" }]);
    expect(error.message).toBe('invalid configuration (1 problem); fix or unset this environment variable:\n  WF_A="": required');
  });
});
