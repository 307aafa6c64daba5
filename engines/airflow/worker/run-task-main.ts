import path from "node:path";
import { WfkitError, WorkflowValidationError } from "../../../src/index.js";
import { createLoggerFromConfig, errorMessage, loadConfig, maskUrlCredentials } from "../../../src/engine.js";
import { reportTaskCrash } from "./crash-report.js";
import { parseRunTaskArgs, type WorkerTaskOptions } from "./run-task-args.js";
import { compileWorkerTaskRequest } from "./worker-request.js";
import { runWorkerTask, type WorkflowLoader } from "./worker-task.js";
import { selectExportedWorkflow } from "./select-exported-workflow.js";

/** Where `wf run-task` reads and writes. */
export interface WorkerIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** stderr. */
  err(text: string): void;
}

/**
 * `wf run-task <module>` in this one process: check the options (a refusal is exit 2), run the
 * task and return the exit code Airflow reads (0 success, 99 skipped, 1 failed, 143/130 stopped
 * by SIGTERM/SIGINT, 2 bad input). With `reportCrash` it runs nothing and reports the crash of
 * the task process that ended with that code (see reportTaskCrash). `report` prints an error
 * and returns its exit code.
 */
export async function runTaskMain(module: string, options: WorkerTaskOptions, io: WorkerIo, load: WorkflowLoader, report: (error: unknown) => number = (error) => reportWorkerError(io, error)): Promise<number> {
  try {
    const config = loadConfig(io.env);
    const request = compileWorkerTaskRequest(module, options, config, io.env, io.cwd);
    if (options.reportCrash !== undefined) {
      const logger = createLoggerFromConfig(config, request.debug ? "debug" : undefined);
      try {
        return await reportTaskCrash(request, Number(options.reportCrash), logger);
      } finally {
        await logger.close();
      }
    }
    if (options.comm !== undefined && options.logs !== undefined) {
      // Loaded only here: a BashOperator task does not pay for the SDK runtime's protocol.
      const { runSdkTask } = await import("../sdk/sdk-task.js");
      return await runSdkTask(request, { comm: options.comm, logs: options.logs }, load, io.env, io.err);
    }
    return await runWorkerTask(request, load, io.err);
  } catch (error) {
    return report(error);
  }
}

/**
 * Run `wf run-task`'s arguments (without the word `run-task`) against a module already loaded:
 * the entry point of a workflow module compiled by `wf install`, which holds the workflow, wfkit
 * and this function in one file so that a task starts without resolving or compiling anything.
 */
export async function runCompiledTask(namespace: Record<string, unknown>, argv: readonly string[], io: WorkerIo = processWorkerIo()): Promise<number> {
  const args = parseRunTaskArgs(argv, io.env);
  if (args.problem !== undefined) {
    io.err(`wf: ${args.problem}\n`);
    return 2;
  }
  const load: WorkflowLoader = async (module, _cwd, selector) => selectExportedWorkflow(namespace, path.basename(module), selector);
  return await runTaskMain(args.module, args.options, io, load);
}

function processWorkerIo(): WorkerIo {
  return { env: process.env, cwd: process.cwd(), err: (text) => process.stderr.write(text) };
}

/**
 * Print an error as `wf: <message>` (credentials in URLs masked) and return the exit code: 2 for
 * a refusal of wfkit's (bad input, configuration, a missing or different install), 1 for
 * anything else (a bug: its stack is printed). The CLI's own reporter does the same, boxed on a
 * terminal; a worker's stderr is a log.
 */
export function reportWorkerError(io: WorkerIo, error: unknown): number {
  if (error instanceof WfkitError) {
    io.err(`wf: ${maskUrlCredentials(error.message)}\n`);
    return error instanceof WorkflowValidationError ? 1 : 2;
  }
  io.err(`wf: unexpected error (a bug in wfkit, please report it): ${errorMessage(error)}\n${error instanceof Error ? (error.stack ?? "") : ""}\n`);
  return 1;
}
