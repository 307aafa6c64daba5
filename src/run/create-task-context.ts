import type { TaskCatalog } from "../catalog/task-catalog.js";
import { createTaskCatalog } from "./attempt-catalog.js";
import type { LogFields, WfLogger } from "../logging/logger.js";
import { LazyLogger } from "../logging/lazy-logger.js";
import type { ProgressTracker } from "../progress/progress-tracker.js";
import { createEvent } from "../events/create-event.js";
import type { TaskContext, TaskEvents } from "../task/task-context.js";
import type { EngineName } from "../events/wf-event.js";
import type { RunContext } from "./run-context.js";
import { AttemptAudit } from "./attempt-audit.js";
import type { TaskAudit } from "../audit/task-audit.js";
import { AuditTally, type AuditData } from "../audit/audit-tally.js";
import type { Tracer } from "@opentelemetry/api";
import type { AttemptTelemetry, TraceIds } from "../telemetry/run-telemetry.js";
import { idleTracer } from "../telemetry/idle-tracer.js";
import { airflowAccess, type AirflowAccess } from "../task/airflow-access.js";

/**
 * The logger of one attempt of one task: named after the task, bound to workflow, version,
 * dag_id, task, run_id and attempt (in that order: TASK_FIELDS), and with telemetry on to the
 * attempt span's trace_id and span_id.
 */
export function taskLogger(run: RunContext<unknown>, taskName: string, attempt: number, trace?: TraceIds): WfLogger {
  const fields: LogFields = {
    workflow: run.workflowName,
    version: run.version,
    dag_id: run.dagId,
    task: taskName,
    run_id: run.runId,
    attempt,
  };
  // With telemetry on, a line names the attempt's span: found from the span, and back.
  if (trace !== undefined) {
    fields["trace_id"] = trace.traceId;
    fields["span_id"] = trace.spanId;
  }
  return run.logger.child(taskName, fields);
}

/**
 * The progress tracker of one attempt of one task: a child of the run's, reporting (with the
 * `log` presenter) through the task's logger, as `<task>.progress`: the task's fields and
 * format, and a level of its own (`WF_LOG_LEVEL_MODULE="Parse.progress=warn"`).
 */
export function taskTracker(run: RunContext<unknown>, taskName: string, attempt: number, trace?: TraceIds): ProgressTracker {
  // Made when first used: only a tracker that counts something is ever reported, and most
  // tasks' trackers count nothing.
  return run.progress.child(taskName, undefined, { logger: new LazyLogger(() => taskLogger(run, taskName, attempt, trace).child("progress")) });
}

/** Build the context of one attempt of one task. The logger is created on first use. */
export function createTaskContext<P>(
  run: RunContext<P>,
  taskName: string,
  attempt: number,
  progress: ProgressTracker,
  trace?: AttemptTelemetry,
): AttemptContext<P> {
  return new AttemptContext(run, taskName, attempt, progress, trace);
}

/**
 * A task attempt's context. A class rather than an object literal with a `logger` getter: a
 * literal with an accessor is built the slow way, property by property, on every attempt, and
 * that showed in runs of many short tasks. `logger` is a getter on the prototype, made on first
 * use; everything else is an own property, as before.
 */
export class AttemptContext<P> implements TaskContext<P> {
  // Declared, then set by the constructor in the order the object literal had them.
  declare readonly runId: string;
  declare readonly workflowName: string;
  declare readonly version: string;
  declare readonly dagId: string;
  declare readonly taskName: string;
  declare readonly attempt: number;
  declare readonly engine: EngineName;
  declare readonly params: Readonly<P>;
  declare readonly progress: ProgressTracker;
  declare readonly events: TaskEvents;
  declare readonly signal: AbortSignal;
  declare readonly runDir: string;
  #run: RunContext<P>;
  #logger: WfLogger | undefined;
  #catalog: TaskCatalog | undefined;
  #audit: AttemptAudit | undefined;
  #airflow: AirflowAccess | undefined;
  #trace: AttemptTelemetry | undefined;

  constructor(run: RunContext<P>, taskName: string, attempt: number, progress: ProgressTracker, trace: AttemptTelemetry | undefined) {
    this.#run = run;
    this.#trace = trace;
    this.#logger = undefined;
    this.#catalog = undefined;
    this.#audit = undefined;
    this.#airflow = undefined;
    this.runId = run.runId;
    this.workflowName = run.workflowName;
    this.version = run.version;
    this.dagId = run.dagId;
    this.taskName = taskName;
    this.attempt = attempt;
    this.engine = run.engine;
    this.params = run.params;
    this.progress = progress;
    this.events = {
      emit: (name, payload = {}) => {
        const event = createEvent(run, "custom", { name, payload }, trace === undefined ? { task: taskName, attempt } : { task: taskName, attempt, trace: trace.ids });
        run.bus.publish(event);
        return event;
      },
    };
    this.signal = run.signal;
    this.runDir = run.runDir;
  }

  /** From the run: nothing per attempt. A new Date each time, so that no task can move another's. */
  get logicalDate(): Date {
    return new Date(this.#run.dataInterval.logicalDate);
  }

  get dataInterval(): { readonly start: Date; readonly end: Date } {
    const { start, end } = this.#run.dataInterval;
    return { start: new Date(start), end: new Date(end) };
  }

  get logger(): WfLogger {
    return (this.#logger ??= taskLogger(this.#run, this.taskName, this.attempt, this.#trace?.ids));
  }

  /** The attempt's tracer with telemetry on; otherwise the API's (a no-op unless the process has an SDK of its own). */
  get tracer(): Tracer {
    return this.#trace?.tracer ?? idleTracer();
  }

  /** Made on first use, like the logger: most tasks of a run of short tasks use none. */
  get catalog(): TaskCatalog {
    return (this.#catalog ??= createTaskCatalog(this.#run as RunContext<unknown>, this.taskName, this.attempt, this.#trace?.ids));
  }

  /** Made on first use too: a task that audits nothing costs nothing. */
  get audit(): TaskAudit {
    return (this.#audit ??= new AttemptAudit(this.#run as RunContext<unknown>, this.taskName));
  }

  /** Made on first use too: most tasks never touch Airflow. */
  get airflow(): AirflowAccess {
    return (this.#airflow ??= airflowAccess(this.#run.airflow, this.#run.mask, this.taskName, this.engine));
  }

  /**
   * What the attempt's `task.audit` event says: what it audited, with the sources and targets
   * the task declares; undefined when it audited nothing and declares none.
   */
  auditData(): AuditData | undefined {
    const declared = this.#run.declaredData(this.taskName);
    const tally = this.#audit?.tally;
    if (tally !== undefined && tally.used) return tally.data(declared);
    if (declared?.sources === undefined && declared?.targets === undefined) return undefined;
    return new AuditTally(this.taskName, []).data(declared);
  }
}
