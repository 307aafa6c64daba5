import type { EventOrigin } from "../src/events/create-event.js";
import type { WfEvent } from "../src/events/wf-event.js";

/** What the task process tells its supervisor over the IPC channel. */
export type FromTaskProcess =
  /** The run's identity, as soon as the workflow is loaded: a crash after this is reported in full. */
  | { kind: "identity"; origin: EventOrigin }
  /** An event to publish, in order. */
  | { kind: "event"; event: WfEvent };

/** What the supervisor tells the task process. */
export type ToTaskProcess = { kind: "stop"; signal: NodeJS.Signals };

/** The hidden `wf run-task` flag of the supervised task process. */
export const SUPERVISED_FLAG = "--supervised";
