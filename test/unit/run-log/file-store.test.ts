import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FileRunLogStore, FileRunLogWriter, hostFileName } from "../../../src/run-log/file-store.js";
import type { RunLogRecord } from "../../../src/run-log/run-log-record.js";
import { recordOfEvent } from "../../../src/run-log/record-of-event.js";
import { createEvent, eventJson, type EventOrigin } from "../../../src/events/create-event.js";
import { runRecord } from "../../fixtures/run-log/records.js";

const record = (runId: string, at: string, id = `${runId}-${at}`): RunLogRecord => ({
  v: 1,
  kind: "action",
  id,
  dagId: "d_1",
  runId,
  at,
  host: "h",
  pid: 1,
  task: "T",
  attempt: 1,
  action: "run",
});
const header = (runId: string, at: string): RunLogRecord =>
  runRecord("d_1", runId, new Date(at), [], { id: `h-${runId}`, host: "h", pid: 1, workflow: "d", dagHash: "x", engine: "local", scope: "run" });

describe("FileRunLogStore", () => {
  it("keeps records in a folder per day and a file per host, and scans newest runs first", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-fs-"));
    const store = new FileRunLogStore(home);
    await store.append([header("old", "2026-12-01T23:59:00.000Z"), record("old", "2026-12-02T00:01:00.000Z"), header("new", "2026-12-03T10:00:00.000Z")]);
    expect(readdirSync(store.dir).sort()).toEqual(["2026-12-01", "2026-12-02", "2026-12-03"]);
    expect(readdirSync(path.join(store.dir, "2026-12-01"))).toEqual([`23.50.${hostFileName(hostname())}`]);
    const batches: string[][] = [];
    for await (const batch of store.scan({})) batches.push(batch.map((r) => `${r.runId}:${r.kind}`).sort());
    // A run's records come in one batch, with the day its run record is in.
    expect(batches).toEqual([["new:run"], ["old:action", "old:run"]]);
  });

  it("keeps a file per ten minutes, reads the newest first, and keeps a run that spans files whole in one batch", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-fs-"));
    const store = new FileRunLogStore(home);
    await store.append([header("long", "2026-12-03T13:59:00.000Z"), record("long", "2026-12-03T14:01:00.000Z"), header("short", "2026-12-03T14:30:00.000Z")]);
    expect(readdirSync(path.join(store.dir, "2026-12-03")).sort()).toEqual(["13.50", "14.00", "14.30"].map((t) => `${t}.${hostFileName(hostname())}`));
    expect(store.slices("2026-12-03").map((h) => h.slice)).toEqual(["14.30", "14.00", "13.50"]);
    const batches: string[][] = [];
    for await (const batch of store.scan({})) batches.push(batch.map((r) => `${r.runId}:${r.kind}`).sort());
    expect(batches).toEqual([["short:run"], ["long:action", "long:run"]]);
  });

  it("skips a truncated or corrupt line, naming file and line, and reads the rest", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-fs-"));
    const skipped: string[] = [];
    const store = new FileRunLogStore(home, (file, line, why) => skipped.push(`${path.basename(file)}:${line}: ${why}`));
    await store.append([header("r", "2026-12-03T10:00:00.000Z")]);
    const file = store.fileFor("2026-12-03T10:00:00.000Z");
    appendFileSync(file, "not json\n");
    await store.append([record("r", "2026-12-03T10:00:01.000Z")]);
    appendFileSync(file, '{"v":1,"kind":"action","id":"x","dagId"');
    const records = [];
    for await (const batch of store.scan({})) records.push(...batch);
    expect(records.map((r) => r.kind)).toEqual(["run", "action"]);
    expect(skipped).toEqual([`${path.basename(file)}:2: not JSON`, `${path.basename(file)}:4: truncated (the writer may still be writing it, or died mid-write)`]);
  });

  it("prunes whole days before the cut-off and names the runs that went", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-fs-"));
    const store = new FileRunLogStore(home);
    await store.append([header("a", "2026-11-01T10:00:00.000Z"), header("b", "2026-12-03T10:00:00.000Z")]);
    const pruned = await store.prune(new Date("2026-11-15T00:00:00Z"));
    expect(pruned).toEqual({ runs: 1, keys: [{ dagId: "d_1", runId: "a" }] });
    expect(readdirSync(store.dir)).toEqual(["2026-12-03"]);
  });
});

describe("FileRunLogWriter", () => {
  it("writes records whole by the end of the turn, or at once", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-fw-"));
    const store = new FileRunLogStore(home);
    const writer = new FileRunLogWriter(store, (file, error) => {
      throw new Error(`${file}: ${String(error)}`);
    });
    writer.write(header("r", "2026-12-03T10:00:00.000Z"), false);
    const read = async () => {
      const out: RunLogRecord[] = [];
      for await (const batch of store.scan({})) out.push(...batch);
      return out;
    };
    expect(await read()).toHaveLength(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await read()).toHaveLength(1);
    writer.write(record("r", "2026-12-03T10:00:01.000Z"), true);
    expect(await read()).toHaveLength(2);
    writer.close();
  });

  it("writes each status event that stands for a record as the event's own JSON, reads it back as that record, and nothing for the others", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-fw-"));
    const store = new FileRunLogStore(home);
    const writer = new FileRunLogWriter(store, (file, error) => {
      throw new Error(`${file}: ${String(error)}`);
    });
    const origin: EventOrigin = { runId: "r-1", dagId: 'odd "dag"_1', workflowName: "w", version: "1", engine: "local" };
    const task = { task: "Tâsk\n1", attempt: 1 };
    const events = [
      createEvent(origin, "run.started", { params: {} }),
      createEvent(origin, "task.started", {}, task),
      createEvent(origin, "task.progress", { progress: { title: "T", state: "running", completed: 1, children: [] }, metrics: { done: 1 } }, task),
      createEvent(origin, "custom", { name: "x", payload: {} }, task),
      createEvent(origin, "task.failed", { durationMs: 3, metrics: {}, error: { name: "Error", message: 'bad "quote"\u2028', resolvableBy: "user" } }, task),
      createEvent(origin, "run.failed", { durationMs: 10, failedTasks: ["Tâsk\n1"] }),
    ];
    writer.write(header("r-1", events[0]!.time), true);
    for (const event of events) writer.writeEvent(event, true);
    writer.close();
    const lines = readdirSync(store.dir).flatMap((day) => readdirSync(path.join(store.dir, day)).flatMap((f) => readFileSync(path.join(store.dir, day, f), "utf8").trimEnd().split("\n")));
    expect(lines.slice(1)).toEqual([events[1], events[4], events[5]].map((e) => eventJson(e!)));
    const read: RunLogRecord[] = [];
    for await (const batch of store.scan({ runId: "r-1", dagId: 'odd "dag"_1' })) read.push(...batch);
    // The header is another DAG's ("d_1"): the filter keeps the event records only.
    expect(read).toEqual([events[1], events[4], events[5]].map((e) => recordOfEvent(e!)));
  });

  it("reports a file it cannot open once per day file, and does not throw", () => {
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-fw-"));
    // run-log is a file, not a folder: nothing can be written under it.
    writeFileSync(path.join(home, "run-log"), "");
    const errors: string[] = [];
    const writer = new FileRunLogWriter(new FileRunLogStore(home), (file) => errors.push(file));
    writer.write(header("r", "2026-12-03T10:00:00.000Z"), true);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(path.join("run-log", "2026-12-03"));
  });
});

describe("FileRunLogStore scan by workflow and kinds", () => {
  const t = (minute: number) => new Date(Date.UTC(2026, 11, 3, 10, minute)).toISOString();
  const start = (runId: string, workflow: string, minute: number): RunLogRecord =>
    runRecord(`${workflow}_1`, runId, new Date(t(minute)), ["T"], { id: `h-${runId}`, workflow });
  const act = (runId: string, workflow: string, minute: number): RunLogRecord => ({ ...record(runId, t(minute)), dagId: `${workflow}_1` });
  const end = (runId: string, workflow: string, minute: number): RunLogRecord => ({
    v: 1,
    kind: "end",
    id: `e-${runId}`,
    dagId: `${workflow}_1`,
    runId,
    at: t(minute),
    host: "h",
    pid: 1,
    status: "success",
    durationMs: 60_000,
  });

  async function scanned(store: FileRunLogStore, filter: Parameters<FileRunLogStore["scan"]>[0]): Promise<string[]> {
    const out: string[] = [];
    for await (const batch of store.scan(filter)) out.push(...batch.map((r) => `${r.runId}:${r.kind}`));
    return out;
  }

  it("reads only the runs of one workflow, and of each run only the kinds asked for plus the actions of a run with no end", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-fs-"));
    const store = new FileRunLogStore(home);
    await store.append([
      start("local", "etl", 0),
      act("local", "etl", 1),
      end("local", "etl", 2),
      // An Airflow run: no end record, its status comes from its actions.
      start("airflow", "etl", 20),
      act("airflow", "etl", 21),
      start("other", "report", 40),
      act("other", "report", 41),
      end("other", "report", 42),
    ]);
    expect(await scanned(store, {})).toHaveLength(8);
    expect(await scanned(store, { workflow: "etl" })).toEqual(["airflow:run", "airflow:action", "local:run", "local:action", "local:end"]);
    expect(await scanned(store, { workflow: "none" })).toEqual([]);
    expect(await scanned(store, { kinds: ["run", "end"] })).toEqual(["other:run", "other:end", "airflow:run", "airflow:action", "local:run", "local:end"]);
    expect(await scanned(store, { workflow: "report", kinds: ["end"] })).toEqual(["other:end"]);
    expect(await scanned(store, { workflow: "etl", kinds: ["run", "end"], runId: "local" })).toEqual(["local:run", "local:end"]);
  });
});
