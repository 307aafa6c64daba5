import { mkdirSync, openSync, readdirSync, readSync, closeSync, renameSync, statSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { EventStoreError } from "./errors.js";
import { errorMessage } from "../errors/wfkit-error.js";
import { processAlive } from "../util/process-alive.js";
import { appendWholeFile } from "../util/append-whole.js";

/** One message as it goes on the wire, and as it waits in the spool (one JSON line). */
export interface BusMessage {
  id: string;
  /** Routing key. */
  key: string;
  /** CloudEvents type, e.g. `dev.wfkit.task.started`. */
  type: string;
  contentType: string;
  body: string;
  /** The exchange it is for; set when it is spooled (replays go there, not to the replaying process's exchange). */
  exchange?: string | undefined;
}

/** A spool file of this host. */
export interface SpoolFile {
  file: string;
  /** When its process started (ms since the epoch); files sort oldest first by it. */
  startedMs: number;
  pid: number;
  /** Its process is gone (not this one, not running): whoever reaches the broker may publish it. */
  orphan: boolean;
}

/** What is read from a spool file: whole lines from an offset, and where they end. */
export interface SpoolRead {
  messages: BusMessage[];
  end: number;
}

// `~` does not occur in host names, so file names split back into their parts.
const SEP = "~";

/**
 * Events waiting for the broker, on disk, in order: one JSON-lines file per process,
 * `<started ms>~<host>~<pid>~<n>.jsonl`. A file whose process is gone (it exited while the
 * broker was down, or crashed) is an orphan: the next wfkit process on this host that reaches
 * the broker claims it with an atomic rename to a name of its own, keeping the time prefix so
 * files replay oldest first, and publishes it. Spools are per host: files of other hosts are
 * left to them.
 */
export class Spool {
  readonly own: string;
  private readonly host = hostname();
  private claims = 0;
  private made = false;

  constructor(readonly dir: string) {
    this.own = path.join(dir, this.fileName(Date.now(), 0));
  }

  /** Append messages to this process's spool file. */
  append(messages: readonly BusMessage[]): void {
    if (messages.length === 0) return;
    this.ensureDir();
    let text = "";
    for (const m of messages) text += `${JSON.stringify(m)}\n`;
    // Whole lines or none: a torn last line would stop the replay of the lines after it.
    appendWholeFile(this.own, text);
  }

  /** Record an event that can never be published, with why, in `rejected.jsonl`. */
  reject(message: BusMessage, reason: string): string {
    this.ensureDir();
    const file = path.join(this.dir, "rejected.jsonl");
    appendWholeFile(file, `${JSON.stringify({ reason, at: new Date().toISOString(), message })}\n`);
    return file;
  }

  /** Bytes in this process's spool file (0 when there is none). */
  ownSize(): number {
    try {
      return statSync(this.own).size;
    } catch {
      return 0;
    }
  }

  /** The spool files of this host in the folder, oldest first, with the process each belongs to (none if the folder is missing). */
  files(): SpoolFile[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw new EventStoreError(`cannot read the event spool folder ${this.dir}: ${errorMessage(error)}`, { cause: error });
    }
    const files: SpoolFile[] = [];
    for (const name of names.sort()) {
      const parts = name.replace(/\.jsonl$/, "").split(SEP);
      if (!name.endsWith(".jsonl") || parts.length !== 4 || parts[1] !== this.host) continue;
      const pid = Number(parts[2]);
      files.push({ file: path.join(this.dir, name), startedMs: Number(parts[0]), pid, orphan: pid !== process.pid && !processAlive(pid) });
    }
    return files;
  }

  /** Claim the spool files of dead processes of this host; returns them oldest first. */
  claimOrphans(): string[] {
    const claimed: string[] = [];
    for (const orphan of this.files().filter((f) => f.orphan)) {
      const target = path.join(this.dir, this.fileName(orphan.startedMs, ++this.claims));
      try {
        renameSync(orphan.file, target);
        claimed.push(target);
      } catch {
        // Another process claimed it first.
      }
    }
    return claimed;
  }

  /** Whole lines of `file` from byte `offset` on. A line that does not parse is skipped and returned in `bad`. */
  read(file: string, offset: number): SpoolRead & { bad: string[] } {
    let fd: number;
    try {
      fd = openSync(file, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { messages: [], end: offset, bad: [] };
      throw new EventStoreError(`cannot read the event spool ${file}: ${errorMessage(error)}`, { cause: error });
    }
    try {
      const size = statSync(file).size;
      const buffer = Buffer.alloc(Math.max(0, size - offset));
      let got = 0;
      while (got < buffer.length) {
        const n = readSync(fd, buffer, got, buffer.length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      const text = buffer.subarray(0, got).toString("utf8");
      const last = text.lastIndexOf("\n");
      const whole = last < 0 ? "" : text.slice(0, last);
      const messages: BusMessage[] = [];
      const bad: string[] = [];
      for (const line of whole.split("\n")) {
        if (line === "") continue;
        try {
          messages.push(JSON.parse(line) as BusMessage);
        } catch {
          bad.push(line);
        }
      }
      return { messages, end: offset + Buffer.byteLength(whole) + (last < 0 ? 0 : 1), bad };
    } finally {
      closeSync(fd);
    }
  }

  /** Delete a spool file that has been published. */
  remove(file: string): void {
    try {
      unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }

  private fileName(ms: number, n: number): string {
    return `${String(ms).padStart(15, "0")}${SEP}${this.host}${SEP}${process.pid}${SEP}${n}.jsonl`;
  }

  private ensureDir(): void {
    if (this.made) return;
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (error) {
      throw new EventStoreError(`cannot create the event spool folder ${this.dir}: ${errorMessage(error)} (set WF_BUS_SPOOL_DIR or WF_HOME to a writable folder)`, { cause: error });
    }
    this.made = true;
  }
}
