import { closeSync, openSync } from "node:fs";
import type { WfEvent } from "./wf-event.js";
import { EventStoreError } from "./errors.js";
import { errorMessage } from "../errors/wfkit-error.js";
import { eventJson } from "./create-event.js";
import { appendWhole } from "../util/append-whole.js";

/** The run's events file in its run directory. */
export const EVENTS_FILE = "events.jsonl";

// Lifecycle events that wfkit's own code publishes between tasks' code: on the engines that run
// one task per process, only these may wait in the buffer. task.started is not among them: it
// comes right before the task's own code runs.
const BUFFERED: ReadonlySet<string> = new Set([
  "run.started",
  "run.succeeded",
  "run.failed",
  "run.terminated",
  "task.succeeded",
  "task.failed",
  "task.retrying",
  "task.skipped",
  "task.terminated",
]);

/** The buffer's size: lines are written at the latest when the next one would not fit. */
const BUFFER_BYTES = 64 * 1024;

const buffering = new Set<EventsFile>();
let exitHookInstalled = false;

// Flush point of last resort: lines waiting when the process exits (process.exit() in task
// code, an uncaught exception) are written, not lost.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const file of buffering) {
      try {
        file.flush();
      } catch {
        // nothing is left to report it to
      }
    }
  });
}

/**
 * Appends each event to a JSON-lines file as it is published: the run's own record of its
 * events, on every engine, with nothing to install. The file is opened in append mode, so the
 * tasks of one Airflow run on one machine (separate `wf run-task` processes) can share it.
 *
 * Why lines wait in a buffer: with one `write` per event, writing the file was the largest
 * single cost of a local run of short tasks (two events per task, each a system call, and each
 * an inode update for the file system). Now each event is serialised when it is published (so
 * a listener that changes it later changes nothing here) and encoded into a buffer, and the
 * buffer is written with one `write` for many events, at the latest:
 * - at the end of the event-loop turn (setImmediate), or when the 64 KiB buffer is full;
 * - at `close()` (the engines close the file when the run, or the task on Airflow, ends), and
 *   at process exit (an exit hook: process.exit() in task code, an uncaught exception), so the
 *   file is complete when the run ends;
 * - on Airflow (`wf run-task`) and in notebooks, also at each `task.started` and each event
 *   task code or a timer publishes (`custom`, `task.progress`, anything but wfkit's lifecycle
 *   events between tasks): so what was published before a task's own code runs, or by it, is
 *   in the file before that code can kill the process (SIGKILL, the OOM killer, an abort). The
 *   `wf run-task` supervisor relies on that: it appends `task.crashed` after the task's last
 *   event in the file. These engines run one task at a time, so this costs little there.
 * So only a crash of the process can lose a buffered tail, and only in a local run (where the
 * run dies with the process; its run log, buffered the same way, loses the same turn) or while
 * wfkit's own code runs between two tasks' code: at most the events of one turn. Events stay
 * in publishing order. Every `write` holds whole lines only, in O_APPEND mode, where the
 * kernel appends each write in one piece (a local file system serialises writes to one file),
 * so the processes of one Airflow run on one machine that share the file still interleave
 * whole lines, never parts of lines: a few lines at a time instead of one.
 */
export class EventsFile {
  private fd: number | undefined;
  // Lines are encoded straight into this buffer (made on first use): no string is built of
  // several lines, so nothing is copied twice.
  private pending: Buffer | undefined;
  private used = 0;
  /** A write failed: the file takes no more events. */
  private failed = false;
  private scheduled = false;
  private readonly flushSoon = () => {
    this.scheduled = false;
    this.flush();
  };

  /**
   * `onError` hears the first write that fails (a full disk, a file system gone read-only):
   * after it the file takes no more events (what waits is dropped; what was written stays
   * whole) and nothing throws, so one failure is reported once, not once per event. By default
   * it becomes a process warning.
   */
  constructor(
    readonly file: string,
    private readonly onError: (error: unknown) => void = (error) =>
      process.emitWarning(`could not write events to ${file}: ${errorMessage(error)}; later events are not written to it`, "EventStoreWarning"),
  ) {
    try {
      this.fd = openSync(file, "a");
    } catch (error) {
      throw new EventStoreError(`cannot write the events file ${file}: ${errorMessage(error)} (set WF_HOME to a writable folder)`, { cause: error });
    }
    installExitHook();
  }

  /** Append one event; after `close()` or a failed write it is ignored. Never throws. */
  write = (event: WfEvent): void => {
    if (this.fd === undefined || this.failed) return;
    this.append(eventJson(event));
    const data = event.data;
    if (data?.engine !== "local" && !BUFFERED.has(data?.action)) {
      this.flush();
      return;
    }
    buffering.add(this);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushSoon);
    }
  };

  /** Write what is waiting, now: whole lines or none. Never throws (a failure goes to `onError`). */
  flush(): void {
    const length = this.used;
    if (length === 0 || this.fd === undefined || this.failed) return;
    this.used = 0;
    buffering.delete(this);
    try {
      appendWhole(this.fd, this.pending!, length);
    } catch (error) {
      this.failed = true;
      this.onError(error);
    }
  }

  /** Write what is waiting and close the file. Never throws. */
  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    this.used = 0;
    this.pending = undefined;
    buffering.delete(this);
    closeSync(this.fd);
    this.fd = undefined;
  }

  /** Add a line to the buffer, writing first what waits when it does not fit. */
  private append(json: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit, and the newline one.
    const most = json.length * 3 + 1;
    const pending = (this.pending ??= Buffer.allocUnsafe(BUFFER_BYTES));
    if (most > BUFFER_BYTES - this.used) {
      this.flush();
      if (this.failed) return;
      if (most > BUFFER_BYTES) {
        // A line larger than the buffer goes out alone, still in one write.
        try {
          appendWhole(this.fd!, Buffer.from(`${json}\n`));
        } catch (error) {
          this.failed = true;
          this.onError(error);
        }
        return;
      }
    }
    this.used += pending.write(json, this.used);
    pending[this.used++] = 0x0a;
  }
}
