import { closeSync, openSync, writeSync } from "node:fs";
import type { WfEvent } from "./wf-event.js";
import { EventStoreError } from "./errors.js";
import { errorMessage } from "../errors/wfkit-error.js";

/** The run's events file in its run directory. */
export const EVENTS_FILE = "events.jsonl";

// Lifecycle events that wfkit's own code publishes between tasks' code: these may wait in the
// buffer. task.started is not among them: it comes right before the task's own code runs.
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

/** Write at once when this much is waiting (characters; the lines are mostly ASCII). */
const MAX_BUFFER = 64 * 1024;

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
 * single cost of a run of short tasks (two events per task, each a system call). Now each event
 * is serialised when it is published (so a listener that changes it later changes nothing here)
 * and the lines are written with one `write` for several events, as late as:
 * - the next `task.started`, a `task.progress`, a `custom` or any other event that task code
 *   or a timer publishes: these are written at once, with everything before them. So what was
 *   published before a task's own code runs is in the file before that code runs, and a task
 *   that kills its process (SIGKILL, an abort, the OOM killer) loses nothing it was told about;
 * - the end of the event-loop turn (setImmediate), or 64 KiB waiting;
 * - `close()` (the engines close the file when the run, or the task on Airflow, ends), and
 *   process exit (an exit hook), so the file is complete when the run ends.
 * Only a crash of the process while wfkit's own code runs, between two tasks' code, can lose a
 * buffered tail: at most the events of one turn. Every `write` holds whole lines only, in
 * O_APPEND mode, where the kernel appends each write in one piece (on a local file system; it
 * serialises writes to one file), so processes sharing the file still interleave whole lines,
 * never parts of lines: a few lines at a time instead of one. Events stay in publishing order.
 */
export class EventsFile {
  private fd: number | undefined;
  private buffer = "";
  private scheduled = false;
  /** A write that failed after `write()` returned; thrown from the next `write()`. */
  private failure: unknown;
  private readonly flushSoon = () => {
    this.scheduled = false;
    try {
      this.flush();
    } catch (error) {
      this.failure = error;
    }
  };

  constructor(readonly file: string) {
    try {
      this.fd = openSync(file, "a");
    } catch (error) {
      throw new EventStoreError(`cannot write the events file ${file}: ${errorMessage(error)} (set WF_HOME to a writable folder)`, { cause: error });
    }
    installExitHook();
  }

  /**
   * Append one event; after `close()` it is ignored. Throws what writing the file threw (this
   * event's write, or a deferred one's): the bus reports a listener that throws and goes on.
   */
  write = (event: WfEvent): void => {
    if (this.fd === undefined) return;
    this.buffer += `${JSON.stringify(event)}\n`;
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
    if (this.buffer.length >= MAX_BUFFER || !BUFFERED.has(event.data?.action)) {
      this.flush();
      return;
    }
    buffering.add(this);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushSoon);
    }
  };

  /** Write what is waiting, now. Throws what writing threw (what was waiting is then dropped). */
  flush(): void {
    if (this.buffer === "" || this.fd === undefined) return;
    const text = this.buffer;
    this.buffer = "";
    buffering.delete(this);
    writeSync(this.fd, text);
  }

  /** Write what is waiting and close the file. Never throws: a last failed write is reported as a process warning. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      this.flush();
      if (this.failure !== undefined) throw this.failure;
    } catch (error) {
      process.emitWarning(`could not write the last events to ${this.file}: ${errorMessage(error)}`, "EventStoreWarning");
    }
    this.buffer = "";
    this.failure = undefined;
    buffering.delete(this);
    closeSync(this.fd);
    this.fd = undefined;
  }
}
