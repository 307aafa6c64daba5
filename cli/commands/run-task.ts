import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config/load-config.js";
import { progressOptionsFromConfig } from "../../src/config/progress-from-config.js";
import { errorMessage } from "../../src/errors/wfkit-error.js";
import { createLoggerFromConfig } from "../../src/config/logger-from-config.js";
import { newRunId } from "../../src/run/run-id.js";
import type { CliIo } from "../cli-io.js";
import { UsageError } from "../errors.js";
import { signalExitCode } from "../exit-codes.js";
import { parsePositiveInt } from "../parse-options.js";
import { watchStopSignals } from "../stop-signals.js";
import { wfBinPath } from "../wf-bin.js";
import { superviseTask } from "../supervise-task.js";
import { startTaskProcess, takeEarlyTaskProcess } from "../task-process.js";
import { constants } from "node:os";
import { InProcessEventBus } from "../../src/events/event-bus.js";
import { eventsOptionsFromConfig } from "../../src/config/events-from-config.js";
import type { FromTaskProcess, ToTaskProcess } from "../task-process-messages.js";

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
  /** Set by the supervisor on the task process it starts. */
  supervised?: boolean;
}

/**
 * `wf run-task <module>`: run one task as one Airflow task instance. Exit 0 success, 99 skipped
 * (Airflow's skip code), 1 failed, 143/130 terminated by SIGTERM/SIGINT, 128 + n when the task
 * process was killed by signal n (a crash), 2 bad input.
 *
 * Started as `wf`, it supervises: the task runs in a child `wf run-task` process and this one
 * publishes its events, so a crash is reported (see `superviseTask`). Called in-process (`main`
 * from a test) it runs the task itself.
 */
export async function runTaskCommand(io: CliIo, file: string, options: RunTaskCommandOptions): Promise<number> {
  const bin = wfBinPath();
  if (!options.supervised && bin !== undefined) return supervise(io, file, options, bin);
  const config = loadConfig(io.env);
  const attempt = options.attempt === undefined ? 1 : parsePositiveInt("--attempt", options.attempt);
  const params = parseParamsJson(options.params);
  // Loaded here, not at the top: the supervisor never runs a task, and every millisecond of its
  // start-up is added to every Airflow task.
  const { airflowExitCode, runAirflowTask } = await import("../../engines/airflow/index.js");
  const { loadWorkflowFile, selectWorkflow } = await import("../../build-utils/discover/index.js");
  const loaded = await loadWorkflowFile(file, io.cwd);
  const { workflow } = selectWorkflow(loaded, options.workflow ?? options.dagId);
  const runId = options.runId || newRunId();

  const stop = watchStopSignals(io, `task ${options.task}`);
  const logger = createLoggerFromConfig(config, options.debug ? "debug" : undefined);
  const toSupervisor = options.supervised && process.send !== undefined ? supervisorChannel(stop.stop) : undefined;
  toSupervisor?.send({ kind: "identity", origin: { runId, dagId: workflow.dagId, workflowName: workflow.name, version: workflow.version, engine: "airflow" } });
  const bus = new InProcessEventBus((error, event) => logger.child("wfkit.events").warn("an event listener threw", { event: event.type, error }));
  if (toSupervisor) bus.subscribe((event) => toSupervisor.send({ kind: "event", event }));
  const events = eventsOptionsFromConfig(config);
  try {
    const outcome = await runAirflowTask({
      workflow,
      task: options.task,
      runId,
      params,
      attempt,
      expectedDagId: options.dagId || undefined,
      expectedDagHash: options.dagHash || undefined,
      logger,
      bus,
      // Supervised, the supervisor publishes to the broker what this process sends it.
      events: toSupervisor ? { ...events, busUrl: undefined } : events,
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
    await toSupervisor?.drained();
    await logger.close();
  }
}

/**
 * The supervisor's side. A task process started early (see `startTaskProcessEarly`) is taken
 * over; bad configuration or options are then the task process's to report, once.
 */
async function supervise(io: CliIo, file: string, options: RunTaskCommandOptions, bin: string): Promise<number> {
  const early = takeEarlyTaskProcess();
  let config;
  let attempt;
  try {
    config = loadConfig(io.env);
    attempt = options.attempt === undefined ? 1 : parsePositiveInt("--attempt", options.attempt);
    parseParamsJson(options.params);
  } catch (error) {
    if (early === undefined) throw error;
    const [code, signal] = await early.closed;
    return signal !== null ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1);
  }
  const runId = early?.runId ?? (options.runId || newRunId());
  const logger = createLoggerFromConfig(config, options.debug ? "debug" : undefined);
  try {
    return await superviseTask(config, logger, {
      start: () => early ?? startTaskProcess(bin, childArgs(file, options), runId, { env: io.env, cwd: io.cwd }),
      task: options.task,
      attempt,
      runId,
      dagId: options.dagId || undefined,
      home: workerHome(io.env, config.WF_HOME, io.cwd),
    });
  } finally {
    await logger.close();
  }
}

/** The task process's arguments: the same task, with the run id fixed so both processes' events agree. */
function childArgs(file: string, options: RunTaskCommandOptions): string[] {
  const args = [file, "--task", options.task];
  if (options.workflow) args.push("--workflow", options.workflow);
  if (options.dagId) args.push("--dag-id", options.dagId);
  if (options.dagHash) args.push("--dag-hash", options.dagHash);
  if (options.params !== undefined) args.push("--params", options.params);
  if (options.attempt !== undefined) args.push("--attempt", options.attempt);
  if (options.debug) args.push("--debug");
  return args;
}

/**
 * The task process's side of the IPC channel: messages to the supervisor, in order, and a way to
 * wait until they are all handed over (the process exits right after the task). A stop request
 * from the supervisor stops the task as SIGTERM would.
 */
function supervisorChannel(stop: (signal: NodeJS.Signals) => void): { send(message: FromTaskProcess): void; drained(): Promise<void> } {
  let pending = 0;
  let wake: (() => void) | undefined;
  process.on("message", (message: ToTaskProcess) => {
    if (message.kind === "stop") stop(message.signal);
  });
  // The channel must not keep the task process alive once the task is over.
  process.channel?.unref();
  return {
    send(message) {
      if (!process.connected) return;
      pending++;
      process.send!(message, undefined, {}, () => {
        if (--pending === 0) wake?.();
      });
    },
    drained: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => (wake = resolve))),
  };
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
