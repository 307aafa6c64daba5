import { describe, expect, it } from "vitest";
import { ConfigError, createLoggerFromConfig, loadConfig, loggerOptionsFromConfig } from "wfkit/engine";
import { compileLoggerOptions } from "../../../src/logging/logger-options.js";

const tty = { stdout: { isTTY: true }, stderr: { isTTY: true } };
const piped = { stdout: {}, stderr: {} };

describe("loggerOptionsFromConfig", () => {
  it("auto: pretty with colour and short failure reports on a terminal, JSON elsewhere", () => {
    const config = loadConfig({});
    expect(loggerOptionsFromConfig(config, undefined, tty, {})).toMatchObject({ format: "pretty", color: true, interactive: true, exceptionFormatter: "pretty" });
    expect(loggerOptionsFromConfig(config, undefined, piped, {})).toMatchObject({ format: "json", color: false, interactive: false, exceptionFormatter: "plain" });
    expect(loggerOptionsFromConfig(config, undefined, tty, { NO_COLOR: "1" })).toMatchObject({ color: false });
    // stderr decides, where the lines go: `wf run --json > out.json` in a terminal keeps pretty lines,
    // and `wf run 2> log.jsonl` writes JSON there although stdout is a terminal.
    expect(loggerOptionsFromConfig(config, undefined, { stdout: {}, stderr: { isTTY: true } }, {})).toMatchObject({ format: "pretty", interactive: true });
    expect(loggerOptionsFromConfig(config, undefined, { stdout: { isTTY: true }, stderr: {} }, {})).toMatchObject({ format: "json", interactive: false });
    // FORCE_COLOR as Node reads it: 0 turns colour off on a terminal.
    expect(loggerOptionsFromConfig(config, undefined, tty, { FORCE_COLOR: "0" })).toMatchObject({ format: "pretty", color: false });
  });

  it("maps every WF_LOG_* and WF_SYSLOG_* variable", () => {
    const config = loadConfig({
      WF_LOG_LEVEL: "warn",
      WF_LOG_LEVEL_MODULE: "wfkit=debug",
      WF_LOG_FORMAT: "ltsv",
      WF_LOG_METADATA: "timestamp, level ,task,message",
      WF_LOG_CONSOLE_FORMAT: "{level} {message}",
      WF_LOG_MASK_KEYS: "pin,otp",
      WF_LOG_EXCEPTION_FORMATTER: "plain",
      WF_SYSLOG_ENABLED: "true",
      WF_SYSLOG_HOST: "127.0.0.1",
      WF_SYSLOG_PORT: "6514",
      WF_SYSLOG_PROTOCOL: "tcp",
      WF_SYSLOG_FACILITY: "local3",
    });
    const options = loggerOptionsFromConfig(config, "debug", tty, {});
    expect(options).toMatchObject({
      level: "debug",
      moduleLevels: "wfkit=debug",
      format: "ltsv",
      metadata: ["timestamp", "level", "task", "message"],
      consoleFormat: "{level} {message}",
      maskKeys: ["pin", "otp"],
      exceptionFormatter: "plain",
      syslog: { host: "127.0.0.1", port: 6514, protocol: "tcp", facility: "local3" },
    });
    expect(() => compileLoggerOptions(options)).not.toThrow();
    expect(loggerOptionsFromConfig(loadConfig({}), undefined, tty, {}).syslog).toBeUndefined();
  });

  it("a root logger from the configuration follows WF_LOG_LEVEL unless a level is given", () => {
    const config = loadConfig({ WF_LOG_LEVEL: "warn", WF_LOG_FORMAT: "json" });
    expect(createLoggerFromConfig(config).isLevelEnabled("info")).toBe(false);
    expect(createLoggerFromConfig(config, "debug").isLevelEnabled("debug")).toBe(true);
  });
});

describe("bad logging configuration", () => {
  it("lists every offending variable with what is expected, at once", () => {
    let error: unknown;
    try {
      loadConfig({
        WF_LOG_LEVEL: "loud",
        WF_LOG_LEVEL_MODULE: "wfkit=chatty;nope",
        WF_LOG_FORMAT: "xml",
        WF_LOG_METADATA: "timestamp,bad field",
        WF_LOG_CONSOLE_FORMAT: "{oops",
        WF_LOG_EXCEPTION_FORMATTER: "fancy",
        WF_SYSLOG_ENABLED: "perhaps",
        WF_SYSLOG_PORT: "70000",
        WF_SYSLOG_PROTOCOL: "quic",
        WF_SYSLOG_FACILITY: "local9",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(new Set(problems.map((p) => p.variable))).toEqual(
      new Set([
        "WF_LOG_LEVEL",
        "WF_LOG_LEVEL_MODULE",
        "WF_LOG_FORMAT",
        "WF_LOG_METADATA",
        "WF_LOG_CONSOLE_FORMAT",
        "WF_LOG_EXCEPTION_FORMATTER",
        "WF_SYSLOG_ENABLED",
        "WF_SYSLOG_PORT",
        "WF_SYSLOG_PROTOCOL",
        "WF_SYSLOG_FACILITY",
      ]),
    );
    const text = (error as Error).message;
    expect(text).toContain('"wfkit=chatty": level must be one of');
    expect(text).toContain('"nope" is not logger=level');
    expect(text).toContain('"bad field" is not a field name');
    expect(text).toContain('"{oops" is not closed');
  });
});
