import type { AirflowBackend, AirflowConnectionData } from "../../../src/engine.js";
import { AirflowSdkRequestError } from "../errors.js";
import type { SupervisorChannel } from "./supervisor-channel.js";
import type { StartupDetails } from "./startup-details.js";

/**
 * Airflow's Variables, Connections and XComs for a task on the SDK runtime: requests to the
 * supervisor, which asks Airflow's API server (the task process holds no credentials of its
 * own). XComs are this task instance's DAG run's; a pull names the task that pushed.
 */
export class SdkAirflowBackend implements AirflowBackend {
  readonly #channel: SupervisorChannel;
  readonly #ti: StartupDetails["ti"];

  constructor(channel: SupervisorChannel, ti: StartupDetails["ti"]) {
    this.#channel = channel;
    this.#ti = ti;
  }

  async getVariable(key: string): Promise<string | undefined> {
    const body = await orNotFound(this.#channel.request({ type: "GetVariable", key }));
    const value = body?.["value"];
    return typeof value === "string" ? value : undefined;
  }

  async getConnection(id: string): Promise<AirflowConnectionData | undefined> {
    const body = await orNotFound(this.#channel.request({ type: "GetConnection", conn_id: id }));
    if (body === undefined || body === null) return undefined;
    const text = (key: string): string | undefined => (typeof body[key] === "string" ? (body[key] as string) : undefined);
    const connection: AirflowConnectionData = {
      id: text("conn_id") ?? id,
      type: text("conn_type") ?? "",
      host: text("host"),
      port: typeof body["port"] === "number" ? body["port"] : undefined,
      login: text("login"),
      password: text("password"),
      schema: text("schema"),
      extra: text("extra"),
    };
    // Airflow masks what it is told is secret in the task log it writes, as its Python tasks'
    // connections are: wfkit masks its own lines, this covers anything else the supervisor logs.
    if (connection.password !== undefined && connection.password !== "") await this.#channel.request({ type: "MaskSecret", value: connection.password, name: `${id}.password` });
    return connection;
  }

  async getXCom(request: { task: string; key: string }): Promise<unknown> {
    const body = await orNotFound(
      this.#channel.request({
        type: "GetXCom",
        key: request.key,
        dag_id: this.#ti.dag_id,
        run_id: this.#ti.run_id,
        task_id: request.task,
        map_index: null,
        include_prior_dates: false,
      }),
    );
    const value = body?.["value"];
    return value === null ? undefined : value;
  }

  async setXCom(request: { task: string; key: string; value: unknown }): Promise<void> {
    await this.#channel.request({
      type: "SetXCom",
      key: request.key,
      value: request.value as never,
      dag_id: this.#ti.dag_id,
      run_id: this.#ti.run_id,
      task_id: request.task,
      map_index: this.#ti.map_index === undefined || this.#ti.map_index === null || this.#ti.map_index < 0 ? null : this.#ti.map_index,
    });
  }
}

/** The answer's body, or undefined when Airflow answered "not found". */
async function orNotFound(answer: Promise<Record<string, unknown> | null>): Promise<Record<string, unknown> | null | undefined> {
  try {
    return await answer;
  } catch (error) {
    if (error instanceof AirflowSdkRequestError && error.notFound) return undefined;
    throw error;
  }
}
