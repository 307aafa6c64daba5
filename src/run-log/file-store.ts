import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { BufferedAppendFile } from "../util/buffered-append-file.js";
import { appendWholeFile } from "../util/append-whole.js";
import { groupBy } from "../util/group-by.js";
import { errorMessage } from "../errors/wfkit-error.js";
import { RunLogStoreError } from "./errors.js";
import type { RunLogRecord } from "./run-log-record.js";
import type { WfEvent } from "../events/wf-event.js";
import { RECORDED_ACTIONS, recordOfEvent } from "./record-of-event.js";
import { eventJson } from "../events/create-event.js";
import type { RunLogStore, RunLogWriter, ScanFilter } from "./run-log-store.js";
import { auditScanOfStore, type AuditScan, type AuditScanFilter } from "./audit-scan.js";

/** The file store's folder under WF_HOME. */
export const RUN_LOG_DIR = "run-log";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** `14.30.worker-1.jsonl`: the ten minutes (UTC, 14:30-14:39) its records were written in, and the host. */
const SLICE_FILE = /^(\d{2}\.\d0)\..+\.jsonl$/;

/** This host's name as a file name. */
export function hostFileName(host = hostname()): string {
  return `${host.replace(/[^A-Za-z0-9._-]/g, "_") || "host"}.jsonl`;
}

/** What a reader is told of a line it skipped. */
export type SkippedLine = (file: string, line: number, why: string) => void;

/**
 * The run log in files under `<home>/run-log/`: one folder per UTC day, one JSON-lines file
 * per ten minutes and host in it (`2026-12-03/14.30.worker-1.jsonl`: 14:30 to 14:39). Records
 * are only appended, each in one `write` of whole lines (O_APPEND), so the processes of one
 * host interleave whole records, and two hosts on a shared volume never write the same file.
 * A person can read it with `cat`; `prune` removes whole days. Why a file per ten minutes: a
 * query for the newest runs reads the newest files first and stops when it has enough, so a
 * busy day (10,000 runs) costs a listing no more than its last minutes.
 */
export class FileRunLogStore implements RunLogStore {
  readonly dir: string;
  readonly description: string;

  constructor(
    home: string,
    private readonly onSkipped: SkippedLine = () => {},
  ) {
    this.dir = path.resolve(home, RUN_LOG_DIR);
    this.description = `file ${this.dir}`;
  }

  /** The file a record written at `at` by `host` goes to, its day folder created. */
  fileFor(at: string, host = hostname()): string {
    const day = path.join(this.dir, at.slice(0, 10));
    mkdirSync(day, { recursive: true });
    return path.join(day, `${at.slice(11, 13)}.${at[14]}0.${hostFileName(host)}`);
  }

  /** The audit scan from the records (a file store reads whole lines anyway). */
  auditScan(filter: AuditScanFilter): Promise<AuditScan> {
    return auditScanOfStore(this, filter);
  }

  async append(records: readonly RunLogRecord[]): Promise<void> {
    try {
      for (const [file, group] of groupBy(records, (record) => this.fileFor(record.at))) {
        appendWholeFile(file, `${group.map((record) => JSON.stringify(record)).join("\n")}\n`);
      }
    } catch (error) {
      throw new RunLogStoreError(`cannot write the run log in ${this.dir}: ${errorMessage(error)} (set WF_HOME to a writable folder)`, { cause: error });
    }
  }

  /** The day folders, newest first. */
  days(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw new RunLogStoreError(`cannot read the run log in ${this.dir}: ${errorMessage(error)}`, { cause: error });
    }
    return names.filter((name) => DAY.test(name)).sort().reverse();
  }

  /**
   * The record files of one day folder by ten minutes (`14.30`), newest first (a `.jsonl` file
   * not named for its time counts as the day's first).
   */
  slices(day: string): { slice: string; files: string[] }[] {
    let names: string[];
    try {
      names = readdirSync(path.join(this.dir, day)).filter((name) => name.endsWith(".jsonl"));
    } catch {
      return [];
    }
    const bySlice = groupBy(names.sort(), (name) => SLICE_FILE.exec(name)?.[1] ?? "");
    return [...bySlice].map(([slice, files]) => ({ slice, files })).sort((a, b) => (a.slice < b.slice ? 1 : -1));
  }

  /** Every record of one day folder (or of `files` in it), in file order; a line that is not a record is skipped and told. */
  readDay(day: string, filter: ScanFilter = {}, files: readonly string[] = this.slices(day).flatMap((h) => h.files).sort()): RunLogRecord[] {
    const folder = path.join(this.dir, day);
    const records: RunLogRecord[] = [];
    // Cheap text checks before parsing: most lines of a filtered read are other runs'.
    const needles = [filter.runId, filter.dagId].filter((v): v is string => v !== undefined).map((v) => JSON.stringify(v));
    for (const name of files) {
      const file = path.join(folder, name);
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (error) {
        this.onSkipped(file, 0, `unreadable: ${errorMessage(error)}`);
        continue;
      }
      // A filtered read jumps from one occurrence of the first needle to the next (memchr
      // speed): in a busy day most lines are other runs', and splitting each one cost more than
      // reading the file.
      const first = needles[0];
      let start = 0;
      while (start < text.length) {
        if (first !== undefined) {
          const hit = text.indexOf(first, start);
          if (hit < 0) break;
          start = text.lastIndexOf("\n", hit) + 1;
        }
        let end = text.indexOf("\n", start);
        if (end < 0) end = text.length;
        const json = text.slice(start, end);
        const lineStart = start;
        start = end + 1;
        if (json === "" || needles.some((n) => !json.includes(n))) continue;
        // Counted only for a message: a line's number is how many line breaks come before it, plus one.
        const lineOf = () => countLines(text, lineStart);
        let parsed: unknown;
        try {
          parsed = JSON.parse(json);
        } catch {
          this.onSkipped(file, lineOf(), end === text.length ? "truncated (the writer may still be writing it, or died mid-write)" : "not JSON");
          continue;
        }
        const record = recordOfLine(parsed);
        if (record === undefined) {
          this.onSkipped(file, lineOf(), "neither a run-log record nor a status event that records one");
          continue;
        }
        if ((filter.runId !== undefined && record.runId !== filter.runId) || (filter.dagId !== undefined && record.dagId !== filter.dagId)) continue;
        records.push(record);
      }
    }
    return records;
  }

  async *scan(filter: ScanFilter): AsyncIterable<RunLogRecord[]> {
    const sinceDay = filter.since?.toISOString().slice(0, 10);
    // Records of runs whose first record is in a day not read yet (an older one).
    const open = new Map<string, RunLogRecord[]>();
    for (const day of this.days()) {
      if (sinceDay !== undefined && day < sinceDay) break;
      for (const { files } of this.slices(day)) {
        const started = new Set<string>();
        for (const record of this.readDay(day, filter, files)) {
          const key = runKey(record);
          let records = open.get(key);
          if (records === undefined) open.set(key, (records = []));
          records.push(record);
          if (record.kind === "run") started.add(key);
        }
        // Every later file was read before this one: the runs that started in it are whole.
        const batch: RunLogRecord[] = [];
        for (const key of started) {
          batch.push(...keptOfRun(open.get(key)!, filter));
          open.delete(key);
        }
        if (batch.length > 0) yield batch;
      }
    }
    // Runs whose run record is gone (pruned) or older than `since`: what is left of them. None
    // of them has a run record to name its workflow.
    if (filter.workflow !== undefined) return;
    const rest = [...open.values()].flatMap((records) => keptOfRun(records, filter));
    if (rest.length > 0) yield rest;
  }

  async prune(before: Date): Promise<{ runs: number; keys: { dagId: string; runId: string }[] }> {
    const cutoff = before.toISOString().slice(0, 10);
    const keys = new Map<string, { dagId: string; runId: string }>();
    for (const day of this.days()) {
      if (day >= cutoff) continue;
      for (const record of this.readDay(day)) keys.set(runKey(record), { dagId: record.dagId, runId: record.runId });
      try {
        rmSync(path.join(this.dir, day), { recursive: true, force: true });
      } catch (error) {
        throw new RunLogStoreError(`cannot remove ${path.join(this.dir, day)}: ${errorMessage(error)}`, { cause: error });
      }
    }
    return { runs: keys.size, keys: [...keys.values()] };
  }

  async close(): Promise<void> {}
}

/** The record a parsed line holds: the line itself, or the record of the status event it is. */
function recordOfLine(parsed: unknown): RunLogRecord | undefined {
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const line = parsed as Partial<RunLogRecord> & { specversion?: unknown; data?: unknown };
  if (typeof line.specversion === "string" && typeof line.data === "object" && line.data !== null) return recordOfEvent(parsed as WfEvent);
  if (typeof line.kind !== "string" || typeof line.runId !== "string" || typeof line.dagId !== "string") return undefined;
  return line as RunLogRecord;
}

/**
 * What a scan returns of one run's records (all of them, read whole): none when its run
 * record names another workflow than `filter.workflow`; of `filter.kinds` only, and the
 * actions of a run with no end record (an Airflow run, whose status is folded from them).
 */
function keptOfRun(records: RunLogRecord[], filter: ScanFilter): RunLogRecord[] {
  if (filter.workflow !== undefined && !records.some((r) => r.kind === "run" && r.workflow === filter.workflow)) return [];
  const kinds = filter.kinds;
  if (kinds === undefined) return records;
  const ended = records.some((r) => r.kind === "end");
  return records.filter((r) => kinds.includes(r.kind) || (r.kind === "action" && !ended));
}

/** A run's key: runs of different DAGs may share a run id (Airflow's are unique per DAG only). */
export function runKey(record: { dagId: string; runId: string }): string {
  return `${record.dagId}\u0000${record.runId}`;
}

/**
 * Writes one process's records into the file store as they come: each record is encoded and
 * appended by the end of the event-loop turn (`now` writes it at once: before a task's own
 * code runs on a worker), so a local run of short tasks pays for few writes.
 *
 * A status event that stands for a record (`recordOfEvent`) is written as the event itself,
 * the JSON text it was made with, and becomes its record when read: making a second text per
 * event, in the record's shape, was most of what the run log cost a local run of short tasks
 * besides the write itself (bench/run-log-overhead.ts). Readers see records only.
 */
export class FileRunLogWriter implements RunLogWriter {
  private out: BufferedAppendFile | undefined;
  /** The ten minutes `out` is for: `2026-12-03T14:3`. */
  private slice = "";
  private readonly host = hostname();

  constructor(
    private readonly store: FileRunLogStore,
    private readonly onError: (file: string, error: unknown) => void,
  ) {}

  /** Append a record; never throws (a failure goes to `onError`, once per file). */
  write(record: RunLogRecord, now: boolean): void {
    this.append(record.at, JSON.stringify(record), now);
  }

  writeEvent(event: WfEvent, now: boolean): void {
    if (RECORDED_ACTIONS.has(event.data.action)) this.append(event.time, eventJson(event), now);
  }

  private append(at: string, json: string, now: boolean): void {
    // startsWith, not a slice compared: no string made per record.
    if (this.out === undefined || !at.startsWith(this.slice)) {
      this.out?.close();
      this.slice = at.slice(0, 15);
      let file = "";
      try {
        file = this.store.fileFor(at, this.host);
        this.out = new BufferedAppendFile(file, (error) => this.onError(file, error));
      } catch (error) {
        this.out = undefined;
        this.slice = "";
        this.onError(file || path.join(this.store.dir, at.slice(0, 10)), error);
        return;
      }
    }
    this.out.append(json, now);
  }

  /** Whether a write failed. */
  get broken(): boolean {
    return this.out?.broken ?? false;
  }

  flush(): void {
    this.out?.flush();
  }

  close(): void {
    this.out?.close();
    this.out = undefined;
  }
}

/** The number of the line that starts at `offset` of `text`. */
function countLines(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
