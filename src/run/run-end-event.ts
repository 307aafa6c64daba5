import type { RunResult } from "./run-result.js";
import { createEvent, type EventOrigin } from "../events/create-event.js";
import type { WfEvent } from "../events/wf-event.js";

/** The run's last event, from its result: `run.succeeded`, `run.failed` (with the failed tasks) or `run.terminated`. */
export function runEndEvent(origin: EventOrigin, result: Pick<RunResult, "status" | "durationMs" | "tasks">): WfEvent {
  const durationMs = result.durationMs;
  if (result.status === "success") return createEvent(origin, "run.succeeded", { durationMs });
  if (result.status === "terminated") return createEvent(origin, "run.terminated", { durationMs });
  const failedTasks = result.tasks.filter((t) => t.status === "failed").map((t) => t.task);
  return createEvent(origin, "run.failed", { durationMs, failedTasks });
}
