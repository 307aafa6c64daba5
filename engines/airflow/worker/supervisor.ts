import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import path from "node:path";
import { type WfEvent, type WfLogger } from "../../../src/index.js";
import { appendRunLogRecords, compileRunLogOptions, recordOfEvent, runLogOptionsFromConfig, appendWholeFile, compileEventsOptions, createEvent, errorMessage, eventsOptionsFromConfig, EVENTS_FILE, runDirPath, startEventPublisher, type EventOrigin } from "../../../src/engine.js";
import type { TaskProcess } from "./task-process.js";
import type { WorkerTaskRequest } from "./worker-request.js";

/** Actions after which the task process has reported how the attempt ended. */
const FINAL = new Set(["task.succeeded", "task.failed", "task.retrying", "task.skipped", "task.terminated"]);

/**
 * Run one task in a child `wf run-task` process and publish its events, so that a task process
 * that dies without reporting (SIGKILL, the kernel's OOM killer, a V8 heap abort, `process.exit`
 * in task code) is still reported, as `task.crashed`. The child gets the request whole, once the
 * bus is ready; it writes the run's events.jsonl and sends each event over the IPC channel. This
 * process owns the bus connection, so an event the child sent is published even if the child
 * dies right after. SIGTERM/SIGINT are passed on (once as a stop request: Airflow signals the
 * whole process group, and a second real signal would mean "exit now"); a second one is sent as
 * the signal itself. Returns the exit code: the child's, or 128 + the signal's number.
 *
 * Throws (strict bus) BusAccessRefusedError / BusUnavailableError before the task starts; the
 * caller then discards the task process.
 */
export async function superviseTask(request: WorkerTaskRequest, logger: WfLogger, taskProcess: () => TaskProcess): Promise<number> {
  const log = logger.child("wfkit.supervisor", { task: request.task, run_id: request.runId, attempt: request.attempt });
  let running: ChildProcess | undefined;
  const events = compileEventsOptions(eventsOptionsFromConfig(request.config), request.home);
  const publisher =
    events.busUrl === undefined
      ? undefined
      : await startEventPublisher(events, logger.child("wfkit.events.bus"), (error) => {
          log.error(errorMessage(error));
          running?.kill("SIGTERM");
        });

  let origin: EventOrigin | undefined;
  let lastAction: string | null = null;
  const task = taskProcess();
  const child = task.child;
  running = child;
  task.onMessage((message) => {
    if (message.kind === "identity") origin = message.origin;
    else if (message.kind === "event") {
      if ("task" in message.event.data && message.event.data.task === request.task) lastAction = message.event.data.action;
      publisher?.publish(message.event);
    }
  });
  task.send({ kind: "run", request });

  let stops = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    stops++;
    if (stops === 1 && child.connected) task.send({ kind: "stop", signal });
    else child.kill(signal);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  const [code, signal] = await task.closed.finally(() => {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  });

  const started = lastAction !== null;
  const crashed = lastAction === null ? signal !== null : !FINAL.has(lastAction);
  if (crashed) {
    const how = signal !== null ? `was killed by ${signal}${signal === "SIGKILL" ? " (the kernel's OOM killer sends SIGKILL)" : ""}` : `exited with code ${code}`;
    log.error(`the task process (pid ${child.pid}) ${how} without reporting how the task ended: task.crashed${started ? "" : " (before the task started)"}`, {
      exit_code: code,
      signal,
      last_action: lastAction,
    });
    const event = createEvent(
      origin ?? { runId: request.runId, dagId: request.dagId ?? "unknown", workflowName: "unknown", version: "unknown", engine: "airflow" },
      "task.crashed",
      { exitCode: code, signal, lastAction },
      { task: request.task, attempt: request.attempt, pid: child.pid },
    );
    const dagId = origin?.dagId ?? request.dagId;
    if (dagId !== undefined) appendToEventsFile(runDirPath(request.home, dagId, request.runId), event, log);
    publisher?.publish(event);
    // The crash is a `crash` action in the run log, as the task's own events are records there.
    await appendRunLogRecords(compileRunLogOptions(runLogOptionsFromConfig(request.config), request.home), [recordOfEvent(event)!], {
      onFileError: (file, error) => log.warn(`could not record task.crashed in the run log (${file}): ${errorMessage(error)}`),
      onWarning: (message) => log.warn(message),
    });
  }
  await publisher?.close();
  if (signal !== null) return 128 + (constants.signals[signal] ?? 0);
  // A crash is a failed try, exit 1, whatever code the dying process left (0 from process.exit(0), 13 from an unsettled await).
  return crashed ? 1 : (code ?? 1);
}

function appendToEventsFile(runDir: string, event: WfEvent, log: WfLogger): void {
  if (!existsSync(runDir)) return;
  try {
    appendWholeFile(path.join(runDir, EVENTS_FILE), `${JSON.stringify(event)}\n`);
  } catch (error) {
    log.warn(`could not add task.crashed to the run's events file: ${errorMessage(error)}`);
  }
}
