import { loadConfig } from "../../src/config/load-config.js";
import { createLoggerFromConfig } from "../../src/config/logger-from-config.js";
import {
  compileWorkerTaskRequest,
  runWorkerTask,
  superviseTask,
  startTaskProcess,
  takeEarlyTaskProcess,
  type WorkerTaskOptions,
} from "../../engines/airflow/index.js";
import type { CliIo } from "../cli-io.js";
import { wfBinPath } from "../wf-bin.js";
import { loadWorkflow } from "../load-workflow.js";

/**
 * `wf run-task <module>`: run one task as one Airflow task instance. Exit 0 success, 99 skipped
 * (Airflow's skip code), 1 failed, 143/130 terminated by SIGTERM/SIGINT, 128 + n when the task
 * process was killed by signal n (a crash), 2 bad input.
 *
 * Started as `wf`, it supervises: the options are checked here, once, and the task runs in the
 * child `wf run-task --supervised` process that the bin script started early (see the Airflow
 * engine's `superviseTask`). Called in-process (`main` from a test) it runs the task itself.
 */
export async function runTaskCommand(io: CliIo, module: string, options: WorkerTaskOptions): Promise<number> {
  const bin = wfBinPath();
  const early = bin === undefined ? undefined : takeEarlyTaskProcess();
  let logger;
  try {
    const config = loadConfig(io.env);
    const request = compileWorkerTaskRequest(module, options, config, io.env, io.cwd);
    if (bin === undefined) return await runWorkerTask(request, loadWorkflow, io.err);
    logger = createLoggerFromConfig(config, request.debug ? "debug" : undefined);
    return await superviseTask(request, logger, () => early ?? startTaskProcess(bin, { env: io.env, cwd: io.cwd }));
  } catch (error) {
    // Refused options or a refused bus: the task process never got its task; it must not outlive us.
    await early?.discard();
    throw error;
  } finally {
    await logger?.close();
  }
}
