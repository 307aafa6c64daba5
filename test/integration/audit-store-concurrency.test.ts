// The audit stores under contention: six worker processes claim the same extracts at once, and
// each extract goes to exactly one of them. The file store works in a temporary WF_HOME; the
// PostgreSQL store in a database of its own (127.0.0.1:5432, user postgres, trust auth;
// WF_TEST_PG_URL overrides the server), dropped at the end. Under CI a server that cannot be
// reached fails the file; elsewhere its tests are skipped. Also the PostgreSQL store's own
// behaviour, and the run log's scan by workflow and kinds in PostgreSQL.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditStore } from "../../src/audit/audit-store.js";
import { AuditStoreError, ExtractNotFoundError } from "../../src/audit/errors.js";
import type { ExtractKey } from "../../src/audit/extract.js";
import { FileAuditStore } from "../../src/audit/file-audit-store.js";
import type { HoldRecord } from "../../src/audit/hold.js";
import { PostgresAuditStore } from "../../src/audit/postgres-audit-store.js";
import { POSTGRES_SCHEMA_VERSION } from "../../src/run-log/postgres-schema.js";
import { PostgresRunLogStore } from "../../src/run-log/postgres-store.js";
import type { EndRecord, RunLogRecord } from "../../src/run-log/run-log-record.js";
import { actionRecord, runRecord } from "../fixtures/run-log/records.js";
import { postgresAvailability, TestDatabase } from "../support/postgres.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const CLAIMER = path.join(repo, "test/fixtures/audit/claim-extracts.ts");
const WORKERS = 6;
const EXTRACTS = 40;
const availability = await postgresAvailability("the audit store's PostgreSQL tests");
const pgTitle = availability.ok ? `audit store in PostgreSQL ${availability.version}` : `audit store in PostgreSQL (skipped: ${availability.reason})`;
const db = new TestDatabase();

const homes: string[] = [];
function tempHome(): string {
  const home = mkdtempSync(path.join(tmpdir(), "wfkit-audit-claim-"));
  homes.push(home);
  return home;
}

type StoreJob = { store: "file"; home: string } | { store: "postgres"; url: string };

/** One claimer process: resolves when it has printed "ready"; `go()` starts it claiming, `done` is what it claimed. */
function claimer(job: StoreJob, worker: string, keys: ExtractKey[]): Promise<{ go: () => void; done: Promise<{ worker: string; claimed: string[] }> }> {
  const child = spawn(process.execPath, ["--import", "tsx", CLAIMER, JSON.stringify({ ...job, worker, keys, parallel: 3 })], { cwd: repo, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ worker: string; claimed: string[] }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`claimer ${worker} exited with ${code}: ${stderr}`));
      resolve(JSON.parse(stdout.trim().split("\n").at(-1)!) as { worker: string; claimed: string[] });
    });
  });
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      const before = stdout;
      stdout += chunk.toString();
      if (!before.includes("ready\n") && stdout.includes("ready\n")) resolve({ go: () => child.stdin.end("go\n"), done });
    });
    done.catch(reject);
  });
}

/** Register EXTRACTS ready extracts, let WORKERS processes claim them all at once, and check each went to exactly one. */
async function claimRace(store: AuditStore, job: StoreJob): Promise<void> {
  const keys = Array.from({ length: EXTRACTS }, (_, i) => ({ location: "/landing/in", filename: `part_${String(i).padStart(2, "0")}.csv` }));
  for (const key of keys) expect((await store.registerExtract(key, null)).created).toBe(true);
  const workers = await Promise.all(Array.from({ length: WORKERS }, (_, i) => claimer(job, `w${i}`, keys)));
  for (const worker of workers) worker.go();
  const results = await Promise.all(workers.map((w) => w.done));

  const claims = results.flatMap((r) => r.claimed);
  expect(claims).toHaveLength(EXTRACTS);
  expect(new Set(claims).size).toBe(EXTRACTS);
  const loading = await store.findExtracts({ status: "loading" });
  expect(loading.map((e) => e.filename)).toEqual(keys.map((k) => k.filename));
  expect(await store.findExtracts({})).toEqual([]);
  // Each extract names the worker that got it.
  const byFile = new Map(results.flatMap((r) => r.claimed.map((f) => [f, r.worker] as const)));
  for (const extract of loading) expect(extract.changedBy?.runId).toBe(byFile.get(extract.filename));
}

afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

describe("audit store in files", () => {
  it(`gives each of ${EXTRACTS} extracts to exactly one of ${WORKERS} processes claiming them at once`, { timeout: 180_000 }, async () => {
    const home = tempHome();
    await claimRace(new FileAuditStore(home), { store: "file", home });
  });
});

describe.skipIf(!availability.ok)(pgTitle, () => {
  let store: PostgresAuditStore;

  /** A query on this file's database, outside the code under test. */
  async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: db.url() });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    await db.create();
    store = await PostgresAuditStore.open(db.url());
  });

  afterAll(async () => {
    await store?.close();
    await db.drop();
  });

  it(`gives each of ${EXTRACTS} extracts to exactly one of ${WORKERS} processes claiming them at once`, { timeout: 180_000 }, async () => {
    await claimRace(store, { store: "postgres", url: db.url() });
  });

  it("registers once, finds by filter (a part of a filename with `_` and `%` taken literally), moves statuses by NEXT_STATUSES only", async () => {
    const by = { workflow: "etl", dagId: "etl_1", runId: "r1", task: "load" };
    const first = await store.registerExtract({ location: "/pg", filename: "my_file_2019.csv" }, by);
    expect(first.created).toBe(true);
    expect(first.extract).toMatchObject({ location: "/pg", filename: "my_file_2019.csv", status: "ready", producer: by, changedBy: null });
    expect(first.extract.registeredAt).toMatch(/Z$/);
    expect(await store.registerExtract({ location: "/pg", filename: "my_file_2019.csv" }, null, "loaded")).toEqual({ created: false, extract: first.extract });
    await store.registerExtract({ location: "/pg", filename: "myXfileY2019.csv" }, null);
    await store.registerExtract({ location: "/pg", filename: "100%_done.csv" }, null, "loaded");

    const names = async (filter: Parameters<AuditStore["findExtracts"]>[0]) => (await store.findExtracts({ location: "/pg", ...filter })).map((e) => e.filename);
    // By code point, as the file store sorts: "X" before "_".
    expect(await names({})).toEqual(["myXfileY2019.csv", "my_file_2019.csv"]);
    expect(await names({ status: "any" })).toEqual(["100%_done.csv", "myXfileY2019.csv", "my_file_2019.csv"]);
    expect(await names({ filename: "my_file_", partial: true })).toEqual(["my_file_2019.csv"]);
    expect(await names({ filename: "%_", partial: true, status: "any" })).toEqual(["100%_done.csv"]);
    expect(await names({ filename: "my_file_" })).toEqual([]);
    expect(await names({ producer: "etl" })).toEqual(["my_file_2019.csv"]);
    expect(await names({ status: "any", limit: 1 })).toEqual(["100%_done.csv"]);

    const key = { location: "/pg", filename: "my_file_2019.csv" };
    const claimed = await store.changeExtractStatus(key, "loading", by);
    expect(claimed.changed).toBe(true);
    expect(claimed.extract).toMatchObject({ status: "loading", changedBy: by, registeredAt: first.extract.registeredAt });
    expect(claimed.extract.updatedAt).toMatch(/Z$/);
    expect(await store.changeExtractStatus(key, "loading", null)).toEqual({ changed: false, extract: claimed.extract });
    expect(await store.changeExtractStatus(key, "archived", null)).toEqual({ changed: false, extract: claimed.extract });
    expect((await store.changeExtractStatus(key, "failed", null)).extract).toMatchObject({ status: "failed", changedBy: null });
    expect((await store.changeExtractStatus(key, "ready", null)).changed).toBe(true);

    const missing = await store.changeExtractStatus({ location: "/pg", filename: "ghost.csv" }, "loading", null).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ExtractNotFoundError);
    expect((missing as Error).message).toMatch(/"ghost.csv" in "\/pg".*register it first/);
  });

  it("keeps hold records, newest first, once per id", async () => {
    const hold = (id: string, at: string, workflow = "held"): HoldRecord => ({ id, workflow, action: "refuse", at, by: "me@h", host: "h", pid: 1, dagId: null, runId: null, reason: "r" });
    await store.addHold(hold("a", "2026-12-01T10:00:00.000Z"));
    await store.addHold(hold("c", "2026-12-03T10:00:00.000Z"));
    await store.addHold(hold("b", "2026-12-02T10:00:00.000Z"));
    await store.addHold(hold("b", "2026-12-02T10:00:00.000Z"));
    await store.addHold(hold("x", "2026-12-04T10:00:00.000Z", "other"));
    expect(await store.holds("held")).toEqual([hold("c", "2026-12-03T10:00:00.000Z"), hold("b", "2026-12-02T10:00:00.000Z"), hold("a", "2026-12-01T10:00:00.000Z")]);
    expect(await store.holds("nobody")).toEqual([]);
  });

  it("says what failed, password masked, as an AuditStoreError", async () => {
    const error = await PostgresAuditStore.open("postgres://postgres:S3cret@127.0.0.1:1/none", { connectionTimeoutMs: 1_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuditStoreError);
    expect((error as Error).message).toContain("[masked]");
    expect((error as Error).message).not.toContain("S3cret");
  });

  describe("run log scan by workflow and kinds", () => {
    let runLog: PostgresRunLogStore;
    const t = (minute: number) => new Date(Date.UTC(2040, 0, 1, 10, minute));
    const since = t(0);
    const end = (dagId: string, runId: string, minute: number): EndRecord => ({
      v: 1,
      kind: "end",
      id: `end-${dagId}-${runId}`,
      dagId,
      runId,
      at: t(minute).toISOString(),
      host: "h",
      pid: 1,
      status: "success",
      durationMs: 1,
    });
    async function scanned(filter: Parameters<PostgresRunLogStore["scan"]>[0]): Promise<string[]> {
      const out: string[] = [];
      for await (const batch of runLog.scan({ since, ...filter })) out.push(...batch.map((r: RunLogRecord) => `${r.runId}:${r.kind}`));
      return out;
    }

    beforeAll(async () => {
      runLog = await PostgresRunLogStore.open(db.url());
      await runLog.append([
        runRecord("etl_1", "local", t(0)),
        actionRecord("etl_1", "local", "t", 1, "run", t(1)),
        end("etl_1", "local", 2),
        // An Airflow run: no end record, its status comes from its actions.
        runRecord("etl_1", "airflow", t(20)),
        actionRecord("etl_1", "airflow", "t", 1, "run", t(21)),
        runRecord("report_1", "other", t(40)),
        actionRecord("report_1", "other", "t", 1, "run", t(41)),
        end("report_1", "other", 42),
      ]);
    });
    afterAll(async () => {
      await runLog?.close();
    });

    it("fills each run's workflow from its run records, and reads only the runs of one workflow", async () => {
      expect(await query("select version from wfkit_run_log_schema order by version")).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
      expect(POSTGRES_SCHEMA_VERSION).toBe(2);
      expect(await query("select run_id, workflow from wfkit_run_log_runs where first_at >= $1 order by run_id", [since])).toEqual([
        { run_id: "airflow", workflow: "etl" },
        { run_id: "local", workflow: "etl" },
        { run_id: "other", workflow: "report" },
      ]);
      expect(await scanned({ workflow: "etl" })).toEqual(["airflow:run", "airflow:action", "local:run", "local:action", "local:end"]);
      expect(await scanned({ workflow: "none" })).toEqual([]);
    });

    it("reads only the kinds asked for, and the actions of a run with no end record", async () => {
      expect(await scanned({})).toHaveLength(8);
      expect(await scanned({ kinds: ["run", "end"] })).toEqual(["other:run", "other:end", "airflow:run", "airflow:action", "local:run", "local:end"]);
      expect(await scanned({ workflow: "report", kinds: ["end"] })).toEqual(["other:end"]);
      expect(await scanned({ workflow: "etl", kinds: ["run"], runId: "local" })).toEqual(["local:run"]);
    });

    it("backfills the workflow of runs stored before migration 2", async () => {
      // Back to a version-1 database with a run stored then: no workflow column.
      await query("alter table wfkit_run_log_runs drop column workflow");
      await query("delete from wfkit_run_log_schema where version = 2");
      const old = await PostgresRunLogStore.open(db.url());
      await old.close();
      expect(await query("select run_id, workflow from wfkit_run_log_runs where first_at >= $1 order by run_id", [since])).toEqual([
        { run_id: "airflow", workflow: "etl" },
        { run_id: "local", workflow: "etl" },
        { run_id: "other", workflow: "report" },
      ]);
      // A run's workflow stays when a later worker's run record comes, and an earlier one moves its start.
      await runLog.append([runRecord("etl_1", "airflow", t(19), ["t"], { workflow: "renamed" })]);
      expect(await query("select workflow, first_at from wfkit_run_log_runs where run_id = 'airflow'")).toEqual([{ workflow: "etl", first_at: t(19) }]);
    });
  });
});
