import os from "node:os";
import path from "node:path";
import { airflowExitCode, runAirflowTask } from "../../../engines/airflow/index.js";
import { loadWorkflowFile, selectWorkflow } from "../../../build-utils/discover/index.js";
import { loadConfig } from "../../config/load-config.js";
import { progressOptionsFromConfig } from "../../progress/progress-from-config.js";
import { errorMessage } from "../../errors/wfkit-error.js";
import { createLoggerFromConfig } from "../../logging/logger-from-config.js";
import { newRunId } from "../../run/run-id.js";
import type { CliIo } from "../cli-io.js";
import { UsageError } from "../errors.js";
import { signalExitCode } from "../exit-codes.js";
import { parsePositiveInt } from "../parse-options.js";
import { watchStopSignals } from "../stop-signals.js";

/** Options of `wf run-task`; the generated DAGs pass them as WF_* environment variables. */
export interface RunTaskCommandOptions {
  task: string;
  workflow?: string;
  dagId?: string;
  dagHash?: string;
  runId?: string;
  params?: string;
  attempt?: string;
  debug?: boolean;
}

/**
 * `wf run-task <module>`: run one task as one Airflow task instance. Exit 0 success, 99 skipped
 * (Airflow's skip code), 1 failed, 143/130 terminated by SIGTERM/SIGINT, 2 bad input.
 */
export async function runTaskCommand(io: CliIo, file: string, options: RunTaskCommandOptions): Promise<number> {
  const config = loadConfig(io.env);
  const attempt = options.attempt === undefined ? 1 : parsePositiveInt("--attempt", options.attempt);
  const params = parseParamsJson(options.params);
  const loaded = await loadWorkflowFile(file, io.cwd);
  const { workflow } = selectWorkflow(loaded, options.workflow ?? options.dagId);

  const stop = watchStopSignals(io, `task ${options.task}`);
  const logger = createLoggerFromConfig(config, options.debug ? "debug" : undefined);
  try {
    const outcome = await runAirflowTask({
      workflow,
      task: options.task,
      runId: options.runId || newRunId(),
      params,
      attempt,
      expectedDagId: options.dagId || undefined,
      expectedDagHash: options.dagHash || undefined,
      logger,
      signal: stop.signal,
      home: workerHome(io.env, config.WF_HOME, io.cwd),
      progress: progressOptionsFromConfig(config),
    });
    if (outcome.status === "terminated") {
      const stoppedBy = stop.stoppedBy();
      if (stoppedBy !== undefined) return signalExitCode(stoppedBy);
    }
    return airflowExitCode(outcome.status);
  } finally {
    stop.dispose();
    await logger.close();
  }
}

function parseParamsJson(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--params / WF_PARAMS is not JSON (${errorMessage(error)}); pass the run parameters as a JSON object, e.g. {"limit": 10}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError(`--params / WF_PARAMS must be a JSON object of run parameters, e.g. {"limit": 10}`);
  }
  return value as Record<string, unknown>;
}

/**
 * Where the run directory lives on a worker. Airflow starts each task in a fresh temporary
 * folder, so the default relative `.wf` would give every task its own, soon deleted, run
 * directory; unless WF_HOME is set, the worker uses `~/.wf` instead. Tasks on different machines
 * share files only when WF_HOME points at shared storage.
 */
function workerHome(env: NodeJS.ProcessEnv, configured: string, cwd: string): string {
  const explicit = env["WF_HOME"] !== undefined && env["WF_HOME"].trim() !== "";
  return explicit ? path.resolve(cwd, configured) : path.join(os.homedir(), ".wf");
}
