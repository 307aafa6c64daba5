// The PostgreSQL run-log store and writer against the real PostgreSQL (127.0.0.1:5432, user
// postgres, trust auth; WF_TEST_PG_URL overrides the server). Each run of this file works in a
// database of its own, dropped at the end. Under CI a server that cannot be reached fails the
// file; elsewhere its tests are skipped with the reason in the title.
import { execFile } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunLogStoreError } from "../../src/run-log/errors.js";
import { replayPendingRunLog } from "../../src/run-log/postgres-pending.js";
import { PostgresRunLogStore } from "../../src/run-log/postgres-store.js";
import { PostgresRunLogWriter } from "../../src/run-log/postgres-writer.js";
import type { RunLogRecord } from "../../src/run-log/run-log-record.js";
import { actionRecord, runRecord } from "../fixtures/run-log/records.js";
import { PG_SERVER, postgresAvailability, TestDatabase } from "../support/postgres.js";
import { TcpProxy } from "../support/tcp-proxy.js";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../..", import.meta.url));
const WRITER_FIXTURE = path.join(repo, "test/fixtures/run-log/pg-writer.ts");
const availability = await postgresAvailability("the run-log PostgreSQL tests");
const title = availability.ok ? `run log in PostgreSQL ${availability.version}` : `run log in PostgreSQL (skipped: ${availability.reason})`;
const SERVER = PG_SERVER;
const db = new TestDatabase();
/** The URL of this file's database, through `port` (a proxy's) when given. */
const dbUrl = (port?: number): string => db.url(port);

/** A query on this file's database, outside the code under test. */
async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: dbUrl() });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function countRecords(where = "true", params: unknown[] = []): Promise<number> {
  const rows = await query<{ n: string }>(`select count(*) as n from wfkit_run_log_records where ${where}`, params);
  return Number(rows[0]!.n);
}

/** Every batch of a scan. */
async function scanAll(store: PostgresRunLogStore, filter: Parameters<PostgresRunLogStore["scan"]>[0] = {}): Promise<RunLogRecord[][]> {
  const batches: RunLogRecord[][] = [];
  for await (const batch of store.scan(filter)) batches.push(batch);
  return batches;
}

/** The run ids of records, each once, in the order they first appear. */
function runOrder(records: RunLogRecord[]): string[] {
  return [...new Set(records.map((r) => `${r.dagId}/${r.runId}`))];
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Wait until `done()` holds; fail after `ms` saying what `state()` was. */
async function until(done: () => Promise<boolean>, state: () => Promise<string>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`not done after ${ms} ms: ${await state()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let writerScript: Promise<string> | undefined;

/**
 * The writer fixture bundled into one file (pg and zod in it), once: fifty processes that each
 * compile the TypeScript with tsx take a minute of CPU on a small machine, plain node a few seconds.
 */
function bundledWriter(): Promise<string> {
  writerScript ??= (async () => {
    const outfile = path.join(tempHome(), "pg-writer.mjs");
    await build({
      entryPoints: [WRITER_FIXTURE],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      external: ["pg-native"],
      // pg is CommonJS and requires Node's modules: give the bundle a `require`.
      banner: { js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);' },
      logLevel: "warning",
    });
    return outfile;
  })();
  return writerScript;
}

/** Run the writer fixture in a child process; its parsed stdout (undefined for `end: "exit"`). */
async function writerProcess(job: { url: string; home: string; dagId: string; runId: string; task: string; count: number; end: "close" | "exit" }) {
  const { stdout } = await run(process.execPath, [await bundledWriter(), JSON.stringify(job)], { cwd: repo, timeout: 120_000 });
  return stdout.trim() === "" ? undefined : (JSON.parse(stdout) as { pid: number; stats: PostgresRunLogWriter["stats"]; warnings: string[] });
}

const homes: string[] = [];
function tempHome(): string {
  const home = mkdtempSync(path.join(tmpdir(), "wfkit-runlog-pg-"));
  homes.push(home);
  return home;
}

function pendingFiles(home: string): string[] {
  const dir = path.join(home, "run-log", "pending");
  return existsSync(dir) ? readdirSync(dir) : [];
}

function pendingPaths(home: string): string[] {
  return pendingFiles(home).map((f) => path.join(home, "run-log", "pending", f));
}

/** The lines of every pending file. */
function pendingLines(home: string): string[] {
  return pendingPaths(home).flatMap((f) => readFileSync(f, "utf8").trim().split("\n"));
}

describe.skipIf(!availability.ok)(title, () => {
  let store: PostgresRunLogStore;

  beforeAll(async () => {
    await db.create();
    store = await PostgresRunLogStore.open(dbUrl());
  });

  afterAll(async () => {
    await store?.close();
    await db.drop();
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  });

  it("creates its tables once, under a lock, however many processes open it at once", async () => {
    const opened = await Promise.all(Array.from({ length: 10 }, () => PostgresRunLogStore.open(dbUrl())));
    await Promise.all(opened.map((s) => s.close()));
    expect(await query("select version from wfkit_run_log_schema order by version")).toEqual([{ version: 1 }, { version: 2 }]);
  });

  it("appends idempotently, scans whole runs newest first with filters, and prunes old runs", async () => {
    const t0 = new Date("2030-01-01T00:00:00Z");
    const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
    const runA = [runRecord("etl_1", "a", at(0)), actionRecord("etl_1", "a", "t", 1, "run", at(1)), actionRecord("etl_1", "a", "t", 1, "success", at(2))];
    const runB = [runRecord("etl_1", "b", at(10)), actionRecord("etl_1", "b", "t", 1, "run", at(11))];
    const runC = [runRecord("report_1", "c", at(20)), actionRecord("report_1", "c", "t", 1, "fail", at(21))];
    // A second worker's run record of run b, earlier than the first: the run starts there.
    const runB2 = runRecord("etl_1", "b", at(9));
    await store.append([...runA, ...runB, ...runC]);
    await store.append([...runA, ...runB, runB2, runB2, ...runC]);
    expect(await countRecords("dag_id in ('etl_1', 'report_1')")).toBe(8);

    const all = await scanAll(store);
    expect(runOrder(all.flat()).slice(0, 3)).toEqual(["report_1/c", "etl_1/b", "etl_1/a"]);
    expect(all.flat().filter((r) => r.runId === "b").map((r) => r.id).sort()).toEqual([...runB, runB2].map((r) => r.id).sort());
    expect(all.flat().find((r) => r.id === runA[2]!.id)).toEqual(runA[2]);

    expect(runOrder((await scanAll(store, { dagId: "etl_1" })).flat())).toEqual(["etl_1/b", "etl_1/a"]);
    expect((await scanAll(store, { runId: "a" })).flat().map((r) => r.id)).toEqual(runA.map((r) => r.id));
    expect(runOrder((await scanAll(store, { since: at(9) })).flat())).toEqual(["report_1/c", "etl_1/b"]);
    expect(await scanAll(store, { dagId: "etl_1", runId: "c" })).toEqual([]);

    // Run a started long before `before` but has a record after it: it stays. Runs b, c and the
    // records of a run without a run record (d) go.
    await store.append([actionRecord("etl_1", "a", "t", 2, "run", at(100)), actionRecord("etl_1", "d", "t", 1, "run", at(5))]);
    const pruned = await store.prune(at(50));
    expect(pruned.runs).toBe(3);
    expect(pruned.keys.map((k) => `${k.dagId}/${k.runId}`).sort()).toEqual(["etl_1/b", "etl_1/d", "report_1/c"]);
    expect(runOrder((await scanAll(store, { dagId: "etl_1" })).flat())).toEqual(["etl_1/a"]);
    expect(await countRecords("dag_id in ('etl_1', 'report_1')")).toBe(4);
  });

  it("pages through many runs in order, each run whole in one batch, and reads no further once the reader stops", async () => {
    const t0 = new Date("2031-01-01T00:00:00Z");
    const records = Array.from({ length: 450 }, (_, i) => [
      runRecord("many_1", `r${String(i).padStart(3, "0")}`, new Date(t0.getTime() + i * 1000)),
      actionRecord("many_1", `r${String(i).padStart(3, "0")}`, "t", 1, "run", new Date(t0.getTime() + i * 1000 + 1)),
    ]).flat();
    await store.append(records);
    const batches = await scanAll(store, { dagId: "many_1" });
    expect(batches.map((b) => b.length)).toEqual([400, 400, 100]);
    const order = runOrder(batches.flat());
    expect(order).toEqual(Array.from({ length: 450 }, (_, i) => `many_1/r${String(449 - i).padStart(3, "0")}`));
    for (const batch of batches) for (const id of runOrder(batch)) expect(batches.filter((b) => runOrder(b).includes(id))).toHaveLength(1);
    let seen = 0;
    for await (const batch of store.scan({ dagId: "many_1" })) {
      seen += batch.length;
      break;
    }
    expect(seen).toBe(400);
  });

  it("keeps a record whose text holds U+0000 (jsonb cannot), with U+FFFD in its place", async () => {
    const record = { ...actionRecord("nul_1", "n", "t", 1, "fail", new Date()), error: { name: "Error", message: "bad\u0000byte \\u0000 stays", resolvableBy: "user" as const } };
    await store.append([record]);
    const [stored] = (await scanAll(store, { dagId: "nul_1" })).flat();
    // No run record: such a run is not listed, but its record is stored.
    expect(stored).toBeUndefined();
    const rows = await query<{ message: string }>("select record->'error'->>'message' as message from wfkit_run_log_records where id = $1", [record.id]);
    expect(rows[0]!.message).toBe("bad\ufffdbyte \\u0000 stays");
  });

  it("says what failed, with the password masked and a hint, when the database cannot be reached", async () => {
    const secret = "S3cret-Pa55word";
    const url = `postgres://postgres:${secret}@127.0.0.1:${await closedPort()}/${db.name}`;
    const error = await PostgresRunLogStore.open(url).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunLogStoreError);
    const text = `${(error as Error).message}\n${(error as Error).stack}\n${JSON.stringify(error)}\n${String((error as Error).cause)}\n${JSON.stringify((error as Error).cause)}`;
    expect(text).not.toContain(secret);
    expect((error as Error).message).toContain("postgres://postgres:[masked]@127.0.0.1");
    expect((error as Error).message).toMatch(/ECONNREFUSED.*check that PostgreSQL is running/);

    // A writer does not fail: its records wait in the pending file, said once, masked.
    const home = tempHome();
    const warnings: string[] = [];
    const writer = await PostgresRunLogWriter.open(url, { home, onWarning: (m) => warnings.push(m) });
    for (let i = 0; i < 3; i++) {
      writer.write(actionRecord("down_1", "x", "t", i + 1, "run", new Date()), false);
      await writer.flush();
    }
    await writer.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain(secret);
    expect(warnings[0]).toContain("[masked]");
    expect(warnings[0]).toContain("wf runs sync");
    expect(writer.stats).toMatchObject({ stored: 0, pending: 3, lost: 0 });
    expect(pendingLines(home)).toHaveLength(3);
    // Strict: the writer's open fails instead.
    await expect(PostgresRunLogWriter.open(url, { home, strict: true, onWarning: () => {} })).rejects.toThrow(RunLogStoreError);
  });

  it("loses nothing when 50 task processes write one run at once", { timeout: 300_000 }, async () => {
    const home = tempHome();
    const TASKS = 50;
    const EACH = 40;
    const outputs = await Promise.all(
      Array.from({ length: TASKS }, (_, i) => writerProcess({ url: dbUrl(), home, dagId: "fifty_1", runId: "one", task: `task${i}`, count: EACH, end: "close" })),
    );
    for (const out of outputs) expect(out).toMatchObject({ stats: { stored: EACH + 1, pending: 0, lost: 0 }, warnings: [] });
    expect(await countRecords("dag_id = 'fifty_1'")).toBe(TASKS * (EACH + 1));
    const batches = await scanAll(store, { runId: "one" });
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(TASKS * (EACH + 1));
    const tasks = new Map<string, number>();
    for (const r of batches[0]!) if (r.kind === "action") tasks.set(r.task, (tasks.get(r.task) ?? 0) + 1);
    expect([...tasks.values()]).toEqual(Array(TASKS).fill(EACH));
    expect(pendingFiles(home)).toEqual([]);
  });

  describe("PostgreSQL cut off mid-run (TCP proxy)", () => {
    let proxy: TcpProxy;
    beforeAll(async () => {
      proxy = await new TcpProxy({ host: SERVER.hostname, port: Number(SERVER.port || 5432) }).start();
    });
    afterAll(async () => {
      await proxy?.close();
    });

    it("keeps records in the pending file while it is away, warns once, and stores them all when it is back (the writer's own retry)", async () => {
      proxy.restore();
      const home = tempHome();
      const warnings: string[] = [];
      const writer = await PostgresRunLogWriter.open(dbUrl(proxy.port), { home, onWarning: (m) => warnings.push(m), retryMinMs: 100, store: { connectionTimeoutMs: 2_000 } });
      const write = (n: number, from: number) => {
        for (let i = 0; i < n; i++) writer.write(actionRecord("cut_1", "r", "t", from + i, "run", new Date()), false);
      };
      writer.write(runRecord("cut_1", "r", new Date()), true);
      write(100, 1);
      await writer.flush();
      expect(await countRecords("dag_id = 'cut_1'")).toBe(101);

      proxy.cut();
      write(100, 101);
      await writer.flush();
      write(100, 201);
      await writer.flush();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/kept in .*pending.*wf runs sync/);
      expect(writer.stats).toMatchObject({ stored: 101, pending: 200, lost: 0 });

      proxy.restore();
      await until(
        async () => (await countRecords("dag_id = 'cut_1'")) === 301,
        async () => `${await countRecords("dag_id = 'cut_1'")} records stored, writer ${JSON.stringify(writer.stats)}, pending ${pendingFiles(home).join(", ")}`,
      );
      // And new records go straight to PostgreSQL again.
      write(10, 301);
      await writer.close();
      expect(await countRecords("dag_id = 'cut_1'")).toBe(311);
      expect(warnings).toHaveLength(1);
      expect(pendingFiles(home)).toEqual([]);
    });

    it("replays the pending files of writers that died while it was away: wf runs sync, and the next writer's open", { timeout: 120_000 }, async () => {
      const home = tempHome();
      proxy.cut();
      // Two task processes end while PostgreSQL is away; one exits at once with its records still queued.
      const closed = await writerProcess({ url: dbUrl(proxy.port), home, dagId: "dead_1", runId: "r", task: "a", count: 30, end: "close" });
      expect(closed!.stats).toMatchObject({ stored: 0, pending: 31, lost: 0 });
      expect(closed!.warnings).toHaveLength(1);
      await writerProcess({ url: dbUrl(proxy.port), home, dagId: "dead_1", runId: "r", task: "b", count: 20, end: "exit" });
      expect(pendingFiles(home)).toHaveLength(2);
      // A torn last line (a crash mid-write) and a corrupt one: skipped and said, the rest replayed.
      // (The second process claimed the first one's file when it opened, and died too.)
      const first = pendingPaths(home).find((f) => readFileSync(f, "utf8").includes('"task":"a"'))!;
      appendFileSync(first, 'not json\n{"v":1,"kind":"action","id":"x"}\n{"v":1,"kind":"act');
      proxy.restore();

      const warnings: string[] = [];
      const replayed = await replayPendingRunLog(store, home, { onWarning: (m) => warnings.push(m) });
      expect(replayed).toEqual({ records: 52, files: 2 });
      expect(warnings).toHaveLength(3);
      expect(warnings[0]).toContain(`line 32 of ${path.dirname(first)}`);
      expect(warnings.join("\n")).toMatch(/line 33 .* not a run-log record[\s\S]*line 34 .* truncated/);
      expect(await countRecords("dag_id = 'dead_1'")).toBe(52);
      expect(pendingFiles(home)).toEqual([]);
      expect(await replayPendingRunLog(store, home)).toEqual({ records: 0, files: 0 });

      // Again, but this time the next writer that opens on the host replays them.
      proxy.cut();
      await writerProcess({ url: dbUrl(proxy.port), home, dagId: "dead_2", runId: "r", task: "a", count: 25, end: "close" });
      expect(pendingFiles(home)).toHaveLength(1);
      proxy.restore();
      const next = await PostgresRunLogWriter.open(dbUrl(proxy.port), { home, onWarning: () => {} });
      await next.close();
      expect(next.stats.replayed).toBe(26);
      expect(await countRecords("dag_id = 'dead_2'")).toBe(26);
      expect(pendingFiles(home)).toEqual([]);
    });
  });
});
