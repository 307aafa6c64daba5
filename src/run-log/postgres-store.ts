import pg from "pg";
import { errorMessage } from "../errors/wfkit-error.js";
import { Masker, maskUrlCredentials, urlSecrets } from "../logging/mask.js";
import { RunLogStoreError } from "./errors.js";
import { runKey } from "./file-store.js";
import { migrate, TABLES } from "./postgres-schema.js";
import type { RunLogRecord } from "./run-log-record.js";
import type { RunLogStore, ScanFilter } from "./run-log-store.js";

/** Runs per page of a scan: each page is one query for the runs and one for their records. */
const SCAN_PAGE = 200;

/** How the store connects. */
export interface PostgresStoreOptions {
  /** Connections at most (default 3: one writer's batches, a pending-file replay, a reader). */
  max?: number;
  /** How long a connection attempt may take (default 5,000 ms). */
  connectionTimeoutMs?: number;
}

/**
 * The run log in PostgreSQL, for many workers on many machines: one row per record (the record
 * whole as jsonb, plus the columns queries filter on) and one per run, so runs list newest
 * first by index. Tables are created and migrated on first use (`postgres-schema.ts`). Appends
 * are idempotent by record id and take one round trip per batch.
 */
export class PostgresRunLogStore implements RunLogStore {
  /** The URL with its password masked. */
  readonly description: string;
  private readonly pool: pg.Pool;
  private readonly masker: Masker;
  private migrated: Promise<void> | undefined;
  private ended: Promise<void> | undefined;

  private constructor(url: string, options: PostgresStoreOptions) {
    this.description = maskUrlCredentials(url);
    this.masker = new Masker([], urlSecrets(url));
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 3,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
      idleTimeoutMillis: 10_000,
      // A connection that stops answering (a frozen server, a silent network) fails the query
      // rather than holding the writer: its records go to the pending file.
      query_timeout: 30_000,
      keepAlive: true,
      allowExitOnIdle: true,
      application_name: "wfkit",
    });
    // A connection that breaks (a server restart, a network cut) fails the query that uses it,
    // or, idle, is dropped from the pool: never an uncaught 'error' event that ends the process.
    this.pool.on("error", () => {});
    this.pool.on("connect", (client) => client.on("error", () => {}));
  }

  /** A store on `url` that connects (and migrates) on first use; nothing is tried yet. */
  static connect(url: string, options: PostgresStoreOptions = {}): PostgresRunLogStore {
    return new PostgresRunLogStore(url, options);
  }

  /** Connect to `url` and create or migrate the tables; throws RunLogStoreError (password masked, with a hint) when that fails. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresRunLogStore> {
    const store = new PostgresRunLogStore(url, options);
    try {
      await store.check();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** Whether the database can be reached and its tables are current; throws RunLogStoreError if not (a strict run's check at start). */
  async check(): Promise<void> {
    await this.withClient("reach", async (client) => {
      await client.query("select 1");
    });
  }

  async append(records: readonly RunLogRecord[]): Promise<void> {
    if (records.length === 0) return;
    const unique = new Map<string, RunLogRecord>();
    for (const record of records) unique.set(record.id, record);
    // One parameter, one round trip: the batch as a JSON array, taken apart by the server.
    const json = jsonbSafe(JSON.stringify([...unique.values()]));
    await this.withClient("write", (client) =>
      client.query(
        `with input as materialized (
           select r->>'id' as id, r->>'kind' as kind, r->>'dagId' as dag_id, r->>'runId' as run_id, (r->>'at')::timestamptz as at,
                  r->>'task' as task, r->>'action' as action, (r->>'attempt')::integer as attempt, r as record
           from jsonb_array_elements($1::jsonb) as r
         ), added as (
           insert into ${TABLES.records} (id, kind, dag_id, run_id, at, task, action, attempt, record)
           select * from input on conflict (id) do nothing
         )
         insert into ${TABLES.runs} as runs (dag_id, run_id, first_at)
         select dag_id, run_id, min(at) from input where kind = 'run' group by dag_id, run_id
         on conflict (dag_id, run_id) do update set first_at = excluded.first_at where runs.first_at > excluded.first_at`,
        [json],
      ),
    );
  }

  async *scan(filter: ScanFilter): AsyncIterable<RunLogRecord[]> {
    let after: { at: string; dagId: string; runId: string } | undefined;
    // Pages grow from what the reader expects to SCAN_PAGE: `wf runs list` wants 20 runs, not 200.
    let pageSize = Math.min(SCAN_PAGE, Math.max(1, filter.expect ?? SCAN_PAGE));
    for (;;) {
      const conditions: string[] = [];
      const params: unknown[] = [];
      const param = (value: unknown) => `$${params.push(value)}`;
      if (filter.since !== undefined) conditions.push(`first_at >= ${param(filter.since.toISOString())}`);
      if (filter.dagId !== undefined) conditions.push(`dag_id = ${param(filter.dagId)}`);
      if (filter.runId !== undefined) conditions.push(`run_id = ${param(filter.runId)}`);
      if (after !== undefined) conditions.push(`(first_at, dag_id, run_id) < (${param(after.at)}::timestamptz, ${param(after.dagId)}, ${param(after.runId)})`);
      const page = await this.withClient("read", async (client) => {
        // first_at as text: a JS Date would cut its microseconds, and the next page would start in the wrong place.
        const runs = await client.query<{ dag_id: string; run_id: string; first_at: string }>(
          `select dag_id, run_id, first_at::text as first_at from ${TABLES.runs}
           ${conditions.length > 0 ? `where ${conditions.join(" and ")}` : ""}
           order by first_at desc, dag_id desc, run_id desc limit ${pageSize}`,
          params,
        );
        if (runs.rows.length === 0) return { runs: runs.rows, records: [] };
        const records = await client.query<{ record: RunLogRecord }>(
          `select x.record from ${TABLES.records} x join unnest($1::text[], $2::text[]) as k(dag_id, run_id) on x.dag_id = k.dag_id and x.run_id = k.run_id
           order by x.at, x.id`,
          [runs.rows.map((r) => r.dag_id), runs.rows.map((r) => r.run_id)],
        );
        return { runs: runs.rows, records: records.rows.map((r) => r.record) };
      });
      const byRun = new Map<string, RunLogRecord[]>(page.runs.map((r) => [runKey({ dagId: r.dag_id, runId: r.run_id }), []]));
      for (const record of page.records) byRun.get(runKey(record))?.push(record);
      const batch = [...byRun.values()].flat();
      if (batch.length > 0) yield batch;
      if (page.runs.length < pageSize) return;
      pageSize = Math.min(SCAN_PAGE, pageSize * 2);
      const last = page.runs.at(-1)!;
      after = { at: last.first_at, dagId: last.dag_id, runId: last.run_id };
    }
  }

  async prune(before: Date): Promise<{ runs: number; keys: { dagId: string; runId: string }[] }> {
    const cutoff = before.toISOString();
    const rows = await this.withClient("prune", async (client) => {
      await client.query("begin");
      try {
        // A run goes when its last record is older than `before`: it started before, and has no record since.
        const runs = await client.query<{ dag_id: string; run_id: string }>(
          `with doomed as (
             select r.dag_id, r.run_id from ${TABLES.runs} r
             where r.first_at < $1
               and not exists (select 1 from ${TABLES.records} x where x.dag_id = r.dag_id and x.run_id = r.run_id and x.at >= $1)
           ), records_gone as (
             delete from ${TABLES.records} x using doomed d where x.dag_id = d.dag_id and x.run_id = d.run_id
           ), runs_gone as (
             delete from ${TABLES.runs} r using doomed d where r.dag_id = d.dag_id and r.run_id = d.run_id
           )
           select dag_id, run_id from doomed`,
          [cutoff],
        );
        // Records of runs with no run record (its process could not write it): gone by the same rule.
        const orphans = await client.query<{ dag_id: string; run_id: string }>(
          `with doomed as (
             select distinct x.dag_id, x.run_id from ${TABLES.records} x
             where x.at < $1
               and not exists (select 1 from ${TABLES.runs} r where r.dag_id = x.dag_id and r.run_id = x.run_id)
               and not exists (select 1 from ${TABLES.records} y where y.dag_id = x.dag_id and y.run_id = x.run_id and y.at >= $1)
           ), records_gone as (
             delete from ${TABLES.records} x using doomed d where x.dag_id = d.dag_id and x.run_id = d.run_id
           )
           select dag_id, run_id from doomed`,
          [cutoff],
        );
        await client.query("commit");
        return [...runs.rows, ...orphans.rows];
      } catch (error) {
        await client.query("rollback").catch(() => {});
        throw error;
      }
    });
    const keys = rows.map((r) => ({ dagId: r.dag_id, runId: r.run_id }));
    return { runs: keys.length, keys };
  }

  /** Close every connection (waits for queries under way). */
  close(): Promise<void> {
    this.ended ??= this.pool.end().catch(() => {});
    return this.ended;
  }

  /**
   * Run `work` on a pooled connection, the tables migrated first (once per store). Every
   * failure becomes a RunLogStoreError with the URL's password masked and a hint; a connection
   * that broke is discarded, not pooled again.
   */
  private async withClient<T>(doing: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.error("connect to", error);
    }
    let broken: Error | undefined;
    try {
      if (this.migrated === undefined) {
        const migrating = (this.migrated = migrate(client));
        // A failed migration is tried again by the next call.
        migrating.catch(() => {
          if (this.migrated === migrating) this.migrated = undefined;
        });
      }
      await this.migrated;
      return await work(client);
    } catch (error) {
      if (!isServerError(error)) broken = error instanceof Error ? error : new Error(String(error));
      throw this.error(doing, error);
    } finally {
      client.release(broken);
    }
  }

  /** A RunLogStoreError for a failure to `doing` the run log, masked, with a hint of what to do; its cause is a masked copy. */
  private error(doing: string, error: unknown): RunLogStoreError {
    const message = this.masker.text(errorMessage(error));
    const code = (error as { code?: unknown } | null)?.code;
    const cause = Object.assign(new Error(message), typeof code === "string" ? { code } : {});
    return new RunLogStoreError(`cannot ${doing} the run log in PostgreSQL at ${this.description}: ${message} (${hint(code, message)})`, { cause });
  }
}

/** An error the server sent about a query (not a connection failure or shutdown): the connection itself is still good. */
function isServerError(error: unknown): boolean {
  return error instanceof pg.DatabaseError && !/^(08|57P)/.test(error.code ?? "");
}

/** Whether a RunLogStoreError from this store was the data's fault (a record the database refuses), not the connection's: trying again will not help. */
export function isDataError(error: unknown): boolean {
  const code = ((error as { cause?: { code?: unknown } } | null)?.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && /^(22|23)/.test(code);
}

/** What the user can do about a failure with this code. */
function hint(code: unknown, message: string): string {
  switch (code) {
    case "28P01":
    case "28000":
      return "check the user and password in WF_RUN_LOG";
    case "3D000":
      return "create the database first (createdb), or name an existing one in WF_RUN_LOG";
    case "42501":
      return "the user needs the right to create tables in the schema on first use, or an owner creates them by running wfkit once";
    case "53300":
    case "57P03":
      return "PostgreSQL cannot take more connections now; try again, or raise max_connections";
  }
  if (typeof code === "string" && /^(22|23)/.test(code)) return "a record was refused; it is kept in the pending files";
  if (/timeout|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|terminated/i.test(`${String(code)} ${message}`)) {
    return "check that PostgreSQL is running and reachable at WF_RUN_LOG's host and port; records wait in pending files until it is back (wf runs sync)";
  }
  return "check WF_RUN_LOG and the database";
}

// jsonb cannot hold U+0000, which JSON escapes as \u0000 (an error message may carry one): it
// becomes U+FFFD, rather than the whole batch being refused. An escaped backslash before "u0000"
// (an even run of backslashes) is text, and stays.
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

function jsonbSafe(json: string): string {
  return json.includes("\\u0000") ? json.replace(NUL_ESCAPE, "$1\\ufffd") : json;
}

/** The store for reading (`wf runs`, `wf runs sync`): {@link PostgresRunLogStore.open} on the options' URL; throws RunLogStoreError when it cannot be reached. */
export function openPostgresRunLogStore(options: { url: string | undefined }): Promise<PostgresRunLogStore> {
  if (options.url === undefined) return Promise.reject(new RunLogStoreError("the run-log options name no PostgreSQL URL (WF_RUN_LOG=postgres://…)"));
  return PostgresRunLogStore.open(options.url);
}
