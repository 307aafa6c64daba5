import { errorMessage, errorName } from "../errors/wfkit-error.js";
import type { RunContext } from "./run-context.js";
import { abortable, unlessStalled } from "./abortable.js";
import { createEvent, eventErrorOf, type EventTask } from "../events/create-event.js";
import type { AttemptTelemetry } from "../telemetry/run-telemetry.js";
import { startProgressEvents } from "./progress-events.js";
import { createTaskContext } from "./create-task-context.js";
import { checkDeclaredInputs } from "./attempt-catalog.js";
import { TaskCrashedError, TaskSkipped, TaskTerminatedError, TaskTimeoutError } from "../task/errors.js";
import type { TaskBase, TaskClass } from "../task/task-base.js";
import type { ProgressMetrics, ProgressTracker } from "../progress/progress-tracker.js";
import type { WfLogger } from "../logging/logger.js";
import type { AttemptResult } from "./run-result.js";
import { isoTime } from "../logging/log-record.js";

/** How one attempt of a task ended. */
export type AttemptStatus = "success" | "failed" | "skipped" | "terminated";

/** The outcome of one attempt. `error` is exactly what the task threw: never wrapped. */
export interface AttemptOutcome {
  status: AttemptStatus;
  error?: unknown;
  /** Whether another attempt follows, as {@link AttemptRetries.willRetry} decided it (and `task.failed` said it); false when the attempt succeeded or skipped. */
  willRetry: boolean;
  /** The attempt's final progress metrics (its tracker's and every sub-tracker's, summed). */
  metrics: ProgressMetrics;
  startedAt: Date;
  endedAt: Date;
}

/**
 * What an attempt asks of the retries around it, so that its `task.failed` says whether it is
 * final. The run lifecycle answers (`run-lifecycle.ts`), and then does what it answered.
 */
export interface AttemptRetries {
  /** The last attempt the task may reach (`task.failed`'s `maxAttempts`). */
  readonly maxAttempts: number;
  /**
   * Whether another attempt follows the attempt `attempt` that ended `status` (`failed`, or
   * `terminated`: a timed-out attempt is retried) with `error`; `signal` is the attempt's own
   * (its timeout's reason is a TaskTimeoutError). Asked once per attempt that did not succeed
   * or skip, after its rollback and teardown and just before its ending event.
   */
  willRetry(attempt: number, status: "failed" | "terminated", error: unknown, signal: AbortSignal): boolean;
}

/**
 * Run one attempt of one task through the full lifecycle — preRun → run → postRun, rollback on
 * failure or termination, teardown always — and publish its status events. Whether another
 * attempt follows is `retries`' decision, asked once (the run lifecycle's; on Airflow, Airflow
 * makes the next try). Never throws.
 */
export async function runTaskAttempt<P>(
  TaskClass: TaskClass<P>,
  run: RunContext<P>,
  attempt: number,
  progress: ProgressTracker,
  retries: AttemptRetries,
  trace?: AttemptTelemetry,
): Promise<AttemptOutcome> {
  const taskName = Reflect.get(TaskClass, "name") as string;
  const stamp: EventTask = trace === undefined ? { task: taskName, attempt } : { task: taskName, attempt, trace: trace.ids };
  const context = createTaskContext(run, taskName, attempt, progress, trace);
  // Created on first use: most attempts log nothing of wfkit's own at the default level. (No
  // closures here: made per attempt, they showed in runs of many short tasks.)
  let internalLogger: WfLogger | undefined;
  const debug = run.logger.isLevelEnabled("debug");
  const startedAt = new Date();
  run.bus.publish(createEvent(run, "task.started", {}, stamp));
  if (debug) (internalLogger ??= internalLoggerOf(run, taskName, attempt)).debug("task started");
  const progressEvents = startProgressEvents(run, progress, stamp);

  let status: AttemptStatus = "success";
  let error: unknown;
  let task: InstanceType<TaskClass<P>> | undefined;
  try {
    if (run.signal.aborted) throw terminatedError(taskName, run);
    // Awaited only for a task that declares inputs: an await costs a turn, and most tasks declare none.
    if (run.declaredData(taskName)?.inputs !== undefined) await checkDeclaredInputs(run as RunContext<unknown>, taskName);
    task = new TaskClass(context);
    // A hook that returns no promise is not awaited: an `await` of a plain value still costs a
    // turn of the microtask queue, and most hooks (the empty defaults) are synchronous.
    let pending = trace === undefined ? callHook(task, "preRun") : tracedHook(task, "preRun", trace);
    if (pending !== undefined) await abortable(pending, run.signal, () => terminatedError(taskName, run), () => stalledError(taskName, "preRun"));
    if (run.signal.aborted) throw terminatedError(taskName, run);
    pending = trace === undefined ? callHook(task, "run") : tracedHook(task, "run", trace);
    if (pending !== undefined) await abortable(pending, run.signal, () => terminatedError(taskName, run), () => stalledError(taskName, "run"));
    if (run.signal.aborted) throw terminatedError(taskName, run);
    pending = trace === undefined ? callHook(task, "postRun") : tracedHook(task, "postRun", trace);
    if (pending !== undefined) await abortable(pending, run.signal, () => terminatedError(taskName, run), () => stalledError(taskName, "postRun"));
  } catch (thrown) {
    error = thrown;
    status = thrown instanceof TaskSkipped ? "skipped" : run.signal.aborted ? "terminated" : "failed";
    if (status !== "skipped" && task !== undefined) {
      try {
        const pending = trace === undefined ? callHook(task, "rollback") : tracedHook(task, "rollback", trace);
        if (pending !== undefined) await unlessStalled(pending, () => stalledError(taskName, "rollback"));
      } catch (rollbackError) {
        (internalLogger ??= internalLoggerOf(run, taskName, attempt)).warn("rollback failed; the original error is reported", {
          rollback_error: `${errorName(rollbackError)}: ${errorMessage(rollbackError)}`,
        });
      }
    }
  } finally {
    if (task !== undefined) {
      try {
        const pending = trace === undefined ? callHook(task, "teardown") : tracedHook(task, "teardown", trace);
        if (pending !== undefined) await unlessStalled(pending, () => stalledError(taskName, "teardown"));
      } catch (teardownError) {
        (internalLogger ??= internalLoggerOf(run, taskName, attempt)).error("teardown failed", {
          teardown_error: `${errorName(teardownError)}: ${errorMessage(teardownError)}`,
        });
      }
    }
  }

  progressEvents?.stop();
  const endedAt = new Date();
  const durationMs = endedAt.getTime() - startedAt.getTime();
  if (status === "success" || status === "skipped") progress.done();
  else progress.fail();
  const metrics = progress.metrics();
  // Decided here, once, after rollback and teardown (a cancel meanwhile counts): the event says
  // it and the caller does what it says.
  const willRetry = status === "failed" || status === "terminated" ? retries.willRetry(attempt, status, error, run.signal) : false;
  // Before the attempt's end: a consumer (OpenLineage) has the datasets by the time it ends.
  const audit = context.auditData();
  if (audit !== undefined) run.bus.publish(createEvent(run, "task.audit", audit, stamp));
  if (status === "success") run.bus.publish(createEvent(run, "task.succeeded", { durationMs, metrics }, stamp));
  else if (status === "failed") run.bus.publish(createEvent(run, "task.failed", { durationMs, metrics, error: eventErrorOf(error), willRetry, maxAttempts: retries.maxAttempts }, stamp));
  else if (status === "skipped") run.bus.publish(createEvent(run, "task.skipped", { durationMs, reason: errorMessage(error) }, stamp));
  else run.bus.publish(createEvent(run, "task.terminated", { durationMs, metrics, reason: errorMessage(error) }, stamp));
  if (debug) (internalLogger ??= internalLoggerOf(run, taskName, attempt)).debug(`task ${status}`, { duration_ms: durationMs });
  return status === "success" ? { status, willRetry, startedAt, endedAt, metrics } : { status, error, willRetry, startedAt, endedAt, metrics };
}

/** wfkit's own logger for one attempt (`wfkit.task`, bound to task, attempt and run id). */
function internalLoggerOf(run: RunContext<unknown>, taskName: string, attempt: number): WfLogger {
  return run.logger.child("wfkit.task", { task: taskName, attempt, run_id: run.runId });
}

function stalledError(taskName: string, hook: string): TaskCrashedError {
  return new TaskCrashedError(
    `task ${taskName} crashed: its ${hook}() never settled; the event loop ran dry while it awaited a promise that nothing can resolve (a missing resolve(), an unref'd timer, a stream nobody reads): make sure every promise it awaits settles`,
  );
}

/** Why the attempt was stopped: its timeout (reported as it is), or the run's cancel. */
function terminatedError(taskName: string, run: RunContext<unknown>): TaskTerminatedError | TaskTimeoutError {
  const reason: unknown = run.signal.reason;
  return reason instanceof TaskTimeoutError ? reason : new TaskTerminatedError(taskName, reason);
}

type Hook = "preRun" | "run" | "postRun" | "rollback" | "teardown";

/**
 * `task[hook]()`. Every task is a class of its own, so a plain `task.run()` here meets a new
 * hidden class almost every time: V8's inline cache misses (it keeps a few thousand
 * class/name pairs and a large workflow has more), and handling a miss cost several times the
 * plain property lookup that `Reflect.get` does, which keeps no cache. Same lookup, same `this`;
 * a hook that is not a function is called as before, for the usual TypeError.
 */
function callHook(task: TaskBase<unknown>, hook: Hook): void | Promise<void> {
  const fn: unknown = Reflect.get(task, hook);
  if (typeof fn === "function") return (fn as () => void | Promise<void>).call(task);
  switch (hook) {
    case "preRun":
      return task.preRun();
    case "run":
      return task.run();
    case "postRun":
      return task.postRun();
    case "rollback":
      return task.rollback();
    case "teardown":
      return task.teardown();
  }
}

/**
 * `callHook` in a span of its own (telemetry on): the hook runs with it active, and it ends when
 * the hook returns or its promise settles, with the error when it threw.
 */
function tracedHook(task: TaskBase<unknown>, hook: Hook, trace: AttemptTelemetry): void | Promise<void> {
  const span = trace.hook(hook);
  let pending: void | Promise<void>;
  try {
    pending = span.call(() => callHook(task, hook));
  } catch (error) {
    span.end(error);
    throw error;
  }
  if (!(pending instanceof Promise)) {
    span.end();
    return pending;
  }
  return pending.then(
    () => span.end(),
    (error: unknown) => {
      span.end(error);
      throw error;
    },
  );
}

/** How an attempt is recorded in a run result: times as ISO-8601, the error as `Name: message` and as the events carry it. */
export function attemptResultOf(attempt: number, outcome: AttemptOutcome): AttemptResult {
  const started = outcome.startedAt.getTime();
  const ended = outcome.endedAt.getTime();
  const record: AttemptResult = {
    attempt,
    status: outcome.status,
    // isoTime: the same text as toISOString(), made once per millisecond (short tasks share them).
    startedAt: isoTime(started),
    endedAt: isoTime(ended),
    durationMs: ended - started,
  };
  if (hasOwnKeys(outcome.metrics)) record.metrics = outcome.metrics;
  if (outcome.status !== "success") {
    record.error = `${errorName(outcome.error)}: ${errorMessage(outcome.error)}`;
    record.failure = eventErrorOf(outcome.error);
  }
  return record;
}

function hasOwnKeys(object: object): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return true;
  return false;
}
