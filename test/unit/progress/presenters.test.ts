import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProgressTracker, type WfLogger } from "wfkit";
import { compileProgressOptions, createLogger, ProgressOptionsError, startProgress, type ProgressOptions } from "wfkit/engine";

// Any ANSI escape sequence (CSI, OSC or a lone ESC).
const ANSI = /\x1b/;

function jsonLogger(lines: Record<string, unknown>[]): WfLogger {
  return createLogger({ format: "json", destination: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
}

/** A run with one task that counts rows in a sub-tracker, as the engines build it. */
function runTree(logger: WfLogger) {
  const run = new ProgressTracker("etl", 2, { unit: "tasks", logger: logger.child("wfkit.run") });
  const task = run.child("Transform", undefined, { logger: logger.child("Transform", { task: "Transform" }) });
  return { run, task };
}

describe("compileProgressOptions", () => {
  const tty = { write: () => true, isTTY: true, columns: 100 };
  const pipe = { write: () => true, isTTY: false };

  it("auto: notebook on the notebook engine, bars on a terminal, log lines elsewhere", () => {
    expect(compileProgressOptions({ stream: tty }).mode).toBe("bars");
    expect(compileProgressOptions({ stream: pipe }).mode).toBe("log");
    expect(compileProgressOptions({ stream: tty }, { notebook: true }).mode).toBe("notebook");
  });

  it("turns bars asked for off a terminal into log lines; keeps the other modes", () => {
    expect(compileProgressOptions({ mode: "bars", stream: pipe }).mode).toBe("log");
    for (const mode of ["log", "notebook", "off"] as const) expect(compileProgressOptions({ mode, stream: tty }).mode).toBe(mode);
  });

  it("resolves the documented defaults", () => {
    const o = compileProgressOptions({ stream: pipe });
    expect([...o.levels]).toEqual(["run", "tasks", "steps"]);
    expect([o.logIntervalMs, o.notebookIntervalMs, o.refreshMs]).toEqual([30_000, 5_000, 100]);
  });

  it("lists every problem", () => {
    const bad = { mode: "tqdm", levels: ["run", "files"], logIntervalSeconds: 0, colour: true } as unknown as ProgressOptions;
    let error: unknown;
    try {
      compileProgressOptions(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProgressOptionsError);
    const problems = (error as ProgressOptionsError).problems.join("\n");
    for (const what of ["mode", "levels.1", "logIntervalSeconds", "colour"]) expect(problems).toContain(what);
  });
});

describe("the log presenter", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("logs every running tracker once per interval, and each one when it closes, through its task's logger", async () => {
    const lines: Record<string, unknown>[] = [];
    const { run, task } = runTree(jsonLogger(lines));
    const rows = task.child("rows", 200, { unit: "rows" });
    const presenter = startProgress(run, compileProgressOptions({ mode: "log", logIntervalSeconds: 10 }));

    rows.advance(50).metric("records", 50);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(lines).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(lines.map((l) => l["progress"])).toEqual(["etl", "Transform", "Transform/rows"]);
    const line = lines.find((l) => l["progress"] === "Transform/rows")!;
    expect(line).toMatchObject({
      level: "info",
      logger: "Transform",
      task: "Transform",
      message: expect.stringMatching(/^progress Transform\/rows: 50\/200 rows \(25%\), 5\.0\/s, ETA 30s$/),
      state: "running",
      completed: 50,
      total: 200,
      percent: 25,
      unit: "rows",
      rate_per_s: 5,
      eta_s: 30,
      elapsed_s: 10,
      metrics: { records: 50 },
    });

    lines.length = 0;
    rows.advance(150);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lines).toHaveLength(3);

    lines.length = 0;
    rows.done();
    expect(lines.map((l) => [l["progress"], l["state"]])).toEqual([["Transform/rows", "done"]]);
    expect(lines[0]!["message"]).toMatch(/^progress Transform\/rows done: 200\/200 rows \(100%\) in 20s, 10\.0\/s$/);
    presenter.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(lines).toHaveLength(1);
  });

  it("closes a tracker that never had a line of its own, and the run, at debug: a quick run adds nothing at info", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: "debug", format: "json", destination: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const { run, task } = runTree(logger);
    const presenter = startProgress(run, compileProgressOptions({ mode: "log", logIntervalSeconds: 30 }));
    task.child("quick", 3).advance(3).done();
    task.done();
    run.advance(2).done();
    presenter.stop();
    expect(lines.map((l) => [l["progress"], l["state"], l["level"]])).toEqual([
      ["Transform/quick", "done", "debug"],
      ["Transform", "done", "debug"],
      ["etl", "done", "debug"],
    ]);
  });

  it("shows only the configured levels, and stays silent about trackers that counted nothing", async () => {
    const lines: Record<string, unknown>[] = [];
    const { run, task } = runTree(jsonLogger(lines));
    run.child("Idle", undefined, { logger: jsonLogger(lines) });
    task.child("files", 3).advance();
    const presenter = startProgress(run, compileProgressOptions({ mode: "log", levels: ["steps"], logIntervalSeconds: 1 }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(lines.map((l) => l["progress"])).toEqual(["Transform/files"]);
    presenter.stop();
  });
});

describe("the notebook presenter", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("prints plain text at most once per interval, only when counts moved, and the final lines on stop", async () => {
    const out: string[] = [];
    const { run, task } = runTree(createLogger({ format: "json", destination: () => {} }));
    const files = task.child("files", 4, { unit: "files" });
    const presenter = startProgress(run, compileProgressOptions({ mode: "notebook", levels: ["tasks", "steps"], notebookIntervalSeconds: 2, write: (t) => out.push(t) }));
    for (let i = 0; i < 40; i++) {
      if (i === 0 || i === 10 || i === 30) files.advance().metric("bytes", 2048);
      await vi.advanceTimersByTimeAsync(100);
    }
    // 4 seconds, 2 intervals; counts moved before each.
    expect(out).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(out).toHaveLength(2);
    const [first] = out;
    expect(first).toMatch(/^Transform\s+#{12}\.{12}\s+2\/4\s+50%/m);
    expect(first).toMatch(/^ {2}files\s+#{12}\.{12}\s+2\/4 files\s+50%.*bytes=4,096$/m);
    files.advance().metric("bytes", 2048);
    task.done();
    presenter.stop();
    expect(out).toHaveLength(3);
    expect(out[2]).toMatch(/^Transform .*4\/4 .*done\n {2}files .*4\/4 files .*done  bytes=8,192\n$/);
    for (const text of out) expect(text).not.toMatch(ANSI);
  });
});

describe("the bars presenter", () => {
  it("draws one indented line per running tracker within the terminal width, each frame in one write, and erases them on stop", async () => {
    const writes: string[] = [];
    const terminal = { write: (text: string) => (writes.push(text), true), isTTY: true, columns: 100 };
    const { run, task } = runTree(createLogger({ format: "json", destination: () => {} }));
    const rows = task.child("rows", 10, { unit: "rows" });
    const presenter = startProgress(run, compileProgressOptions({ mode: "bars", stream: terminal, refreshMs: 20 }));
    rows.advance(5);
    // Frames come every 20 ms; wait for three rather than a fixed while a busy machine may stretch.
    await vi.waitFor(() => expect(writes.length).toBeGreaterThanOrEqual(3), { timeout: 5000, interval: 10 });
    // The first frame draws; every later one first erases the 3 lines drawn before, bottom up.
    const erase3 = "\x1b[2K\x1b[1A\x1b[2K\x1b[1A\x1b[2K\x1b[G";
    expect(writes[0]).not.toContain("\x1b");
    for (const frame of writes.slice(1)) expect(frame.startsWith(erase3)).toBe(true);
    const lines = writes.at(-1)!.slice(erase3.length).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^etl\s+░+\s+0\/2 tasks\s+0%/);
    expect(lines[1]).toMatch(/^ {2}Transform\s+█+░+\s+5\/10\s+50%/);
    expect(lines[2]).toMatch(/^ {4}rows\s+█+░+\s+5\/10 rows\s+50%/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(99);
    rows.advance(5);
    task.done();
    run.advance(2).done();
    presenter.stop();
    expect(writes.at(-1)).toBe(erase3);
    presenter.stop();
    expect(writes.at(-1)).toBe(erase3);
  });
});
