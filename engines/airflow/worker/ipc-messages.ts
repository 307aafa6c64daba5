import type { WfEvent } from "../../../src/index.js";
import type { EventOrigin } from "../../../src/engine.js";
import type { WorkerTaskRequest } from "./worker-request.js";

/** What the task process tells its supervisor over the IPC channel. */
export type FromTaskProcess =
  /** The run's identity, as soon as the workflow is loaded: a crash after this is reported in full. */
  | { kind: "identity"; origin: EventOrigin }
  /** An event to publish, in order. */
  | { kind: "event"; event: WfEvent };

/** What the supervisor tells the task process. */
export type ToTaskProcess =
  /** The task to run, compiled once by the supervisor; the first message, sent once the bus is ready. */
  | { kind: "run"; request: WorkerTaskRequest }
  /** Stop the task as SIGTERM/SIGINT would (rollback and teardown run). */
  | { kind: "stop"; signal: NodeJS.Signals };

/** The hidden `wf run-task` flag of the supervised task process. */
export const SUPERVISED_FLAG = "--supervised";
