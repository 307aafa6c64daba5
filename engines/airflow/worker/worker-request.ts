import os from "node:os";
import path from "node:path";
import { checkRunId, errorMessage, newRunId, traceParentOfConf, type TraceParent, type WfConfig } from "../../../src/engine.js";
import { AirflowWorkerOptionsError } from "../errors.js";
import type { InstalledTaskRequest } from "../installed-task.js";
import type { WorkerTaskOptions } from "./run-task-args.js";

export type { WorkerTaskOptions } from "./run-task-args.js";

/**
 * One task to run on a worker, compiled once, in the process that `wf run-task` started as: the
 * task process gets it whole over IPC and parses nothing again. Plain data (it crosses IPC).
 */
export interface WorkerTaskRequest extends InstalledTaskRequest {
  /** Checked (safe as a folder name) before any path is built from it. */
  runId: string;
  params: Record<string, unknown>;
  /** Airflow's try number, 1 on the first try. */
  attempt: number;
  /** The DAG run's dates, ISO 8601 (plain data: it crosses IPC); what is not given is derived from the schedule. */
  dates: { logicalDate?: string; start?: string; end?: string };
  /** The DAG run's parent trace context (`--trace-context`), when it gave a valid one. */
  traceParent?: TraceParent | undefined;
  /** Why the DAG run's trace context was not used: said as a warning; the task runs in a trace of its own. */
  traceProblem?: string | undefined;
}

/**
 * Check `wf run-task`'s options and resolve what they leave out (a new run id, attempt 1, no
 * params). Throws AirflowWorkerOptionsError for an attempt that is no whole number ≥ 1, params
 * that are not a JSON object, or an unusable run id (InvalidRunIdError): before any file or
 * folder is touched.
 */
export function compileWorkerTaskRequest(module: string, options: WorkerTaskOptions, config: WfConfig, env: NodeJS.ProcessEnv, cwd: string): WorkerTaskRequest {
  return {
    module,
    cwd,
    task: options.task,
    workflow: options.workflow || undefined,
    dagId: options.dagId || undefined,
    dagHash: options.dagHash || undefined,
    runId: checkRunId(options.runId || newRunId()),
    params: parseParamsJson(options.params),
    attempt: options.attempt === undefined ? 1 : parseAttempt(options.attempt),
    dates: parseDates(options),
    ...parseTraceContext(options.traceContext),
    debug: options.debug === true,
    home: workerHome(env, config.WF_HOME, cwd),
    config,
  };
}

/**
 * The DAG run conf's trace keys, as the DAG's `wf_trace_context` gives them (JSON; empty: none).
 * A trace context that cannot be used is a problem to say, not a reason to fail the task: W3C
 * trace context has a receiver ignore a bad one.
 */
function parseTraceContext(text: string | undefined): Pick<WorkerTaskRequest, "traceParent" | "traceProblem"> {
  if (text === undefined || text.trim() === "") return {};
  let conf: unknown;
  try {
    conf = JSON.parse(text);
  } catch (error) {
    return { traceProblem: `--trace-context / WF_TRACE_CONTEXT is not JSON (${errorMessage(error)})` };
  }
  if (typeof conf !== "object" || conf === null || Array.isArray(conf)) return { traceProblem: "--trace-context / WF_TRACE_CONTEXT is not a JSON object of the DAG run conf's trace keys" };
  try {
    const traceParent = traceParentOfConf(conf as Record<string, unknown>);
    return traceParent === undefined ? {} : { traceParent };
  } catch (error) {
    return { traceProblem: errorMessage(error) };
  }
}

/** The run's dates, each checked: empty means not given (Airflow renders a missing date as ""). */
function parseDates(options: WorkerTaskOptions): WorkerTaskRequest["dates"] {
  const dates: WorkerTaskRequest["dates"] = {};
  const given: [keyof WorkerTaskRequest["dates"], string, string | undefined][] = [
    ["logicalDate", "--logical-date", options.logicalDate],
    ["start", "--data-interval-start", options.dataIntervalStart],
    ["end", "--data-interval-end", options.dataIntervalEnd],
  ];
  for (const [key, flag, text] of given) {
    if (text === undefined || text.trim() === "") continue;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new AirflowWorkerOptionsError(`${flag} ${JSON.stringify(text)}: expected an ISO 8601 date-time, as Airflow renders it (2026-11-28T00:00:00+00:00)`);
    dates[key] = new Date(ms).toISOString();
  }
  if ((dates.start === undefined) !== (dates.end === undefined)) {
    throw new AirflowWorkerOptionsError("--data-interval-start and --data-interval-end go together: give both (the DAG gives both), or neither");
  }
  return dates;
}

function parseAttempt(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new AirflowWorkerOptionsError(`--attempt ${JSON.stringify(text)}: expected a whole number >= 1 (Airflow's try number)`);
  }
  return n;
}

function parseParamsJson(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AirflowWorkerOptionsError(`--params / WF_PARAMS is not JSON (${errorMessage(error)}); pass the run parameters as a JSON object, e.g. {"limit": 10}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new AirflowWorkerOptionsError(`--params / WF_PARAMS must be a JSON object of run parameters, e.g. {"limit": 10}`);
  }
  return value as Record<string, unknown>;
}

/**
 * Where the run directory lives on a worker. Airflow starts each task in a fresh temporary
 * folder, so the default relative `.wf` would give every task its own, soon deleted, run
 * directory; unless WF_HOME is set, the worker uses `~/.wf` instead. Tasks on different machines
 * share files only when WF_HOME points at shared storage.
 */
function workerHome(env: NodeJS.ProcessEnv, configured: string, cwd: string): string {
  const explicit = env["WF_HOME"] !== undefined && env["WF_HOME"].trim() !== "";
  return explicit ? path.resolve(cwd, configured) : path.join(os.homedir(), ".wf");
}
