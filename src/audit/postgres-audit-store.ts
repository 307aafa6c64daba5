import type pg from "pg";
import { errorMessage } from "../errors/wfkit-error.js";
import { PostgresRunLogStore, type PostgresStoreOptions } from "../run-log/postgres-store.js";
import { TABLES } from "../run-log/postgres-schema.js";
import type { AuditStore, ExtractChange } from "./audit-store.js";
import { AuditStoreError, ExtractNotFoundError } from "./errors.js";
import { statusesBefore, type Extract, type ExtractActor, type ExtractFilter, type ExtractKey, type ExtractStatus } from "./extract.js";
import type { HoldRecord } from "./hold.js";

/** An extract's row as the queries select it. */
interface ExtractRow {
  location: string;
  filename: string;
  status: ExtractStatus;
  producer: ExtractActor | null;
  changed_by: ExtractActor | null;
  registered_at: Date;
  updated_at: Date;
}

const EXTRACT_COLUMNS = "location, filename, status, producer, changed_by, registered_at, updated_at";

/**
 * The audit in PostgreSQL, in tables beside the run log's, on the run-log store's connections
 * (its migrations create them). A status change is one compare-and-set statement, so of many
 * workers that claim the same extract at once exactly one gets it; holds are rows appended.
 */
export class PostgresAuditStore implements AuditStore {
  readonly description: string;

  constructor(private readonly store: PostgresRunLogStore) {
    this.description = store.description;
  }

  /** Connect to `url` (the run log's PostgreSQL) and create or migrate the tables; throws AuditStoreError (password masked, with a hint) when that fails. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresAuditStore> {
    try {
      return new PostgresAuditStore(await PostgresRunLogStore.open(url, options));
    } catch (error) {
      throw new AuditStoreError(errorMessage(error), { cause: error });
    }
  }

  async registerExtract(key: ExtractKey, producer: ExtractActor | null, status: ExtractStatus = "ready"): Promise<{ created: boolean; extract: Extract }> {
    const rows = await this.query("register an extract in", async (client) => {
      const inserted = await client.query<ExtractRow>(
        `insert into ${TABLES.auditExtracts} (location, filename, status, producer, producer_workflow, changed_by, registered_at, updated_at)
         values ($1, $2, $3, $4::jsonb, $5, null, now(), now())
         on conflict (location, filename) do nothing
         returning ${EXTRACT_COLUMNS}`,
        [key.location, key.filename, status, producer === null ? null : JSON.stringify(producer), producer?.workflow ?? null],
      );
      if (inserted.rows.length > 0) return { created: true, rows: inserted.rows };
      return { created: false, rows: await selectExtract(client, key) };
    });
    const row = rows.rows[0];
    // Extracts are never deleted, so the one that was there is still there.
    if (row === undefined) throw new AuditStoreError(`extract ${describeKey(key)} was neither registered nor found in ${this.description} (check the table ${TABLES.auditExtracts})`);
    return { created: rows.created, extract: extractOfRow(row) };
  }

  async changeExtractStatus(key: ExtractKey, to: ExtractStatus, by: ExtractActor | null): Promise<ExtractChange> {
    const result = await this.query("change an extract's status in", async (client) => {
      // One statement: the row lock its `for update` takes makes a second claimer wait, then
      // read the new status and match nothing. `previous` is the status the lock saw.
      const updated = await client.query<ExtractRow & { previous: ExtractStatus }>(
        `with old as (
           select location, filename, status from ${TABLES.auditExtracts} where location = $1 and filename = $2 for update
         )
         update ${TABLES.auditExtracts} x set status = $3, changed_by = $4::jsonb, updated_at = now()
         from old
         where x.location = old.location and x.filename = old.filename and old.status = any($5::text[])
         returning ${EXTRACT_COLUMNS.split(", ").map((c) => `x.${c}`).join(", ")}, old.status as previous`,
        [key.location, key.filename, to, by === null ? null : JSON.stringify(by), statusesBefore(to)],
      );
      if (updated.rows.length > 0) return { changed: true, rows: updated.rows, previous: updated.rows[0]!.previous };
      return { changed: false, rows: await selectExtract(client, key), previous: undefined };
    });
    const row = result.rows[0];
    if (row === undefined) {
      throw new ExtractNotFoundError(`no extract ${describeKey(key)} is registered (in ${this.description}): register it first (registerExtract), then change its status`);
    }
    return result.changed ? { changed: true, extract: extractOfRow(row), previous: result.previous } : { changed: false, extract: extractOfRow(row) };
  }

  async findExtracts(filter: ExtractFilter): Promise<Extract[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const status = filter.status ?? "ready";
    if (status !== "any") conditions.push(`status = ${param(status)}`);
    if (filter.location !== undefined) conditions.push(`location = ${param(filter.location)}`);
    if (filter.producer !== undefined) conditions.push(`producer_workflow = ${param(filter.producer)}`);
    if (filter.filename !== undefined) {
      // position(), not LIKE: `_` and `%` in a filename are themselves.
      conditions.push(filter.partial ? `position(${param(filter.filename)} in filename) > 0` : `filename = ${param(filter.filename)}`);
    }
    const limit = filter.limit === undefined ? "" : `limit ${param(Math.max(0, Math.floor(filter.limit)))}`;
    const rows = await this.query("read the extracts in", async (client) =>
      (
        await client.query<ExtractRow>(
          `select ${EXTRACT_COLUMNS} from ${TABLES.auditExtracts}
           ${conditions.length > 0 ? `where ${conditions.join(" and ")}` : ""}
           order by location, filename ${limit}`,
          params,
        )
      ).rows,
    );
    return rows.map(extractOfRow);
  }

  async addHold(record: HoldRecord): Promise<void> {
    await this.query("write a hold record in", (client) =>
      client.query(`insert into ${TABLES.auditHolds} (id, workflow, at, record) values ($1, $2, $3, $4::jsonb) on conflict (id) do nothing`, [
        record.id,
        record.workflow,
        record.at,
        JSON.stringify(record),
      ]),
    );
  }

  async holds(workflow: string): Promise<HoldRecord[]> {
    const rows = await this.query("read the hold records in", async (client) =>
      (await client.query<{ record: HoldRecord }>(`select record from ${TABLES.auditHolds} where workflow = $1 order by at desc, id desc`, [workflow])).rows,
    );
    return rows.map((r) => r.record);
  }

  close(): Promise<void> {
    return this.store.close();
  }

  /** The run-log store's query, its RunLogStoreError (masked, with a hint) made an AuditStoreError with the same message. */
  private async query<T>(doing: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await this.store.query(doing, work);
    } catch (error) {
      throw new AuditStoreError(errorMessage(error), { cause: error });
    }
  }
}

async function selectExtract(client: pg.PoolClient, key: ExtractKey): Promise<ExtractRow[]> {
  return (await client.query<ExtractRow>(`select ${EXTRACT_COLUMNS} from ${TABLES.auditExtracts} where location = $1 and filename = $2`, [key.location, key.filename])).rows;
}

function extractOfRow(row: ExtractRow): Extract {
  return {
    location: row.location,
    filename: row.filename,
    status: row.status,
    producer: row.producer,
    changedBy: row.changed_by,
    registeredAt: row.registered_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function describeKey(key: ExtractKey): string {
  return `${JSON.stringify(key.filename)} in ${JSON.stringify(key.location)}`;
}
