import { describe, expect, it } from "vitest";
import { createLogger, type LoggerSettings } from "wfkit";

function capture(settings: Partial<LoggerSettings> = {}) {
  const lines: string[] = [];
  const logger = createLogger({ level: "info", format: "json", color: false, write: (l) => lines.push(l), ...settings });
  return { logger, lines };
}

describe("createLogger", () => {
  it("writes JSON lines with time, level, logger, message and every bound and per-call field", () => {
    const { logger, lines } = capture();
    const task = logger.child("Extract", { workflow: "w", run_id: "r1" });
    task.info("read", { rows: 3 });
    task.bind({ file: "a.csv" }).bind({ part: 2 }).warn("slow");
    const [first, second] = lines.map((l) => JSON.parse(l));
    expect(first).toMatchObject({ level: "info", logger: "Extract", message: "read", workflow: "w", run_id: "r1", rows: 3 });
    expect(Date.parse(first.time)).not.toBeNaN();
    expect(second).toMatchObject({ level: "warn", logger: "Extract", file: "a.csv", part: 2, workflow: "w" });
  });

  it("drops lines below its level and says so through isLevelEnabled", () => {
    const { logger, lines } = capture({ level: "warn" });
    logger.info("no");
    logger.debug("no");
    logger.error("yes");
    expect(lines.map((l) => JSON.parse(l).message)).toEqual(["yes"]);
    expect(logger.isLevelEnabled("info")).toBe(false);
    expect(logger.isLevelEnabled("fatal")).toBe(true);
  });

  it("names children with dots", () => {
    const { logger } = capture();
    expect(logger.child("wfkit").child("engine").child("local").name).toBe("wfkit.engine.local");
  });

  it("pretty lines show time, level, logger, message and per-call fields, without colour when off", () => {
    const { logger, lines } = capture({ format: "pretty" });
    logger.child("Load", { run_id: "hidden-in-pretty" }).info("loaded", { rows: 2, file: "a b.csv" });
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}Load loaded rows=2 file="a b\.csv"$/);
    expect(lines[0]).not.toContain("\u001b[");
  });

  it("serialises errors in fields as name, message and stack", () => {
    const { logger, lines } = capture();
    logger.error("failed", { error: new TypeError("bad") });
    expect(JSON.parse(lines[0]!).error).toMatchObject({ name: "TypeError", message: "bad" });
  });
});

describe("createLoggerFromConfig", () => {
  it("follows WF_LOG_LEVEL unless a level is given", async () => {
    const { createLoggerFromConfig, loadConfig } = await import("wfkit");
    const config = loadConfig({ WF_LOG_LEVEL: "warn", WF_LOG_FORMAT: "json" });
    expect(createLoggerFromConfig(config).isLevelEnabled("info")).toBe(false);
    expect(createLoggerFromConfig(config).isLevelEnabled("warn")).toBe(true);
    expect(createLoggerFromConfig(config, "debug").isLevelEnabled("debug")).toBe(true);
  });
});
