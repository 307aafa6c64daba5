import { setTimeout as sleep } from "node:timers/promises";
import type { Workflow, WorkflowNode } from "../workflow/workflow.js";
import type { WfLogger } from "../logging/logger.js";
import { reportTaskFailure } from "../logging/failure-report.js";
import type { EventBus, EventListener } from "../events/event-bus.js";
import type { EngineName } from "../events/wf-event.js";
import type { CompiledEventsOptions } from "../events/events-options.js";
import { createEvent, eventErrorOf } from "../events/create-event.js";
import type { Masker } from "../logging/mask.js";
import type { CompiledProgressOptions } from "../progress/progress-options.js";
import type { ProgressPresenter } from "../progress/progress-presenter.js";
import { startProgress } from "../progress/start-progress.js";
import { attemptResultOf, runTaskAttempt, type AttemptOutcome, type AttemptRetries, type AttemptStatus } from "./task-attempt.js";
import { taskLogger, taskTracker } from "./create-task-context.js";
import type { RunContext } from "./run-context.js";
import { openRunContext, type RunOutputs } from "./open-run-context.js";
import { runStatusOf, type RunResult, type RunStatus, type TaskResult } from "./run-result.js";
import { runSteps, type RunScope, type RunStepHooks } from "./run-steps.js";
import { guardProcessExit } from "../util/exit-guard.js";
import { TaskCrashedError, TaskTimeoutError } from "../task/errors.js";
import { retryDelayBefore } from "../workflow/node-settings.js";
import { markUnrecorded } from "./write-failures.js";
import type { CompiledRunLogOptions } from "../run-log/run-log-options.js";
import type { RerunPlan, RerunRequest, RerunSource } from "./rerun.js";
import type { DataInterval } from "../workflow/schedule.js";
import { RerunOptionsError } from "./errors.js";
import type { AirflowBackend } from "../task/airflow-access.js";
import type { TelemetryOptions } from "../telemetry/telemetry-options.js";
import type { TraceParent } from "../telemetry/trace-parent.js";

export type { RunScope } from "./run-steps.js";

/** What an engine gives to start a run: the workflow, the run's own values, and options compiled once by the caller. */
export interface RunLifecycleInput {
  workflow: Workflow;
  engine: EngineName;
  /**
   * `run`: this process runs the whole run (local, notebook): it publishes the run's start and
   * end and writes `result.json`. `task`: it runs one task of a run that other processes share
   * (an Airflow worker): no process sees the run start or end.
   */
  scope: RunScope;
  /** Raw run parameters; validated against the workflow's params schema. */
  params: Record<string, unknown>;
  /** Default: a new time-sortable id. Refused (InvalidRunIdError) unless safe as a folder name. */
  runId?: string | undefined;
  logger: WfLogger;
  bus: EventBus;
  /** Told about every event of the run, from before `run.started` until the run closes. */
  onEvent?: EventListener | undefined;
  signal: AbortSignal;
  /** `WF_HOME`: the run directory is `<home>/runs/<dagId>/<runId>`. */
  home: string;
  /** Where the run is recorded (`compileRunLogOptions`). */
  runLog: CompiledRunLogOptions;
  /** The run's tags (`wf run --tag`), kept in the run log. Default none. */
  tags?: readonly string[] | undefined;
  /** The workflow module's folder, where the code identity (package, git commit) is read. Default the current folder. */
  codeDir?: string | undefined;
  /** Where events go besides `bus`'s listeners (events.jsonl always; RabbitMQ with `busUrl`). */
  events: CompiledEventsOptions;
  /**
   * How the run's progress is shown while it is open. Leave it out when the engine shows it
   * itself (the notebook, one presenter per cell).
   */
  progress?: CompiledProgressOptions | undefined;
  /**
   * Re-run this earlier run (scope `run` only): tasks that succeeded there are reused (not run,
   * their catalog entries carried), params come from it unless given, and the run records it as
   * its original. See `rerun.ts`.
   */
  rerun?: RerunRequest | undefined;
  /** The run's data interval as the scheduler gave it (an Airflow DAG run's); wins over `logicalDate`. */
  dataInterval?: DataInterval | undefined;
  /**
   * The run's logical date (`wf run --logical-date`): its data interval runs to the schedule's
   * next tick. Default: a run started by hand now, which covers the last complete interval.
   */
  logicalDate?: Date | undefined;
  /**
   * Scope `task`: the task this process runs. A workflow on hold is refused by its first tasks
   * (those with no upstreams) only: the rest of a run already under way goes on.
   */
  task?: string | undefined;
  /**
   * What `this.airflow` of the run's tasks reads and writes: Airflow's Variables, Connections and
   * the DAG run's XComs (Airflow's SDK runtime), or a stand-in (`runLocal`'s `airflow` option).
   * Without it, `this.airflow` rejects with AirflowUnavailableError.
   */
  airflow?: AirflowBackend | undefined;
  /** OpenTelemetry (`telemetryOptionsFromConfig`): spans of the run, its attempts and hooks, and metrics. Undefined: off, nothing loaded. */
  telemetry?: TelemetryOptions | undefined;
  /** The trace context that parents the run's spans: `wf run --traceparent` / TRACEPARENT, a DAG run's conf. */
  traceParent?: TraceParent | undefined;
}

/** How a task's attempts go: which attempt is first, the last one allowed, the wait between them. */
export interface AttemptPlan {
  /** 1 on a fresh task; Airflow's try number on a worker; the next number when a notebook cell runs again. */
  firstAttempt: number;
  /**
   * The last attempt allowed here: a failed attempt before it is retried. Equal to
   * `firstAttempt`: no retry here (Airflow retries by itself). The task's `maxAttempts` (in
   * `task.failed`) is the greater of this and its `retries` + 1.
   */
  lastAttempt: number;
  /**
   * A time limit on each attempt that this process enforces although it runs one task of a run:
   * Airflow's SDK runtime, where no operator applies the DAG's `execution_timeout`. A run (`wf
   * run`, a notebook) enforces the task's own `timeoutSeconds` without it.
   */
  timeoutSeconds?: number | undefined;
  /** Seconds to wait before every retry, instead of what the task's settings say (`retryDelaySeconds`, backoff). */
  delaySeconds?: number | undefined;
  /** Stops this task alone, as the run's signal stops every task (a notebook cell's interrupt): the task ends `terminated`. */
  signal?: AbortSignal | undefined;
  /**
   * Another process tries the task again after `lastAttempt` fails (Airflow, by the task's
   * `retries`): the failure says so and `task.retrying` is published, as when the retry is
   * made here, but nothing waits and no attempt follows in this process. Give it while
   * `lastAttempt` is below the task's `retries` + 1.
   */
  retriedElsewhere?: true | undefined;
  /**
   * Says of a failure that it is final (an engine that fails such failures fast, e.g. bad input
   * that no retry can fix): it is not retried, here or elsewhere, and its `task.failed` says
   * `willRetry: false`. Asked once per failed attempt, with what the task threw; it must not
   * throw. Default: every failure is retried while attempts are left.
   */
  finalFailure?: ((error: unknown) => boolean) | undefined;
  /** The queue the task runs on, for its span (Airflow's task instance's); default the task's `queue` setting. */
  queue?: string | undefined;
}

/**
 * One run, on any engine: the order in which a run opens, runs its tasks' attempts, reports its
 * result and closes lives here, once (as a template: the engines supply how tasks are scheduled
 * and where they run). A step added to every run on every engine is a hook in `run-steps.ts`.
 *
 * 1. `open()`: validate the workflow and params, create the run directory, its run log and event
 *    outputs, the progress tree and (if asked) its presenter; then each step's `opened` (the
 *    `run.started` event).
 * 2. `runTask()` for each task the engine runs: its attempts through the task lifecycle, the
 *    failure reports, `task.retrying` and the waits between attempts; each step's `attemptEnded`.
 * 3. `finish()` (whole runs): the run's result (`failed` when the run could not write its own
 *    files); each step's `finished` (`result.json`, the run's last event).
 * 4. `close()`: the progress tree and its presenter, each step's `closing`, the event outputs,
 *    the run log.
 */
export class RunLifecycle {
  /** Shared by every task of the run: ids, params, logger, progress, bus, signal, run directory. */
  readonly context: RunContext;
  /** When the run opened in this process. */
  readonly startedAt = new Date();
  private finished: RunResult | undefined;
  private closing: Promise<void> | undefined;
  /** The steps with an `attemptEnded` hook. */
  private readonly attemptSteps: readonly RunStepHooks[];

  private constructor(
    readonly workflow: Workflow,
    readonly scope: RunScope,
    private readonly outputs: RunOutputs,
    private readonly steps: readonly RunStepHooks[],
    private readonly presenter: ProgressPresenter | undefined,
    private readonly unsubscribe: (() => void) | undefined,
    /** A re-run's plan: which tasks are reused (`reuseTask`), which run again and why. */
    readonly rerun: RerunPlan | undefined,
  ) {
    this.context = outputs.context;
    this.attemptSteps = steps.filter((step) => step.attemptEnded !== undefined);
  }

  /**
   * Open a run (step 1 above). Throws WorkflowValidationError, ParamsValidationError,
   * InvalidRunIdError, RunDirError, EventStoreError or (strict bus) BusAccessRefusedError /
   * BusUnavailableError; for a re-run also RerunOptionsError, RerunNotPossibleError,
   * RerunRefusedError, RerunParamsError or a run-log error; WorkflowOnHoldError for a workflow
   * on hold (`maxConsecutiveFailures`); nothing is left open when it throws.
   */
  static async open(input: RunLifecycleInput): Promise<RunLifecycle> {
    let source: RerunSource | undefined;
    // Loaded only for a re-run: it reads the run log, which a worker's start-up never needs.
    const rerun = input.rerun === undefined ? undefined : await import("./rerun.js");
    if (input.rerun !== undefined && rerun !== undefined) {
      if (input.scope !== "run") throw new RerunOptionsError("a re-run runs the failed part of a run in one process (wf run, a notebook); on Airflow, clear the failed tasks instead");
      input.workflow.assertValid();
      source = await rerun.readRerunSource(input.workflow, input.rerun, input.runLog, input.params);
      if (input.runId === source.original.runId && input.workflow.dagId === source.original.dagId) {
        throw new RerunOptionsError(`run id ${input.runId} is the run being re-run: a re-run is a new run; give another run id, or none for a new one`);
      }
    }
    const max = input.workflow.options.maxConsecutiveFailures;
    if (max !== undefined && (input.scope === "run" || input.workflow.nodes.find((n) => n.name === input.task)?.upstreams.length === 0)) {
      // Loaded only for a workflow that can be put on hold: it reads the run log.
      const { refuseIfOnHold } = await import("./hold-check.js");
      await refuseIfOnHold(input.workflow, max, input.runLog, { dagId: input.workflow.dagId, runId: input.runId }, input.logger);
    }
    const outputs = await openRunContext(source === undefined ? input : { ...input, params: source.params });
    let plan: RerunPlan | undefined;
    try {
      if (source !== undefined && rerun !== undefined) plan = await rerun.carryReused(await rerun.planRerun(input.workflow, source, input.home), outputs.context.catalog);
    } catch (error) {
      await outputs.closeTelemetry();
      await outputs.closeEvents();
      outputs.closeRunLog();
      throw error;
    }
    const unsubscribe = input.onEvent ? input.bus.subscribe(input.onEvent) : undefined;
    const presenter = input.progress ? startProgress(outputs.context.progress, input.progress) : undefined;
    const stepInput = { workflow: input.workflow, runLog: input.runLog, tags: input.tags ?? [], codeDir: input.codeDir ?? process.cwd(), originalRunId: plan?.originalRunId };
    const steps = runSteps.map((make) => make(outputs.context, input.scope, stepInput));
    const run = new RunLifecycle(input.workflow, input.scope, outputs, steps, presenter, unsubscribe, plan);
    try {
      for (const step of steps) await step.opened?.();
      if (plan !== undefined) run.reportPlan(plan);
    } catch (error) {
      await run.close();
      throw error;
    }
    return run;
  }

  /** Say at the start what a re-run reuses, what it runs again, and why a task that could be reused runs. */
  private reportPlan(plan: RerunPlan): void {
    const log = this.context.logger.child("wfkit.run", { original_run_id: plan.originalRunId });
    const total = this.workflow.nodes.length;
    log.info(`re-run of run ${plan.originalRunId}: ${plan.reuse.size} of ${total} task${total === 1 ? "" : "s"} reused, ${total - plan.reuse.size} to run`);
    for (const [task, why] of plan.rerunReasons) log.warn(`${task} runs again: ${this.context.mask.text(why)}`, { task });
  }

  /**
   * A re-run's task that is not run again (`rerun.reuse` has it): its catalog entries were
   * carried from the original run when the run opened; `task.reused` and a `task.catalog`
   * (`carry`) per entry are published, and `result` says `reused`. Synchronous: a re-run of a
   * 10,000-task chain reuses 9,998 tasks before the one that failed runs again.
   */
  reuseTask(node: WorkflowNode, result: TaskResult): void {
    const plan = this.rerun;
    const reused = plan?.reuse.get(node.name);
    if (plan === undefined || reused === undefined) throw new Error(`wfkit bug: ${node.name} is not reused by this run`);
    const run = this.context;
    const stamp = { task: node.name, attempt: reused.attempt };
    run.bus.publish(createEvent(run, "task.reused", { originalRunId: plan.originalRunId, originalStatus: reused.status }, stamp));
    for (const entry of reused.entries) {
      run.bus.publish(createEvent(run, "task.catalog", { stage: "carry", name: entry.name, form: entry.form, location: entry.location, sha256: entry.sha256, size: entry.size }, stamp));
    }
    result.status = "reused";
    result.reused = { runId: plan.originalRunId, status: reused.status };
  }

  /**
   * Run one task's attempts (step 2): from `plan.firstAttempt`, retrying a failure until
   * `plan.lastAttempt` unless the run is cancelled or `plan.finalFailure` says it is final (one
   * decision per attempt, which its `task.failed` reports as `willRetry`). Updates `result`
   * (status, attempts, error, metrics) and returns how the task ended: a cancel during the wait
   * before a retry ends it `terminated`, keeping the last attempt's error. Never throws for a
   * task's failure.
   */
  async runTask(node: WorkflowNode, result: TaskResult, plan: AttemptPlan): Promise<AttemptStatus> {
    // While a task runs, process.exit() throws into it: the task fails, the run goes on and reports.
    const release = guardProcessExit(exitError);
    let status: AttemptStatus;
    try {
      status = await this.attempts(node, result, plan);
    } finally {
      release();
    }
    // A process that runs one task (an Airflow worker) is that task's only record: a task whose
    // events or log could not be written neither succeeds nor skips (Airflow then retries it).
    if (this.scope === "task") {
      this.outputs.flushFiles();
      const unrecorded = this.context.writeFailures.error();
      if (unrecorded !== undefined && (status === "success" || status === "skipped")) {
        result.status = status = "failed";
        result.error = unrecorded;
        this.context.logger.child("wfkit.run").error(`task ${node.name} failed: ${this.context.mask.text(unrecorded.message)}`, { task: node.name });
      }
    }
    return status;
  }

  private async attempts(node: WorkflowNode, result: TaskResult, plan: AttemptPlan): Promise<AttemptStatus> {
    const run = plan.signal === undefined ? this.context : { ...this.context, signal: AbortSignal.any([this.context.signal, plan.signal]) };
    const name = node.name;
    // A process that runs one task of a run (an Airflow worker) leaves the timeout to Airflow's
    // execution_timeout, which the DAG carries: Airflow stops the task's process — unless the
    // plan says otherwise (the SDK runtime, where nothing applies execution_timeout).
    const timeoutSeconds = this.scope === "run" ? node.settings.timeoutSeconds : plan.timeoutSeconds;
    const decision = new TaskRetries(plan, node.settings.retries, run.signal);
    for (let attempt = plan.firstAttempt; ; attempt++) {
      const timeout = timeoutSeconds === undefined ? undefined : startTimeout(name, timeoutSeconds);
      const trace = run.telemetry?.attempt(name, attempt, plan.queue ?? node.settings.queue);
      let outcome: AttemptOutcome;
      try {
        outcome = await runTaskAttempt(node.task, timeout === undefined ? run : { ...run, signal: AbortSignal.any([run.signal, timeout.signal]) }, attempt, taskTracker(run, name, attempt, trace?.ids), decision, trace);
      } finally {
        timeout?.clear();
      }
      const record = attemptResultOf(attempt, outcome);
      // The attempt's error text goes to result.json, summaries and --json: masked like every exit.
      if (record.error !== undefined) record.error = run.mask.text(record.error);
      if (record.failure !== undefined) record.failure.message = run.mask.text(record.failure.message);
      result.attempts.push(record);
      result.status = outcome.status;
      // `delete` only what is there: deleting a missing key still costs a runtime call.
      if (outcome.status !== "success") result.error = outcome.error;
      else if ("error" in result) delete result.error;
      if (record.metrics !== undefined) result.metrics = record.metrics;
      else if ("metrics" in result) delete result.metrics;
      // A timed-out attempt ends `terminated` but is reported (and retried) like a failure, as Airflow retries it.
      const failed = outcome.status === "failed" || (timeout?.signal.aborted === true && !run.signal.aborted);
      // What the attempt's ending event said (`decision` made it): another attempt follows,
      // here while attempts are left, else in another process (Airflow's next try).
      const retry = outcome.willRetry && attempt < plan.lastAttempt;
      const delaySeconds = plan.delaySeconds ?? retryDelayBefore(node.settings, attempt + 1);
      if (failed) {
        await reportTaskFailure(taskLogger(run, name, attempt, trace?.ids), {
          task: name,
          dagId: run.dagId,
          attempt,
          error: outcome.error,
          retry: outcome.willRetry ? { nextAttempt: attempt + 1, delaySeconds } : undefined,
        });
      }
      for (const step of this.attemptSteps) {
        // Awaited only when it returned a promise: an `await` of nothing still costs a microtask turn, per task.
        const pending = step.attemptEnded!(name, record);
        if (pending !== undefined) await pending;
      }
      if (outcome.willRetry) {
        run.bus.publish(createEvent(run, "task.retrying", { nextAttempt: attempt + 1, delaySeconds, error: eventErrorOf(outcome.error) }, trace === undefined ? { task: name, attempt } : { task: name, attempt, trace: trace.ids }));
      }
      trace?.end({ status: outcome.status, error: outcome.error, durationMs: record.durationMs, willRetry: outcome.willRetry, metrics: outcome.metrics });
      if (!retry) return outcome.status;
      try {
        await sleep(delaySeconds * 1000, undefined, { signal: run.signal });
      } catch {
        // Cancelled while waiting to retry: attempts were left, so the cancel cut it short.
        // `error` keeps the last attempt's failure.
        result.status = "terminated";
        return "terminated";
      }
    }
  }

  /** The run's result for `tasks` (in topological order) as of now, without recording it anywhere. */
  result(tasks: TaskResult[], status: RunStatus = runStatusOf(tasks)): RunResult {
    const endedAt = new Date();
    const c = this.context;
    return {
      runId: c.runId,
      workflow: c.workflowName,
      version: c.version,
      dagId: c.dagId,
      dagHash: c.dagHash,
      engine: c.engine,
      status,
      // Masked: the result is what result.json, --json and summaries show.
      params: { ...(c.mask.value(c.params, 0, undefined) as Record<string, unknown>) },
      startedAt: this.startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      durationMs: endedAt.getTime() - this.startedAt.getTime(),
      runDir: c.runDir,
      ...(this.rerun === undefined ? {} : { originalRunId: this.rerun.originalRunId }),
      tasks: this.rerun === undefined ? tasks : tasks.map((t) => withRerunReason(t, this.rerun!, c.mask)),
    };
  }

  /**
   * End a whole run (step 3): its result, recorded by every step (`result.json`, the run's last
   * event). A notebook may finish again after more cells ran; the last result counts.
   */
  async finish(tasks: TaskResult[], status?: RunStatus): Promise<RunResult> {
    // What waits for the run's files is written first, so that a run that could not record
    // itself says so in its result (and result.json, when that can be written).
    this.outputs.flushFiles();
    const result = markUnrecorded(this.context, this.result(tasks, status));
    this.finished = result;
    this.context.telemetry?.finish(result.status);
    for (const step of this.steps) await step.finished?.(result);
    return result;
  }

  /** Send the run's spans and metrics so far (telemetry on; bounded by the export timeout): a notebook's summary does. */
  async flushTelemetry(): Promise<void> {
    await this.context.telemetry?.flush();
  }

  /** Wait (bounded) until the bus confirmed what was published so far. */
  flushEvents(): Promise<void> {
    return this.outputs.flushEvents();
  }

  /** Close the run (step 4): the progress tree (by the finished result), its presenter, the event outputs and the run log. Idempotent. */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      try {
        if (this.finished !== undefined) {
          if (this.finished.status === "success") this.context.progress.done();
          else this.context.progress.fail();
        }
        this.presenter?.stop();
        for (const step of this.steps) await step.closing?.();
      } finally {
        // Before the event outputs and the run log close: export trouble is said in them.
        await this.outputs.closeTelemetry();
        await this.outputs.closeEvents();
        this.unsubscribe?.();
        await this.outputs.closeAudit();
        this.outputs.closeRunLog();
        // The last events and log lines could not be written: the result the engine hands on
        // (the one finish() returned) says so, although result.json was written before.
        if (this.finished !== undefined) markUnrecorded(this.context, this.finished);
      }
    })());
  }
}

/** A task that could have been reused but ran again says why (the plan's reason, unless it has its own). */
function withRerunReason(task: TaskResult, plan: RerunPlan, mask: Masker): TaskResult {
  const why = plan.rerunReasons.get(task.task);
  return why === undefined || task.status === "reused" || task.rerunReason !== undefined ? task : { ...task, rerunReason: mask.text(why) };
}

function exitError(code: number | string | null | undefined): TaskCrashedError {
  return new TaskCrashedError(
    `a task called process.exit(${code === undefined ? "" : JSON.stringify(code)}), which would end the whole run unreported; tasks must not end the process: throw an error to fail the task, or call this.skip() to skip it`,
  );
}

/**
 * Open a run, hand it to `body`, and close it whatever happens: the shape of a run that one
 * call sees from start to end (the local engine's, an Airflow worker's task).
 */
export async function withRunLifecycle<T>(input: RunLifecycleInput, body: (run: RunLifecycle) => Promise<T>): Promise<T> {
  const run = await RunLifecycle.open(input);
  try {
    return await body(run);
  } finally {
    await run.close();
  }
}

/**
 * Whether a task's attempt is tried again: the one decision, for every engine, made once per
 * attempt that did not succeed or skip (`runTaskAttempt` asks just before its ending event, so
 * `task.failed`'s `willRetry` is what then happens). Nothing follows a cancel (of the run, or of
 * a notebook cell), an attempt stopped by anything but its timeout, or a failure the engine
 * says is final; otherwise another attempt follows while `plan.lastAttempt` is not reached, and
 * after it when another process retries (`plan.retriedElsewhere`).
 */
class TaskRetries implements AttemptRetries {
  readonly maxAttempts: number;

  constructor(
    private readonly plan: AttemptPlan,
    retries: number,
    /** The task's cancel: the run's signal, with a notebook cell's own. */
    private readonly cancel: AbortSignal,
  ) {
    this.maxAttempts = Math.max(plan.lastAttempt, retries + 1);
  }

  willRetry(attempt: number, status: "failed" | "terminated", error: unknown, signal: AbortSignal): boolean {
    if (this.cancel.aborted) return false;
    // Terminated, not cancelled: its timeout stopped it (the reason of the timer that fired first).
    if (status === "terminated" && !(signal.reason instanceof TaskTimeoutError)) return false;
    if (this.plan.finalFailure !== undefined && this.plan.finalFailure(error)) return false;
    return attempt < this.plan.lastAttempt || this.plan.retriedElsewhere === true;
  }
}

/** A task's result before it ran: `not_run`, no attempts. */
export function newTaskResult(node: WorkflowNode): TaskResult {
  return { task: node.name, status: "not_run", upstreams: node.upstreams.map((u) => u.name), attempts: [] };
}

/** A timer that aborts its signal with a TaskTimeoutError after `seconds`. */
function startTimeout(task: string, seconds: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TaskTimeoutError(task, seconds)), seconds * 1000);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
