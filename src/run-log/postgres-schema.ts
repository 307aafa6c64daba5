import type pg from "pg";

/** The run log's tables in PostgreSQL (in the connection's default schema, its search_path). */
export const TABLES = {
  /** One row per record: the record whole (`record`) and the columns queries filter on. */
  records: "wfkit_run_log_records",
  /** One row per run (dag id + run id) that has a `run` record, with its earliest: lists runs newest first by index. */
  runs: "wfkit_run_log_runs",
  /** The schema versions applied, one row each. */
  version: "wfkit_run_log_schema",
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
