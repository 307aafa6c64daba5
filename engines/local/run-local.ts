import type { ParamsSchema, RunResult, RunStatus, Workflow } from "../../src/index.js";
import { startProgress, createEvent, runEndEvent, prepareRun, runStatusOf, writeRunResult, type RootLogger } from "../../src/engine.js";
import type * as z from "zod";
import { compileLocalRunOptions, type LocalRunOptions } from "./local-run-options.js";
import { scheduleTasks } from "./schedule-tasks.js";

/** The raw params a workflow accepts (fields with defaults are optional). */
export type ParamsInputOf<S> = S extends ParamsSchema ? z.input<S> : Record<string, never>;

/**
 * Run a workflow in this process and return its result. Throws before anything runs when the
 * workflow, the params or the options are invalid (WorkflowValidationError,
 * ParamsValidationError, LocalRunOptionsError, ProgressOptionsError, ConfigError); task failures never throw, they
 * are in the result, with each task's error exactly as thrown.
 *
 * ```ts
 * const result = await runLocal(etl, { params: { limit: 2 }, retryDelaySeconds: 0 });
 * expect(result.status).toBe("success");
 * ```
 */
export async function runLocal<S extends ParamsSchema | undefined>(
  workflow: Workflow<S>,
  options: LocalRunOptions<ParamsInputOf<S>> = {},
): Promise<RunResult> {
  const opts = compileLocalRunOptions(options);
  const run = await prepareRun({
    workflow: workflow as Workflow,
    engine: "local",
    params: opts.params,
    runId: opts.runId,
    logger: opts.logger,
    bus: opts.bus,
    signal: opts.signal,
    home: opts.home,
    events: opts.events,
  });
  const unsubscribe = opts.onEvent ? run.bus.subscribe(opts.onEvent) : undefined;
  const log = run.logger.child("wfkit.engine.local", { run_id: run.runId, dag_id: run.dagId });
  const presenter = startProgress(run.progress, opts.progress);
  try {
    const startedAt = new Date();
    log.debug("run started", { tasks: workflow.nodes.length, concurrency: opts.concurrency, run_dir: run.runDir });
    run.bus.publish(createEvent(run, "run.started", { params: run.params }));
    const tasks = await scheduleTasks(run, workflow as Workflow, opts);
    const endedAt = new Date();
    const status: RunStatus = runStatusOf(tasks);
    if (status === "success") run.progress.done();
    else run.progress.fail();
    presenter.stop();
    const result: RunResult = {
      runId: run.runId,
      workflow: run.workflowName,
      version: run.version,
      dagId: run.dagId,
      dagHash: run.dagHash,
      engine: "local",
      status,
      params: { ...run.params },
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      durationMs: endedAt.getTime() - startedAt.getTime(),
      runDir: run.runDir,
      tasks,
    };
    try {
      await writeRunResult(result);
    } catch (error) {
      // The caller still gets the result; only the copy on disk is missing.
      log.error("could not write result.json to the run directory", { run_dir: run.runDir, error });
    }
    run.bus.publish(runEndEvent(run, result));
    log.debug(`run ${status}`, { duration_ms: result.durationMs });
    return result;
  } finally {
    presenter.stop();
    await run.closeEvents();
    unsubscribe?.();
    run.closeRunLog();
    if (opts.ownsLogger) await (opts.logger as RootLogger).close();
  }
}
