import { Spool } from "../src/events/spool.js";

/** What waits in a spool folder for this host. */
export interface SpoolBacklog {
  /** Events in the files of this host's ended processes, and of this one: what `wf events flush` publishes. */
  waiting: number;
  /** Events in the files of this host's running processes, which publish them themselves. */
  running: number;
  /** How many running processes those are. */
  runningProcesses: number;
}

/**
 * Count the events waiting in `dir` (none when it does not exist), read the way the publisher
 * reads spool files (`<started ms>~<host>~<pid>~<n>.jsonl`, whole lines only). Other hosts'
 * files are not counted: they are theirs to publish.
 */
export function spoolBacklog(dir: string): SpoolBacklog {
  const spool = new Spool(dir);
  const backlog: SpoolBacklog = { waiting: 0, running: 0, runningProcesses: 0 };
  const running = new Set<number>();
  for (const { file, pid, orphan } of spool.files()) {
    const events = spool.read(file, 0).messages.length;
    if (orphan || pid === process.pid) {
      backlog.waiting += events;
    } else {
      backlog.running += events;
      if (events > 0) running.add(pid);
    }
  }
  backlog.runningProcesses = running.size;
  return backlog;
}
