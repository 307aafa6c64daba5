// A private, real Airflow 3 deployment for the integration tests: its own AIRFLOW_HOME, its own
// PostgreSQL database, `airflow api-server`, `airflow scheduler` and `airflow dag-processor` as
// child processes, and with the CeleryExecutor N `airflow celery worker`s (Redis broker under a
// key prefix of its own, PostgreSQL result backend), each with its own queues, hostname and env
// (standing in for separate machines). The tests drive it through the REST API, as a user would.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import type { AirflowInstall, Availability } from "./airflow.js";
import { closedPort } from "./loopback.js";
import { TestDatabase } from "./postgres.js";
import { describeFailure, ensureVenv, exec, tail } from "./python-venv.js";
import { inCi } from "./rabbitmq.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** What test/airflow.global-setup.ts found for the real-scheduler venv. */
    wfkitAirflowScheduler: Availability;
  }
}

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** The committed requirements of the real-scheduler venv: Airflow 3 + Celery provider + PostgreSQL drivers. */
export const SCHEDULER_REQUIREMENTS = path.join(repoRoot, "test", "airflow", "requirements-airflow3-scheduler.txt");

/**
 * Build (once, cached, locked, like test/support/airflow.ts's venvs) or find the Airflow 3 venv
 * with the Celery provider, the redis client, psycopg2 and asyncpg. Never throws.
 */
export async function ensureSchedulerAirflow(): Promise<Availability> {
  const built = await ensureVenv({ group: "airflow", name: "airflow3-scheduler", requirementsFile: SCHEDULER_REQUIREMENTS, afterInstall: probeVenv });
  if (!built.ok) return built;
  const { dir: venv, python, info } = built.venv;
  return { ok: true, install: { major: 3, venv, python, airflowBin: path.join(venv, "bin", "airflow"), version: info["version"] as string } };
}

/** Import what a deployment needs in the fresh venv; its Airflow version, or throws why not. */
async function probeVenv(venv: string): Promise<{ version: string }> {
  // `import airflow` writes to AIRFLOW_HOME: keep that inside the venv.
  const home = path.join(venv, "wfkit-probe-home");
  mkdirSync(home, { recursive: true });
  const modules = "airflow, airflow.providers.standard.operators.bash, airflow.providers.celery.executors.celery_executor, celery, redis, psycopg2, asyncpg";
  const r = await exec(path.join(venv, "bin", "python"), ["-c", `import ${modules}; print(airflow.__version__)`], {
    env: { ...cleanEnv(), AIRFLOW_HOME: home, AIRFLOW__CORE__LOAD_EXAMPLES: "False", PYTHONWARNINGS: "ignore" },
    timeoutMs: 180_000,
  });
  const version = r.stdout.trim().split("\n").pop() ?? "";
  if (r.code !== 0 || !version.startsWith("3.")) throw new Error(describeFailure(`import ${modules} (got "${version}")`, r));
  return { version };
}

/**
 * What the globalSetup found for the real-scheduler venv — cheap, for describe.skipIf. Throws under
 * CI when the globalSetup did not run, so that is never a skip.
 */
export function schedulerAirflowAvailability(): Availability {
  const found = inject("wfkitAirflowScheduler") as Availability | undefined;
  if (found) return found;
  const reason = "test/airflow.global-setup.ts is not in the vitest config's globalSetup (or does not build the scheduler venv)";
  if (inCi()) throw new Error(reason);
  return { ok: false, reason };
}

/** The Redis the CeleryExecutor tests use as broker: WF_TEST_REDIS_URL, else 127.0.0.1:6379. */
export const REDIS_URL = new URL(process.env["WF_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379");

/**
 * Whether Redis answers PING (within 5 s): under CI its absence throws, so the file fails; elsewhere
 * the tests skip, and this says why once.
 */
export async function redisAvailability(what: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  const reason = await pingRedis();
  if (reason === null) return { ok: true };
  const why = `no Redis at ${REDIS_URL.host} (${reason}); start one, e.g. docker run -d -p 6379:6379 redis`;
  if (inCi()) throw new Error(`Redis is required under CI (CI=${process.env["CI"]}): ${why}`);
  console.warn(`[redis] skipping ${what}: ${why}`);
  return { ok: false, reason: why };
}

/** null when Redis answered PONG, else why not. */
function pingRedis(): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: REDIS_URL.hostname, port: Number(REDIS_URL.port || 6379) });
    let answer = "";
    const done = (reason: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reason);
    };
    const timer = setTimeout(() => done("no answer within 5 s"), 5_000);
    socket.on("connect", () => {
      // An AUTH first when the URL has a password (then PING answers after it).
      const password = decodeURIComponent(REDIS_URL.password);
      socket.write(password ? `AUTH ${password}\r\nPING\r\n` : "PING\r\n");
    });
    socket.on("data", (d: Buffer) => {
      answer += d.toString();
      if (answer.includes("+PONG")) done(null);
      else if (answer.startsWith("-")) done(answer.trim());
    });
    socket.on("error", (e) => done(e.message));
  });
}

/** One `airflow celery worker`: its queues, and what makes it a machine of its own. */
export interface WorkerOptions {
  /** Short name, e.g. "default"; the worker's hostname is `wfkit-<name>-<deployment id>`. */
  name: string;
  /** The Celery queues it consumes (`--queues`). */
  queues: string[];
  /** Task slots (`--concurrency`); default 2. */
  concurrency?: number;
  /** Env of this worker only (and of the tasks it runs), e.g. its own WF_INSTALL_ROOT. */
  env?: Record<string, string>;
}

/** A started worker. */
export interface Worker {
  name: string;
  queues: string[];
  /** The hostname its task instances report (task instance `hostname` in the REST API). */
  hostname: string;
}

export interface DeploymentOptions {
  install: AirflowInstall;
  executor: "LocalExecutor" | "CeleryExecutor";
  /** CeleryExecutor: one `airflow celery worker` per entry. */
  workers?: WorkerOptions[];
  /** Env of every process; with the LocalExecutor the scheduler runs the tasks, so theirs too. A PATH here goes first. */
  env?: Record<string, string>;
  /** `[core] parallelism`: task slots of the scheduler; default 4 (the LocalExecutor forks that many workers). */
  parallelism?: number;
}

/** A DAG run as the REST API gives it (the fields the tests read). */
export interface DagRun {
  dag_id: string;
  dag_run_id: string;
  state: string;
  /** "manual", "scheduled", "backfill"… */
  run_type: string;
  logical_date: string | null;
  data_interval_start: string | null;
  data_interval_end: string | null;
  conf: Record<string, unknown> | null;
  start_date: string | null;
  end_date: string | null;
}

/** A task instance as the REST API gives it (the fields the tests read). */
export interface TaskInstance {
  task_id: string;
  state: string | null;
  try_number: number;
  queue: string | null;
  hostname: string | null;
  pool: string;
  pool_slots: number;
  /** The effective weight: with the default `downstream` weight rule, its own plus its downstream tasks'. */
  priority_weight: number | null;
  start_date: string | null;
  end_date: string | null;
}

/** One record of an Airflow 3 task log file (the fields the tests read). */
export interface TaskLogRecord {
  timestamp: string;
  /** "debug", "info", "warning", "error", "critical". */
  level: string;
  event: string;
  /** The Python logger: "airflow.task.operators.wfkit" for the lines of wfkit's task operator. */
  logger?: string;
  /** The exception of a "Task failed with exception" record. */
  error_detail?: { exc_type: string; exc_value: string }[];
}

/** An Airflow timedelta as the REST API gives it. */
export interface ApiTimeDelta {
  __type: "TimeDelta";
  days: number;
  seconds: number;
  microseconds: number;
}

/** A task of a DAG as `GET /api/v2/dags/{dag_id}/tasks/{task_id}` gives it (the fields the tests read). */
export interface TaskDetails {
  task_id: string;
  owner: string | null;
  trigger_rule: string | null;
  retries: number | null;
  retry_delay: ApiTimeDelta | null;
  retry_exponential_backoff: number;
  execution_timeout: ApiTimeDelta | null;
  queue: string | null;
  pool: string | null;
  pool_slots: number | null;
  priority_weight: number | null;
  weight_rule: string | null;
  downstream_task_ids: string[] | null;
}

/** A DAG as `GET /api/v2/dags/{dag_id}/details` gives it (the fields the tests read). */
export interface DagDetails {
  dag_id: string;
  is_paused: boolean;
  owners: string[];
  catchup: boolean;
  start_date: string | null;
  end_date: string | null;
  /** An ISO 8601 duration, e.g. "PT10M". */
  dag_run_timeout: string | null;
  max_active_runs: number | null;
  max_active_tasks: number;
  timetable_summary: string | null;
  next_dagrun_logical_date: string | null;
  next_dagrun_data_interval_start: string | null;
  next_dagrun_data_interval_end: string | null;
}

/** A pool as the REST API gives it (the fields the tests read). */
export interface Pool {
  name: string;
  slots: number;
  description: string | null;
  open_slots: number;
}

interface Managed {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Set when it exited: "exit 1", "signal SIGKILL". */
  exited?: string;
  closed: Promise<void>;
}

const FINAL_RUN_STATES = new Set(["success", "failed"]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A private Airflow deployment. Construct it (that makes its AIRFLOW_HOME and dags folder, so DAG
 * files can go there first), `start()` it, drive it with the REST API helpers, and always `stop()`
 * it in afterAll — also when start() failed half way: stop() ends whatever was started.
 */
export class AirflowDeployment {
  readonly id = randomBytes(4).toString("hex");
  readonly home: string;
  readonly dagsFolder: string;
  readonly workers: Worker[];
  /** `http://127.0.0.1:<port>`, set by start(). */
  apiUrl = "";
  private readonly database = new TestDatabase();
  private databaseCreated = false;
  private readonly redisDb = 1 + (randomBytes(1)[0]! % 15);
  private readonly redisPrefix = `wfkit-test-${process.pid}-${this.id}:`;
  private readonly processes: Managed[] = [];
  private token = "";
  private stopped = false;

  constructor(private readonly options: DeploymentOptions) {
    if (options.executor === "CeleryExecutor" && !options.workers?.length) throw new Error("the CeleryExecutor needs at least one worker");
    this.home = mkdtempSync(path.join(tmpdir(), "wfkit-airflow-sched-"));
    this.dagsFolder = path.join(this.home, "dags");
    mkdirSync(this.dagsFolder);
    mkdirSync(path.join(this.home, "process-logs"));
    this.workers = (options.workers ?? []).map((w) => ({ name: w.name, queues: w.queues, hostname: `wfkit-${w.name}-${this.id}` }));
  }

  /**
   * Create the database, `airflow db migrate`, start the processes, and wait until the api-server
   * answers, the scheduler and dag-processor report healthy and every Celery worker is ready.
   */
  async start(): Promise<void> {
    const [port, logPort] = [await closedPort("tcp"), await closedPort("tcp")];
    this.apiUrl = `http://127.0.0.1:${port}`;
    if (this.stopped) throw new Error("the deployment was stopped");
    await this.database.create();
    this.databaseCreated = true;
    if (this.stopped) {
      // stop() ran meanwhile (a timed-out beforeAll): it did not know of this database yet.
      await this.database.drop();
      throw new Error("the deployment was stopped");
    }
    const env = this.baseEnv(port, logPort);
    const migrate = await exec(this.options.install.airflowBin, ["db", "migrate"], { env, cwd: this.home, timeoutMs: 300_000 });
    if (migrate.code !== 0) throw new Error(describeFailure("airflow db migrate", migrate));

    this.spawn("api-server", ["api-server", "--host", "127.0.0.1", "--port", String(port), "--workers", "1"], env);
    this.spawn("scheduler", ["scheduler", "--skip-serve-logs"], env);
    this.spawn("dag-processor", ["dag-processor"], env);
    if (this.options.executor === "CeleryExecutor") {
      // The hostname a task instance reports comes from [core] hostname_callable, on the worker.
      const hostnameModule = path.join(this.home, "worker-hostname");
      mkdirSync(hostnameModule);
      writeFileSync(path.join(hostnameModule, "wfkit_worker_hostname.py"), 'import os\n\n\ndef hostname():\n    return os.environ["WFKIT_WORKER_HOSTNAME"]\n');
      for (const [i, worker] of this.workers.entries()) {
        const own = this.options.workers![i]!;
        const { PATH, ...ownEnv } = own.env ?? {};
        this.spawn(
          `worker-${worker.name}`,
          ["celery", "worker", "--queues", worker.queues.join(","), "--concurrency", String(own.concurrency ?? 2), "--celery-hostname", worker.hostname, "--skip-serve-logs"],
          {
            ...env,
            ...ownEnv,
            ...(PATH ? { PATH: `${path.join(this.options.install.venv, "bin")}${path.delimiter}${PATH}` } : {}),
            PYTHONPATH: hostnameModule,
            AIRFLOW__CORE__HOSTNAME_CALLABLE: "wfkit_worker_hostname.hostname",
            WFKIT_WORKER_HOSTNAME: worker.hostname,
          },
        );
      }
    }

    await this.until("the api-server to answer /api/v2/monitor/health", 180_000, ["api-server"], async () => (await this.health()) !== null);
    const token = await this.fetchJson<{ access_token: string }>("GET", "/auth/token", undefined, { auth: false });
    this.token = token.access_token;
    await this.until("the scheduler and dag-processor to report healthy", 180_000, ["scheduler", "dag-processor"], async () => {
      const health = await this.health();
      return health?.scheduler?.status === "healthy" && health.dag_processor?.status === "healthy";
    });
    for (const worker of this.workers) {
      // Celery prints "celery@<hostname> ready." once it consumes its queues.
      await this.until(`Celery worker ${worker.name} to be ready`, 180_000, [`worker-${worker.name}`], async () =>
        this.processLog(`worker-${worker.name}`).includes(`@${worker.hostname} ready.`),
      );
    }
  }

  /** Everything every process gets: a clean env, this deployment's config, options.env. */
  private baseEnv(port: number, logPort: number): NodeJS.ProcessEnv {
    const { PATH, ...extra } = this.options.env ?? {};
    const dbUrl = this.database.url().replace(/^postgres(ql)?:/, "postgresql+psycopg2:");
    const env: NodeJS.ProcessEnv = {
      ...cleanEnv(),
      AIRFLOW_HOME: this.home,
      AIRFLOW__CORE__DAGS_FOLDER: this.dagsFolder,
      AIRFLOW__CORE__LOAD_EXAMPLES: "False",
      AIRFLOW__CORE__EXECUTOR: this.options.executor,
      AIRFLOW__CORE__PARALLELISM: String(this.options.parallelism ?? 4),
      AIRFLOW__CORE__FERNET_KEY: randomBytes(32).toString("base64").replaceAll("+", "-").replaceAll("/", "_"),
      AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `http://127.0.0.1:${port}/execution/`,
      // REST API access: SimpleAuthManager with everyone admin; GET /auth/token hands out a JWT.
      AIRFLOW__CORE__AUTH_MANAGER: "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
      AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS: "True",
      AIRFLOW__API__BASE_URL: `http://127.0.0.1:${port}`,
      AIRFLOW__API__SECRET_KEY: randomBytes(16).toString("hex"),
      AIRFLOW__API_AUTH__JWT_SECRET: randomBytes(32).toString("hex"),
      AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: dbUrl,
      AIRFLOW__LOGGING__BASE_LOG_FOLDER: path.join(this.home, "logs"),
      // No process serves logs (they all write this home's log folder, which the api-server reads);
      // a free port all the same, so that nothing ever tries the default 8793.
      AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT: String(logPort),
      // The dags folder is listed every 2 s (default 300 s): new DAG files are parsed within seconds.
      AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL: "2",
      PYTHONWARNINGS: "ignore",
      PYTHONUNBUFFERED: "1",
      NO_COLOR: "1",
      ...extra,
      PATH: [path.join(this.options.install.venv, "bin"), PATH ?? process.env["PATH"]].filter(Boolean).join(path.delimiter),
    };
    if (this.options.executor === "CeleryExecutor") {
      Object.assign(env, {
        AIRFLOW__CELERY__BROKER_URL: this.redisUrl(),
        AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__GLOBAL_KEYPREFIX: this.redisPrefix,
        // Airflow's default, said explicitly (else every process warns that it is not set).
        AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT: "86400",
        AIRFLOW__CELERY__RESULT_BACKEND: `db+${dbUrl}`,
      });
    }
    return env;
  }

  private redisUrl(): string {
    const url = new URL(REDIS_URL.href);
    url.pathname = `/${this.redisDb}`;
    return url.href;
  }

  private spawn(name: string, args: string[], env: NodeJS.ProcessEnv): void {
    if (this.stopped) throw new Error("the deployment was stopped");
    const logFile = path.join(this.home, "process-logs", `${name}.log`);
    const fd = openSync(logFile, "a");
    // detached: a process group of its own, so stop() reaches its children too. Started through
    // EXEC_TIED_TO_PARENT, so that a test process killed before its afterAll leaves no Airflow behind.
    const child = spawn(this.options.install.python, ["-c", EXEC_TIED_TO_PARENT, String(process.pid), this.options.install.airflowBin, ...args], {
      env,
      cwd: this.home,
      detached: true,
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    const managed: Managed = { name, child, logFile, closed: Promise.resolve() };
    managed.closed = new Promise((resolve) => {
      child.on("error", (e) => {
        managed.exited = `could not start: ${e.message}`;
        resolve();
      });
      child.on("exit", (code, signal) => {
        managed.exited = signal ? `signal ${signal}` : `exit ${code}`;
        resolve();
      });
    });
    this.processes.push(managed);
  }

  /** The output of one process so far ("" if none). */
  processLog(name: string): string {
    const p = this.processes.find((m) => m.name === name);
    return p && existsSync(p.logFile) ? readFileSync(p.logFile, "utf8") : "";
  }

  /** The end of every process's output, and how each ended, for failure messages. */
  processTails(names?: string[], chars = 2500): string {
    return this.processes
      .filter((p) => !names || names.includes(p.name))
      .map((p) => `--- ${p.name} (${p.exited ?? "running"}), ${p.logFile}:\n${tail(this.processLog(p.name), chars)}`)
      .join("\n");
  }

  /**
   * Poll `check` (every second) until it holds; throws when `deadlineMs` passes or one of `watch`
   * (process names; all when empty) exits first, with those processes' log tails.
   */
  private async until(what: string, deadlineMs: number, watch: string[], check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    let lastError = "";
    for (;;) {
      const died = this.processes.filter((p) => p.exited !== undefined && (watch.length === 0 || watch.includes(p.name)));
      if (died.length > 0) {
        throw new Error(`waiting for ${what}: ${died.map((p) => `${p.name} ended (${p.exited})`).join(", ")}\n${this.processTails(died.map((p) => p.name))}`);
      }
      try {
        if (await check()) return;
        lastError = "";
      } catch (e) {
        if (e instanceof FatalError) throw e;
        lastError = e instanceof Error ? e.message : String(e);
      }
      if (Date.now() > deadline) {
        throw new Error(`gave up waiting for ${what} after ${deadlineMs / 1000} s${lastError ? ` (last error: ${lastError})` : ""}\n${this.processTails(watch.length ? watch : undefined)}`);
      }
      await sleep(1000);
    }
  }

  private async health(): Promise<{ scheduler?: { status: string | null }; dag_processor?: { status: string | null } } | null> {
    try {
      const r = await fetch(`${this.apiUrl}/api/v2/monitor/health`, { signal: AbortSignal.timeout(10_000) });
      return r.ok ? ((await r.json()) as { scheduler?: { status: string | null }; dag_processor?: { status: string | null } }) : null;
    } catch {
      return null;
    }
  }

  /** One REST call with the deployment's token (unless `auth: false`): its status and JSON body. */
  private async request(method: string, route: string, body?: unknown, options: { auth?: boolean } = {}): Promise<{ status: number; body: unknown; text: string }> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.auth !== false) headers["authorization"] = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const r = await fetch(`${this.apiUrl}${route}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await r.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: the text is in the error
    }
    return { status: r.status, body: parsed, text };
  }

  /** One REST call; its JSON body, or throws with the status and body when it is not a 2xx. */
  private async fetchJson<T>(method: string, route: string, body?: unknown, options: { auth?: boolean } = {}): Promise<T> {
    const r = await this.request(method, route, body, options);
    if (r.status < 200 || r.status > 299) throw new ApiError(`${method} ${route} answered ${r.status}: ${tail(r.text, 2000)}`, r.status);
    return r.body as T;
  }

  /** GET a REST route (e.g. "/api/v2/pools"), with the deployment's token. */
  get<T>(route: string): Promise<T> {
    return this.fetchJson<T>("GET", route);
  }

  /** The DAG import errors Airflow recorded: file → error text. */
  async importErrors(): Promise<Record<string, string>> {
    const r = await this.fetchJson<{ import_errors: { filename: string; stack_trace: string }[] }>("GET", "/api/v2/importErrors?limit=100");
    return Object.fromEntries(r.import_errors.map((e) => [e.filename, e.stack_trace]));
  }

  /**
   * Wait until the dag-processor has parsed every DAG (GET /api/v2/dags/{id} answers 200); fails at
   * once on an import error, or at the deadline, with the import errors and the dag-processor's log.
   */
  async waitForDags(dagIds: string[], options: { timeoutMs?: number } = {}): Promise<void> {
    let missing = dagIds;
    await this.until(`DAGs ${dagIds.join(", ")} to be parsed`, options.timeoutMs ?? 180_000, ["api-server", "dag-processor", "scheduler"], async () => {
      const errors = await this.importErrors();
      if (Object.keys(errors).length > 0) throw new FatalError(`DAG import errors:\n${Object.entries(errors).map(([f, e]) => `${f}:\n${tail(e, 2000)}`).join("\n")}`);
      const answers = await Promise.all(missing.map((id) => this.request("GET", `/api/v2/dags/${encodeURIComponent(id)}`)));
      const unexpected = answers.find((a) => a.status !== 200 && a.status !== 404);
      if (unexpected) throw new Error(`GET /api/v2/dags/… answered ${unexpected.status}: ${tail(unexpected.text, 500)}`);
      missing = missing.filter((_, i) => answers[i]!.status !== 200);
      return missing.length === 0;
    }).catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      throw new Error(`${message}\nnot parsed: ${missing.join(", ")}\n${this.processTails(["dag-processor"])}`);
    });
  }

  /** PATCH the DAG to unpaused (new DAGs start paused: the scheduler runs nothing of a paused DAG). */
  async unpause(dagId: string): Promise<void> {
    await this.fetchJson("PATCH", `/api/v2/dags/${encodeURIComponent(dagId)}`, { is_paused: false });
  }

  /** Trigger a run: POST /api/v2/dags/{id}/dagRuns with conf, logical date and (optionally) run id. */
  async trigger(dagId: string, options: { conf?: Record<string, unknown>; logicalDate?: Date | null; runId?: string } = {}): Promise<DagRun> {
    return this.fetchJson<DagRun>("POST", `/api/v2/dags/${encodeURIComponent(dagId)}/dagRuns`, {
      logical_date: options.logicalDate === undefined ? new Date().toISOString() : options.logicalDate?.toISOString() ?? null,
      conf: options.conf ?? {},
      ...(options.runId ? { dag_run_id: options.runId } : {}),
    });
  }

  /** Set a task instance's state by hand, as the UI's "Mark as" does (PATCH …/taskInstances/{task_id}). */
  async setTaskState(dagId: string, runId: string, taskId: string, state: "failed" | "success"): Promise<void> {
    await this.fetchJson("PATCH", `/api/v2/dags/${encodeURIComponent(dagId)}/dagRuns/${encodeURIComponent(runId)}/taskInstances/${encodeURIComponent(taskId)}`, { new_state: state });
  }

  /** Create a Variable (POST /api/v2/variables). */
  async createVariable(key: string, value: string): Promise<void> {
    await this.fetchJson("POST", "/api/v2/variables", { key, value });
  }

  /** Create a Connection (POST /api/v2/connections); `extra` as Airflow keeps it, a JSON string. */
  async createConnection(connection: { connection_id: string; conn_type: string; host?: string; port?: number; login?: string; password?: string; schema?: string; extra?: string }): Promise<void> {
    await this.fetchJson("POST", "/api/v2/connections", connection);
  }

  /** An XCom's value as the REST API gives it (GET …/xcomEntries/{key}, deserialized), or undefined when there is none. */
  async xcom(dagId: string, runId: string, taskId: string, key: string): Promise<unknown> {
    const r = await this.request("GET", `/api/v2/dags/${encodeURIComponent(dagId)}/dagRuns/${encodeURIComponent(runId)}/taskInstances/${encodeURIComponent(taskId)}/xcomEntries/${encodeURIComponent(key)}?deserialize=true`);
    if (r.status === 404) return undefined;
    if (r.status < 200 || r.status > 299) throw new ApiError(`GET xcomEntries/${key} answered ${r.status}: ${tail(r.text, 2000)}`, r.status);
    return (r.body as { value: unknown }).value;
  }

  /** Create a pool (POST /api/v2/pools): tasks with `pool` of that name take its slots. */
  createPool(name: string, slots: number, description = ""): Promise<Pool> {
    return this.fetchJson<Pool>("POST", "/api/v2/pools", { name, slots, description });
  }

  /** One task of a DAG as parsed: owner, pool, priority, trigger rule, timeouts… */
  taskDetails(dagId: string, taskId: string): Promise<TaskDetails> {
    return this.fetchJson<TaskDetails>("GET", `/api/v2/dags/${encodeURIComponent(dagId)}/tasks/${encodeURIComponent(taskId)}`);
  }

  /** The DAG as parsed and scheduled: catchup, dates, limits, owners, its next run. */
  dagDetails(dagId: string): Promise<DagDetails> {
    return this.fetchJson<DagDetails>("GET", `/api/v2/dags/${encodeURIComponent(dagId)}/details`);
  }

  /** Every run of the DAG (triggered or scheduled), oldest logical date first. */
  async dagRuns(dagId: string): Promise<DagRun[]> {
    const r = await this.fetchJson<{ dag_runs: DagRun[] }>("GET", `/api/v2/dags/${encodeURIComponent(dagId)}/dagRuns?order_by=logical_date&limit=100`);
    return r.dag_runs;
  }

  /**
   * Poll until the DAG has at least `count` runs and every one of them is success or failed —
   * runs the scheduler creates by itself (catch-up) included; generous deadline, as waitForRun.
   */
  async waitForRuns(dagId: string, count: number, options: { timeoutMs?: number } = {}): Promise<DagRun[]> {
    let runs: DagRun[] = [];
    const watch = ["api-server", "scheduler", ...this.workers.map((w) => `worker-${w.name}`)];
    await this.until(`${count} runs of ${dagId} to finish`, options.timeoutMs ?? 300_000, watch, async () => {
      runs = await this.dagRuns(dagId);
      return runs.length >= count && runs.every((r) => FINAL_RUN_STATES.has(r.state));
    }).catch((e: unknown) => {
      const seen = runs.map((r) => `${r.dag_run_id}=${r.state}`).join(", ") || "none";
      throw new Error(`${e instanceof Error ? e.message : String(e)}\nruns so far: ${seen}`);
    });
    return runs;
  }

  /** The run as it is now. */
  dagRun(dagId: string, runId: string): Promise<DagRun> {
    return this.fetchJson<DagRun>("GET", `/api/v2/dags/${encodeURIComponent(dagId)}/dagRuns/${encodeURIComponent(runId)}`);
  }

  /**
   * Poll until the run is success or failed (generous deadline: a deadline that passes is a broken
   * deployment, not a slow one); the failure says the task states and the scheduler's log.
   */
  async waitForRun(dagId: string, runId: string, options: { timeoutMs?: number } = {}): Promise<DagRun> {
    let run: DagRun | undefined;
    const watch = ["api-server", "scheduler", ...this.workers.map((w) => `worker-${w.name}`)];
    try {
      await this.until(`run ${runId} of ${dagId} to finish`, options.timeoutMs ?? 300_000, watch, async () => {
        run = await this.dagRun(dagId, runId);
        return FINAL_RUN_STATES.has(run.state);
      });
    } catch (e) {
      const states = await this.taskInstances(dagId, runId).then(
        (tis) => tis.map((t) => `${t.task_id}=${t.state}`).join(", "),
        () => "(task instances unavailable)",
      );
      throw new Error(`${e instanceof Error ? e.message : String(e)}\nlast run state: ${run?.state ?? "unknown"}; tasks: ${states}`);
    }
    return run!;
  }

  /** Every task instance of the run, with state, try number, queue and hostname. */
  async taskInstances(dagId: string, runId: string): Promise<TaskInstance[]> {
    const r = await this.fetchJson<{ task_instances: TaskInstance[] }>(
      "GET",
      `/api/v2/dags/${encodeURIComponent(dagId)}/dagRuns/${encodeURIComponent(runId)}/taskInstances?limit=100`,
    );
    return r.task_instances;
  }

  /** One attempt's task log as text, one line per log event (the task's own output included). */
  async taskLog(dagId: string, runId: string, taskId: string, tryNumber: number): Promise<string> {
    const r = await this.fetchJson<{ content: { event?: string; timestamp?: string; level?: string; error_detail?: unknown }[] | string }>(
      "GET",
      `/api/v2/dags/${encodeURIComponent(dagId)}/dagRuns/${encodeURIComponent(runId)}/taskInstances/${encodeURIComponent(taskId)}/logs/${tryNumber}?full_content=true`,
    );
    if (typeof r.content === "string") return r.content;
    return r.content
      .map((e) => [e.timestamp, e.level, e.event, e.error_detail === undefined ? undefined : JSON.stringify(e.error_detail)].filter((x) => x !== undefined).join(" "))
      .join("\n");
  }

  /** The folder of a task's log files: AIRFLOW_HOME/logs/dag_id=…/run_id=…/task_id=… (Airflow's default log_filename_template). */
  private taskLogDir(dagId: string, runId: string, taskId: string): string {
    return path.join(this.home, "logs", `dag_id=${dagId}`, `run_id=${runId}`, `task_id=${taskId}`);
  }

  /** One attempt's task log file, as Airflow 3 writes it (it may not exist yet). */
  taskLogFile(dagId: string, runId: string, taskId: string, tryNumber: number): string {
    return path.join(this.taskLogDir(dagId, runId, taskId), `attempt=${tryNumber}.log`);
  }

  /** The attempts whose log files Airflow wrote for a task of a run, in order: [1, 2, …]. */
  taskLogAttempts(dagId: string, runId: string, taskId: string): number[] {
    const dir = this.taskLogDir(dagId, runId, taskId);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .map((f) => /^attempt=(\d+)\.log$/.exec(f)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  /**
   * One attempt's task log as Airflow 3 wrote it: one JSON record per line, each with its `level`,
   * `event` and `logger` (the api-server serves the same file).
   */
  taskLogRecords(dagId: string, runId: string, taskId: string, tryNumber: number): TaskLogRecord[] {
    const file = this.taskLogFile(dagId, runId, taskId, tryNumber);
    return readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as TaskLogRecord);
  }

  /**
   * End every process this deployment started (SIGTERM to each process group and every descendant
   * that left it — the BashOperator starts tasks in sessions of their own; SIGKILL after 20 s), then
   * drop its database and its Redis keys and remove its home (kept when WFKIT_KEEP_AIRFLOW_HOME=1). Safe to call twice, and before or
   * after a start() that failed.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const problems: string[] = [];
    const running = () => this.processes.filter((p) => p.exited === undefined);
    const signal = (sig: NodeJS.Signals) => {
      const pids = new Set<number>();
      for (const p of running()) {
        if (p.child.pid === undefined) continue;
        pids.add(p.child.pid);
        for (const d of descendants(p.child.pid)) pids.add(d);
        try {
          process.kill(-p.child.pid, sig);
        } catch {
          // the group is gone
        }
      }
      for (const pid of pids) {
        try {
          process.kill(pid, sig);
        } catch {
          // gone
        }
      }
    };
    signal("SIGTERM");
    const deadline = Date.now() + 20_000;
    while (running().length > 0 && Date.now() < deadline) await sleep(200);
    if (running().length > 0) {
      signal("SIGKILL");
      await Promise.race([Promise.all(this.processes.map((p) => p.closed)), sleep(10_000)]);
    }
    // Children whose parent died before the kill reached them (re-parented): end them by their env.
    for (const pid of strays(this.home)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    if (running().length > 0) problems.push(`still running: ${running().map((p) => p.name).join(", ")}`);
    if (this.databaseCreated) await this.database.drop().catch((e: unknown) => problems.push(`drop database: ${String(e)}`));
    if (this.options.executor === "CeleryExecutor") {
      const r = await exec(this.options.install.python, ["-c", DELETE_REDIS_KEYS, this.redisUrl(), this.redisPrefix], { env: cleanEnv(), timeoutMs: 30_000 });
      if (r.code !== 0) problems.push(describeFailure("deleting the Redis keys", r));
    }
    // WFKIT_KEEP_AIRFLOW_HOME=1 keeps the home (process logs, task logs) to look into.
    if (process.env["WFKIT_KEEP_AIRFLOW_HOME"] === "1") console.warn(`[airflow-scheduler] kept ${this.home}`);
    else rmSync(this.home, { recursive: true, force: true });
    if (problems.length > 0) throw new Error(`stopping the Airflow deployment: ${problems.join("\n")}`);
  }
}

/** A REST answer with an unexpected status. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** An error that no amount of waiting fixes. */
class FatalError extends Error {}

/**
 * `python -c` this, then the parent's pid and a command: asks Linux to SIGTERM the process when its
 * parent (the test process) dies (PR_SET_PDEATHSIG, kept across exec), then becomes the command.
 */
const EXEC_TIED_TO_PARENT = `import ctypes, os, signal, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
except (AttributeError, OSError):
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit("the test process that started this is gone")
os.execv(sys.argv[2], sys.argv[2:])
`;

const DELETE_REDIS_KEYS = `import sys, redis
r = redis.Redis.from_url(sys.argv[1])
keys = list(r.scan_iter(match=sys.argv[2] + "*", count=1000))
for i in range(0, len(keys), 500):
    r.delete(*keys[i:i + 500])
`;

/** process.env without the developer's own Airflow/Python settings. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AIRFLOW|PYTHONPATH$|PYTHONHOME$|VIRTUAL_ENV$)/.test(k)) env[k] = v;
  return env;
}

/** pid → parent pid of every process, from /proc (empty where there is no /proc). */
function processTable(): Map<number, number> {
  const table = new Map<number, number>();
  if (!existsSync("/proc")) return table;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name may hold spaces and parentheses: the fields start after the last ")".
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      table.set(Number(name), Number(fields[1]));
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/** Every descendant of `root`. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of processTable()) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Processes still running with this deployment's AIRFLOW_HOME in their environment. */
function strays(home: string): number[] {
  const needle = `AIRFLOW_HOME=${home}\0`;
  const found: number[] = [];
  for (const pid of processTable().keys()) {
    if (pid === process.pid) continue;
    try {
      if (`${readFileSync(`/proc/${pid}/environ`, "latin1")}\0`.includes(needle)) found.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}
