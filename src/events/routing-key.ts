import type { WfEvent } from "./wf-event.js";

/** The word of a run-level event's routing key where a task event has the task's name. */
export const RUN_WORD = "_run";

/** A routing-key word: topic exchanges split keys at dots, so a dot in a name becomes `_`. */
export function routingWord(name: string): string {
  return name.replaceAll(".", "_");
}

/**
 * The routing key of an event on a topic exchange: `<dag_id>.<task>.<action>`, e.g.
 * `images_to_site_gallery_1_0_0.Resize.task.started`; run events have `_run` for the task:
 * `….run.started` under `<dag_id>._run`. Dots inside the dag id or task become `_`, so each is
 * one word and `*.Resize.task.*` or `#.task.failed` bind as expected. A task's own events are
 * `<dag_id>.<task>.custom.<name>`, so every key has four words.
 */
export function routingKey(event: WfEvent): string {
  const data = event.data;
  const task = "task" in data ? data.task : RUN_WORD;
  const action = data.action === "custom" ? `custom.${routingWord(data.name)}` : data.action;
  return `${routingWord(data.dagId)}.${routingWord(task)}.${action}`;
}
