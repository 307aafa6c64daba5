import type { Tracer } from "@opentelemetry/api";
import type { Masker } from "../logging/mask.js";
import type { ProgressMetrics } from "../progress/progress-tracker.js";
import type { TraceParent } from "./trace-parent.js";

/** A span's ids as events and log lines carry them: lower-case hex, as W3C trace context writes them. */
export interface TraceIds {
  readonly traceId: string;
  readonly spanId: string;
}

/** A task's lifecycle hooks: each runs in a span of its own, a child of the attempt's. */
export type HookName = "preRun" | "run" | "postRun" | "rollback" | "teardown";

/** Who a run is: the attributes of its spans and metrics. */
export interface RunIdentity {
  readonly runId: string;
  readonly dagId: string;
  readonly dagHash: string;
  readonly workflow: string;
  readonly version: string;
  /** `local`, `airflow` or `notebook`. */
  readonly engine: string;
  /** `run`: the process sees the whole run (a run span parents the tasks); `task`: one task of it (an Airflow worker). */
  readonly scope: "run" | "task";
}

/** OpenTelemetry for one process: the SDK's providers, made once per configuration. */
export interface Telemetry {
  /**
   * Start a run's telemetry: its span when the process sees the whole run, parented by
   * `parent` when given (a traceparent); otherwise task spans of a DAG run share a trace id
   * derived from the dag id and run id, so that a run's tasks on many workers are one trace.
   * `mask` is the run's masking rule, applied to what the run's spans carry; `warn` says export
   * trouble (once per run, when it closes).
   */
  openRun(identity: RunIdentity, parent: TraceParent | undefined, mask: Masker, warn: (message: string) => void): RunTelemetry;
}

/** What happened to an attempt, as its span and metrics record it. */
export interface AttemptEnd {
  readonly status: "success" | "failed" | "skipped" | "terminated";
  readonly error?: unknown;
  readonly durationMs: number;
  /** A retry follows (here or on Airflow's next try). */
  readonly willRetry: boolean;
  readonly metrics: ProgressMetrics;
}

/** One run's telemetry. */
export interface RunTelemetry {
  /** The run span's ids (scope `run`), undefined for a process that runs one task. */
  readonly ids: TraceIds | undefined;
  /** Start a task attempt's span (a child of the run's span, or of the parent trace context). */
  attempt(task: string, attempt: number, queue: string | undefined): AttemptTelemetry;
  /** The run ended with `status`: its span says so and ends (a notebook's later cells still add attempts to it). */
  finish(status: string): void;
  /** Send what is pending (bounded by the export timeout); export trouble since the run opened is said once. Never throws. */
  flush(): Promise<void>;
  /** End the run's span (if still open) and send what is pending: the last step of a run. Never throws. */
  close(): Promise<void>;
}

/** One task attempt's span, and its hooks'. */
export interface AttemptTelemetry {
  readonly ids: TraceIds;
  /** For task code's own spans (`this.tracer`): they are children of the hook that makes them. */
  readonly tracer: Tracer;
  /** Start a hook's span; `call` runs the hook with it as the active span, `end` ends it. */
  hook(name: HookName): HookSpan;
  /** End the attempt's span, and record the attempt in the metrics. */
  end(outcome: AttemptEnd): void;
}

/** A lifecycle hook's span. */
export interface HookSpan {
  /** Call `fn` with the hook's span active: spans task code starts in it (and in what it awaits) are its children. */
  call<T>(fn: () => T): T;
  /** End the span; with `error` when the hook threw it. */
  end(error?: unknown): void;
}
