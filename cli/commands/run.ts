import path from "node:path";
import { compileLocalRunOptions, runLocalCompiled } from "../../engines/local/index.js";
import { loadWorkflowFile, selectWorkflow } from "../../build-utils/discover/index.js";
import { loadConfig } from "../../src/config/load-config.js";
import { runResultToJson } from "../../src/run/run-result.js";
import type { CliIo } from "../cli-io.js";
import { loggerOptionsFromConfig } from "../../src/config/logger-from-config.js";
import { createLogger } from "../../src/logging/logger.js";
import { logRunSummary } from "../../src/run/log-run-summary.js";
import { EXIT, signalExitCode } from "../exit-codes.js";
import { parseParamArgs, parsePositiveInt } from "../parse-options.js";
import { watchStopSignals } from "../../src/util/stop-signals.js";
import { renderRunSummary } from "../../src/run/render-summary.js";

/** Options of `wf run`. */
export interface RunCommandOptions {
  workflow?: string;
  param?: string[];
  runId?: string;
  tag?: string[];
  concurrency?: string;
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

  const stop = watchStopSignals(io.err, "the run");
  const logOptions = loggerOptionsFromConfig(config, options.debug ? "debug" : undefined);
  const logger = createLogger(logOptions);
  logger.child("wfkit.config").debug("configuration", { ...config });
  try {
    // The configuration read above is the one every part of the run uses: read once per process.
    const result = await runLocalCompiled(workflow, compileLocalRunOptions({ params, runId: options.runId, tags: options.tag, codeDir: path.dirname(path.resolve(io.cwd, file)), concurrency, signal: stop.signal, logger }, config));
    if (options.json) io.out(`${JSON.stringify(runResultToJson(result), null, 2)}\n`);
    else if (logOptions.format === "pretty") {
      logger.flush();
      io.out(renderRunSummary(result, io.color));
    } else {
      logRunSummary(logger.child("wfkit.run"), result);
    }
    if (result.status === "success") return EXIT.OK;
    const stoppedBy = stop.stoppedBy();
    return stoppedBy !== undefined ? signalExitCode(stoppedBy) : EXIT.FAILURE;
  } finally {
    stop.dispose();
    await logger.close();
  }
}
