import { closeSync, openSync, writeSync } from "node:fs";
import { diversionOf } from "../util/terminal-diversion.js";
import { appendWhole } from "../util/append-whole.js";

/** Where formatted lines go. Lines come without their trailing newline. */
export interface LineSink {
  writeLine(line: string): void;
  /** Write out what is buffered, now. */
  flush(): void;
  /** Flush and release the destination (a file sink closes its file; stdio stays open). */
  close(): void;
}

const open = new Set<FdSink>();
let exitHookInstalled = false;
const pause = new Int32Array(new SharedArrayBuffer(4));

// Flush point of last resort: lines buffered when the process exits are written, not lost.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const sink of open) sink.flush();
  });
}

/**
 * A buffered writer to a file descriptor. Lines are collected and written with one `writeSync`
 * per event-loop turn (or every 64 KiB), so a task that logs in a tight loop pays for string
 * concatenation, not a system call per line; on a terminal every line is written at once, so
 * a person watching sees it when it happens. Written by hand rather than with sonic-boom
 * (pino's) because sonic-boom measures the byte length of its whole pending buffer on every
 * write, which cost more than all of our formatting (see BENCHMARKS.md).
 */
export class FdSink implements LineSink {
  private buffer = "";
  private scheduled = false;
  private broken = false;
  private readonly flushSoon = () => {
    this.scheduled = false;
    this.flush();
  };

  /**
   * `onError` (a file sink's) hears the first write that fails (a full disk): the sink then
   * stops writing, and what it wrote stays whole lines.
   */
  constructor(
    private readonly fd: number,
    private readonly sync: boolean,
    private readonly ownsFd = false,
    private readonly onError?: (error: unknown) => void,
  ) {
    installExitHook();
    open.add(this);
  }

  writeLine(line: string): void {
    if (this.broken) return;
    this.buffer += line;
    this.buffer += "\n";
    if (this.sync || this.buffer.length >= 65536) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushSoon);
    }
  }

  flush(): void {
    if (this.buffer === "" || this.broken) return;
    const divert = diversionOf(this.fd);
    if (divert !== undefined) {
      const text = this.buffer;
      this.buffer = "";
      divert(text);
      return;
    }
    const bytes = Buffer.from(this.buffer, "utf8");
    this.buffer = "";
    if (this.ownsFd) {
      // A file of ours: whole lines or none, and a failure said once.
      try {
        appendWhole(this.fd, bytes);
      } catch (error) {
        this.broken = true;
        this.onError?.(error);
      }
      return;
    }
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += writeSync(this.fd, bytes, offset);
      } catch (error) {
        // A non-blocking pipe that is full: wait a moment and go on (the reader is slow).
        if ((error as NodeJS.ErrnoException).code === "EAGAIN") {
          Atomics.wait(pause, 0, 0, 2);
          continue;
        }
        // The reader went away (EPIPE: `wf run … | head`) or the disk is full: logging must
        // never fail the task, so this sink stops writing.
        this.broken = true;
        return;
      }
    }
  }

  close(): void {
    this.flush();
    // stdout and stderr stay open (and flushed at exit): something may still write after close.
    if (!this.ownsFd) return;
    open.delete(this);
    this.broken = true;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

/** A sink that appends to a file (created if missing); `onError` hears the first write that fails. */
export function fileSink(file: string, sync = false, onError?: (error: unknown) => void): FdSink {
  return new FdSink(openSync(file, "a"), sync, true, onError);
}

/** A sink that hands each line to a function (tests, notebooks, custom destinations). */
export class FunctionSink implements LineSink {
  constructor(private readonly write: (line: string) => void) {}
  writeLine(line: string): void {
    this.write(line);
  }
  flush(): void {}
  close(): void {}
}
