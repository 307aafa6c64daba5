import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { errorMessage } from "../errors/wfkit-error.js";
import { RunDirError, RunInUseError } from "./errors.js";
import { processAlive } from "../util/process-alive.js";

/** The lock file of a run that a process runs whole, in its run directory. */
export const RUN_LOCK_FILE = ".run.lock";

/** Who holds a run's lock. */
interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

/**
 * Take the lock of the run in `runDir` for this process: one run id, one run. The lock is a
 * file holding this process's pid and host, made exclusively (`wx`). It is held by another run
 * while that file names a live process on this host (or any process on another host, which
 * cannot be checked from here); a lock left by a process that is gone (a killed run) is stale
 * and taken over. This process may take its own lock again (a notebook's set-up cell run twice
 * with one run id).
 *
 * Why a pid file rather than a lock library: the lock must die with its process at once (the
 * next run must not wait for a lease to expire, as with lockfile libraries that refresh an
 * mtime), and Node has no flock(2) without a native addon. Two new runs that find the same
 * stale lock at the same instant could both take it over; a live run's lock is never taken.
 *
 * Returns the function that releases it (idempotent). Throws RunInUseError, or RunDirError when
 * the lock cannot be written.
 */
export function lockRun(runDir: string, runId: string): () => void {
  const file = path.join(runDir, RUN_LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let tries = 0; ; tries++) {
    try {
      const fd = openSync(file, "wx");
      try {
        writeSync(fd, `${JSON.stringify(me)}\n`);
      } catch (error) {
        // A full disk: no empty lock is left behind.
        closeSync(fd);
        rmSync(file, { force: true });
        throw lockError(error, file);
      }
      closeSync(fd);
      break;
    } catch (error) {
      if (error instanceof RunDirError) throw error;
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw lockError(error, file);
    }
    const holder = readHolder(file);
    if (holder !== undefined && holder.pid !== me.pid && (holder.host !== me.host || processAlive(holder.pid))) {
      const where = holder.host === me.host ? "" : ` on ${holder.host}`;
      throw new RunInUseError(
        `run ${runId} is in use by process ${holder.pid}${where} (since ${holder.since}); give this run another --run-id, or wait until that run ends` +
          (holder.host === me.host ? "" : ` (if it is no longer running, delete ${file})`),
      );
    }
    if (tries > 0) throw lockError(new Error("another process took it over meanwhile"), file);
    // Stale (its process is gone), ours, or unreadable (a process killed while writing it): move it aside and try once more.
    try {
      renameSync(file, `${file}.stale-${me.pid}`);
      rmSync(`${file}.stale-${me.pid}`, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw lockError(error, file);
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    // Only our own lock: a run that outlived its lock (taken over by nobody) leaves nothing else.
    if (readHolder(file)?.pid === me.pid) rmSync(file, { force: true });
  };
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, "utf8")) as Partial<LockHolder>;
    if (typeof holder.pid === "number" && typeof holder.host === "string") return { pid: holder.pid, host: holder.host, since: String(holder.since) };
  } catch {
    // Missing or torn: treated as stale.
  }
  return undefined;
}

function lockError(error: unknown, file: string): RunDirError {
  return new RunDirError(`cannot write the run's lock ${file}: ${errorMessage(error)} (set WF_HOME to a writable folder)`, { cause: error });
}
