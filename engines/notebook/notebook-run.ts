import path from "node:path";
import { quote } from "shell-quote";
import * as z from "zod";
import { TaskTimeoutError, type RunResult, type TaskResult, type TriggerRule, type WfLogger, type Workflow } from "../../src/index.js";
import { telemetryOptionsFromConfig, traceParentFromConfig, RerunRequestSchema, DateInputSchema, compileRunLogOptions, runLogOptionsFromConfig, compileEventsOptions, compileProgressOptions, progressOptionsFromConfig, startProgress, type CompiledProgressOptions, eventsOptionsFromConfig, createLogger, loggerOptionsFromConfig, createTaskContext, decideTriggerRule, didYouMeanSuffix, errorMessage, InProcessEventBus, loadConfig, newTaskResult, optionProblems, renderRunSummary, RunLifecycle, type EventBus, type RunContext, type WorkflowNode } from "../../src/engine.js";
import { NotebookRunOptionsError, NotebookUnknownTaskError, NotebookUpstreamNotSucceededError } from "./errors.js";
import { locateWorkflow } from "./locate-workflow.js";

/** What a notebook's set-up cell passes to `openNotebookRun`: the export's facts plus the run's. */
export const NotebookRunSpecSchema = z.strictObject({
  dagId: z.string().min(1),
  dagHash: z.string().min(1),
  package: z.strictObject({ name: z.string().min(1), version: z.string().min(1) }),
  module: z.string().min(1).describe("POSIX path of the workflow's module inside the package"),
  exportName: z.string().min(1),
  packageRoot: z.string().nullable().describe("The package's folder, relative to `cwd`; null: only WF_INSTALL_ROOT"),
  runId: z.string().optional().describe("Default: a new time-sortable id"),
  logicalDate: DateInputSchema.optional()
    .describe("The run's logical date (`2026-11-28`, midnight UTC, or an ISO date-time with offset): the tasks' data interval runs from it to the schedule's next tick; default the last complete interval"),
  retryDelaySeconds: z.number().min(0).optional().describe("Overrides every task's retry delay; default WF_RETRY_DELAY_SECONDS, else each task's own"),
  params: z.record(z.string(), z.unknown()).default({}).describe("Raw run parameters, validated against the workflow's schema"),
  rerun: RerunRequestSchema.optional().describe("Re-run an earlier run: its succeeded tasks are reused (their cells print so), the rest run in their cells; params come from it unless given"),
  cwd: z.string().optional().describe("Default: the kernel's working folder, which Jupyter sets to the notebook's"),
  env: z.custom<NodeJS.ProcessEnv>((v) => typeof v === "object" && v !== null).optional().describe("Default: process.env"),
  write: z.custom<(text: string) => void>((v) => typeof v === "function").optional().describe("Where cell output goes; default stdout"),
  logger: z.custom<WfLogger>((v) => typeof v === "object" && v !== null).optional().describe("Default: plain-text lines to `write`"),
  bus: z.custom<EventBus>((v) => typeof v === "object" && v !== null).optional().describe("Default: an in-process bus (plus the run's events.jsonl, and RabbitMQ when WF_BUS_URL is set)"),
});

/** The argument of `openNotebookRun`, as the set-up cell writes it. */
export type NotebookRunSpec = z.input<typeof NotebookRunSpecSchema>;

/**
 * Load the workflow a notebook was exported from and start one run that the notebook's cells
 * share: validated params, run id, run directory (`<WF_HOME>/runs/<dag id>/<run id>`, relative to the
 * notebook), logger, progress tracker and event bus. Logs are plain text in the cell output.
 * Throws NotebookRunError (workflow not found or changed since the export), ParamsValidationError,
 * ConfigError, InvalidRunIdError or RunDirError.
 */
export async function openNotebookRun(spec: NotebookRunSpec): Promise<NotebookRun> {
  const parsed = NotebookRunSpecSchema.safeParse(spec);
  if (!parsed.success) {
    const problems = optionProblems(parsed.error, Object.keys(NotebookRunSpecSchema.shape));
    throw new NotebookRunOptionsError(`openNotebookRun got invalid arguments: ${problems.join("; ")}; fix the set-up cell, or export the notebook again for a fresh one`);
  }
  const s = parsed.data;
  const env = s.env ?? process.env;
  const config = loadConfig(env);
  const cwd = s.cwd ?? process.cwd();
  const write = s.write ?? ((text: string) => void process.stdout.write(text));
  // Cell output is no terminal: plain text, no colour or cursor codes; JSON only when asked for.
  const logger =
    s.logger ??
    createLogger({
      ...loggerOptionsFromConfig(config, undefined, { stdout: {}, stderr: {} }, env),
      format: config.WF_LOG_FORMAT === "auto" ? "pretty" : config.WF_LOG_FORMAT,
      color: false,
      // A person reads the cell: a failed task gets the short report; the kernel shows the stack.
      interactive: true,
      destination: (line: string) => write(`${line}\n`),
    });
  const { workflow, root } = await locateWorkflow(s, cwd, config.WF_INSTALL_ROOT);
  const home = path.resolve(cwd, config.WF_HOME);
  const run = await RunLifecycle.open({
    workflow,
    engine: "notebook",
    scope: "run",
    params: s.params,
    runId: s.runId,
    logicalDate: s.logicalDate,
    logger,
    bus: s.bus ?? new InProcessEventBus((error, event) => logger.child("wfkit.events").warn("an event listener threw", { event: event.type, error })),
    // Jupyter's "interrupt" stops the cell, not the run: there is nothing to cancel between cells.
    signal: new AbortController().signal,
    home,
    events: compileEventsOptions(eventsOptionsFromConfig(config), home),
    runLog: compileRunLogOptions(runLogOptionsFromConfig(config), home),
    codeDir: cwd,
    rerun: s.rerun,
    telemetry: telemetryOptionsFromConfig(config),
    traceParent: traceParentFromConfig(config),
    // Left out: each cell shows its own task's progress (see `task()`).
  });
  // Progress goes to the cell too: plain text, at most every WF_PROGRESS_NOTEBOOK_INTERVAL.
  // Each cell prints how many tasks are done, so the run's own bar is left out.
  const fromConfig = progressOptionsFromConfig(config);
  const levels = (fromConfig.levels ?? []).filter((level) => level !== "run");
  const progress = compileProgressOptions({ ...fromConfig, levels, write }, { notebook: true });
  // Run in the notebook's folder (Jupyter's working folder), it writes the notebook that re-runs this run.
  const moduleFile = path.relative(cwd, path.join(root, ...s.module.split("/")));
  const rerunCommand = quote(["wf", "export", "--engine", "notebook", "--rerun", run.context.runId, "--out", ".", moduleFile]);
  const notebook = new NotebookRun(workflow, run, write, s.retryDelaySeconds ?? config.WF_RETRY_DELAY_SECONDS, progress, rerunCommand);
  notebook.reuse();
  return notebook;
}

/** A cell-by-cell run is `terminated` while cells were left unrun, unless something failed. */
function notebookStatus(tasks: readonly TaskResult[]): RunResult["status"] {
  if (tasks.some((t) => t.status === "failed" || t.status === "upstream_failed" || (t.status === "terminated" && t.error instanceof TaskTimeoutError))) return "failed";
  return tasks.every((t) => done(t.status)) ? "success" : "terminated";
}

/** Whether a task's status lets its downstream tasks run. */
function done(status: TaskResult["status"]): boolean {
  return status === "success" || status === "skipped" || status === "reused";
}

/** Whether a task ended skipped, here or (reused) in the original run. */
function skipped(result: TaskResult): boolean {
  return result.status === "skipped" || (result.status === "reused" && result.reused?.status === "skipped");
}

const MARK: Record<string, string> = { success: "✔", failed: "✖", skipped: "↷", terminated: "■", upstream_failed: "∅", not_run: "·", reused: "↺" };

/**
 * One run of a workflow, stepped through cell by cell: `task(name)` runs one task with the full
 * lifecycle and its retries, `rollback(name)` undoes a task's work, `summary()` ends the run
 * and prints its summary.
 */
export class NotebookRun {
  private readonly results = new Map<string, TaskResult>();
  private readonly nodes = new Map<string, WorkflowNode>();
  /** The shared run context: params, run id, logger, progress, events, run directory. */
  readonly context: RunContext;

  /** @internal Made by `openNotebookRun`. */
  constructor(
    readonly workflow: Workflow,
    private readonly run: RunLifecycle,
    private readonly write: (text: string) => void,
    private readonly retryDelaySeconds?: number,
    private readonly progress: CompiledProgressOptions = compileProgressOptions({ mode: "off" }),
    /** The command that writes a notebook re-running this run, for the summary of a failed one. */
    private readonly rerunCommand?: string,
  ) {
    this.context = run.context;
    const context = run.context;
    for (const node of workflow.topologicalOrder()) {
      this.nodes.set(node.name, node);
      this.results.set(node.name, newTaskResult(node));
    }
    const n = workflow.nodes.length;
    this.write(`${workflow.dagId}: run ${context.runId} started, ${n} task${n === 1 ? "" : "s"}; run directory ${context.runDir}\n`);
  }

  get runId(): string {
    return this.context.runId;
  }

  get params(): Readonly<Record<string, unknown>> {
    return this.context.params;
  }

  /**
   * Run task `name` through its whole lifecycle, with as many retries as its settings give
   * (each waiting its retry delay), as the other engines would. Running the cell again runs the
   * task again, numbering attempts on (as clearing a task does in Airflow). Its upstream tasks
   * must have succeeded in this run; a skipped upstream skips it. When the task fails, the error
   * it threw is thrown here, unchanged, so the notebook stops at this cell.
   */
  async task(name: string): Promise<void> {
    const { node, result } = this.lookup(name);
    if (result.status === "reused") {
      this.write(`${MARK["reused"]} ${name} reused from run ${result.reused!.runId}: not run again; its catalog entries are in this run\n`);
      return;
    }
    const upstreams = node.upstreams.map((u) => this.results.get(u.name)!);
    const rule = node.settings.triggerRule;
    const decision = this.decide(rule, upstreams);
    if (decision === "wait" || decision === "upstream_failed") {
      // Not marked upstream_failed: the upstream cells can still be fixed and run again.
      const waiting = upstreams.filter((u) => !done(u.status) && (decision === "wait" ? this.finalStatus(u) === "not_run" : true));
      const list = waiting.map((u) => `${u.task} (${u.status === "not_run" ? "not run yet" : u.status})`).join(", ");
      const needs = rule === "all_success" ? "its upstream tasks to succeed first" : `its upstream tasks to meet its trigger rule ${rule} first`;
      throw new NotebookUpstreamNotSucceededError(`${name} needs ${needs}: ${list}. Run their cells above, then this one.`);
    }
    if (decision === "skipped") {
      result.status = "skipped";
      const skippedBy = upstreams.find((u) => skipped(u));
      const why = rule === "all_success" && skippedBy !== undefined ? `its upstream task ${skippedBy.task} was skipped` : `its trigger rule ${rule} is not met by its upstream tasks (${upstreams.map((u) => `${u.task} ${this.finalStatus(u)}`).join(", ")})`;
      this.write(`${MARK["skipped"]} ${name} skipped: ${why}\n`);
      return;
    }
    const first = result.attempts.length + 1;
    const last = first + node.settings.retries;
    const delaySeconds = this.retryDelaySeconds;
    // One presenter per cell: nothing may print into the output of a later cell.
    const presenter = startProgress(this.context.progress, this.progress);
    // Jupyter's "interrupt" (SIGINT to the kernel) stops this cell's task: it ends terminated,
    // rollback and teardown run, and the kernel and the run live on. (tslab ends the cell at
    // once by itself; without this the task would go on, or hang, unseen.)
    const interrupt = new AbortController();
    const onInterrupt = () => interrupt.abort(new Error(`the kernel was interrupted while ${name} ran`));
    // Not before the cell's synchronous part has returned: tslab runs it under vm's
    // breakOnSigint, which takes SIGINT over meanwhile, and a listener added then would leave
    // the signal unhandled afterwards (the kernel died on the interrupt).
    await Promise.resolve();
    process.on("SIGINT", onInterrupt);
    try {
      const status = await this.run.runTask(node, result, { firstAttempt: first, lastAttempt: last, delaySeconds, signal: interrupt.signal });
      // The task's last progress lines come before its outcome.
      presenter.stop();
      const record = result.attempts[result.attempts.length - 1]!;
      const took = `attempt ${record.attempt}, ${record.durationMs} ms`;
      const count = [...this.results.values()].filter((r) => done(r.status)).length;
      const what = status === "success" ? "succeeded" : status === "skipped" ? `skipped: ${errorMessage(result.error)}` : `${status}: ${record.error}`;
      if (status !== "failed") this.write(`${MARK[status]} ${name} ${what} (${took}); ${count} of ${this.results.size} tasks done\n`);
      if (status === "failed" || status === "terminated") throw result.error;
    } finally {
      process.off("SIGINT", onInterrupt);
      presenter.stop();
    }
  }

  /**
   * A re-run's reused tasks (the set-up cell's `rerun`): their outcome and catalog entries are
   * taken from the original run now, so that the cells of the tasks that run again find them.
   * @internal Called by `openNotebookRun`.
   */
  reuse(): void {
    const plan = this.run.rerun;
    if (plan === undefined) return;
    const reused: string[] = [];
    for (const node of this.workflow.topologicalOrder()) {
      if (!plan.reuse.has(node.name)) continue;
      this.run.reuseTask(node, this.results.get(node.name)!);
      reused.push(node.name);
    }
    const rest = [...this.results.values()].filter((r) => r.status !== "reused").map((r) => r.task + (plan.rerunReasons.has(r.task) ? ` (${this.context.mask.text(plan.rerunReasons.get(r.task)!)})` : ""));
    this.write(`re-run of run ${plan.originalRunId}: reused ${reused.length === 0 ? "nothing" : reused.join(", ")}; run the cells of ${rest.length === 0 ? "none" : rest.join(", ")}\n`);
  }

  /**
   * Undo task `name`'s work by calling its `rollback()` (then `teardown()`) on a fresh instance
   * with the task's context. The task then counts as not run, so its cell can run again.
   */
  async rollback(name: string): Promise<void> {
    const { node, result } = this.lookup(name);
    const attempt = Math.max(1, result.attempts.length);
    const tracker = this.context.progress.child(`${name} rollback`);
    const task = new node.task(createTaskContext(this.context, name, attempt, tracker));
    try {
      await task.rollback();
    } finally {
      try {
        await task.teardown();
      } finally {
        tracker.done();
      }
    }
    result.status = "not_run";
    delete result.error;
    this.write(`${MARK["not_run"]} ${name} rolled back; it counts as not run\n`);
  }

  /** The run so far, in the shape every engine returns (tasks in topological order). */
  result(): RunResult {
    const tasks = this.finalTasks();
    return this.run.result(tasks, notebookStatus(tasks));
  }

  /**
   * End the run: print its summary (tasks not run because an upstream failed show
   * `upstream_failed`; tasks whose cells were not run show `not_run` and make the run
   * `terminated`), write `result.json` to the run directory and publish the run's final event.
   */
  async summary(): Promise<void> {
    const tasks = this.finalTasks();
    const result = await this.run.finish(tasks, notebookStatus(tasks));
    this.write(renderRunSummary(result, { color: false, rerunCommand: this.rerunCommand }));
    await Promise.all([this.run.flushEvents(), this.run.flushTelemetry()]);
  }

  private finalTasks(): TaskResult[] {
    return [...this.results.values()].map((r) => ({ ...r, attempts: [...r.attempts], status: this.finalStatus(r) }));
  }

  private lookup(name: string): { node: WorkflowNode; result: TaskResult } {
    const node = this.nodes.get(name);
    if (node === undefined) {
      const names = [...this.nodes.keys()];
      throw new NotebookUnknownTaskError(`${this.context.dagId} has no task "${name}"${didYouMeanSuffix(name, names)}; tasks: ${names.join(", ")}`);
    }
    return { node, result: this.results.get(name)! };
  }

  /**
   * A task not run reads as it would on the other engines: `upstream_failed` or `skipped` when its
   * trigger rule already says so from how its upstream tasks ended, else `not_run`.
   */
  private finalStatus(r: TaskResult): TaskResult["status"] {
    if (r.status !== "not_run") return r.status;
    const decision = this.decide(this.nodes.get(r.task)!.settings.triggerRule, r.upstreams.map((u) => this.results.get(u)!));
    return decision === "skipped" || decision === "upstream_failed" ? decision : "not_run";
  }

  /** The trigger rule's verdict on `upstreams` as they stand: those not run (and not settled by their own rules) are pending. */
  private decide(rule: TriggerRule, upstreams: readonly TaskResult[]): ReturnType<typeof decideTriggerRule> {
    const counts = { success: 0, skipped: 0, failed: 0, upstreamFailed: 0 };
    let pending = 0;
    for (const u of upstreams) {
      const status = this.finalStatus(u);
      const ended = status === "reused" ? (u.reused?.status ?? "success") : status;
      if (ended === "not_run") pending++;
      else if (ended === "success") counts.success++;
      else if (ended === "skipped") counts.skipped++;
      else if (ended === "upstream_failed") counts.upstreamFailed++;
      else counts.failed++;
    }
    return decideTriggerRule(rule, counts, pending);
  }
}
