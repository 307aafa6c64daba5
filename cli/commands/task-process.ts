import { runTaskProcess } from "../../engines/airflow/index.js";
import { processIo } from "../cli-io.js";
import { EXIT } from "../exit-codes.js";
import { loadWorkflow } from "../load-workflow.js";
import { reportError } from "../report-error.js";

/**
 * `wf run-task --supervised`, the task process that a supervising `wf run-task` starts: it runs
 * the task the supervisor hands it over IPC and returns the exit code. Started any other way it
 * refuses, exit 2.
 */
export async function taskProcessCommand(): Promise<number> {
  const io = processIo();
  if (process.send === undefined) {
    io.err("wf: run-task --supervised is internal: it is the task process that `wf run-task` starts; run `wf run-task <module> --task <name>` instead\n");
    return EXIT.USAGE;
  }
  try {
    // No task came: the supervisor refused its options and has reported why.
    return (await runTaskProcess(loadWorkflow, io.err)) ?? EXIT.USAGE;
  } catch (error) {
    return reportError(io, error);
  }
}
