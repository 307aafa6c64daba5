import * as z from "zod";
import type { WfEvent, WfLogger } from "../../src/index.js";
import { type RerunRequest, DateInputSchema, compileRunLogOptions, runLogOptionsFromConfig, type CompiledRunLogOptions, type RunLogOptions, compileProgressOptions, progressOptionsFromConfig, ProgressModeSchema, type ProgressOptions, type CompiledProgressOptions, createLoggerFromConfig, optionProblems, InProcessEventBus, compileEventsOptions, eventsOptionsFromConfig, type CompiledEventsOptions, type EventsOptions, loadConfig, type WfConfig, type EventBus } from "../../src/engine.js";
import { LocalRunOptionsError } from "./errors.js";
import { PARSE_ONCE, AirflowStandInSchema, telemetryOptionsFromConfig, traceParentFromConfig, TraceParentSchema, TraceStateSchema, type TelemetryOptions, type TraceParent } from "../../src/engine.js";

/**
 * Options of `runLocal`. Every option is optional; the defaults come from the `WF_*`
 * environment (see the README's configuration table).
 */
export const LocalRunOptionsSchema = z.strictObject({
  params: z.record(z.string(), z.unknown()).default({}).describe("Run parameters; validated against the workflow's params schema"),
  runId: z.string().optional().describe("Run id; default: a new time-sortable id"),
  logicalDate: DateInputSchema.optional()
    .describe("The run's logical date (a Date, `YYYY-MM-DD` as midnight UTC, or an ISO date-time with offset): its data interval runs from it to the schedule's next tick, as an Airflow run of that date; default: a run started by hand now, covering the schedule's last complete interval"),
  concurrency: z.number().int().min(1).optional().describe("Tasks that may run at once; default WF_CONCURRENCY (16)"),
  retryDelaySeconds: z.number().min(0).optional().describe("Overrides every task's retry delay (0 in tests); default WF_RETRY_DELAY_SECONDS, else each task's own"),
  signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, "expected an AbortSignal").optional().describe("Aborting it cancels the run"),
  logger: z.custom<WfLogger>((v) => typeof v === "object" && v !== null && typeof (v as WfLogger).child === "function", "expected a WfLogger").optional().describe("Root logger; default from the WF_LOG_* and WF_SYSLOG_* variables, on stderr"),
  bus: z.custom<EventBus>((v) => typeof v === "object" && v !== null && typeof (v as EventBus).publish === "function", "expected an EventBus").optional().describe("Where status events go; default an in-process bus"),
  onEvent: z.custom<(event: WfEvent) => void>((v) => typeof v === "function", "expected a function").optional().describe("Called with every status event of the run"),
  progress: z
    .union([ProgressModeSchema, z.custom<ProgressOptions>((v) => typeof v === "object" && v !== null && !Array.isArray(v), "expected a progress mode or progress options")])
    .optional()
    .describe("How progress is shown: a mode (`bars`, `log`, `notebook`, `off`, `auto`) or progress options; default WF_PROGRESS* (auto: bars when stderr is a terminal, log lines otherwise)"),
  events: z
    .custom<EventsOptions>((v) => typeof v === "object" && v !== null && !Array.isArray(v), "expected event options")
    .optional()
    .describe("Where events go besides `bus` (the run's events.jsonl always; RabbitMQ with `busUrl`) and how; fields override the WF_BUS_* / WF_EVENTS_* ones one by one"),
  runLog: z
    .custom<RunLogOptions>((v) => typeof v === "object" && v !== null && !Array.isArray(v), "expected run-log options")
    .optional()
    .describe("Where the run is recorded (`store`: `file`, `off` or a PostgreSQL URL; `strict`); fields override WF_RUN_LOG / WF_RUN_LOG_STRICT one by one"),
  codeDir: z.string().min(1).optional().describe("The workflow module's folder, where the run log's code identity (package, git commit) is read; default the current folder"),
  tags: z.array(z.string().min(1)).optional().describe("Tags kept with the run in the run log (`wf runs list --tag`)"),
  rerun: z
    .custom<RerunRequest>((v) => typeof v === "object" && v !== null && !Array.isArray(v), "expected { runId, dagId?, force?, from? }")
    .optional()
    .describe("Re-run an earlier run (`{ runId, dagId?, force?, from? }`): tasks that succeeded there are reused, their catalog entries carried; the rest run again; params come from it unless given"),
  airflow: AirflowStandInSchema.optional()
    .describe("A stand-in for Airflow behind the tasks' `this.airflow`: `{ variables: { key: value }, connections: { id: { type, host?, port?, login?, password?, schema?, extra? } } }`; XComs pushed in the run are kept in memory for it. Connection passwords (and secrets in `extra`) are masked in the run's outputs once read. Default none: `this.airflow` rejects with AirflowUnavailableError"),
  traceparent: TraceParentSchema.optional()
    .describe("A W3C trace context (`00-<trace id>-<span id>-<flags>`) that parents the run's span (WF_OTEL on); default TRACEPARENT"),
  tracestate: TraceStateSchema.optional()
    .describe("The W3C tracestate that goes with `traceparent`; default TRACESTATE when `traceparent` is not given"),
  home: z.string().min(1).optional().describe("Where run directories go (`<home>/runs/<dagId>/<runId>`) and the file run log (`<home>/run-log/`); default WF_HOME (.wf)"),
  env: z.custom<NodeJS.ProcessEnv>((v) => typeof v === "object" && v !== null, "expected an object of environment variables").optional().describe("Environment to read WF_* defaults from; default process.env"),
});

/** Options of `runLocal`, as a user writes them. `params` is typed by the workflow. */
export type LocalRunOptions<P = Record<string, unknown>> = Omit<z.input<typeof LocalRunOptionsSchema>, "params"> & {
  params?: P;
};

type ParsedOptions = z.output<typeof LocalRunOptionsSchema>;

/**
 * `runLocal` options with every default resolved: the schema's output with the optional
 * settings filled in (`runId`, `logicalDate`, `retryDelaySeconds`, `onEvent` and `airflow` may stay unset; `env` has been
 * read and is gone).
 */
export type CompiledLocalRunOptions = Required<Omit<ParsedOptions, "env" | "runId" | "logicalDate" | "retryDelaySeconds" | "onEvent" | "progress" | "events" | "runLog" | "codeDir" | "rerun" | "airflow" | "traceparent" | "tracestate">> &
  Pick<ParsedOptions, "runId" | "logicalDate" | "retryDelaySeconds" | "onEvent" | "codeDir" | "rerun" | "airflow"> & {
    progress: CompiledProgressOptions;
    events: CompiledEventsOptions;
    runLog: CompiledRunLogOptions;
    /** OpenTelemetry from WF_OTEL and the OTEL_* variables; undefined: off. */
    telemetry: TelemetryOptions | undefined;
    /** The run span's parent: the `traceparent` option, else TRACEPARENT. */
    traceParent: TraceParent | undefined;
    /** No logger was given: runLocal made one from the configuration and closes it at the end. */
    ownsLogger: boolean;
  };

/**
 * Resolve defaults (from the WF_* configuration) and check every option; throws
 * LocalRunOptionsError, ProgressOptionsError (the `progress` option), EventsOptionsError (the
 * `events` option) or ConfigError. `config` is the configuration a caller has already read
 * (`wf run` reads it once per process); without it, it is read from `options.env` or
 * `process.env`.
 */
export function compileLocalRunOptions(options: LocalRunOptions<unknown> = {}, config?: WfConfig): CompiledLocalRunOptions {
  const parsed = LocalRunOptionsSchema.safeParse(options, PARSE_ONCE);
  if (!parsed.success) {
    throw new LocalRunOptionsError(optionProblems(parsed.error, Object.keys(LocalRunOptionsSchema.shape)));
  }
  const o = parsed.data;
  config ??= loadConfig(o.env ?? process.env);
  const logger = o.logger ?? createLoggerFromConfig(config);
  return {
    params: o.params,
    runId: o.runId,
    logicalDate: o.logicalDate,
    concurrency: o.concurrency ?? config.WF_CONCURRENCY,
    retryDelaySeconds: o.retryDelaySeconds ?? config.WF_RETRY_DELAY_SECONDS,
    signal: o.signal ?? new AbortController().signal,
    logger,
    bus: o.bus ?? new InProcessEventBus((error, event) => logger.child("wfkit.events").warn("an event listener threw", { event: event.type, error })),
    onEvent: o.onEvent,
    home: o.home ?? config.WF_HOME,
    // Options given in code override the WF_PROGRESS* ones, one by one.
    progress: compileProgressOptions({
      ...progressOptionsFromConfig(config),
      ...(typeof o.progress === "string" ? { mode: o.progress } : o.progress),
    }),
    events: compileEventsOptions({ ...eventsOptionsFromConfig(config), ...o.events }, o.home ?? config.WF_HOME),
    runLog: compileRunLogOptions({ ...runLogOptionsFromConfig(config), ...o.runLog }, o.home ?? config.WF_HOME),
    tags: o.tags ?? [],
    codeDir: o.codeDir,
    rerun: o.rerun,
    airflow: o.airflow,
    telemetry: telemetryOptionsFromConfig(config),
    traceParent: o.traceparent === undefined ? traceParentFromConfig(config) : { traceparent: o.traceparent, tracestate: o.tracestate },
    ownsLogger: o.logger === undefined,
  };
}
