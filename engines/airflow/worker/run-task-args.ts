import { parseArgs } from "node:util";

// Kept free of wfkit's other modules: the bin script reads `wf run-task`'s arguments with it
// before anything else is loaded, to find the module's compiled form (see compiled-twin.ts).

/** One option of `wf run-task`: its flag, the WF_* variable the generated DAG sets for it, and its help. */
export interface RunTaskOption {
  /** The key in WorkerTaskOptions. */
  key: "task" | "workflow" | "dagId" | "dagHash" | "runId" | "params" | "attempt" | "logicalDate" | "dataIntervalStart" | "dataIntervalEnd" | "traceContext" | "debug" | "reportCrash" | "comm" | "logs";
  flag: string;
  short?: string;
  /** The value's placeholder in help; none for a switch. */
  value?: string;
  env?: string;
  description: string;
  required?: boolean;
  /** Not shown in help: the worker command's own. */
  hidden?: boolean;
}

/**
 * `wf run-task`'s options, the one table both the bin's fast path (node:util's parseArgs) and
 * the CLI's help (commander) are made from.
 */
export const RUN_TASK_OPTIONS: readonly RunTaskOption[] = [
  { key: "task", flag: "--task", value: "<name>", env: "WF_TASK", description: "the task to run", required: true },
  { key: "workflow", flag: "--workflow", short: "-w", value: "<name>", env: "WF_WORKFLOW", description: "which workflow: export name, name or dag id" },
  { key: "dagId", flag: "--dag-id", value: "<id>", env: "WF_DAG_ID", description: "the dag id the DAG was exported as; must match the module's" },
  { key: "dagHash", flag: "--dag-hash", value: "<sha256>", env: "WF_DAG_HASH", description: "the dag hash the DAG was exported with; must match" },
  { key: "runId", flag: "--run-id", value: "<id>", env: "WF_RUN_ID", description: "run id (default: a new one)" },
  { key: "params", flag: "--params", value: "<json>", env: "WF_PARAMS", description: "run parameters as a JSON object" },
  { key: "attempt", flag: "--attempt", value: "<n>", env: "WF_ATTEMPT", description: "attempt number, 1 on the first try" },
  { key: "logicalDate", flag: "--logical-date", value: "<iso>", env: "WF_LOGICAL_DATE", description: "the DAG run's logical date (default: a run started by hand now)" },
  { key: "dataIntervalStart", flag: "--data-interval-start", value: "<iso>", env: "WF_DATA_INTERVAL_START", description: "the DAG run's data interval start (default: from the logical date and the schedule)" },
  { key: "dataIntervalEnd", flag: "--data-interval-end", value: "<iso>", env: "WF_DATA_INTERVAL_END", description: "the DAG run's data interval end" },
  {
    key: "traceContext",
    flag: "--trace-context",
    value: "<json>",
    env: "WF_TRACE_CONTEXT",
    description: "the DAG run conf's trace context keys as JSON (wfkit/traceparent, airflow/dagrun_parent_trace_context): they parent the task's spans (WF_OTEL)",
  },
  { key: "debug", flag: "--debug", description: "show wfkit's own log lines" },
  {
    key: "comm",
    flag: "--comm",
    value: "<host:port>",
    description: "Airflow's SDK runtime: the supervisor's comm socket, given by wfkit's coordinator (the run's id, try number, conf and dates then come from Airflow)",
  },
  { key: "logs", flag: "--logs", value: "<host:port>", description: "Airflow's SDK runtime: the supervisor's log socket, given by wfkit's coordinator with --comm" },
  {
    key: "reportCrash",
    flag: "--report-crash",
    value: "<exit-code>",
    description: "the worker command's own: the task process ended with this code (128 + a signal); report task.crashed unless it reported how the task ended",
    hidden: true,
  },
];

/** The flags whose values Airflow's StartupDetails give on the SDK runtime. */
const SDK_FROM_AIRFLOW: readonly string[] = ["run-id", "params", "attempt", "logical-date", "data-interval-start", "data-interval-end", "trace-context", "report-crash"];

/** `wf run-task`'s options as given (on the command line or in the WF_* variables the DAG sets). */
export interface WorkerTaskOptions {
  task: string;
  workflow?: string | undefined;
  dagId?: string | undefined;
  dagHash?: string | undefined;
  runId?: string | undefined;
  params?: string | undefined;
  attempt?: string | undefined;
  logicalDate?: string | undefined;
  dataIntervalStart?: string | undefined;
  dataIntervalEnd?: string | undefined;
  traceContext?: string | undefined;
  debug?: boolean | undefined;
  /** Set by the worker command after the task process died by a signal: report the crash, run nothing. */
  reportCrash?: string | undefined;
  /** Airflow's SDK runtime: the supervisor's comm and log sockets (`host:port`), as wfkit's coordinator passes them. */
  comm?: string | undefined;
  logs?: string | undefined;
}

/** `wf run-task`'s arguments, read: the module and its options, or what is wrong with them (a usage error). */
export type RunTaskArgs = { module: string; options: WorkerTaskOptions; problem?: undefined } | { problem: string };

/**
 * Read `wf run-task`'s arguments (without the `run-task` word) as commander would: each option
 * from its flag, else from its WF_* variable; one positional, the module.
 */
export function parseRunTaskArgs(argv: readonly string[], env: NodeJS.ProcessEnv): RunTaskArgs {
  const spec: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const option of RUN_TASK_OPTIONS) {
    spec[option.flag.slice(2)] = { type: option.value === undefined ? "boolean" : "string", ...(option.short ? { short: option.short.slice(1) } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: spec, allowPositionals: true, strict: true });
  } catch (error) {
    return { problem: `${error instanceof Error ? error.message : String(error)} (run wf run-task --help for usage)` };
  }
  if (parsed.positionals.length !== 1) {
    return { problem: parsed.positionals.length === 0 ? "wf run-task needs the module that exports the workflow: wf run-task <module> --task <name>" : `wf run-task takes one module, got ${parsed.positionals.length}: ${parsed.positionals.join(" ")}` };
  }
  const options: Record<string, unknown> = {};
  for (const option of RUN_TASK_OPTIONS) {
    const given = parsed.values[option.flag.slice(2)];
    const value = given ?? (option.env === undefined ? undefined : env[option.env]);
    if (value !== undefined) options[option.key] = value;
  }
  if (typeof options["task"] !== "string" || options["task"] === "") return { problem: "required option '--task <name>' not specified (or set WF_TASK)" };
  if ((parsed.values["comm"] === undefined) !== (parsed.values["logs"] === undefined)) return { problem: "--comm and --logs go together (Airflow's coordinator gives both)" };
  if (parsed.values["comm"] !== undefined) {
    // On the SDK runtime the run's identity is Airflow's (StartupDetails): a flag that says otherwise would be ignored.
    const clash = SDK_FROM_AIRFLOW.filter((key) => parsed.values[key] !== undefined);
    if (clash.length > 0) return { problem: `--comm takes the run's id, params, try number and dates from Airflow; drop ${clash.map((k) => `--${k}`).join(", ")}` };
    // …and WF_* variables of the worker's environment that would name them are not read.
    for (const option of RUN_TASK_OPTIONS) if (SDK_FROM_AIRFLOW.includes(option.flag.slice(2))) delete options[option.key];
  }
  return { module: parsed.positionals[0]!, options: options as unknown as WorkerTaskOptions };
}
