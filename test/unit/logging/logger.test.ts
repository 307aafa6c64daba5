import { describe, expect, it } from "vitest";
import logfmt from "logfmt";
import { createLogger, type LoggerOptions } from "wfkit/engine";
import { createSilentLogger } from "../../../src/logging/logger.js";
import { TASK_FIELDS } from "../../../src/logging/log-fields.js";

/** A logger whose lines land in `lines`. */
export function capture(options: LoggerOptions = {}) {
  const lines: string[] = [];
  const logger = createLogger({ level: "info", format: "json", ...options, destination: (l) => lines.push(l) });
  return { logger, lines };
}

const TASK_BINDING = { workflow: "etl", version: "1.0.0", dag_id: "etl_1.0.0", task: "Extract", run_id: "r-1", attempt: 1 };

/** LTSV: label:value fields separated by tabs (ltsv.org). */
function parseLtsv(line: string): [string, string][] {
  return line.split("\t").map((field) => {
    const colon = field.indexOf(":");
    return [field.slice(0, colon), field.slice(colon + 1)];
  });
}

describe("createLogger: JSON", () => {
  it("writes timestamp, level, logger, message, then bound fields in binding order, then the call's fields", () => {
    const { logger, lines } = capture();
    logger.child("Extract", TASK_BINDING).bind({ host: "w1" }).bind({ team: "data" }).info("read", { rows: 3 });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(line)).toEqual(["timestamp", "level", "logger", "message", ...TASK_FIELDS, "host", "team", "rows"]);
    expect(line).toMatchObject({ level: "info", logger: "Extract", message: "read", host: "w1", team: "data", rows: 3, attempt: 1 });
    expect(line["timestamp"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("lets a call's field replace a bound one on that line only, and keeps the standard fields its own", () => {
    const { logger, lines } = capture();
    const task = logger.child("T", { attempt: 1, step: "a" });
    task.info("x", { attempt: 2, message: "user's", level: 9 });
    task.info("y");
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ attempt: 2, step: "a", message: "x", level: "info", "field.message": "user's", "field.level": 9 });
    expect(Object.keys(first!).filter((k) => k === "attempt")).toHaveLength(1);
    expect(second).toMatchObject({ attempt: 1, message: "y" });
  });

  it("serialises errors, dates, nested objects, bigints and cycles without throwing", () => {
    const { logger, lines } = capture();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic["self"] = cyclic;
    const error = new TypeError("bad", { cause: new Error("root") });
    logger.error("failed", { error, when: new Date(0), nested: { deep: [1, { x: "y" }] }, big: 12n, cyclic, nothing: undefined });
    const line = JSON.parse(lines[0]!) as Record<string, any>;
    expect(line["error"]).toMatchObject({ name: "TypeError", message: "bad", cause: { name: "Error", message: "root" } });
    expect(line["error"].stack).toContain("TypeError: bad");
    expect(line).toMatchObject({ when: "1970-01-01T00:00:00.000Z", nested: { deep: [1, { x: "y" }] }, big: "12", cyclic: { a: 1, self: "[Circular]" } });
    expect("nothing" in line).toBe(false);
  });
});

describe("levels", () => {
  it("drops lines below the level and says so through isLevelEnabled", () => {
    const { logger, lines } = capture({ level: "warn" });
    logger.info("no");
    logger.debug("no");
    logger.trace("no");
    logger.warn("yes");
    logger.error("yes");
    logger.fatal("yes");
    expect(lines.map((l) => JSON.parse(l).level)).toEqual(["warn", "error", "fatal"]);
    expect(logger.isLevelEnabled("info")).toBe(false);
    expect(logger.isLevelEnabled("warn")).toBe(true);
  });

  it("per logger: the longest matching name or dotted prefix wins", () => {
    const { logger, lines } = capture({
      level: "info",
      moduleLevels: "wfkit=warn; wfkit.engine.local=debug;wfkit.events=error;my.task=warn",
    });
    const say = (name: string) => {
      const l = logger.child(name);
      l.debug(`${name} debug`);
      l.info(`${name} info`);
      l.warn(`${name} warn`);
      l.error(`${name} error`);
    };
    for (const name of ["wfkit.engine.local", "wfkit.engine.local.child", "wfkit.engine.airflow", "wfkit.events", "wfkitx", "my.task", "my", "Extract"]) say(name);
    const got = lines.map((l) => JSON.parse(l).message as string);
    expect(got).toEqual([
      "wfkit.engine.local debug",
      "wfkit.engine.local info",
      "wfkit.engine.local warn",
      "wfkit.engine.local error",
      "wfkit.engine.local.child debug",
      "wfkit.engine.local.child info",
      "wfkit.engine.local.child warn",
      "wfkit.engine.local.child error",
      "wfkit.engine.airflow warn",
      "wfkit.engine.airflow error",
      "wfkit.events error",
      "wfkitx info",
      "wfkitx warn",
      "wfkitx error",
      "my.task warn",
      "my.task error",
      "my info",
      "my warn",
      "my error",
      "Extract info",
      "Extract warn",
      "Extract error",
    ]);
  });

  it("names children with dots; bind keeps the name and the level", () => {
    const { logger } = capture({ moduleLevels: [{ logger: "a.b", level: "error" }] });
    const child = logger.child("a").child("b");
    expect(child.name).toBe("a.b");
    expect(child.bind({ k: 1 }).name).toBe("a.b");
    expect(child.bind({ k: 1 }).isLevelEnabled("warn")).toBe(false);
  });

  it("rejects bad options with every problem at once", () => {
    expect(() => createLogger({ level: "loud" as never, moduleLevels: "a=verbose;b", consoleFormat: "{oops", destination: () => {} })).toThrow(
      /level[\s\S]*moduleLevels: "a=verbose"[\s\S]*moduleLevels: "b"[\s\S]*|level/,
    );
    try {
      createLogger({ moduleLevels: "a=verbose;b", consoleFormat: "{oops", destination: () => {} });
      expect.unreachable();
    } catch (error) {
      expect((error as { problems: string[] }).problems).toHaveLength(3);
    }
  });

  it("a silent logger writes nothing", () => {
    const silent = createSilentLogger();
    silent.error("nothing");
    expect(silent.isLevelEnabled("error")).toBe(false);
  });
});

describe("WF_LOG_METADATA: exactly the selected fields, in order, in every format", () => {
  const metadata = ["level", "task", "run_id", "message", "custom", "timestamp"];
  const emit = (format: "json" | "logfmt" | "ltsv" | "pretty") => {
    const { logger, lines } = capture({ format, metadata });
    logger.child("Extract", TASK_BINDING).bind({ custom: "c v" }).info("hello world", { extra: "not selected" });
    logger.child("wfkit.engine.local").info("no task here");
    return lines;
  };

  it("json", () => {
    const [task, own] = emit("json").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(task!)).toEqual(metadata);
    expect(task).toMatchObject({ level: "info", task: "Extract", run_id: "r-1", message: "hello world", custom: "c v" });
    expect(Object.keys(own!)).toEqual(["level", "message", "timestamp"]);
  });

  it("logfmt (parsed with the logfmt package)", () => {
    const [task] = emit("logfmt");
    expect(Object.keys(logfmt.parse(task!))).toEqual(metadata);
    expect(logfmt.parse(task!)).toMatchObject({ level: "info", task: "Extract", run_id: "r-1", message: "hello world", custom: "c v" });
  });

  it("ltsv", () => {
    const [task] = emit("ltsv");
    const fields = parseLtsv(task!);
    expect(fields.map(([k]) => k)).toEqual(metadata);
    expect(Object.fromEntries(fields)).toMatchObject({ level: "info", task: "Extract", run_id: "r-1", message: "hello world", custom: "c v" });
  });

  it("pretty: built-ins as values, other fields as key=value", () => {
    const [task] = emit("pretty");
    expect(task).toMatch(/^INFO task=Extract run_id=r-1 hello world custom="c v" \d{4}-\d\d-\d\dT[\d:.]+Z$/);
  });

  it("`*` stands for every other bound and per-call field; the message comes last when not named", () => {
    const { logger, lines } = capture({ metadata: ["level", "*"] });
    logger.child("T", { a: 1, b: 2 }).info("m", { c: 3, a: 9 });
    expect(Object.entries(JSON.parse(lines[0]!) as object)).toEqual([
      ["level", "info"],
      ["b", 2],
      ["c", 3],
      ["a", 9],
      ["message", "m"],
    ]);
  });
});

describe("formats with the default layout", () => {
  const hostile = {
    quote: 'say "hi"',
    backslash: "C:\\temp\\new",
    equals: "a=b c=d",
    tabs: "a\tb",
    newline: "line1\nline2\r\nline3",
    unicode: "Zürich ✓ 🚀",
    empty: "",
  };

  it("logfmt: one line, every key, values round-trip through the logfmt parser", () => {
    const { logger, lines } = capture({ format: "logfmt" });
    logger.child("Extract", TASK_BINDING).info("two words", hostile);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\n\r\t]/);
    const parsed = logfmt.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["timestamp", "level", "logger", "message", ...TASK_FIELDS, ...Object.keys(hostile)]);
    expect(parsed).toMatchObject({ message: "two words", quote: hostile.quote, backslash: hostile.backslash, equals: hostile.equals, unicode: hostile.unicode, empty: "" });
    // The logfmt package reads `\n` as `n`; Go's logfmt (and ours) mean a newline by it.
    const quoted = /newline=("(?:[^"\\]|\\.)*")/.exec(lines[0]!)![1]!;
    expect(JSON.parse(quoted)).toBe(hostile.newline);
  });

  it("ltsv: one line, tab-separated label:value, no raw tab or newline inside a value", () => {
    const { logger, lines } = capture({ format: "ltsv" });
    logger.child("Extract", TASK_BINDING).info("msg", hostile);
    expect(lines).toHaveLength(1);
    const fields = parseLtsv(lines[0]!);
    expect(fields.map(([k]) => k)).toEqual(["timestamp", "level", "logger", "message", ...TASK_FIELDS, ...Object.keys(hostile)]);
    for (const [label] of fields) expect(label).toMatch(/^[0-9A-Za-z_.-]+$/);
    const values = Object.fromEntries(fields);
    expect(values["tabs"]).toBe("a\\tb");
    expect(values["newline"]).toBe("line1\\nline2\\r\\nline3");
    expect(values["backslash"]).toBe("C:\\\\temp\\\\new");
    expect(values["quote"]).toBe(hostile.quote);
  });

  it("pretty: time, level, logger, message, what the code bound and the call's fields; the run's identity stays out; no colour unless asked", () => {
    const { logger, lines } = capture({ format: "pretty" });
    logger.child("Load", TASK_BINDING).info("loaded", { rows: 2, file: "a b.csv" });
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}Load loaded rows=2 file="a b\.csv"$/);
    // The README's promise: `this.logger.bind({ table: "orders" })` shows table=orders on the terminal too.
    logger.child("Load", TASK_BINDING).bind({ table: "orders" }).info("loaded");
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}Load loaded table=orders$/);
    logger.child("Load", TASK_BINDING).bind({ table: "orders", rows: 1 }).info("loaded", { rows: 2 });
    expect(lines[2]).toMatch(/ Load loaded table=orders rows=2$/);
    const colored = capture({ format: "pretty", color: true });
    colored.logger.info("x");
    expect(colored.lines[0]).toContain("\u001b[");
  });

  it("pretty with WF_LOG_CONSOLE_FORMAT", () => {
    const { logger, lines } = capture({ format: "pretty", consoleFormat: "{timestamp} [{level}] {workflow}.{task} {message}{fields} {{literal}}" });
    logger.child("Extract", TASK_BINDING).warn("careful", { n: 1 });
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \[WARN\] etl\.Extract careful n=1 \{literal\}$/);
  });
});

describe("code position", () => {
  it("is the caller's file, line and function, only when a layout asks for it", async () => {
    const { logger, lines } = capture({ metadata: ["file", "line", "function", "message"] });
    await logger.ready();
    function logsHere() {
      logger.info("here"); const expectedLine = Number(new Error().stack!.split("\n")[1]!.match(/:(\d+):\d+\)?$/)![1]);
      return expectedLine;
    }
    const expectedLine = logsHere();
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line["file"]).toBe("test/unit/logging/logger.test.ts");
    expect(line["line"]).toBe(expectedLine);
    expect(String(line["function"])).toContain("logsHere");

    const plain = capture();
    plain.logger.info("no position", { file: "mine.csv", line: 3 });
    expect(JSON.parse(plain.lines[0]!)).toMatchObject({ file: "mine.csv", line: 3 });
  });
});
