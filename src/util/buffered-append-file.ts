import { closeSync, openSync } from "node:fs";
import { errorMessage } from "../errors/wfkit-error.js";
import { appendWhole } from "./append-whole.js";

/** The buffer's size: lines are written at the latest when the next one would not fit. */
const BUFFER_BYTES = 64 * 1024;

const buffering = new Set<BufferedAppendFile>();
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
 * A JSON-lines file that lines are appended to, many per `write`: the run's events file and the
 * file run-log store. Why lines wait in a buffer: with one `write` per line, writing was the
 * largest single cost of a local run of short tasks (each line a system call and an inode
 * update). Each line is encoded into a buffer when it is appended, and the buffer is written
 * at the latest at the end of the event-loop turn (setImmediate), when the 64 KiB buffer is
 * full, at `flush()` / `close()`, and at process exit (an exit hook).
 *
 * Every `write` holds whole lines only, in O_APPEND mode, where the kernel appends each write
 * in one piece (a local file system serialises writes to one file), so processes that share
 * the file interleave whole lines, never parts of lines.
 */
export class BufferedAppendFile {
  private fd: number | undefined;
  // Lines are encoded straight into this buffer (made on first use): no string is built of
  // several lines, so nothing is copied twice.
  private pending: Buffer | undefined;
  private used = 0;
  /** A write failed: the file takes no more lines. */
  private failed = false;
  private scheduled = false;
  private readonly flushSoon = () => {
    this.scheduled = false;
    this.flush();
  };

  /**
   * Opens (creates) `file` for appending; throws what `open` threw. `onError` hears the first
   * write that fails (a full disk, a file system gone read-only): after it the file takes no
   * more lines (what waits is dropped; what was written stays whole) and nothing throws.
   */
  constructor(
    readonly file: string,
    private readonly onError: (error: unknown) => void = (error) =>
      process.emitWarning(`could not write to ${file}: ${errorMessage(error)}; later lines are not written to it`, "WfkitWriteWarning"),
  ) {
    this.fd = openSync(file, "a");
    installExitHook();
  }

  /** Whether a write failed (the file takes no more lines). */
  get broken(): boolean {
    return this.failed;
  }

  /**
   * Append one line (`json` without its newline): written now when `now`, else by the end of
   * this event-loop turn. After `close()` or a failed write it is ignored. Never throws.
   */
  append(json: string, now: boolean): void {
    if (this.fd === undefined || this.failed) return;
    this.encode(json);
    if (now) {
      this.flush();
      return;
    }
    buffering.add(this);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushSoon);
    }
  }

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
  private encode(json: string): void {
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
