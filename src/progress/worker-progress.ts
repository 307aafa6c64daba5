import { MessageChannel, type MessagePort } from "node:worker_threads";
import { ProgressTracker, type WireSnapshot } from "./progress-tracker.js";

/** How often a worker thread's tracker sends its counts to the parent thread. */
export const WORKER_SYNC_MS = 100;

interface SyncMessage {
  wfkitProgress: 1;
  snapshot: WireSnapshot;
}

function isSyncMessage(value: unknown): value is SyncMessage {
  return typeof value === "object" && value !== null && (value as SyncMessage).wfkitProgress === 1;
}

/**
 * Hand `tracker` to a worker thread: returns a port to pass in `workerData` (and in
 * `transferList`); the worker calls {@link progressFromPort} on it. From then on the tracker's
 * counts, metrics and children follow the worker's, and it closes when the worker's tracker does
 * (or, when the worker ends without closing it, as done, with the last counts the worker sent).
 *
 * ```ts
 * const port = shareProgress(this.progress.child("parse"));
 * new Worker(url, { workerData: { progress: port }, transferList: [port] });
 * ```
 */
export function shareProgress(tracker: ProgressTracker): MessagePort {
  const { port1, port2 } = new MessageChannel();
  port1.on("message", (message: unknown) => {
    if (isSyncMessage(message)) tracker.mirror(message.snapshot);
  });
  port1.on("close", () => {
    if (tracker.status === "running") tracker.done();
  });
  // The worker keeps the process alive while it runs; this port must not outlive it.
  port1.unref();
  return port2;
}

/**
 * In a worker thread: the tracker the parent handed over with {@link shareProgress}. Update it as
 * any tracker; it sends its state to the parent every 100 ms, at once when it closes, and a last
 * time when the worker exits, so the parent's final counts are exact.
 */
export function progressFromPort(port: MessagePort, title = "worker"): ProgressTracker {
  const tracker = new ProgressTracker(title);
  let open = true;
  const send = () => {
    if (!open) return;
    port.postMessage({ wfkitProgress: 1, snapshot: tracker.wire() } satisfies SyncMessage);
  };
  const finish = () => {
    if (!open) return;
    send();
    open = false;
    clearInterval(timer);
    process.off("exit", finish);
    port.close();
  };
  const timer = setInterval(send, WORKER_SYNC_MS);
  timer.unref();
  tracker.watch((change) => {
    if (change.kind === "closed" && change.tracker === tracker) finish();
  });
  process.on("exit", finish);
  return tracker;
}
