import type { LogFields, WfLogger } from "../logging/logger.js";
import type { ProgressTracker } from "../progress/progress-tracker.js";
import type { EngineName, WfEvent } from "../events/wf-event.js";
import type { RunContext } from "../run/run-context.js";
import { createEvent } from "../events/create-event.js";

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
  /** Bound to workflow, version, dag_id, task, run_id and attempt. */
  readonly logger: WfLogger;
  readonly progress: ProgressTracker;
  readonly events: TaskEvents;
  /** Aborted when the run is cancelled: long-running work should watch it. */
  readonly signal: AbortSignal;
  /** This run's directory (absolute). */
  readonly runDir: string;
}

/**
 * The logger of one attempt of one task: named after the task, bound to workflow, version,
 * dag_id, task, run_id and attempt (in that order: TASK_FIELDS).
 */
export function taskLogger(run: RunContext<unknown>, taskName: string, attempt: number): WfLogger {
  const fields: LogFields = {
    workflow: run.workflowName,
    version: run.version,
    dag_id: run.dagId,
    task: taskName,
    run_id: run.runId,
    attempt,
  };
  return run.logger.child(taskName, fields);
}

/**
 * The progress tracker of one attempt of one task: a child of the run's, reporting (with the
 * `log` presenter) through the task's logger, as `<task>.progress`: the task's fields and
 * format, and a level of its own (`WF_LOG_LEVEL_MODULE="Parse.progress=warn"`).
 */
export function taskTracker(run: RunContext<unknown>, taskName: string, attempt: number): ProgressTracker {
  return run.progress.child(taskName, undefined, { logger: taskLogger(run, taskName, attempt).child("progress") });
}

/** Build the context of one attempt of one task. The logger is created on first use. */
export function createTaskContext<P>(
  run: RunContext<P>,
  taskName: string,
  attempt: number,
  progress: ProgressTracker,
): TaskContext<P> {
  let logger: WfLogger | undefined;
  const context: TaskContext<P> = {
    runId: run.runId,
    workflowName: run.workflowName,
    version: run.version,
    dagId: run.dagId,
    taskName,
    attempt,
    engine: run.engine,
    params: run.params,
    get logger() {
      logger ??= taskLogger(run, taskName, attempt);
      return logger;
    },
    progress,
    events: {
      emit: (name, payload = {}) => {
        const event = createEvent(run, "custom", { name, payload }, { task: taskName, attempt });
        run.bus.publish(event);
        return event;
      },
    },
    signal: run.signal,
    runDir: run.runDir,
  };
  return context;
}
