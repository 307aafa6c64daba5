import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from "node:fs";
import path from "node:path";
import { errorMessage } from "../errors/wfkit-error.js";
import { appendWholeFile } from "../util/append-whole.js";
import { processAlive } from "../util/process-alive.js";
import { RunLogStoreError } from "./errors.js";
import { hostFileName, RUN_LOG_DIR } from "./file-store.js";
import { isDataError, type PostgresRunLogStore } from "./postgres-store.js";
import { RunLogRecordSchema, type RunLogRecord } from "./run-log-record.js";

/** Records per INSERT when a pending file is replayed. */
const REPLAY_BATCH = 500;

// `<host>.<pid>.jsonl`, the file a process appends to; `<host>.<pid>.claimed-<ms>-<n>.jsonl`, a
// file that process claimed to replay. Either way the pid is its owner's: while it lives, nobody
// else touches the file. Host names may hold dots; the pid is the last number before the suffix.
const NAME = /^(.+)\.(\d+)(?:\.claimed-\d+-\d+)?\.jsonl$/;

/** A pending file of the folder. */
export interface PendingFile {
  file: string;
  /** The host part of its name (as a file name: `hostFileName`). */
  host: string;
  pid: number;
}

/**
 * Run-log records that PostgreSQL could not take, waiting on disk: `<home>/run-log/pending/`,
 * one JSON-lines file per process (`<host>.<pid>.jsonl`), appended whole lines at a time. A file
 * whose process is gone is claimed by whoever replays it with an atomic rename to a name of its
 * own (as the event spool does), so two replayers never take the same file; records are
 * idempotent by id, so a file replayed twice after a crash stores each record once.
 */
export class PendingRunLog {
  readonly dir: string;
  /** This process's pending file. */
  readonly own: string;
  private readonly host = hostFileName().slice(0, -".jsonl".length);
  private claims = 0;

  constructor(home: string) {
    this.dir = path.join(path.resolve(home), RUN_LOG_DIR, "pending");
    this.own = path.join(this.dir, `${this.host}.${process.pid}.jsonl`);
  }

  /** Append records to this process's file, whole lines or none. Throws what the write threw. */
  append(records: readonly RunLogRecord[]): void {
    if (records.length === 0) return;
    let text = "";
    for (const record of records) text += `${JSON.stringify(record)}\n`;
    mkdirSync(this.dir, { recursive: true });
    appendWholeFile(this.own, text);
  }

  /** Whether this process's file exists (records wait in it). */
  hasOwn(): boolean {
    return existsSync(this.own);
  }

  /** The pending files in the folder (none if it is missing). */
  files(): PendingFile[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw new RunLogStoreError(`cannot read the run log's pending folder ${this.dir}: ${errorMessage(error)}`, { cause: error });
    }
    const files: PendingFile[] = [];
    for (const name of names.sort()) {
      const match = NAME.exec(name);
      if (match !== null) files.push({ file: path.join(this.dir, name), host: match[1]!, pid: Number(match[2]) });
    }
    return files;
  }

  /** Take this process's own file to replay (new records start a new one); undefined when there is none. */
  claimOwn(): string | undefined {
    return this.claim(this.own);
  }

  /**
   * Claim the files whose process is gone: of this host, when no process with its pid runs;
   * with `otherHosts`, every other host's file too (whose processes cannot be checked from
   * here: only for a host that is known to be gone, or when its writers are stopped).
   */
  claimOrphans(otherHosts = false): string[] {
    const claimed: string[] = [];
    for (const f of this.files()) {
      const ours = f.host === this.host;
      if (ours ? f.pid === process.pid || processAlive(f.pid) : !otherHosts) continue;
      const target = this.claim(f.file);
      if (target !== undefined) claimed.push(target);
    }
    return claimed;
  }

  /**
   * The records of a pending file. A line that is not a record (truncated by a crash, or
   * corrupt) is skipped and told to `onSkipped` with the file and line number; the rest is read.
   */
  read(file: string, onSkipped: (message: string) => void): RunLogRecord[] {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw new RunLogStoreError(`cannot read the run log's pending file ${file}: ${errorMessage(error)}`, { cause: error });
    }
    const records: RunLogRecord[] = [];
    const lines = text.split("\n");
    lines.forEach((json, i) => {
      if (json === "") return;
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch {
        onSkipped(`run log: line ${i + 1} of ${file} is ${i === lines.length - 1 ? "truncated" : "not JSON"}; it is skipped`);
        return;
      }
      if (!RunLogRecordSchema.safeParse(value).success) {
        onSkipped(`run log: line ${i + 1} of ${file} is not a run-log record; it is skipped`);
        return;
      }
      // The record as written: a newer wfkit's added fields are kept.
      records.push(value as RunLogRecord);
    });
    return records;
  }

  /** Delete a file that has been replayed. */
  remove(file: string): void {
    try {
      unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }

  /** Rename a file that can never be replayed out of the way (`….stuck`), keeping it; returns the new name. */
  setAside(file: string): string {
    const stuck = file.replace(/\.jsonl$/, ".stuck");
    renameSync(file, stuck);
    return stuck;
  }

  /** Rename `file` to a claimed name of this process; undefined when it is gone (another process claimed it first). */
  private claim(file: string): string | undefined {
    const target = path.join(this.dir, `${this.host}.${process.pid}.claimed-${Date.now()}-${++this.claims}.jsonl`);
    try {
      renameSync(file, target);
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new RunLogStoreError(`cannot claim the run log's pending file ${file}: ${errorMessage(error)}`, { cause: error });
    }
  }
}

/**
 * Append the records of a claimed pending file to `store` in batches and delete the file;
 * returns how many records it held. A file the database refuses (a record it cannot take) is
 * set aside as `….stuck`, told to `onWarning`, and counts 0; any other failure throws
 * RunLogStoreError and leaves the file claimed, to be tried again.
 */
export async function replayPendingFile(store: PostgresRunLogStore, pending: PendingRunLog, file: string, onWarning: (message: string) => void): Promise<number> {
  const records = pending.read(file, onWarning);
  try {
    for (let i = 0; i < records.length; i += REPLAY_BATCH) await store.append(records.slice(i, i + REPLAY_BATCH));
  } catch (error) {
    if (!isDataError(error)) throw error;
    const stuck = pending.setAside(file);
    onWarning(`run log: PostgreSQL refuses records of ${file} (${errorMessage(error)}); the file is kept as ${stuck}`);
    return 0;
  }
  pending.remove(file);
  return records.length;
}

/**
 * Replay every pending file that no living process owns into `store` (`wf runs sync`): this
 * host's files of processes that are gone, and with `otherHosts` every other host's too. A line
 * that is not a record is skipped and told to `onWarning`. Throws RunLogStoreError when the
 * store cannot take them; the files not replayed stay, to be tried again.
 */
export async function replayPendingRunLog(
  store: PostgresRunLogStore,
  home: string,
  options: { otherHosts?: boolean; onWarning?: (message: string) => void } = {},
): Promise<{ records: number; files: number }> {
  const onWarning = options.onWarning ?? ((message: string) => process.emitWarning(message, "WfkitRunLogWarning"));
  const pending = new PendingRunLog(home);
  let records = 0;
  let files = 0;
  for (const file of pending.claimOrphans(options.otherHosts ?? false)) {
    records += await replayPendingFile(store, pending, file, onWarning);
    files++;
  }
  return { records, files };
}
