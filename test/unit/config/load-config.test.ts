import { describe, expect, it } from "vitest";
import { WfkitError } from "wfkit";
import { ConfigError, loadConfig } from "wfkit/engine";
import { CONFIG_DEFAULTS } from "../../support/config-defaults.js";

function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("loadConfig did not throw");
}

describe("loadConfig", () => {
  it("returns the defaults when the environment is empty", () => {
    expect(loadConfig({})).toEqual(CONFIG_DEFAULTS);
  });

  it("reads and converts every WF_* variable", () => {
    expect(
      loadConfig({
        WF_HOME: "/tmp/wf",
        WF_LOG_LEVEL: "debug",
        WF_LOG_FORMAT: "json",
        WF_CONCURRENCY: "3",
        WF_RETRY_DELAY_SECONDS: "0",
        WF_INSTALL_ROOT: "/srv/wfkit",
      }),
    ).toEqual({
      ...CONFIG_DEFAULTS,
      WF_HOME: "/tmp/wf",
      WF_LOG_LEVEL: "debug",
      WF_LOG_FORMAT: "json",
      WF_CONCURRENCY: 3,
      WF_RETRY_DELAY_SECONDS: 0,
      WF_INSTALL_ROOT: "/srv/wfkit",
    });
  });

  it("treats empty and blank values as unset", () => {
    expect(loadConfig({ WF_HOME: "", WF_LOG_LEVEL: "", WF_CONCURRENCY: "", WF_RETRY_DELAY_SECONDS: "  " })).toEqual(
      loadConfig({}),
    );
  });

  it("trims surrounding whitespace", () => {
    expect(loadConfig({ WF_CONCURRENCY: " 4 ", WF_LOG_LEVEL: "warn\n" })).toMatchObject({
      WF_CONCURRENCY: 4,
      WF_LOG_LEVEL: "warn",
    });
  });

  it("ignores variables it does not know", () => {
    expect(loadConfig({ WF_UNKNOWN: "x", PATH: "/bin" })).toEqual(loadConfig({}));
  });

  it("reads the given environment, not process.env", () => {
    const saved = process.env["WF_CONCURRENCY"];
    process.env["WF_CONCURRENCY"] = "not a number";
    try {
      expect(loadConfig({}).WF_CONCURRENCY).toBe(16);
    } finally {
      if (saved === undefined) delete process.env["WF_CONCURRENCY"];
      else process.env["WF_CONCURRENCY"] = saved;
    }
  });

  it("throws one ConfigError listing every bad variable, with what it expects", () => {
    const error = configErrorOf({ WF_CONCURRENCY: "abc", WF_LOG_LEVEL: "loud", WF_HOME: "fine" });
    expect(error).toBeInstanceOf(WfkitError);
    expect(error.name).toBe("ConfigError");
    expect(error.problems.map((p) => p.variable).sort()).toEqual(["WF_CONCURRENCY", "WF_LOG_LEVEL"]);

    const concurrency = error.problems.find((p) => p.variable === "WF_CONCURRENCY")!;
    expect(concurrency.received).toBe("abc");
    expect(concurrency.message).toMatch(/expected number/);
    const level = error.problems.find((p) => p.variable === "WF_LOG_LEVEL")!;
    expect(level.received).toBe("loud");
    expect(level.message).toContain('"info"');

    expect(error.message).toContain("2 problems");
    expect(error.message).toContain('WF_CONCURRENCY="abc"');
    expect(error.message).toContain('WF_LOG_LEVEL="loud"');
    expect(error.message).toContain(concurrency.message);
    expect(error.message).toContain(level.message);
  });

  it("reports range problems", () => {
    const error = configErrorOf({ WF_CONCURRENCY: "0", WF_RETRY_DELAY_SECONDS: "-5", WF_LOG_FORMAT: "xml" });
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      "WF_CONCURRENCY",
      "WF_LOG_FORMAT",
      "WF_RETRY_DELAY_SECONDS",
    ]);
    expect(error.problems.find((p) => p.variable === "WF_CONCURRENCY")!.message).toMatch(/>=\s*1/);
  });
});
