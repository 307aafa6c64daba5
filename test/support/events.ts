import type { WfEvent } from "wfkit";

/** An event's action (`task.started`, `custom`…). */
export const action = (e: WfEvent): string => e.data.action;
/** The task a task event is about; undefined for run events. */
export const taskOf = (e: WfEvent): string | undefined => ("task" in e.data ? e.data.task : undefined);
/** The attempt a task event is about; undefined for run events. */
export const attemptOf = (e: WfEvent): number | undefined => ("attempt" in e.data ? e.data.attempt : undefined);
/** The action-specific fields of an event's data, loosely typed for assertions. */
export const dataOf = (e: WfEvent): Record<string, unknown> => e.data as Record<string, unknown>;
