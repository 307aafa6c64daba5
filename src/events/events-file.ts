import { closeSync, openSync, writeSync } from "node:fs";
import type { WfEvent } from "./wf-event.js";
import { EventStoreError } from "./errors.js";
import { errorMessage } from "../errors/wfkit-error.js";

/** The run's events file in its run directory. */
export const EVENTS_FILE = "events.jsonl";

/**
 * Appends each event to a JSON-lines file as it is published: the run's own record of its
 * events, on every engine, with nothing to install. One `write` per event in append mode, so
 * the tasks of one Airflow run on one machine (separate processes) can share the file.
 */
export class EventsFile {
  private fd: number | undefined;

  constructor(readonly file: string) {
    try {
      this.fd = openSync(file, "a");
    } catch (error) {
      throw new EventStoreError(`cannot write the events file ${file}: ${errorMessage(error)} (set WF_HOME to a writable folder)`, { cause: error });
    }
  }

  /** Append one event; after `close()` it is ignored. */
  write = (event: WfEvent): void => {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
  };

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
