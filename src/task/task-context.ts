import type { LogFields, WfLogger } from "../logging/logger.js";
import type { LogLevel } from "../logging/log-level.js";
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
  // Made when first used: only a tracker that counts something is ever reported, and most
  // tasks' trackers count nothing.
  return run.progress.child(taskName, undefined, { logger: new LazyLogger(() => taskLogger(run, taskName, attempt).child("progress")) });
}

/** A logger made by `make` when it is first used: the same lines, names and levels as the one `make` returns. */
class LazyLogger implements WfLogger {
  private made: WfLogger | undefined;

  constructor(private make: (() => WfLogger) | undefined) {}

  private get logger(): WfLogger {
    if (this.made === undefined) {
      this.made = this.make!();
      this.make = undefined;
    }
    return this.made;
  }

  get name(): string {
    return this.logger.name;
  }
  trace(message: string, fields?: LogFields): void {
    this.logger.trace(message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.logger.debug(message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.logger.info(message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.logger.warn(message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.logger.error(message, fields);
  }
  fatal(message: string, fields?: LogFields): void {
    this.logger.fatal(message, fields);
  }
  bind(fields: LogFields): WfLogger {
    return this.logger.bind(fields);
  }
  child(name: string, fields?: LogFields): WfLogger {
    return this.logger.child(name, fields);
  }
  isLevelEnabled(level: LogLevel): boolean {
    return this.logger.isLevelEnabled(level);
  }
}

/** Build the context of one attempt of one task. The logger is created on first use. */
export function createTaskContext<P>(
  run: RunContext<P>,
  taskName: string,
  attempt: number,
  progress: ProgressTracker,
): TaskContext<P> {
  return new AttemptContext(run, taskName, attempt, progress);
}

/**
 * A task attempt's context. A class rather than an object literal with a `logger` getter: a
 * literal with an accessor is built the slow way, property by property, on every attempt, and
 * that showed in runs of many short tasks. `logger` is a getter on the prototype, made on first
 * use; everything else is an own property, as before.
 */
class AttemptContext<P> implements TaskContext<P> {
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

  constructor(run: RunContext<P>, taskName: string, attempt: number, progress: ProgressTracker) {
    this.#run = run;
    this.#logger = undefined;
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
        const event = createEvent(run, "custom", { name, payload }, { task: taskName, attempt });
        run.bus.publish(event);
        return event;
      },
    };
    this.signal = run.signal;
    this.runDir = run.runDir;
  }

  get logger(): WfLogger {
    return (this.#logger ??= taskLogger(this.#run, this.taskName, this.attempt));
  }
}
