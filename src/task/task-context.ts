import type { Tracer } from "@opentelemetry/api";
import type { TaskCatalog } from "../catalog/task-catalog.js";
import type { TaskAudit } from "../audit/task-audit.js";
import type { WfLogger } from "../logging/logger.js";
import type { ProgressTracker } from "../progress/progress-tracker.js";
import type { EngineName, WfEvent } from "../events/wf-event.js";
import type { AirflowAccess } from "./airflow-access.js";

/** Lets task code emit status events of its own, stamped with the task's identity. */
export interface TaskEvents {
  /**
   * Publish an event of the task's own: action `custom`, `data.name` = `name` and
   * `data.payload` = `payload` (JSON-serialisable), routing key `<dag_id>.<task>.custom`.
   */
  emit(name: string, payload?: Record<string, unknown>): WfEvent;
}

/** What a task instance knows about its run. The same shape on every engine. */
export interface TaskContext<P = Record<string, unknown>> {
  readonly runId: string;
  readonly workflowName: string;
  readonly version: string;
  readonly dagId: string;
  readonly taskName: string;
  /** 1 on the first try, 2 on the first retry… */
  readonly attempt: number;
  readonly engine: EngineName;
  /** The run's parameters, validated against the workflow's params schema. */
  readonly params: Readonly<P>;
  /**
   * The run's logical date (UTC): on Airflow the DAG run's; locally `wf run --logical-date` (or
   * `runLocal({ logicalDate })`), in a notebook its `logicalDate` parameter. A run started by
   * hand without one gets the schedule's last complete interval, as Airflow gives a manual run.
   */
  readonly logicalDate: Date;
  /**
   * The data interval the run covers: for a scheduled workflow, from the logical date to the
   * schedule's next tick (a `@daily` run of 2026-11-28 covers that day); without a schedule, the
   * instant of the logical date. The same on every engine, so task code can process "its" day.
   */
  readonly dataInterval: { readonly start: Date; readonly end: Date };
  /** Bound to workflow, version, dag_id, task, run_id and attempt. */
  readonly logger: WfLogger;
  readonly progress: ProgressTracker;
  readonly events: TaskEvents;
  /** The run's data catalog: what this task puts, downstream tasks get, on every engine. */
  readonly catalog: TaskCatalog;
  /** What the attempt processed, for the audit: counts, data range, run errors, statuses, sources, targets, extracts. */
  readonly audit: TaskAudit;
  /**
   * Airflow's Variables, Connections and the DAG run's XComs: on Airflow's SDK runtime, and
   * locally with `runLocal`'s stand-in (`runLocal(workflow, { airflow: { variables, connections } })`).
   * Elsewhere its methods reject with AirflowUnavailableError. What it reads that is secret (a
   * connection's password, a variable under a secret-looking key) is masked in the run's logs,
   * events and result from then on.
   */
  readonly airflow: AirflowAccess;
  /**
   * An OpenTelemetry tracer for spans of your own: with WF_OTEL on, they are children of the
   * running hook's span, in the run's trace (and masked like every exit); off, a no-op (or the
   * process's own SDK, when it registered one).
   */
  readonly tracer: Tracer;
  /** Aborted when the run is cancelled: long-running work should watch it. */
  readonly signal: AbortSignal;
  /** This run's directory (absolute). */
  readonly runDir: string;
}
