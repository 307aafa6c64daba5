import type pg from "pg";

/** The run log's tables in PostgreSQL (in the connection's default schema, its search_path). */
export const TABLES = {
  /** One row per record: the record whole (`record`) and the columns queries filter on. */
  records: "wfkit_run_log_records",
  /** One row per run (dag id + run id) that has a `run` record, with its earliest and its workflow: lists runs newest first by index. */
  runs: "wfkit_run_log_runs",
  /** The schema versions applied, one row each. */
  version: "wfkit_run_log_schema",
  /** The audit's extracts, one row each (location + filename), with their status: changed in place. */
  auditExtracts: "wfkit_audit_extracts",
  /** The audit's hold records of workflows, appended. */
  auditHolds: "wfkit_audit_holds",
} as const;

/**
 * Key of the advisory lock that migrations hold: the 50 task processes of an Airflow run that
 * open a fresh database at once migrate it one after another, and all but the first find it done.
 */
const MIGRATION_LOCK = 0x77666b6974; // "wfkit"

/** The migrations, in order: migration i brings the schema to version i + 1. Never edit one that shipped; add one. */
const MIGRATIONS: readonly string[] = [
  `create table if not exists ${TABLES.records} (
     id text primary key,
     kind text not null,
     dag_id text not null,
     run_id text not null,
     at timestamptz not null,
     task text,
     action text,
     attempt integer,
     record jsonb not null
   );
   create index if not exists ${TABLES.records}_run on ${TABLES.records} (dag_id, run_id);
   create index if not exists ${TABLES.records}_action on ${TABLES.records} (task, action, at) where kind = 'action';
   create index if not exists ${TABLES.records}_at on ${TABLES.records} (at);
   create table if not exists ${TABLES.runs} (
     dag_id text not null,
     run_id text not null,
     first_at timestamptz not null,
     primary key (dag_id, run_id)
   );
   create index if not exists ${TABLES.runs}_first_at on ${TABLES.runs} (first_at desc, dag_id desc, run_id desc);
   create index if not exists ${TABLES.runs}_dag on ${TABLES.runs} (dag_id, first_at desc, run_id desc);
   create index if not exists ${TABLES.runs}_run_id on ${TABLES.runs} (run_id);`,
  // 2: the audit's tables, and each run's workflow (from its run records) so runs list by workflow.
  // Locations and filenames sort by code point ("C"), as the file store sorts them: a locale's
  // collation ignores punctuation (my_file after myXfile), and the index serves that order.
  `create table if not exists ${TABLES.auditExtracts} (
     location text collate "C" not null,
     filename text collate "C" not null,
     status text not null,
     producer jsonb,
     producer_workflow text,
     changed_by jsonb,
     registered_at timestamptz not null,
     updated_at timestamptz not null,
     primary key (location, filename)
   );
   create index if not exists ${TABLES.auditExtracts}_status on ${TABLES.auditExtracts} (status, location, filename);
   create index if not exists ${TABLES.auditExtracts}_producer on ${TABLES.auditExtracts} (producer_workflow, status);
   create table if not exists ${TABLES.auditHolds} (
     id text primary key,
     workflow text not null,
     at timestamptz not null,
     record jsonb not null
   );
   create index if not exists ${TABLES.auditHolds}_workflow on ${TABLES.auditHolds} (workflow, at desc);
   alter table ${TABLES.runs} add column if not exists workflow text;
   update ${TABLES.runs} r set workflow = x.record->>'workflow' from ${TABLES.records} x
     where x.kind = 'run' and x.dag_id = r.dag_id and x.run_id = r.run_id and r.workflow is null;
   create index if not exists ${TABLES.runs}_workflow on ${TABLES.runs} (workflow, first_at desc, dag_id desc, run_id desc);
   -- A run's records of one kind (its header, its end, its audits) found directly, not among all
   -- of its records: wf audit over 10,000 runs took a quarter less. Its prefix serves every
   -- lookup the (dag_id, run_id) index did, which goes.
   create index if not exists ${TABLES.records}_run_kind on ${TABLES.records} (dag_id, run_id, kind);
   drop index if exists ${TABLES.records}_run;`,
];

/** The schema version this wfkit writes and reads. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Bring the database's run-log tables to {@link POSTGRES_SCHEMA_VERSION}. A database already
 * there costs one query and no lock; otherwise the migrations run in one transaction under an
 * advisory lock, so processes that open it at once never race. Throws the driver's error, and
 * an Error when the database is newer than this wfkit.
 */
export async function migrate(client: pg.ClientBase): Promise<void> {
  if ((await currentVersion(client)) === POSTGRES_SCHEMA_VERSION) return;
  await client.query("begin");
  try {
    await client.query("select pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query(`create table if not exists ${TABLES.version} (version integer primary key, applied_at timestamptz not null default now())`);
    const at = await currentVersion(client);
    if (at > POSTGRES_SCHEMA_VERSION) {
      throw new Error(`the database's run-log schema is version ${at}, newer than this wfkit's (${POSTGRES_SCHEMA_VERSION}): upgrade wfkit`);
    }
    for (let version = at + 1; version <= POSTGRES_SCHEMA_VERSION; version++) {
      await client.query(MIGRATIONS[version - 1]!);
      await client.query(`insert into ${TABLES.version} (version) values ($1)`, [version]);
    }
    await client.query("commit");
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  }
}

/** The newest schema version applied, 0 when there are no tables yet. */
async function currentVersion(client: pg.ClientBase): Promise<number> {
  try {
    const found = await client.query<{ version: number | null }>(`select max(version) as version from ${TABLES.version}`);
    return found.rows[0]?.version ?? 0;
  } catch (error) {
    if ((error as { code?: unknown }).code === "42P01") return 0; // undefined_table: a fresh database
    throw error;
  }
}
