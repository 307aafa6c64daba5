// Real Apache Airflow for the integration tests: a cached venv per major version, built from the
// pinned requirements in test/airflow/, fresh AIRFLOW_HOMEs, and one Python process per helper call.
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { cacheDir, describeFailure, ensureVenv, exec } from "./python-venv.js";

/** An Airflow major version the tests know. */
export type AirflowMajor = 2 | 3;

/** A ready Airflow venv. */
export interface AirflowInstall {
  major: AirflowMajor;
  venv: string;
  python: string;
  airflowBin: string;
  /** e.g. "3.3.2" */
  version: string;
}

/** Whether an Airflow is usable, and why not. */
export type Availability = { ok: true; install: AirflowInstall } | { ok: false; reason: string };

declare module "vitest" {
  export interface ProvidedContext {
    /** What test/airflow.global-setup.ts found, by major version. */
    wfkitAirflow: Record<`${AirflowMajor}`, Availability>;
  }
}

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const driver = fileURLToPath(new URL("./airflow_driver.py", import.meta.url));
/** Inside each venv: an AIRFLOW_HOME holding a migrated airflow.db to copy into new homes. */
const TEMPLATE_HOME = "wfkit-home";

/** The committed requirements file for `major`. */
export function requirementsFile(major: AirflowMajor): string {
  return path.join(repoRoot, "test", "airflow", `requirements-airflow${major}.txt`);
}

/** Where the venvs live: `$XDG_CACHE_HOME/wfkit/airflow` (or ~/.cache/...). */
export function airflowCacheDir(): string {
  return cacheDir("airflow");
}

/**
 * Build (once, cached, locked) or find the venv for this major from the committed requirements
 * file. Never throws: returns a reason when Python/pip/network is missing or the install fails.
 */
export async function ensureAirflow(major: AirflowMajor): Promise<Availability> {
  const built = await ensureVenv({
    group: "airflow",
    name: `airflow${major}`,
    requirementsFile: requirementsFile(major),
    afterInstall: (venv) => prepare(major, venv),
  });
  if (!built.ok) return built;
  const { dir: venv, python, info } = built.venv;
  return { ok: true, install: { major, venv, python, airflowBin: path.join(venv, "bin", "airflow"), version: info["version"] as string } };
}

/** Check the fresh venv's Airflow and migrate its template home; the version, or throws why not. */
async function prepare(major: AirflowMajor, venv: string): Promise<{ version: string }> {
  // Even `import airflow` writes to AIRFLOW_HOME (~/airflow by default): keep it in the template.
  const template = path.join(venv, TEMPLATE_HOME);
  await mkdir(path.join(template, "dags"), { recursive: true });
  const env = airflowEnv(venv, template);
  const bash = major === 3 ? "airflow.providers.standard.operators.bash" : "airflow.operators.bash";
  const probe = await exec(path.join(venv, "bin", "python"), ["-c", `import airflow, ${bash}; print(airflow.__version__)`], { env });
  const version = probe.stdout.trim().split("\n").pop() ?? "";
  if (probe.code !== 0 || !version.startsWith(`${major}.`)) throw new Error(describeFailure(`import airflow (got "${version}")`, probe));
  const migrate = await exec(path.join(venv, "bin", "airflow"), ["db", "migrate"], { env, timeoutMs: 5 * 60_000 });
  if (migrate.code !== 0 || !existsSync(path.join(template, "airflow.db"))) throw new Error(describeFailure("airflow db migrate", migrate));
  return { version };
}

/** Everything needed to run this venv's airflow against `home`, on top of a cleaned process.env. */
function airflowEnv(venv: string, home: string, extraEnv: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // The developer's own Airflow/Python settings must not leak into the tests.
    if (!/^(AIRFLOW|PYTHONPATH$|PYTHONHOME$|VIRTUAL_ENV$)/.test(k)) env[k] = v;
  }
  const { PATH, ...extra } = extraEnv;
  return {
    ...env,
    VIRTUAL_ENV: venv,
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__DAGS_FOLDER: path.join(home, "dags"),
    AIRFLOW__CORE__LOAD_EXAMPLES: "False",
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `sqlite:///${path.join(home, "airflow.db")}`,
    AIRFLOW__LOGGING__BASE_LOG_FOLDER: path.join(home, "logs"),
    // Tests run retries for real: a task without its own retry_delay waits 1 s, not 300.
    AIRFLOW__CORE__DEFAULT_TASK_RETRY_DELAY: "1",
    PYTHONWARNINGS: "ignore",
    PYTHONUNBUFFERED: "1",
    ...extra,
    PATH: [path.join(venv, "bin"), PATH ?? process.env["PATH"]].filter(Boolean).join(path.delimiter),
  };
}

/**
 * The availability found by the globalSetup (test/airflow.global-setup.ts) — cheap, for
 * describe.skipIf. Throws under CI=true when the globalSetup did not run, so that is never a skip.
 */
export function airflowAvailability(major: AirflowMajor): Availability {
  const found = inject("wfkitAirflow") as ProvidedAirflow | undefined;
  const availability = found?.[`${major}`];
  if (availability) return availability;
  const reason = "test/airflow.global-setup.ts is not in the vitest config's globalSetup";
  if (process.env["CI"] === "true") throw new Error(reason);
  return { ok: false, reason };
}
type ProvidedAirflow = Partial<Record<`${AirflowMajor}`, Availability>>;

/** A temp AIRFLOW_HOME and the env to run airflow against it. */
export interface AirflowHome {
  install: AirflowInstall;
  home: string;
  dagsFolder: string;
  /** Everything needed to run airflow against this home (with a 1 s default retry delay: tests run retries for real). */
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

/**
 * A fresh temp AIRFLOW_HOME with a migrated db (copied from the per-venv cache) and an empty dags
 * folder. `extraEnv` is merged into env (e.g. WF_INSTALL_ROOT, WF_HOME); a PATH in it replaces
 * process.env's (e.g. to put `node` first for bash tasks), and the venv's bin always comes first.
 */
export async function createAirflowHome(install: AirflowInstall, extraEnv: NodeJS.ProcessEnv = {}): Promise<AirflowHome> {
  const home = await mkdtemp(path.join(tmpdir(), `wfkit-airflow${install.major}-`));
  const dagsFolder = path.join(home, "dags");
  await mkdir(dagsFolder);
  await copyFile(path.join(install.venv, TEMPLATE_HOME, "airflow.db"), path.join(home, "airflow.db"));
  return {
    install,
    home,
    dagsFolder,
    env: airflowEnv(install.venv, home, extraEnv),
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}

/** A DAG as a real DagBag parsed it. */
export interface DagInfo {
  dagId: string;
  fileloc: string;
  tags: string[];
  schedule: string | null;
  catchup: boolean;
  docMd: string | null;
  /** `default` is null and `hasDefault` false for a Param without a default (a required one). */
  params: Record<string, { default: unknown; hasDefault: boolean; description: string | null; schema: Record<string, unknown> }>;
  tasks: {
    taskId: string;
    upstream: string[];
    downstream: string[];
    retries: number;
    retryDelaySeconds: number;
    queue: string;
    /** The operator class name, e.g. "WfkitTaskOperator". */
    operator: string;
    /** Whether the operator is a BashOperator or a subclass of it. */
    bashOperator: boolean;
    /** Values wrapped in `literal(...)` are given unwrapped, and listed in `literal`. */
    env: Record<string, string> | null;
    bashCommand: string | null;
    /** Which fields were wrapped in Airflow's `literal` (not Jinja-rendered): "env.NAME", "bash_command". */
    literal: string[];
  }[];
}

/** Run the driver with `request` in one Python process and return its JSON answer. */
async function runDriver<T>(home: AirflowHome, request: object, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<T> {
  const dir = await mkdtemp(path.join(home.home, "driver-"));
  const requestFile = path.join(dir, "request.json");
  const resultFile = path.join(dir, "result.json");
  await writeFile(requestFile, JSON.stringify(request));
  const r = await exec(home.install.python, [driver, requestFile, resultFile], { env, cwd: home.home, timeoutMs });
  if (r.code !== 0 || !existsSync(resultFile)) throw new Error(describeFailure(`airflow_driver.py ${JSON.stringify(request).slice(0, 200)}`, r));
  return JSON.parse(await readFile(resultFile, "utf8")) as T;
}

/** Import every file in dagsFolder with a real DagBag (one Python process). */
export async function loadDagBag(home: AirflowHome, options: { timeoutMs?: number } = {}): Promise<{ importErrors: Record<string, string>; dags: DagInfo[] }> {
  // Without the tests' retry-delay default, so DAGs read back with Airflow's own defaults.
  const { AIRFLOW__CORE__DEFAULT_TASK_RETRY_DELAY: _, ...env } = home.env;
  return runDriver(home, { command: "dagbag" }, env, options.timeoutMs ?? 120_000);
}

/** One task instance of a test run. */
export interface TaskRunInfo {
  taskId: string;
  state: string | null;
  tryNumber: number;
  /** The task's log text, all attempts. */
  log: string;
  /** The log text of each attempt, in order. */
  attemptLogs: string[];
}

/** One dag.test() run. */
export interface DagRunReport {
  dagId: string;
  /** The run's state, or "error" when dag.test raised (then `error` says why and there are no tasks). */
  state: string;
  runId: string;
  tasks: TaskRunInfo[];
  /** e.g. "ParamValidationError: …" when the conf was rejected before the run. */
  error?: string;
  traceback?: string;
}

/**
 * Run several DAGs with dag.test(run_conf=…) in ONE Python process (Airflow 3's first task in a
 * process costs seconds); returns each run's state and every task instance's state, try number
 * and log text.
 */
export async function testDags(
  home: AirflowHome,
  runs: { dagId: string; conf?: Record<string, unknown>; /** ISO 8601; default: now, as dag.test does. */ logicalDate?: string }[],
  options: { timeoutMs?: number } = {},
): Promise<DagRunReport[]> {
  const result = await runDriver<{ runs: DagRunReport[] }>(home, { command: "test", runs }, home.env, options.timeoutMs ?? 300_000);
  return result.runs;
}

/** Run the `airflow` CLI itself (e.g. ["dags", "test", dagId, "--conf", json]) against this home. */
export async function airflowCli(
  home: AirflowHome,
  args: string[],
  options: { timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = await exec(home.install.airflowBin, args, { env: home.env, cwd: home.home, timeoutMs: options.timeoutMs ?? 300_000 });
  if (r.error) throw new Error(describeFailure(`airflow ${args.join(" ")}`, r));
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const TASK_START = /\[DAG TEST\] starting task_id=(\S+)/;

/**
 * Collect the log text of every task of every run of a dag, by task id: the files under
 * AIRFLOW_HOME/logs/dag_id=…/run_id=…/task_id=…/attempt=N.log, then, when `cliOutput` is given
 * (the stdout of `airflow dags test`), each task's part of it. `airflow dags test` without
 * --use-executor writes no log files on 2.x or 3.x: it prints the task logs, each task's starting
 * with "[DAG TEST] starting task_id=…".
 */
export async function readTaskLogs(home: AirflowHome, dagId: string, cliOutput?: string): Promise<Record<string, string>> {
  const logs: Record<string, string> = {};
  const add = (taskId: string, text: string) => (logs[taskId] = (logs[taskId] ?? "") + text);
  const dagDir = path.join(home.home, "logs", `dag_id=${dagId}`);
  const list = async (dir: string, prefix: string) =>
    existsSync(dir) ? (await readdir(dir)).filter((n) => n.startsWith(prefix)).sort(byNumbers) : [];
  for (const run of await list(dagDir, "run_id=")) {
    for (const task of await list(path.join(dagDir, run), "task_id=")) {
      for (const attempt of await list(path.join(dagDir, run, task), "attempt=")) {
        add(task.slice("task_id=".length), await readFile(path.join(dagDir, run, task, attempt), "utf8"));
      }
    }
  }
  let current: string | undefined;
  for (const line of (cliOutput ?? "").replace(ANSI, "").split("\n")) {
    current = TASK_START.exec(line)?.[1] ?? current;
    if (current) add(current, `${line}\n`);
  }
  return logs;
}

/** attempt=2.log before attempt=10.log. */
const byNumbers = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

/**
 * Fixtures of test/fixtures/workflows as a workflow package of their own (`name`@`version`, the
 * fixtures in its workflows/, depending on wfkit's packed tarball), for `wf install <dir>` and
 * `wf export <dir>`.
 */
export async function writeFixturePackage(dir: string, options: { name: string; version?: string; tarball: string; fixtures: string[]; zod?: boolean }): Promise<void> {
  await mkdir(path.join(dir, "workflows"), { recursive: true });
  // A fixture that imports zod itself (a params schema) depends on it, at wfkit's own version range.
  const zod = options.zod === true ? { zod: (JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["zod"]! } : {};
  const pkg = { name: options.name, version: options.version ?? "1.0.0", type: "module", dependencies: { wfkit: `file:${options.tarball}`, ...zod } };
  await writeFile(path.join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  for (const fixture of options.fixtures) await copyFile(path.join(repoRoot, "test/fixtures/workflows", fixture), path.join(dir, "workflows", fixture));
  // For `wf export` from the sources here; `npm pack` leaves node_modules out.
  await mkdir(path.join(dir, "node_modules"));
  await symlink(repoRoot, path.join(dir, "node_modules", "wfkit"));
  if (options.zod === true) await symlink(path.join(repoRoot, "node_modules", "zod"), path.join(dir, "node_modules", "zod"));
}

/**
 * The line of an Airflow task log that holds the wfkit log line whose message starts with
 * `message`, as the DAG's operator writes it: `<message> <key>=<value> …` (a stack below it is not
 * part of the line). Throws, with the log, when there is none.
 */
export function wfkitLine(log: string, message: string): string {
  const line = log.split("\n").find((l) => l.includes(message));
  if (line === undefined) throw new Error(`no line with "${message}" in the task log:\n${log.slice(-4000)}`);
  return line.slice(line.indexOf(message));
}

/**
 * The value of `key=` in such a line (the first after the message): a JSON-quoted value parsed, a
 * plain word as a number, boolean or null where it reads as one, else as the text it is.
 */
export function wfkitField(line: string, key: string): unknown {
  if (!/^[\w.-]+$/.test(key)) throw new Error(`wfkitField: "${key}" is not a field name`);
  const at = new RegExp(`(?:^|\\s)${key}=`).exec(line);
  if (at === null) return undefined;
  const rest = line.slice(at.index + at[0].length);
  const quoted = /^"(?:[^"\\]|\\.)*"/.exec(rest);
  if (quoted !== null) return JSON.parse(quoted[0]) as unknown;
  const word = /^\S*/.exec(rest)![0];
  try {
    return JSON.parse(word) as unknown;
  } catch {
    return word;
  }
}
