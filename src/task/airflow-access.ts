import { isDeepStrictEqual } from "node:util";
import type { EngineName } from "../events/wf-event.js";
import { secretsIn, urlSecrets, type Masker } from "../logging/mask.js";
import { deepFreeze } from "../util/deep-freeze.js";
import { AirflowConnectionError, AirflowConnectionNotFoundError, AirflowUnavailableError, AirflowVariableNotFoundError, AirflowXComError } from "./errors.js";

/**
 * What an engine supplies for `this.airflow`: Airflow's Variables, Connections and the XComs of
 * the DAG run the task runs in (Airflow's SDK runtime asks Airflow; `MemoryAirflowBackend` is the
 * local stand-in). The core does the rest the same way on every engine: fallbacks, not-found
 * errors, parsing a connection's `extra`, the JSON check of a push, and masking what was read.
 */
export interface AirflowBackend {
  /** undefined when Airflow has no such variable */
  getVariable(key: string): Promise<string | undefined>;
  /** undefined when Airflow has no such connection */
  getConnection(id: string): Promise<AirflowConnectionData | undefined>;
  /** The XCom `key` pushed by `task` in this DAG run; undefined when none. */
  getXCom(request: { task: string; key: string }): Promise<unknown>;
  /** Push an XCom of `task` (the task running it) in this DAG run. */
  setXCom(request: { task: string; key: string; value: unknown }): Promise<void>;
}

/** A connection as a backend hands it over: Airflow's fields, `extra` as Airflow keeps it (JSON text) or already parsed. */
export interface AirflowConnectionData {
  id: string;
  /** Airflow's `conn_type`, e.g. `postgres`, `http`. */
  type: string;
  host?: string | undefined;
  port?: number | undefined;
  login?: string | undefined;
  password?: string | undefined;
  schema?: string | undefined;
  extra?: string | Record<string, unknown> | undefined;
}

/**
 * An Airflow connection as task code reads it (`await this.airflow.connection("warehouse")`):
 * frozen; a field Airflow leaves empty is undefined (never null); `extra` parsed to an object
 * (empty when there is none). Its password, the values in `extra` under secret-looking keys and
 * the password of any URL in `host` or `extra` are masked in the run's logs, events and result
 * from the moment it was read.
 */
export interface AirflowConnection {
  readonly id: string;
  /** Airflow's `conn_type`, e.g. `postgres`, `http`. */
  readonly type: string;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly login: string | undefined;
  readonly password: string | undefined;
  /** The database (Airflow's `schema` field). */
  readonly schema: string | undefined;
  readonly extra: Readonly<Record<string, unknown>>;
}

/** The XComs of the DAG run: what upstream tasks pushed, and this task's own pushes. */
export interface AirflowXCom {
  /**
   * The XCom `key` (default `return_value`, what an Airflow task returns) that `task` pushed in
   * this DAG run; undefined when it pushed none.
   */
  pull(task: string, key?: string): Promise<unknown>;
  /**
   * Push an XCom of this task under `key`, for downstream tasks to pull. `value` must come back
   * the same from JSON (plain objects, arrays, strings, numbers, booleans, null): anything else
   * (a Date, a Map, undefined, a class instance) is refused with AirflowXComError.
   */
  push(key: string, value: unknown): Promise<void>;
}

/**
 * Airflow's Variables, Connections and XCom, as a task reads them with `this.airflow`, the same
 * on every engine that has them: Airflow's SDK runtime, and `runLocal`'s stand-in (its `airflow`
 * option). Elsewhere every method rejects with AirflowUnavailableError.
 */
export interface AirflowAccess {
  /**
   * The Airflow Variable `key`; `fallback` when Airflow has none, else AirflowVariableNotFoundError.
   * The value of a variable whose key looks secret (`WF_LOG_MASK_KEYS`: `password`, `token`…, as
   * Airflow masks such variables) is masked in the run's outputs from then on.
   */
  variable(key: string, fallback?: string): Promise<string>;
  /** The Airflow Connection `id` (AirflowConnectionNotFoundError when there is none), its secrets masked from then on. */
  connection(id: string): Promise<AirflowConnection>;
  /** The DAG run's XComs. */
  readonly xcom: AirflowXCom;
}

/**
 * `this.airflow` of one attempt of `task`: backed by `backend`, teaching `mask` (the run's
 * masking rule) the secrets it reads; without a backend, every method rejects with
 * AirflowUnavailableError saying where it is available.
 */
export function airflowAccess(backend: AirflowBackend | undefined, mask: Masker, task: string, engine: EngineName): AirflowAccess {
  return backend === undefined ? new UnavailableAirflowAccess(task, engine) : new BackedAirflowAccess(backend, mask, task, engine);
}

const q = JSON.stringify;

class BackedAirflowAccess implements AirflowAccess {
  readonly xcom: AirflowXCom;

  constructor(
    private readonly backend: AirflowBackend,
    private readonly mask: Masker,
    private readonly task: string,
    private readonly engine: EngineName,
  ) {
    this.xcom = {
      pull: async (from, key = "return_value") => {
        checkName(task, "pull", "task", from);
        checkName(task, "pull", "key", key);
        return backend.getXCom({ task: from, key });
      },
      push: async (key, value) => {
        checkName(task, "push", "key", key);
        checkJson(task, key, value);
        await backend.setXCom({ task, key, value });
      },
    };
  }

  async variable(key: string, fallback?: string): Promise<string> {
    let value = await this.backend.getVariable(key);
    if (value === undefined || value === null) {
      if (fallback === undefined) {
        throw new AirflowVariableNotFoundError(key, `task ${this.task}: Airflow has no variable ${q(key)}: define it in ${this.home("variables")}, or give a fallback: this.airflow.variable(${q(key)}, "…")`);
      }
      value = fallback;
    }
    this.mask.learn(this.mask.isSecretKey(key) ? [value, ...urlSecrets(value)] : urlSecrets(value));
    return value;
  }

  async connection(id: string): Promise<AirflowConnection> {
    const data = await this.backend.getConnection(id);
    if (data === undefined || data === null) {
      throw new AirflowConnectionNotFoundError(id, `task ${this.task}: Airflow has no connection ${q(id)}: define it in ${this.home("connections")}`);
    }
    const password = present(data.password);
    const host = present(data.host);
    // Learned before anything can fail: a secret the backend handed over is masked whatever follows.
    this.mask.learn([...(password === undefined ? [] : [password]), ...(host === undefined ? [] : urlSecrets(host))]);
    const extra = this.extraOf(id, data.extra);
    this.mask.learn(secretsIn(extra, this.mask));
    return Object.freeze({
      id: present(data.id) ?? id,
      type: present(data.type) ?? "",
      host,
      port: present(data.port),
      login: present(data.login),
      password,
      schema: present(data.schema),
      extra: deepFreeze(extra),
    });
  }

  /** Where variables or connections are defined for this run. */
  private home(what: "variables" | "connections"): string {
    return this.engine === "local" ? `runLocal's airflow.${what}` : `Airflow (Admin → ${what === "variables" ? "Variables" : "Connections"})`;
  }

  private extraOf(id: string, extra: AirflowConnectionData["extra"] | null): Record<string, unknown> {
    if (extra === undefined || extra === null) return {};
    let parsed: unknown;
    try {
      // Given as an object, it goes through JSON too: a copy the task cannot change the backend's through, and JSON, as on Airflow.
      const text = typeof extra === "string" ? extra : JSON.stringify(extra);
      if (text.trim() === "") return {};
      parsed = JSON.parse(text);
    } catch {
      // Not the parser's message: it quotes the text, which may hold a secret.
      throw new AirflowConnectionError(`task ${this.task}: the extra of Airflow connection ${q(id)} is not valid JSON; fix it in ${this.home("connections")}: it must be a JSON object`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      const what = Array.isArray(parsed) ? "an array" : parsed === null ? "null" : `a ${typeof parsed}`;
      throw new AirflowConnectionError(`task ${this.task}: the extra of Airflow connection ${q(id)} is ${what}, not a JSON object; fix it in ${this.home("connections")}`);
    }
    return parsed as Record<string, unknown>;
  }
}

/** `value`, with the null a JSON backend sends for an empty field as undefined. */
function present<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

function checkName(task: string, method: "pull" | "push", what: "task" | "key", value: unknown): void {
  if (typeof value !== "string" || value === "") {
    throw new AirflowXComError(`task ${task}: this.airflow.xcom.${method} needs the ${what === "task" ? "name of the task that pushed it" : "XCom's key"} as a non-empty string, not ${q(value) ?? String(value)}`);
  }
}

/** XComs are kept as JSON: refuse a value that would not come back the same, as the catalog does. */
function checkJson(task: string, key: string, value: unknown): void {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new AirflowXComError(`task ${task}: this.airflow.xcom.push(${q(key)}, value): the value cannot be turned into JSON (${(error as Error).message})`, { cause: error });
  }
  if (json === undefined || !isDeepStrictEqual(JSON.parse(json), value)) {
    throw new AirflowXComError(
      `task ${task}: this.airflow.xcom.push(${q(key)}, value): the value would not come back the same from JSON (a Date, a Map or Set, undefined, a class instance?); push plain objects, arrays, strings, numbers, booleans and null`,
    );
  }
}

class UnavailableAirflowAccess implements AirflowAccess {
  readonly xcom: AirflowXCom;

  constructor(
    private readonly task: string,
    private readonly engine: EngineName,
  ) {
    this.xcom = {
      pull: async (from, key = "return_value") => {
        throw this.unavailable(`xcom.pull(${q(from)}, ${q(key)})`);
      },
      push: async (key) => {
        throw this.unavailable(`xcom.push(${q(key)}, …)`);
      },
    };
  }

  async variable(key: string): Promise<string> {
    throw this.unavailable(`variable(${q(key)})`);
  }

  async connection(id: string): Promise<AirflowConnection> {
    throw this.unavailable(`connection(${q(id)})`);
  }

  private unavailable(call: string): AirflowUnavailableError {
    return new AirflowUnavailableError(
      `task ${this.task}: this.airflow.${call}: this run (engine ${this.engine}) has no Airflow behind it. Airflow Variables, Connections and XCom are available on Airflow's SDK runtime ` +
        `(wf export --engine airflow --runtime sdk); local runs and tests get a stand-in with runLocal(workflow, { airflow: { variables, connections } })`,
    );
  }
}
