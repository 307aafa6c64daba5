import { appendFileSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FileRunLogStore, FileRunLogWriter, hostFileName } from "../../../src/run-log/file-store.js";
import type { RunLogRecord } from "../../../src/run-log/run-log-record.js";

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
const header = (runId: string, at: string): RunLogRecord => ({
  v: 1,
  kind: "run",
  id: `h-${runId}`,
  dagId: "d_1",
  runId,
  at,
  host: "h",
  pid: 1,
  workflow: "d",
  version: "1",
  dagHash: "x",
  engine: "local",
  scope: "run",
  params: {},
  tags: [],
  originalRunId: null,
  code: { package: null, wfkit: "0", node: "v20", git: null },
  tasks: [],
});

describe("FileRunLogStore", () => {
  it("keeps records in a folder per day and a file per host, and scans newest runs first", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-fs-"));
    const store = new FileRunLogStore(home);
    await store.append([header("old", "2026-12-01T23:59:00.000Z"), record("old", "2026-12-02T00:01:00.000Z"), header("new", "2026-12-03T10:00:00.000Z")]);
    expect(readdirSync(store.dir).sort()).toEqual(["2026-12-01", "2026-12-02", "2026-12-03"]);
    expect(readdirSync(path.join(store.dir, "2026-12-01"))).toEqual([hostFileName(hostname())]);
    const batches: string[][] = [];
    for await (const batch of store.scan({})) batches.push(batch.map((r) => `${r.runId}:${r.kind}`).sort());
    // A run's records come in one batch, with the day its run record is in.
    expect(batches).toEqual([["new:run"], ["old:action", "old:run"]]);
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
