import path from "node:path";
import { quote } from "shell-quote";
import { compileLocalRunOptions, runLocalCompiled } from "../../engines/local/index.js";
import { loadWorkflowFile, selectWorkflow } from "../../build-utils/discover/index.js";
import { loadConfig } from "../../src/config/load-config.js";
import { runResultToJson } from "../../src/run/run-result.js";
import type { CliIo } from "../cli-io.js";
import { loggerOptionsFromConfig } from "../../src/config/logger-from-config.js";
import { createLogger } from "../../src/logging/logger.js";
import { logRunSummary } from "../../src/run/log-run-summary.js";
import { EXIT, signalExitCode } from "../exit-codes.js";
import { UsageError } from "../errors.js";
import { parseDateOption, parseParamArgs, parsePositiveInt } from "../parse-options.js";
import { watchStopSignals } from "../../src/util/stop-signals.js";
import { renderRunSummary } from "../../src/run/render-summary.js";
import { traceParentProblem } from "../../src/telemetry/trace-parent.js";
import { loggableConfig } from "../../src/config/telemetry-from-config.js";

/** Options of `wf run`. */
export interface RunCommandOptions {
  workflow?: string;
  param?: string[];
  runId?: string;
  logicalDate?: string;
  tag?: string[];
  concurrency?: string;
  rerun?: string;
  dagId?: string;
  from?: string[];
  force?: boolean;
  traceparent?: string;
  json?: boolean;
  debug?: boolean;
}

/** `wf run <file>`: run one workflow locally; exit 0 on success, 1 on task failure. */
export async function runCommand(io: CliIo, file: string, options: RunCommandOptions): Promise<number> {
  const config = loadConfig(io.env);
  const concurrency = options.concurrency === undefined ? undefined : parsePositiveInt("--concurrency", options.concurrency);
  const loaded = await loadWorkflowFile(file, io.cwd);
  const { workflow } = selectWorkflow(loaded, options.workflow);
  workflow.assertValid();
  const params = parseParamArgs(options.param ?? [], workflow.params);
  const logicalDate = options.logicalDate === undefined ? undefined : parseDateOption("--logical-date", options.logicalDate);
  if (options.rerun === undefined && (options.dagId !== undefined || options.from !== undefined || options.force === true)) {
    throw new UsageError(`${options.dagId !== undefined ? "--dag-id" : options.from !== undefined ? "--from" : "--force"} goes with --rerun <run id>: it says how to re-run an earlier run`);
  }
  const rerun = options.rerun === undefined ? undefined : { runId: options.rerun, dagId: options.dagId, from: options.from, force: options.force };
  const traceProblem = options.traceparent === undefined ? undefined : traceParentProblem(options.traceparent);
  if (traceProblem !== undefined) throw new UsageError(`--traceparent ${JSON.stringify(options.traceparent)}: ${traceProblem}`);

  const stop = watchStopSignals(io.err, "the run");
  const logOptions = loggerOptionsFromConfig(config, options.debug ? "debug" : undefined);
  const logger = createLogger(logOptions);
  logger.child("wfkit.config").debug("configuration", loggableConfig(config));
  try {
    // The configuration read above is the one every part of the run uses: read once per process.
    const result = await runLocalCompiled(workflow, compileLocalRunOptions({ params, runId: options.runId, logicalDate, rerun, traceparent: options.traceparent, tags: options.tag, codeDir: path.dirname(path.resolve(io.cwd, file)), concurrency, signal: stop.signal, logger }, config));
    if (options.json) io.out(`${JSON.stringify(runResultToJson(result), null, 2)}\n`);
    else if (logOptions.format === "pretty") {
      logger.flush();
      io.out(renderRunSummary(result, { color: io.color, rerunCommand: rerunCommand(file, options, result.runId) }));
    } else {
      logRunSummary(logger.child("wfkit.run"), result, result.status === "success" ? undefined : rerunCommand(file, options, result.runId));
    }
    if (result.status === "success") return EXIT.OK;
    const stoppedBy = stop.stoppedBy();
    return stoppedBy !== undefined ? signalExitCode(stoppedBy) : EXIT.FAILURE;
  } finally {
    stop.dispose();
    await logger.close();
  }
}

/**
 * The command that re-runs a run's failed part: the same file, workflow and tags, the new
 * run's id. Params are left out: a re-run takes them from the run (secret ones must be given
 * again, and the re-run says which).
 */
function rerunCommand(file: string, options: RunCommandOptions, runId: string): string {
  const words = ["wf", "run", file];
  if (options.workflow !== undefined) words.push("--workflow", options.workflow);
  words.push("--rerun", runId);
  for (const tag of options.tag ?? []) words.push("--tag", tag);
  return quote(words);
}
