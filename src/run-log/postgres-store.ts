import pg from "pg";
import { errorMessage } from "../errors/wfkit-error.js";
import { Masker, maskUrlCredentials, urlSecrets } from "../logging/mask.js";
import { RunLogStoreError } from "./errors.js";
import { runKey } from "./file-store.js";
import { migrate, TABLES } from "./postgres-schema.js";
import type { AuditRecord, EndRecord, RunLogRecord } from "./run-log-record.js";
import { newestFirst, type AuditScan, type AuditScanAudit, type AuditScanFilter, type AuditScanRun } from "./audit-scan.js";
import type { Dataset } from "../events/audit-fields.js";
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
           select id, kind, dag_id, run_id, at, task, action, attempt, record from input on conflict (id) do nothing
         )
         insert into ${TABLES.runs} as runs (dag_id, run_id, first_at, workflow)
         select dag_id, run_id, min(at), min(record->>'workflow') from input where kind = 'run' group by dag_id, run_id
         on conflict (dag_id, run_id) do update set first_at = least(runs.first_at, excluded.first_at), workflow = coalesce(runs.workflow, excluded.workflow)
         where runs.first_at > excluded.first_at or (runs.workflow is null and excluded.workflow is not null)`,
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
      if (filter.workflow !== undefined) conditions.push(`workflow = ${param(filter.workflow)}`);
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
        // An Airflow run has no end record: its status is folded from its task actions, which are kept whatever `kinds` says.
        const kinds =
          filter.kinds === undefined
            ? ""
            : `where (x.kind = any($3::text[]) or (x.kind = 'action' and not exists (
                 select 1 from ${TABLES.records} e where e.dag_id = x.dag_id and e.run_id = x.run_id and e.kind = 'end')))`;
        const records = await client.query<{ record: RunLogRecord }>(
          `select x.record from ${TABLES.records} x join unnest($1::text[], $2::text[]) as k(dag_id, run_id) on x.dag_id = k.dag_id and x.run_id = k.run_id
           ${kinds}
           order by x.at, x.id`,
          [runs.rows.map((r) => r.dag_id), runs.rows.map((r) => r.run_id), ...(filter.kinds === undefined ? [] : [[...filter.kinds]])],
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

  /**
   * The audit scan in five queries that select only the fields the audit reads (the server turns
   * whole jsonb records into text far more slowly than it finds them: 10,000 runs' whole
   * records cost most of a second, these a fraction of it), run on the pool at once.
   */
  async auditScan(filter: AuditScanFilter): Promise<AuditScan> {
    const where = `r.workflow = $1${filter.since === undefined ? "" : " and r.first_at >= $2"}`;
    const params = filter.since === undefined ? [filter.workflow] : [filter.workflow, filter.since.toISOString()];
    const from = `${TABLES.records} x join ${TABLES.runs} r on r.dag_id = x.dag_id and r.run_id = x.run_id`;
    const read = <T extends pg.QueryResultRow>(sql: string, values: unknown[] = params) => this.withClient("read", async (client) => (await client.query<T>(sql, values)).rows);
    const [runs, details, datasets] = await Promise.all([
      // One row per run, its audit records' counts as one JSON text: rows are what the client
      // pays for (10,000 runs of 3 tasks as 40,000 rows took twice as long).
      read<{ dag_id: string; run_id: string; started_at: string; version: string; engine: string; max: number | null; end_status: EndRecord["status"] | null; end_duration: number | null; end_at: string | null; audits: string | null }>(
        `select r.dag_id, r.run_id, h.record->>'at' as started_at, h.record->>'version' as version, h.record->>'engine' as engine,
                (h.record->'audit'->>'maxConsecutiveFailures')::integer as max,
                e.record->>'status' as end_status, (e.record->>'durationMs')::float8 as end_duration, e.record->>'at' as end_at,
                (select json_agg(json_build_array(x.task, x.attempt, x.record->'at', x.record->'records', x.record->'dataRange', x.record->'errorCount'))::text
                 from ${TABLES.records} x where x.dag_id = r.dag_id and x.run_id = r.run_id and x.kind = 'audit') as audits
         from ${TABLES.runs} r
         join lateral (select x.record from ${TABLES.records} x where x.dag_id = r.dag_id and x.run_id = r.run_id and x.kind = 'run' order by x.at, x.id limit 1) h on true
         left join lateral (select x.record from ${TABLES.records} x where x.dag_id = r.dag_id and x.run_id = r.run_id and x.kind = 'end' order by x.at desc, x.id desc limit 1) e on true
         where ${where}`,
      ),
      read<{ record: AuditRecord }>(
        `with newest as (select r.dag_id, r.run_id from ${TABLES.runs} r where ${where} order by r.first_at desc, r.dag_id desc, r.run_id desc limit ${Math.max(0, Math.floor(Math.min(filter.detailed, 1_000_000)))})
         select x.record from ${TABLES.records} x join newest n on n.dag_id = x.dag_id and n.run_id = x.run_id where x.kind = 'audit' order by x.at, x.id`,
      ),
      // Each distinct pair of lists once (one pass; grouped by jsonb value), oldest first.
      read<{ sources: Dataset[]; targets: Dataset[] }>(
        `select case when x.kind = 'audit' then x.record->'sources' else x.record->'audit'->'sources' end as sources,
                case when x.kind = 'audit' then x.record->'targets' else x.record->'audit'->'targets' end as targets,
                min(x.at) as first
         from ${from} where ${where} and (x.kind = 'audit' or (x.kind = 'run' and x.record ? 'audit'))
         group by 1, 2 order by first`,
      ),
    ]);
    // An Airflow run has no end: its status is folded from its records, read only for those runs.
    const open = runs.filter((r) => r.end_status === null);
    const unended =
      open.length === 0
        ? []
        : await read<{ record: RunLogRecord }>(
            `select x.record from ${TABLES.records} x join unnest($1::text[], $2::text[]) as k(dag_id, run_id) on x.dag_id = k.dag_id and x.run_id = k.run_id
             where x.kind in ('run', 'action') order by x.at, x.id`,
            [open.map((r) => r.dag_id), open.map((r) => r.run_id)],
          );
    const scanRuns: AuditScanRun[] = runs.map((r) => ({
      dagId: r.dag_id,
      runId: r.run_id,
      startedAt: r.started_at,
      version: r.version,
      engine: r.engine,
      maxConsecutiveFailures: r.max,
      end: r.end_status === null ? null : { status: r.end_status, durationMs: r.end_duration ?? 0, at: r.end_at ?? r.started_at },
    }));
    scanRuns.sort(newestFirst);
    return {
      runs: scanRuns,
      audits: runs.flatMap((r) =>
        r.audits === null
          ? []
          : (JSON.parse(r.audits) as [string, number, string, Record<string, number>, AuditScanAudit["dataRange"], number][]).map(([task, attempt, at, records, dataRange, errorCount]) => ({
              dagId: r.dag_id,
              runId: r.run_id,
              task,
              attempt,
              at,
              records,
              dataRange,
              errorCount,
            })),
      ),
      unended: unended.map((r) => r.record),
      details: details.map((r) => r.record),
      sources: distinctLists(datasets.map((d) => d.sources)),
      targets: distinctLists(datasets.map((d) => d.targets)),
    };
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

  /**
   * Run `work` on a pooled connection, as the store's own reads and writes do: the tables are
   * migrated first, and a failure becomes a RunLogStoreError saying it could not `doing` (`read
   * the audit of`), the password masked, with a hint. For the stores that keep their tables
   * beside the run log's (the audit). Errors `work` throws are wrapped too: decide what a
   * result means after it returns.
   */
  query<T>(doing: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(doing, work);
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

/** Each list once, in the order first seen. */
function distinctLists(lists: readonly Dataset[][]): Dataset[][] {
  const seen = new Map<string, Dataset[]>();
  for (const list of lists) seen.set(JSON.stringify(list), list);
  return [...seen.values()];
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
