import { existsSync, readFileSync } from "node:fs";
import { constants } from "node:os";
import path from "node:path";
import { type WfEvent, type WfLogger } from "../../../src/index.js";
import {
  appendRunLogRecords,
  appendWholeFile,
  compileEventsOptions,
  compileRunLogOptions,
  createEvent,
  errorMessage,
  eventsOptionsFromConfig,
  EVENTS_FILE,
  recordOfEvent,
  runDirPath,
  runLogOptionsFromConfig,
  startEventPublisher,
  type EventOrigin,
} from "../../../src/engine.js";
import type { WorkerTaskRequest } from "./worker-request.js";

/** Actions after which a task process has reported how its attempt ended. */
const FINAL = new Set(["task.succeeded", "task.failed", "task.retrying", "task.skipped", "task.terminated", "task.crashed"]);

/**
 * The worker command's check after `wf run-task` died by a signal (exit code 128 + n: the
 * kernel's OOM killer, a V8 heap abort, a SIGKILL): if the task's events say the attempt never
 * ended, report `task.crashed` in the run's events.jsonl, the run log and on the bus, so that
 * the crash is seen everywhere a finished attempt would be. The attempt's earlier events are
 * published again with it (the same event ids): the dead process may have died before the
 * broker confirmed them, so delivery is at least once and a consumer deduplicates by id.
 *
 * This is the whole of what a supervising process would do, paid only when a task process has
 * died: the task itself runs in one process (see the worker command). Returns `exitCode`.
 */
export async function reportTaskCrash(request: WorkerTaskRequest, exitCode: number, logger: WfLogger): Promise<number> {
  const log = logger.child("wfkit.worker", { task: request.task, run_id: request.runId, attempt: request.attempt });
  const signal = signalOf(exitCode);
  const runDir = request.dagId === undefined ? undefined : runDirPath(request.home, request.dagId, request.runId);
  const earlier = runDir === undefined ? [] : attemptEvents(path.join(runDir, EVENTS_FILE), request, log);
  const lastAction = earlier.length === 0 ? null : earlier.at(-1)!.data.action;
  if (lastAction !== null && FINAL.has(lastAction)) return exitCode;

  const how = signal !== null ? `was killed by ${signal}${signal === "SIGKILL" ? " (the kernel's OOM killer sends SIGKILL)" : ""}` : `exited with code ${exitCode}`;
  log.error(`the task process ${how} without reporting how the task ended: task.crashed${lastAction === null ? " (before the task started)" : ""}`, {
    exit_code: exitCode,
    signal,
    last_action: lastAction,
  });
  const origin: EventOrigin = originOf(earlier[0]) ?? { runId: request.runId, dagId: request.dagId ?? "unknown", workflowName: "unknown", version: "unknown", engine: "airflow" };
  const event = createEvent(origin, "task.crashed", { exitCode: signal === null ? exitCode : null, signal, lastAction }, { task: request.task, attempt: request.attempt, pid: pidOf(earlier[0]) });
  if (runDir !== undefined && existsSync(runDir)) {
    try {
      appendWholeFile(path.join(runDir, EVENTS_FILE), `${JSON.stringify(event)}\n`);
    } catch (error) {
      log.warn(`could not add task.crashed to the run's events file: ${errorMessage(error)}`);
    }
  }
  await appendRunLogRecords(compileRunLogOptions(runLogOptionsFromConfig(request.config), request.home), [recordOfEvent(event)!], {
    onFileError: (file, error) => log.warn(`could not record task.crashed in the run log (${file}): ${errorMessage(error)}`),
    onWarning: (message) => log.warn(message),
  });
  const events = compileEventsOptions(eventsOptionsFromConfig(request.config), request.home);
  if (events.busUrl !== undefined) {
    // An unreachable broker spools the events, as for any wf process.
    const publisher = await startEventPublisher({ ...events, strict: false }, logger.child("wfkit.events.bus"), (error) => log.warn(errorMessage(error)));
    for (const earlierEvent of earlier) publisher.publish(earlierEvent);
    publisher.publish(event);
    await publisher.close();
  }
  return exitCode;
}

/** The signal a shell's exit code 128 + n stands for, if n is one. */
function signalOf(exitCode: number): NodeJS.Signals | null {
  if (exitCode <= 128) return null;
  const entry = Object.entries(constants.signals).find(([, n]) => n === exitCode - 128);
  return entry === undefined ? null : (entry[0] as NodeJS.Signals);
}

/** This attempt's events of the task, in order, from the run's events.jsonl (a torn last line is skipped). */
function attemptEvents(file: string, request: WorkerTaskRequest, log: WfLogger): WfEvent[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") log.warn(`could not read the run's events file ${file}: ${errorMessage(error)}`);
    return [];
  }
  const found: WfEvent[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const event = JSON.parse(line) as WfEvent;
      const data = event.data as { task?: string; attempt?: number };
      if (data.task === request.task && data.attempt === request.attempt) found.push(event);
    } catch {
      // A line cut short by the death itself.
    }
  }
  return found;
}

function pidOf(event: WfEvent | undefined): number | undefined {
  const pid = (event?.data as { pid?: unknown } | undefined)?.pid;
  return typeof pid === "number" ? pid : undefined;
}

function originOf(event: WfEvent | undefined): EventOrigin | undefined {
  if (event === undefined) return undefined;
  const data = event.data as { runId: string; dagId: string; workflow?: string; version?: string };
  return { runId: data.runId, dagId: data.dagId, workflowName: data.workflow ?? "unknown", version: data.version ?? "unknown", engine: "airflow" };
}
