import * as z from "zod";
import { pure } from "../util/pure.js";
import type { AirflowBackend, AirflowConnectionData } from "./airflow-access.js";

/** A connection of the local stand-in, with Airflow's fields. */
const StandInConnectionSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.string().min(1).describe("Airflow's `conn_type`, e.g. `postgres`, `http`"),
  host: z.string().optional(),
  port: z.number().int().min(0).max(65535).optional(),
  login: z.string().optional(),
  password: z.string().optional(),
  schema: z.string().optional().describe("The database (Airflow's `schema` field)"),
  extra: z.union([z.string(), z.record(z.string(), z.unknown())]).optional().describe("JSON text, as Airflow keeps it, or an object"),
}));

/**
 * A stand-in for Airflow's Variables and Connections, for runs that have no Airflow behind them
 * (`runLocal(workflow, { airflow: { variables, connections } })`); XComs are kept in memory for
 * the run.
 */
export const AirflowStandInSchema = /* @__PURE__ */ pure(() => z.strictObject({
  variables: z.record(z.string(), z.string()).optional().describe("Airflow Variables by key"),
  connections: z.record(z.string().min(1), StandInConnectionSchema).optional().describe("Airflow Connections by id: `{ type, host?, port?, login?, password?, schema?, extra? }`"),
}));

/** The local stand-in for Airflow, as a caller writes it. */
export type AirflowStandIn = z.input<typeof AirflowStandInSchema>;

/**
 * An {@link AirflowBackend} in memory, for one run: serves the variables and connections it was
 * given and keeps the run's XComs, so a task pulls what an upstream task pushed. XComs are held
 * as JSON text, as Airflow holds them: a pull gets a copy.
 */
export class MemoryAirflowBackend implements AirflowBackend {
  private readonly variables: ReadonlyMap<string, string>;
  private readonly connections: ReadonlyMap<string, AirflowConnectionData>;
  private readonly xcoms = new Map<string, string>();

  /** `standIn` as {@link AirflowStandInSchema} checked it. */
  constructor(standIn: z.output<typeof AirflowStandInSchema> = {}) {
    this.variables = new Map(Object.entries(standIn.variables ?? {}));
    this.connections = new Map(Object.entries(standIn.connections ?? {}).map(([id, connection]) => [id, { id, ...connection }]));
  }

  async getVariable(key: string): Promise<string | undefined> {
    return this.variables.get(key);
  }

  async getConnection(id: string): Promise<AirflowConnectionData | undefined> {
    return this.connections.get(id);
  }

  async getXCom(request: { task: string; key: string }): Promise<unknown> {
    const json = this.xcoms.get(xcomId(request));
    return json === undefined ? undefined : JSON.parse(json);
  }

  async setXCom(request: { task: string; key: string; value: unknown }): Promise<void> {
    const json = JSON.stringify(request.value) as string | undefined;
    if (json === undefined) this.xcoms.delete(xcomId(request));
    else this.xcoms.set(xcomId(request), json);
  }
}

function xcomId(request: { task: string; key: string }): string {
  return `${request.task}\u0000${request.key}`;
}
