import { runTaskMain, type RunTaskArgs, type WorkerTaskOptions } from "../../engines/airflow/index.js";
import { processIo, type CliIo } from "../cli-io.js";
import { EXIT } from "../exit-codes.js";
import { loadWorkflow } from "../load-workflow.js";
import { reportError } from "../report-error.js";

/**
 * `wf run-task <module>`: run one task as one Airflow task instance, in this process. Exit 0
 * success, 99 skipped (Airflow's skip code), 1 failed, 143/130 terminated by SIGTERM/SIGINT, 2
 * bad input. The module is loaded as `wf run` loads it (`.ts` through tsx); a module that `wf
 * install` compiled is run by the bin script directly (see compiledTwinPath).
 */
export async function runTaskCommand(io: CliIo, module: string, options: WorkerTaskOptions): Promise<number> {
  return await runTaskMain(module, options, io, loadWorkflow, (error) => reportError(io, error, options.debug === true));
}

/** `wf run-task`'s arguments as the bin read them (without commander: the path of every Airflow task). */
export async function runTaskFromArgs(args: RunTaskArgs, io: CliIo = processIo()): Promise<number> {
  if (args.problem !== undefined) {
    io.err(`wf: ${args.problem}\n`);
    return EXIT.USAGE;
  }
  return await runTaskCommand(io, args.module, args.options);
}
