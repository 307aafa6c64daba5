import type { LogFields, WfLogger } from "../logging/logger.js";
import { LazyLogger } from "../logging/lazy-logger.js";
import type { ProgressTracker } from "../progress/progress-tracker.js";
import { createEvent } from "../events/create-event.js";
import type { TaskContext } from "../task/task-context.js";
import type { RunContext } from "./run-context.js";

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
  // Made when first used: only a tracker that counts something is ever reported, and most
  // tasks' trackers count nothing.
  return run.progress.child(taskName, undefined, { logger: new LazyLogger(() => taskLogger(run, taskName, attempt).child("progress")) });
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
