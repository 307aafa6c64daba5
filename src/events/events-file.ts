import type { WfEvent } from "./wf-event.js";
import { EventStoreError } from "./errors.js";
import { errorMessage } from "../errors/wfkit-error.js";
import { eventJson } from "./create-event.js";
import { BufferedAppendFile } from "../util/buffered-append-file.js";

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
 *   crash report of `wf run-task --report-crash` relies on that: it reads the attempt's events
 *   from the file and appends `task.crashed` after the last. These engines run one task at a time, so this costs little there.
 * So only a crash of the process can lose a buffered tail, and only in a local run (where the
 * run dies with the process; its run log, buffered the same way, loses the same turn) or while
 * wfkit's own code runs between two tasks' code: at most the events of one turn. Events stay
 * in publishing order. Every `write` holds whole lines only, in O_APPEND mode, where the
 * kernel appends each write in one piece (a local file system serialises writes to one file),
 * so the processes of one Airflow run on one machine that share the file still interleave
 * whole lines, never parts of lines: a few lines at a time instead of one.
 */
export class EventsFile {
  private readonly out: BufferedAppendFile;

  /**
   * `onError` hears the first write that fails (a full disk, a file system gone read-only):
   * after it the file takes no more events (what waits is dropped; what was written stays
   * whole) and nothing throws, so one failure is reported once, not once per event. By default
   * it becomes a process warning.
   */
  constructor(
    readonly file: string,
    onError: (error: unknown) => void = (error) =>
      process.emitWarning(`could not write events to ${file}: ${errorMessage(error)}; later events are not written to it`, "EventStoreWarning"),
  ) {
    try {
      this.out = new BufferedAppendFile(file, onError);
    } catch (error) {
      throw new EventStoreError(`cannot write the events file ${file}: ${errorMessage(error)} (set WF_HOME to a writable folder)`, { cause: error });
    }
  }

  /** Append one event; after `close()` or a failed write it is ignored. Never throws. */
  write = (event: WfEvent): void => {
    const data = event.data;
    this.out.append(eventJson(event), data?.engine !== "local" && !BUFFERED.has(data?.action));
  };

  /** Write what is waiting, now: whole lines or none. Never throws (a failure goes to `onError`). */
  flush(): void {
    this.out.flush();
  }

  /** Write what is waiting and close the file. Never throws. */
  close(): void {
    this.out.close();
  }
}
