import type { FromTaskProcess, ToTaskProcess } from "./ipc-messages.js";
import { runWorkerTask, type TaskReporter, type WorkflowLoader } from "./worker-task.js";
import type { WorkerTaskRequest } from "./worker-request.js";

/**
 * The task process's side (`wf run-task --supervised`): wait for the supervisor's request, run
 * the task, hand every event to the supervisor and wait until they are all handed over (the
 * process exits right after). Returns the exit code, or undefined when the supervisor closed the
 * channel without sending a task (it refused its options, and has said why).
 */
export async function runTaskProcess(load: WorkflowLoader, say: (text: string) => void): Promise<number | undefined> {
  const request = await nextRequest();
  if (request === undefined) return undefined;
  const channel = supervisorChannel();
  try {
    return await runWorkerTask(request, load, say, channel.reporter);
  } finally {
    await channel.drained();
  }
}

/** The `run` message, or undefined once the channel closes without one. */
function nextRequest(): Promise<WorkerTaskRequest | undefined> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve(undefined);
    const onMessage = (message: ToTaskProcess) => {
      if (message.kind !== "run") return;
      done();
      resolve(message.request);
    };
    const onDisconnect = () => {
      done();
      resolve(undefined);
    };
    const done = () => {
      process.off("message", onMessage);
      process.off("disconnect", onDisconnect);
    };
    process.on("message", onMessage);
    process.on("disconnect", onDisconnect);
  });
}

/**
 * Messages to the supervisor, in order, and a way to wait until they are all handed over. A stop
 * request from the supervisor stops the task as SIGTERM would.
 */
function supervisorChannel(): { reporter: TaskReporter; drained(): Promise<void> } {
  let pending = 0;
  let wake: (() => void) | undefined;
  let stop: ((signal: NodeJS.Signals) => void) | undefined;
  // A stop that comes while the workflow is still loading is kept until the task can be stopped.
  let early: NodeJS.Signals | undefined;
  process.on("message", (message: ToTaskProcess) => {
    if (message.kind !== "stop") return;
    if (stop) stop(message.signal);
    else early ??= message.signal;
  });
  // The channel must not keep the task process alive once the task is over.
  process.channel?.unref();
  const send = (message: FromTaskProcess) => {
    if (!process.connected) return;
    pending++;
    process.send!(message, undefined, {}, () => {
      if (--pending === 0) wake?.();
    });
  };
  return {
    reporter: {
      identity: (workflow, runId) =>
        send({ kind: "identity", origin: { runId, dagId: workflow.dagId, workflowName: workflow.name, version: workflow.version, engine: "airflow" } }),
      event: (event) => send({ kind: "event", event }),
      onStop: (handler) => {
        stop = handler;
        if (early !== undefined) handler(early);
      },
    },
    drained: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => (wake = resolve))),
  };
}
