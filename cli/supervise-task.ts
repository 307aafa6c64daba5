import type { ChildProcess } from "node:child_process";
import { appendFileSync, existsSync } from "node:fs";
import path from "node:path";
import { constants } from "node:os";
import type { WfConfig } from "../src/config/env-schema.js";
import type { RootLogger } from "../src/logging/logger.js";
import { createEvent, type EventOrigin } from "../src/events/create-event.js";
import { compileEventsOptions } from "../src/events/events-options.js";
import { eventsOptionsFromConfig } from "../src/events/events-from-config.js";
import { startEventPublisher } from "../src/events/event-publisher.js";
import { EVENTS_FILE } from "../src/events/events-file.js";
import type { WfEvent } from "../src/events/wf-event.js";
import { errorMessage } from "../src/errors/wfkit-error.js";
import type { ToTaskProcess } from "./task-process-messages.js";
import type { TaskProcess } from "./task-process.js";

/** The task process to start and what is known of it before it reports anything. */
export interface SupervisedTask {
  /** Starts the task process (or hands over the one started early); called once the bus is ready. */
  start: () => TaskProcess;
  task: string;
  attempt: number;
  runId: string;
  /** From `--dag-id`, until the task process reports the loaded workflow's. */
  dagId: string | undefined;
  /** The worker's WF_HOME: the run directory (and its events.jsonl) is `<home>/runs/<runId>`. */
  home: string;
}

/** Actions after which the task process has reported how the attempt ended. */
const FINAL = new Set(["task.succeeded", "task.failed", "task.skipped", "task.terminated"]);

/**
 * Run one task in a child `wf run-task` process and publish its events, so that a task process
 * that dies without reporting (SIGKILL, the kernel's OOM killer, a V8 heap abort, `process.exit`
 * in task code) is still reported, as `task.crashed`. The child writes the run's events.jsonl
 * and sends each event over the IPC channel; this process owns the bus connection, so an event
 * the child sent is published even if the child dies right after. SIGTERM/SIGINT are passed on
 * (once as a stop request: Airflow signals the whole process group, and a second real signal
 * would mean "exit now"); a second one is sent as the signal itself. Returns the exit code: the
 * child's, or 128 + the signal's number.
 */
export async function superviseTask(config: WfConfig, logger: RootLogger, spec: SupervisedTask): Promise<number> {
  const log = logger.child("wfkit.supervisor", { task: spec.task, run_id: spec.runId, attempt: spec.attempt });
  let running: ChildProcess | undefined;
  const options = compileEventsOptions(eventsOptionsFromConfig(config), spec.home);
  const publisher =
    options.busUrl === undefined
      ? undefined
      : await startEventPublisher(options, logger, (error) => {
          log.error(errorMessage(error));
          running?.kill("SIGTERM");
        });

  let origin: EventOrigin | undefined;
  let lastAction: string | null = null;
  const task = spec.start();
  const child = task.child;
  running = child;
  task.onMessage((message) => {
    if (message.kind === "identity") origin = message.origin;
    else if (message.kind === "event") {
      if ("task" in message.event.data && message.event.data.task === spec.task) lastAction = message.event.data.action;
      publisher?.publish(message.event);
    }
  });

  let stops = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    stops++;
    if (stops === 1 && child.connected) child.send({ kind: "stop", signal } satisfies ToTaskProcess, () => {});
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
      origin ?? { runId: spec.runId, dagId: spec.dagId ?? "unknown", workflowName: "unknown", version: "unknown", engine: "airflow" },
      "task.crashed",
      { exitCode: code, signal, lastAction },
      { task: spec.task, attempt: spec.attempt, pid: child.pid },
    );
    appendToEventsFile(path.join(spec.home, "runs", spec.runId), event, log);
    publisher?.publish(event);
  }
  await publisher?.close();
  if (signal !== null) return 128 + (constants.signals[signal] ?? 0);
  return crashed && code === 0 ? 1 : (code ?? 1);
}

function appendToEventsFile(runDir: string, event: WfEvent, log: { warn(message: string, fields?: Record<string, unknown>): void }): void {
  if (!existsSync(runDir)) return;
  try {
    appendFileSync(path.join(runDir, EVENTS_FILE), `${JSON.stringify(event)}\n`);
  } catch (error) {
    log.warn(`could not add task.crashed to the run's events file: ${errorMessage(error)}`);
  }
}
