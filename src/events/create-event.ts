import { randomUUID } from "node:crypto";
import type { WfEvent } from "./wf-event.js";
import type { RunContext } from "../run/run-context.js";

/** A new event stamped with the run's identity (and the task's, when given). */
export function createEvent(
  run: RunContext<unknown>,
  type: string,
  data: Record<string, unknown>,
  task?: { task: string; attempt: number },
): WfEvent {
  return {
    id: randomUUID(),
    type,
    time: new Date().toISOString(),
    runId: run.runId,
    dagId: run.dagId,
    workflow: run.workflowName,
    version: run.version,
    engine: run.engine,
    ...(task ? { task: task.task, attempt: task.attempt } : {}),
    data,
  };
}
