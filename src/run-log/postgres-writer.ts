import type { WfEvent } from "../events/wf-event.js";
import { recordOfEvent } from "./record-of-event.js";
import { errorMessage } from "../errors/wfkit-error.js";
import { RunLogOptionsError } from "./errors.js";
import { PendingRunLog, replayPendingFile } from "./postgres-pending.js";
import { PostgresRunLogStore, type PostgresStoreOptions } from "./postgres-store.js";
import type { RunLogRecord } from "./run-log-record.js";
import type { RunLogWriter } from "./run-log-store.js";

/** How a writer batches, and where what PostgreSQL cannot take waits. */
export interface PostgresWriterOptions {
  /** WF_HOME: records PostgreSQL cannot take wait in `<home>/run-log/pending/`. */
  home: string;
  /** Told once when records start waiting in the pending file (and if that file cannot be written either). */
  onWarning(message: string): void;
  /** Records per INSERT; a batch goes as soon as this many wait (default 500). */
  batchSize?: number;
  /** How long a record may wait for others to share its INSERT (default 50 ms). */
  delayMs?: number;
  /** First wait before the pending file is tried again; it doubles up to 30 s (default 1,000 ms). */
  retryMinMs?: number;
}

const RETRY_MAX_MS = 30_000;

/**
 * One process's writer into PostgreSQL. `write` only queues (never blocks, never throws); a
 * batch is sent when 500 records wait, 50 ms after the first (`now`: at the end of this
 * event-loop turn), and at `flush()` / `close()`, one INSERT at a time. A batch PostgreSQL
 * cannot take (down, unreachable, timed out) is appended to this process's pending file and
 * said once; later batches still go to PostgreSQL first. The pending file is replayed after a
 * backoff while the writer lives, at `close()` when PostgreSQL answers, and otherwise by the
 * next writer on this host (it claims the files of dead processes when it opens) or by
 * `wf runs sync`. At process exit whatever is queued or unconfirmed is written to the pending
 * file, so `process.exit()` in a task loses no record.
 */
export class PostgresRunLogWriter implements RunLogWriter {
  readonly pending: PendingRunLog;
  private readonly batchSize: number;
  private readonly delayMs: number;
  private readonly retryMinMs: number;
  private queue: RunLogRecord[] = [];
  private inflight: RunLogRecord[] | undefined;
  private sending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** Pending files this writer claimed and has not replayed yet. */
  private claimed: string[] = [];
  private replaying: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  /** Whether the last batch reached PostgreSQL. */
  private reachable = true;
  private warned = false;
  private lostWarned = false;
  private closing: Promise<void> | undefined;
  private counts = { stored: 0, pending: 0, replayed: 0, lost: 0 };
  private readonly onExit = () => this.spillAtExit();

  constructor(
    readonly store: PostgresRunLogStore,
    private readonly options: PostgresWriterOptions,
    private readonly ownsStore = false,
  ) {
    this.pending = new PendingRunLog(options.home);
    this.batchSize = options.batchSize ?? 500;
    this.delayMs = options.delayMs ?? 50;
    this.retryMinMs = options.retryMinMs ?? 1_000;
    this.retryDelay = this.retryMinMs;
    process.on("exit", this.onExit);
  }

  /**
   * A writer into the database at `url`, its store its own. With `strict` the database is
   * reached (and migrated) first, and RunLogStoreError thrown when it cannot be; otherwise
   * nothing waits for it. Either way the pending files of this host's dead processes are then
   * replayed in the background.
   */
  static async open(url: string, options: PostgresWriterOptions & { strict?: boolean; store?: PostgresStoreOptions }): Promise<PostgresRunLogWriter> {
    const store = PostgresRunLogStore.connect(url, options.store);
    if (options.strict === true) {
      try {
        await store.check();
      } catch (error) {
        await store.close();
        throw error;
      }
    }
    const writer = new PostgresRunLogWriter(store, options, true);
    void writer.replayPending(true);
    return writer;
  }

  /** Records stored directly, written to the pending file, replayed from pending files, and lost (the pending file could not be written). */
  get stats(): { stored: number; pending: number; replayed: number; lost: number } {
    return { ...this.counts };
  }

  /** Queue a record; `now`: send it at the end of this event-loop turn. Never throws. */
  write(record: RunLogRecord, now: boolean): void {
    if (this.closing !== undefined) {
      // Too late for PostgreSQL from here: kept for the next replay.
      this.spill([record], undefined);
      return;
    }
    this.queue.push(record);
    if (now || this.queue.length >= this.batchSize) {
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        void this.pump();
      });
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.pump();
      }, this.delayMs);
    }
  }

  /** Queue the record of a status event (`recordOfEvent`), if it stands for one. Never throws. */
  writeEvent(event: WfEvent, now: boolean): void {
    const record = recordOfEvent(event);
    if (record !== undefined) this.write(record, now);
  }

  /** Send what is queued; resolves when every record is stored or in the pending file. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0 || this.sending !== undefined) await this.pump();
  }

  /** Flush, replay the pending files once more if PostgreSQL answers, and close the connections. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.flush();
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      if (this.reachable) await this.replayPending(false);
      else await this.replaying;
      process.off("exit", this.onExit);
      if (this.ownsStore) await this.store.close();
    })();
    return this.closing;
  }

  /** Send batches until the queue is empty; one at a time. */
  private pump(): Promise<void> {
    this.sending ??= this.send().finally(() => {
      this.sending = undefined;
      // A record queued between the loop's end and here.
      if (this.queue.length > 0) void this.pump();
    });
    return this.sending;
  }

  private async send(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchSize);
      this.inflight = batch;
      try {
        await this.store.append(batch);
        this.inflight = undefined;
        this.counts.stored += batch.length;
        if (!this.reachable) {
          // Back: what waits in the pending file goes now, not after the backoff.
          this.reachable = true;
          clearTimeout(this.retryTimer);
          this.retryTimer = undefined;
          this.retryDelay = this.retryMinMs;
          this.scheduleRetry(0);
        }
      } catch (error) {
        this.inflight = undefined;
        this.reachable = false;
        // Whatever waits would fail the same way now: into the pending file with it.
        this.spill([...batch, ...this.queue.splice(0)], error);
        this.scheduleRetry();
      }
    }
  }

  /** Append records to the pending file; said once, and once more if they are lost. */
  private spill(records: RunLogRecord[], error: unknown): void {
    try {
      this.pending.append(records);
      this.counts.pending += records.length;
    } catch (writeError) {
      this.counts.lost += records.length;
      if (!this.lostWarned) {
        this.lostWarned = true;
        this.options.onWarning(`run log: ${records.length} record(s) are lost: PostgreSQL at ${this.store.description} cannot take them and ${this.pending.own} cannot be written (${errorMessage(writeError)})`);
      }
      return;
    }
    if (!this.warned && error !== undefined) {
      this.warned = true;
      this.options.onWarning(
        `run log: PostgreSQL at ${this.store.description} cannot take records now (${errorMessage(error)}); they are kept in ${this.pending.own} and reach PostgreSQL when it is back (or run \`wf runs sync\`)`,
      );
    }
  }

  /** Try the pending files again after `delay` (default: the backoff, with jitter). */
  private scheduleRetry(delay?: number): void {
    if (this.retryTimer !== undefined || this.closing !== undefined) return;
    let wait = delay;
    if (wait === undefined) {
      wait = this.retryDelay * (0.5 + Math.random());
      this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.replayPending(false);
    }, wait);
    // A writer's retries never keep its process alive; what is left is replayed by another.
    this.retryTimer.unref();
  }

  /** Claim this process's pending file (and, with `orphans`, dead processes' files) and replay every claimed file. */
  private replayPending(orphans: boolean): Promise<void> {
    this.replaying ??= (async () => {
      try {
        if (orphans) this.claimed.push(...this.pending.claimOrphans());
        const own = this.pending.claimOwn();
        if (own !== undefined) this.claimed.push(own);
        while (this.claimed.length > 0) {
          this.counts.replayed += await replayPendingFile(this.store, this.pending, this.claimed[0]!, this.options.onWarning);
          this.claimed.shift();
        }
        this.retryDelay = this.retryMinMs;
      } catch {
        if (this.closing === undefined) this.scheduleRetry();
      }
    })().finally(() => (this.replaying = undefined));
    return this.replaying;
  }

  /** The process is exiting: what is queued or unconfirmed goes to the pending file (a record stored twice is one record). */
  private spillAtExit(): void {
    const left = [...(this.inflight ?? []), ...this.queue];
    this.queue = [];
    this.inflight = undefined;
    if (left.length === 0) return;
    try {
      this.pending.append(left);
    } catch {
      // nothing is left to report it to
    }
  }
}

/**
 * The run lifecycle's PostgreSQL writer for the compiled run-log options (`store: "postgres"`):
 * {@link PostgresRunLogWriter.open} with the options' URL, home and strictness.
 */
export function openPostgresRunLogWriter(
  options: { url: string | undefined; home: string; strict: boolean },
  hooks: { onWarning(message: string): void },
): Promise<PostgresRunLogWriter> {
  if (options.url === undefined) throw new RunLogOptionsError("the run-log options name no PostgreSQL URL (WF_RUN_LOG=postgres://…)");
  return PostgresRunLogWriter.open(options.url, { home: options.home, strict: options.strict, onWarning: (message) => hooks.onWarning(message) });
}
