import { randomBytes } from "node:crypto";
import pg from "pg";
import { inCi } from "./rabbitmq.js";

/** The PostgreSQL server the tests use: WF_TEST_PG_URL, else the one CI starts on 127.0.0.1:5432. */
export const PG_SERVER = new URL(process.env["WF_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres");

/** The server's version, or why it cannot be reached. */
export async function probePostgres(): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  const client = new pg.Client({ connectionString: PG_SERVER.href, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>("show server_version");
    return { ok: true, version: rows[0]!.server_version };
  } catch (error) {
    return { ok: false, reason: `no PostgreSQL at ${PG_SERVER.host} (${error instanceof Error ? error.message : String(error)}); start one, e.g. docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres` };
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Whether PostgreSQL is there: under CI its absence fails the file (throws); elsewhere the
 * tests skip, and say why once.
 */
export async function postgresAvailability(what: string): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  const availability = await probePostgres();
  if (!availability.ok) {
    if (inCi()) throw new Error(`PostgreSQL is required under CI (CI=${process.env["CI"]}): ${availability.reason}`);
    console.warn(`[postgres] skipping ${what}: ${availability.reason}`);
  }
  return availability;
}

/** A database of its own for one test file: its URL (through `port`, a proxy's, when given), made and dropped. */
export class TestDatabase {
  readonly name = `wfkit_test_${process.pid}_${randomBytes(4).toString("hex")}`;

  url(port?: number): string {
    const url = new URL(PG_SERVER.href);
    url.pathname = `/${this.name}`;
    if (port !== undefined) url.port = String(port);
    return url.href;
  }

  async create(): Promise<void> {
    await admin(`create database ${this.name}`);
  }

  async drop(): Promise<void> {
    await admin(`drop database if exists ${this.name} with (force)`);
  }
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_SERVER.href });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
