import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ExtractNotFoundError } from "../../../src/audit/errors.js";
import { ExtractSchema, ExtractStatusSchema, NEXT_STATUSES, type ExtractActor } from "../../../src/audit/extract.js";
import { AUDIT_DIR, extractFileKey, FileAuditStore } from "../../../src/audit/file-audit-store.js";
import type { HoldRecord } from "../../../src/audit/hold.js";

const homes: string[] = [];
function tempStore(): FileAuditStore {
  const home = mkdtempSync(path.join(tmpdir(), "wfkit-audit-"));
  homes.push(home);
  return new FileAuditStore(home);
}

afterEach(() => {
  vi.restoreAllMocks();
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

const actor = (workflow: string, task = "t"): ExtractActor => ({ workflow, dagId: `${workflow}_1`, runId: "r1", task });
const extractsDir = (store: FileAuditStore) => path.join(store.dir, "extracts");

function hold(workflow: string, at: string, id: string): HoldRecord {
  return { id, workflow, action: "refuse", at, by: "me@h", host: "h", pid: 1, dagId: `${workflow}_1`, runId: "r", reason: "failed twice" };
}

/** A pid no process has: one that has just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return child.pid!;
}

describe("FileAuditStore", () => {
  it("registers an extract once: a file of its own under audit/extracts, JSON, status ready", async () => {
    const store = tempStore();
    expect(store.dir.endsWith(AUDIT_DIR)).toBe(true);
    expect(store.description).toBe(`file ${store.dir}`);
    const key = { location: "s3://bucket/in", filename: "sales_2026.csv" };
    const first = await store.registerExtract(key, actor("etl"));
    expect(first.created).toBe(true);
    expect(first.extract).toMatchObject({ ...key, status: "ready", producer: actor("etl"), changedBy: null });
    expect(first.extract.updatedAt).toBe(first.extract.registeredAt);
    const file = path.join(extractsDir(store), `${extractFileKey(key)}.json`);
    expect(extractFileKey(key)).toMatch(/^[0-9a-f]{32}$/);
    expect(ExtractSchema.parse(JSON.parse(readFileSync(file, "utf8")))).toEqual(first.extract);

    // Registered again (another run, another status): left as it is.
    const again = await store.registerExtract(key, actor("other"), "loaded");
    expect(again).toEqual({ created: false, extract: first.extract });
    // Nothing but the extract's file is left: no lock, no temporary file.
    expect(readdirSync(extractsDir(store))).toEqual([path.basename(file)]);
  });

  it("finds extracts by filename (whole or part, `_` literal), location, producer and status, ordered by location then filename", async () => {
    const store = tempStore();
    await store.registerExtract({ location: "/data/b", filename: "my_file_2019_01_01.csv" }, actor("etl"));
    await store.registerExtract({ location: "/data/a", filename: "this_is_my_file_.xls" }, actor("etl"));
    await store.registerExtract({ location: "/data/a", filename: "myXfileX.csv" }, actor("load"));
    await store.registerExtract({ location: "/data/a", filename: "done.csv" }, null, "loaded");
    const names = async (filter: Parameters<FileAuditStore["findExtracts"]>[0]) => (await store.findExtracts(filter)).map((e) => `${e.location}/${e.filename}`);

    expect(await names({})).toEqual(["/data/a/myXfileX.csv", "/data/a/this_is_my_file_.xls", "/data/b/my_file_2019_01_01.csv"]);
    expect(await names({ status: "any" })).toEqual(["/data/a/done.csv", "/data/a/myXfileX.csv", "/data/a/this_is_my_file_.xls", "/data/b/my_file_2019_01_01.csv"]);
    expect(await names({ status: "loaded" })).toEqual(["/data/a/done.csv"]);
    expect(await names({ filename: "my_file_2019_01_01.csv" })).toEqual(["/data/b/my_file_2019_01_01.csv"]);
    expect(await names({ filename: "my_file_" })).toEqual([]);
    expect(await names({ filename: "my_file_", partial: true })).toEqual(["/data/a/this_is_my_file_.xls", "/data/b/my_file_2019_01_01.csv"]);
    expect(await names({ location: "/data/a" })).toEqual(["/data/a/myXfileX.csv", "/data/a/this_is_my_file_.xls"]);
    expect(await names({ producer: "load" })).toEqual(["/data/a/myXfileX.csv"]);
    expect(await names({ producer: "etl", location: "/data/b" })).toEqual(["/data/b/my_file_2019_01_01.csv"]);
    expect(await names({ status: "any", limit: 2 })).toEqual(["/data/a/done.csv", "/data/a/myXfileX.csv"]);
    expect(await tempStore().findExtracts({})).toEqual([]);
  });

  it("moves an extract only to a status that may follow its own, and says so otherwise", async () => {
    const store = tempStore();
    const by = actor("etl", "load");
    for (const from of ExtractStatusSchema.options) {
      for (const to of ExtractStatusSchema.options) {
        const key = { location: "/x", filename: `${from}-${to}` };
        const { extract: registered } = await store.registerExtract(key, null, from);
        const change = await store.changeExtractStatus(key, to, by);
        const allowed = NEXT_STATUSES[from].includes(to);
        expect({ from, to, changed: change.changed }).toEqual({ from, to, changed: allowed });
        if (allowed) {
          expect(change.extract).toMatchObject({ ...key, status: to, changedBy: by, registeredAt: registered.registeredAt });
          expect(change.extract.updatedAt >= registered.updatedAt).toBe(true);
        } else {
          expect(change.extract).toEqual(registered);
        }
        expect((await store.findExtracts({ filename: key.filename, status: "any" }))[0]).toEqual(change.extract);
      }
    }
    // The whole lifecycle, step by step.
    const key = { location: "/x", filename: "life.csv" };
    await store.registerExtract(key, null);
    for (const to of ["loading", "failed", "ready", "loading", "loaded", "archived"] as const) {
      expect((await store.changeExtractStatus(key, to, null)).extract.status).toBe(to);
    }
    expect((await store.changeExtractStatus(key, "ready", null)).changed).toBe(false);
  });

  it("refuses to change an extract never registered, naming it", async () => {
    const store = tempStore();
    const error = await store.changeExtractStatus({ location: "/nowhere", filename: "ghost.csv" }, "loading", null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExtractNotFoundError);
    expect((error as Error).message).toContain('"ghost.csv" in "/nowhere"');
    expect((error as Error).message).toContain("register it first");
  });

  it("lets exactly one of many claims of one extract in one process have it", async () => {
    const store = tempStore();
    const key = { location: "/x", filename: "one.csv" };
    await store.registerExtract(key, null);
    const changes = await Promise.all(Array.from({ length: 20 }, (_, i) => store.changeExtractStatus(key, "loading", actor("w", `t${i}`))));
    expect(changes.filter((c) => c.changed)).toHaveLength(1);
    const winner = changes.find((c) => c.changed)!.extract.changedBy;
    for (const change of changes) expect(change.extract).toMatchObject({ status: "loading", changedBy: winner });
  });

  it("takes over a lock left by a dead process of this host", async () => {
    const store = tempStore();
    const key = { location: "/x", filename: "stale.csv" };
    await store.registerExtract(key, null);
    const lock = path.join(extractsDir(store), `${extractFileKey(key)}.lock`);
    writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: hostname(), since: "2026-01-01T00:00:00.000Z" }));
    const started = Date.now();
    expect((await store.changeExtractStatus(key, "loading", null)).changed).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(existsSync(lock)).toBe(false);
    expect(readdirSync(extractsDir(store))).toEqual([`${extractFileKey(key)}.json`]);
  });

  it("waits for a lock held by a live process, and changes the extract once it is released", async () => {
    const store = tempStore();
    const key = { location: "/x", filename: "held.csv" };
    await store.registerExtract(key, null);
    const lock = path.join(extractsDir(store), `${extractFileKey(key)}.lock`);
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
    let done = false;
    const change = store.changeExtractStatus(key, "loading", null).finally(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(done).toBe(false);
    rmSync(lock);
    expect((await change).changed).toBe(true);
  });

  it("skips an extract file that is not an extract, with a warning naming it", async () => {
    const store = tempStore();
    await store.registerExtract({ location: "/x", filename: "good.csv" }, null);
    const bad = path.join(extractsDir(store), `${"0".repeat(32)}.json`);
    writeFileSync(bad, '{"location":"/x","filen');
    writeFileSync(path.join(extractsDir(store), `${"1".repeat(32)}.json`), JSON.stringify({ location: "/x" }));
    const warnings: string[] = [];
    vi.spyOn(process, "emitWarning").mockImplementation((warning: string | Error) => void warnings.push(String(warning)));
    expect((await store.findExtracts({ status: "any" })).map((e) => e.filename)).toEqual(["good.csv"]);
    expect(warnings).toHaveLength(2);
    expect(warnings.find((w) => w.includes(bad))).toContain("not an extract (not JSON)");
  });

  it("appends hold records whole, one line each, and reads a workflow's newest first", async () => {
    const store = tempStore();
    expect(await store.holds("etl")).toEqual([]);
    await store.addHold(hold("etl", "2026-12-01T10:00:00.000Z", "a"));
    await store.addHold(hold("etl", "2026-12-03T10:00:00.000Z", "b"));
    await store.addHold(hold("other", "2026-12-04T10:00:00.000Z", "c"));
    await store.addHold({ ...hold("etl", "2026-12-02T10:00:00Z", "d"), action: "release", dagId: null, runId: null, reason: "fixed" });
    // The same instant as b, written later: it comes first.
    await store.addHold(hold("etl", "2026-12-03T10:00:00.000Z", "e"));
    const file = path.join(store.dir, "holds.jsonl");
    expect(readFileSync(file, "utf8").trimEnd().split("\n")).toHaveLength(5);
    writeFileSync(file, `${readFileSync(file, "utf8")}not json\n{"id":"x"}\n`);

    const warnings: string[] = [];
    vi.spyOn(process, "emitWarning").mockImplementation((warning: string | Error) => void warnings.push(String(warning)));
    expect((await store.holds("etl")).map((h) => h.id)).toEqual(["e", "b", "d", "a"]);
    expect((await store.holds("other")).map((h) => h.id)).toEqual(["c"]);
    expect(warnings.slice(0, 2)).toEqual([`skipped line 6 of ${file}: not JSON`, expect.stringContaining(`skipped line 7 of ${file}: not a hold record`)]);
  });
});
