import { type ParamsSchema, type RunResult, type Workflow } from "../../src/index.js";
import { MemoryAirflowBackend, withRunLifecycle, type RootLogger } from "../../src/engine.js";
import type * as z from "zod";
import { compileLocalRunOptions, type CompiledLocalRunOptions, type LocalRunOptions } from "./local-run-options.js";
import { scheduleTasks } from "./schedule-tasks.js";

/** The raw params a workflow accepts (fields with defaults are optional). */
export type ParamsInputOf<S> = S extends ParamsSchema ? z.input<S> : Record<string, never>;

/**
 * Run a workflow in this process and return its result. Throws before anything runs when the
 * workflow, the params or the options are invalid (WorkflowValidationError,
 * ParamsValidationError, LocalRunOptionsError, ProgressOptionsError, ConfigError; with `rerun`,
 * RerunNotPossibleError, RerunRefusedError, RerunParamsError, RerunOptionsError); task failures never throw, they
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
  return runLocalCompiled(workflow as Workflow, compileLocalRunOptions(options));
}

/**
 * `runLocal` with options already compiled (`compileLocalRunOptions`), for callers that read the
 * configuration once themselves (`wf run`).
 */
export async function runLocalCompiled(workflow: Workflow, opts: CompiledLocalRunOptions): Promise<RunResult> {
  try {
    return await withRunLifecycle(
      {
        workflow,
        engine: "local",
        scope: "run",
        params: opts.params,
        runId: opts.runId,
        logicalDate: opts.logicalDate,
        logger: opts.logger,
        bus: opts.bus,
        onEvent: opts.onEvent,
        signal: opts.signal,
        home: opts.home,
        events: opts.events,
        runLog: opts.runLog,
        tags: opts.tags,
        codeDir: opts.codeDir,
        progress: opts.progress,
        rerun: opts.rerun,
        telemetry: opts.telemetry,
        traceParent: opts.traceParent,
        // One per run: the XComs a run's tasks push are that run's.
        airflow: opts.airflow === undefined ? undefined : new MemoryAirflowBackend(opts.airflow),
      },
      async (run) => {
        const log = run.context.logger.child("wfkit.engine.local", { run_id: run.context.runId, dag_id: run.context.dagId });
        log.debug("run started", { tasks: workflow.nodes.length, concurrency: opts.concurrency, run_dir: run.context.runDir });
        const result = await run.finish(await scheduleTasks(run, workflow, opts));
        log.debug(`run ${result.status}`, { duration_ms: result.durationMs });
        return result;
      },
    );
  } finally {
    if (opts.ownsLogger) await (opts.logger as RootLogger).close();
  }
}
