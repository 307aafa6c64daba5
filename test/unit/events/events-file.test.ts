import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { WfEvent } from "wfkit";
import { createEvent } from "wfkit/engine";
import { EventsFile } from "../../../src/events/events-file.js";
import type { EngineName } from "../../../src/events/wf-event.js";
import { taskOf } from "../../support/events.js";

const eventsFileModule = fileURLToPath(new URL("../../../src/events/events-file.ts", import.meta.url));
const createEventModule = fileURLToPath(new URL("../../../src/events/create-event.ts", import.meta.url));

const newFile = () => path.join(mkdtempSync(path.join(tmpdir(), "wfkit-events-")), "events.jsonl");
const lines = (file: string) => readFileSync(file, "utf8");
const origin = (engine: EngineName) => ({ runId: "run-1", dagId: "a_to_b_c_1.0.0", workflowName: "a_to_b_c", version: "1.0.0", engine });

/** A run's worth of events on `engine`: run.started, then started/succeeded for each task. */
function runEvents(engine: EngineName, tasks: number): WfEvent[] {
  const o = origin(engine);
  const events = [createEvent(o, "run.started", { params: { note: "é ✓ 😀 \"quoted\"\n" } })];
  for (let i = 0; i < tasks; i++) {
    const task = { task: `T${i}`, attempt: 1 };
    events.push(createEvent(o, "task.started", {}, task), createEvent(o, "task.succeeded", { durationMs: 0, metrics: {} }, task));
  }
  return events;
}

const asText = (events: WfEvent[]) => events.map((e) => `${JSON.stringify(e)}\n`).join("");

describe("EventsFile", () => {
  it("writes each event as its JSON on a line of its own, in order, byte for byte as JSON.stringify makes it", async () => {
    const file = newFile();
    const out = new EventsFile(file);
    const events = runEvents("local", 3);
    for (const event of events) out.write(event);
    await nextTurn();
    expect(lines(file)).toBe(asText(events));
    out.close();
    expect(lines(file)).toBe(asText(events));
  });

  it("in a local run, lines wait until the end of the event-loop turn (or close) and then go out together", async () => {
    const file = newFile();
    const out = new EventsFile(file);
    const events = runEvents("local", 5);
    for (const event of events) out.write(event);
    expect(lines(file)).toBe("");
    await nextTurn();
    expect(lines(file)).toBe(asText(events));
    const more = runEvents("local", 1);
    for (const event of more) out.write(event);
    out.close();
    expect(lines(file)).toBe(asText([...events, ...more]));
  });

  it.each(["airflow", "notebook"] as const)("on %s, task.started and events task code publishes are written at once, with what waited before them", (engine) => {
    const file = newFile();
    const out = new EventsFile(file);
    const o = origin(engine);
    const task = { task: "Load", attempt: 1 };
    const started = createEvent(o, "run.started", { params: {} });
    out.write(started);
    expect(lines(file)).toBe("");
    const taskStarted = createEvent(o, "task.started", {}, task);
    out.write(taskStarted);
    expect(lines(file)).toBe(asText([started, taskStarted]));
    const custom = createEvent(o, "custom", { name: "rows.loaded", payload: { rows: 1 } }, task);
    out.write(custom);
    expect(lines(file)).toBe(asText([started, taskStarted, custom]));
    const succeeded = createEvent(o, "task.succeeded", { durationMs: 1, metrics: {} }, task);
    out.write(succeeded);
    expect(lines(file)).toBe(asText([started, taskStarted, custom]));
    out.close();
    expect(lines(file)).toBe(asText([started, taskStarted, custom, succeeded]));
  });

  it("a full buffer goes out at once, and a line larger than the buffer goes out whole, in its place", () => {
    const file = newFile();
    const out = new EventsFile(file);
    const o = origin("local");
    const task = { task: "Big", attempt: 1 };
    const small = runEvents("local", 200);
    for (const event of small) out.write(event);
    // 400 events of about 600 bytes do not fit in 64 KiB: some are out already.
    expect(lines(file).length).toBeGreaterThan(0);
    const big = createEvent(o, "custom", { name: "blob", payload: { text: "x".repeat(200_000), wide: "✓".repeat(30_000) } }, task);
    const after = createEvent(o, "task.succeeded", { durationMs: 1, metrics: {} }, task);
    out.write(big);
    out.write(after);
    out.close();
    expect(lines(file)).toBe(asText([...small, big, after]));
  });

  it("two writers appending to one file (tasks of one Airflow run in separate processes) interleave whole lines", () => {
    const file = newFile();
    const a = new EventsFile(file);
    const b = new EventsFile(file);
    const fromA = runEvents("local", 300);
    const fromB = runEvents("airflow", 300);
    for (let i = 0; i < fromA.length; i++) {
      a.write(fromA[i]!);
      b.write(fromB[i]!);
    }
    a.close();
    b.close();
    const read = lines(file).trimEnd().split("\n").map((line) => JSON.parse(line) as WfEvent);
    expect(read).toHaveLength(fromA.length + fromB.length);
    expect(read.filter((e) => e.data.engine === "local")).toEqual(fromA);
    expect(read.filter((e) => e.data.engine === "airflow")).toEqual(fromB);
  });

  it("ignores events after close", async () => {
    const file = newFile();
    const out = new EventsFile(file);
    out.close();
    out.write(runEvents("local", 1)[0]!);
    await nextTurn();
    expect(lines(file)).toBe("");
  });

  it("lines still waiting when the process exits are written, not lost", () => {
    const file = newFile();
    const script = `
      const { EventsFile } = await import(${JSON.stringify(eventsFileModule)});
      const { createEvent } = await import(${JSON.stringify(createEventModule)});
      const out = new EventsFile(${JSON.stringify(file)});
      const origin = { runId: "r", dagId: "d_1", workflowName: "d", version: "1", engine: "local" };
      for (let i = 0; i < 3; i++) out.write(createEvent(origin, "task.succeeded", { durationMs: i, metrics: {} }, { task: "T" + i, attempt: 1 }));
      process.exit(0);
    `;
    execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
    expect(lines(file).trimEnd().split("\n").map((l) => taskOf(JSON.parse(l) as WfEvent))).toEqual(["T0", "T1", "T2"]);
  });

  it("on Airflow, a task that kills its process right after task.started leaves task.started in the file", () => {
    const file = newFile();
    const script = `
      const { EventsFile } = await import(${JSON.stringify(eventsFileModule)});
      const { createEvent } = await import(${JSON.stringify(createEventModule)});
      const out = new EventsFile(${JSON.stringify(file)});
      const origin = { runId: "r", dagId: "d_1", workflowName: "d", version: "1", engine: "airflow" };
      out.write(createEvent(origin, "task.started", {}, { task: "Killed", attempt: 1 }));
      process.kill(process.pid, "SIGKILL");
    `;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
    expect(run.signal).toBe("SIGKILL");
    expect(lines(file).trimEnd().split("\n").map((l) => (JSON.parse(l) as WfEvent).data.action)).toEqual(["task.started"]);
  });
});

describe.runIf(existsSync("/dev/full"))("EventsFile on a full disk (/dev/full: every write fails with ENOSPC)", () => {
  it("hears the first failed write once, takes no more events, and never throws from write, flush or close", async () => {
    const errors: unknown[] = [];
    const out = new EventsFile("/dev/full", (error) => errors.push(error));
    const events = runEvents("local", 50);
    for (const event of events.slice(0, 10)) expect(() => out.write(event)).not.toThrow();
    await nextTurn();
    for (const event of events.slice(10)) expect(() => out.write(event)).not.toThrow();
    expect(() => out.flush()).not.toThrow();
    expect(() => out.close()).not.toThrow();
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe("ENOSPC");
  });

  it("a line larger than the buffer fails the same way, once", () => {
    const errors: unknown[] = [];
    const out = new EventsFile("/dev/full", (error) => errors.push(error));
    const big = createEvent(origin("airflow"), "custom", { name: "big", payload: { text: "x".repeat(100_000) } }, { task: "T", attempt: 1 });
    expect(() => out.write(big)).not.toThrow();
    expect(() => out.write(big)).not.toThrow();
    out.close();
    expect(errors).toHaveLength(1);
  });

  it("without a listener, the failure is one process warning naming the file", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const out = new EventsFile("/dev/full");
      for (const event of runEvents("airflow", 3)) out.write(event);
      out.close();
      await nextTurn();
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining("could not write events to /dev/full: ENOSPC")]);
  });
});
