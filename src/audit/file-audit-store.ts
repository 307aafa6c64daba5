import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { errorMessage } from "../errors/wfkit-error.js";
import { appendWholeFile } from "../util/append-whole.js";
import { processAlive } from "../util/process-alive.js";
import type { AuditStore, ExtractChange } from "./audit-store.js";
import { AuditStoreError, ExtractNotFoundError } from "./errors.js";
import { ExtractSchema, NEXT_STATUSES, type Extract, type ExtractActor, type ExtractFilter, type ExtractKey, type ExtractStatus } from "./extract.js";
import { HoldRecordSchema, type HoldRecord } from "./hold.js";

/** The file store's folder under WF_HOME. */
export const AUDIT_DIR = "audit";

/** How long a status change waits for another process's lock on the same extract before it gives up. */
const LOCK_WAIT_MS = 10_000;
/** The longest pause between two tries of a held lock. */
const LOCK_MAX_PAUSE_MS = 50;
/** A lock file with no holder in it this long after it was made was torn (its process died between making and writing it). */
const TORN_LOCK_MS = 5_000;
/** Extract files read at once by a finder: a folder of thousands must not open thousands of descriptors. */
const READ_PARALLEL = 32;

const EXTRACT_FILE = /^[0-9a-f]{32}\.json$/;

/** Who holds an extract's lock. */
interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

/** The file an extract is kept in, without `.json`: the first 32 hex digits of sha256(location NUL filename). */
export function extractFileKey(key: ExtractKey): string {
  return createHash("sha256").update(`${key.location}\u0000${key.filename}`).digest("hex").slice(0, 32);
}

/**
 * The audit in files under `<home>/audit/`: one JSON file per extract
 * (`extracts/<extractFileKey>.json`), replaced whole (a temporary file renamed over it) so a
 * reader never sees half of one, and the holds appended to `holds.jsonl`, one whole line each.
 *
 * Status changes are atomic across the processes of one host and across hosts sharing WF_HOME
 * (NFS): each takes the extract's lock, `<key>.lock` made exclusively (O_EXCL, which NFS v3+
 * honours), before it reads and rewrites the file. Why a lock file rather than rename alone:
 * a compare-and-set needs the read and the write under one hold; a rename cannot refuse to
 * replace a file that changed since it was read. A lock whose holder is a dead process of this
 * host is stale and taken over; one held by another host cannot be checked from here, so it is
 * waited for and, after {@link LOCK_WAIT_MS}, reported with what to do.
 */
export class FileAuditStore implements AuditStore {
  /** `<home>/audit`. */
  readonly dir: string;
  readonly description: string;
  private readonly extractsDir: string;
  private readonly holdsFile: string;
  private readonly host = hostname();

  constructor(home: string) {
    this.dir = path.resolve(home, AUDIT_DIR);
    this.description = `file ${this.dir}`;
    this.extractsDir = path.join(this.dir, "extracts");
    this.holdsFile = path.join(this.dir, "holds.jsonl");
  }

  async registerExtract(key: ExtractKey, producer: ExtractActor | null, status: ExtractStatus = "ready"): Promise<{ created: boolean; extract: Extract }> {
    const name = extractFileKey(key);
    const file = this.extractFile(name);
    await this.makeFolder(this.extractsDir);
    // Under the lock, so that of two processes registering the same file one creates it and the
    // other reads it whole; and a registration never races a status change.
    return this.locked(name, key, async () => {
      const stored = await this.readExtract(file);
      if (stored !== undefined) return { created: false, extract: stored };
      const now = new Date().toISOString();
      const extract: Extract = { location: key.location, filename: key.filename, status, producer, changedBy: null, registeredAt: now, updatedAt: now };
      await this.writeExtract(file, extract);
      return { created: true, extract };
    });
  }

  async changeExtractStatus(key: ExtractKey, to: ExtractStatus, by: ExtractActor | null): Promise<ExtractChange> {
    const name = extractFileKey(key);
    const file = this.extractFile(name);
    // The lock is made in the folder: a store with no extract yet says "not registered", not "cannot make the lock".
    await this.makeFolder(this.extractsDir);
    return this.locked(name, key, async () => {
      const current = await this.readExtract(file);
      if (current === undefined) {
        throw new ExtractNotFoundError(`no extract ${describeKey(key)} is registered (in ${this.description}): register it first (registerExtract), then change its status`);
      }
      if (!NEXT_STATUSES[current.status].includes(to)) return { changed: false, extract: current };
      const extract: Extract = { ...current, status: to, changedBy: by, updatedAt: new Date().toISOString() };
      await this.writeExtract(file, extract);
      return { changed: true, extract, previous: current.status };
    });
  }

  async findExtracts(filter: ExtractFilter): Promise<Extract[]> {
    let names: string[];
    try {
      names = (await readdir(this.extractsDir)).filter((name) => EXTRACT_FILE.test(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw this.error(`cannot list the extracts in ${this.extractsDir}`, error, "check that WF_HOME is readable");
    }
    const status = filter.status ?? "ready";
    const found: Extract[] = [];
    for (let i = 0; i < names.length; i += READ_PARALLEL) {
      const read = await Promise.all(names.slice(i, i + READ_PARALLEL).map((name) => this.readForFinder(path.join(this.extractsDir, name))));
      for (const extract of read) {
        if (extract === undefined) continue;
        if (status !== "any" && extract.status !== status) continue;
        if (filter.location !== undefined && extract.location !== filter.location) continue;
        if (filter.producer !== undefined && extract.producer?.workflow !== filter.producer) continue;
        if (filter.filename !== undefined && !(filter.partial ? extract.filename.includes(filter.filename) : extract.filename === filter.filename)) continue;
        found.push(extract);
      }
    }
    found.sort((a, b) => compare(a.location, b.location) || compare(a.filename, b.filename));
    return filter.limit === undefined ? found : found.slice(0, Math.max(0, Math.floor(filter.limit)));
  }

  async addHold(record: HoldRecord): Promise<void> {
    await this.makeFolder(this.dir);
    try {
      // One write of one whole line (O_APPEND): holds of several processes interleave whole.
      appendWholeFile(this.holdsFile, `${JSON.stringify(record)}\n`);
    } catch (error) {
      throw this.error(`cannot append to ${this.holdsFile}`, error, "set WF_HOME to a writable folder with free space");
    }
  }

  async holds(workflow: string): Promise<HoldRecord[]> {
    let text: string;
    try {
      text = await readFile(this.holdsFile, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw this.error(`cannot read ${this.holdsFile}`, error, "check that WF_HOME is readable");
    }
    const records: { record: HoldRecord; at: number; line: number }[] = [];
    const lines = text.split("\n");
    lines.forEach((line, index) => {
      if (line === "") return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        process.emitWarning(`skipped line ${index + 1} of ${this.holdsFile}: ${index === lines.length - 1 ? "truncated" : "not JSON"}`);
        return;
      }
      const record = HoldRecordSchema.safeParse(parsed);
      if (!record.success) {
        process.emitWarning(`skipped line ${index + 1} of ${this.holdsFile}: not a hold record (${record.error.issues[0]?.message ?? "invalid"})`);
        return;
      }
      if (record.data.workflow === workflow) records.push({ record: record.data, at: Date.parse(record.data.at), line: index });
    });
    return records.sort((a, b) => b.at - a.at || b.line - a.line).map((r) => r.record);
  }

  async close(): Promise<void> {}

  private extractFile(name: string): string {
    return path.join(this.extractsDir, `${name}.json`);
  }

  /** The text of `file`, undefined when it does not exist; AuditStoreError when it cannot be read. */
  private async readText(file: string): Promise<string | undefined> {
    try {
      return await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw this.error(`cannot read ${file}`, error, "check that WF_HOME is readable");
    }
  }

  /** The extract in `file`, undefined when there is none; AuditStoreError when it cannot be read or is no extract. */
  private async readExtract(file: string): Promise<Extract | undefined> {
    const text = await this.readText(file);
    if (text === undefined) return undefined;
    const extract = parseExtract(text);
    if (typeof extract === "string") {
      throw new AuditStoreError(`${file} is not an extract (${extract}): delete it and register the extract again`);
    }
    return extract;
  }

  /** The extract in `file` for a finder: one that vanished is skipped quietly, one that is no extract with a warning. */
  private async readForFinder(file: string): Promise<Extract | undefined> {
    const text = await this.readText(file);
    if (text === undefined) return undefined;
    const extract = parseExtract(text);
    if (typeof extract !== "string") return extract;
    process.emitWarning(`skipped ${file}: not an extract (${extract}); delete it and register the extract again`);
    return undefined;
  }

  /** Replace `file` with `extract` whole: a temporary file beside it, flushed, renamed over it. */
  private async writeExtract(file: string, extract: Extract): Promise<void> {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      const handle = await open(temp, "wx");
      try {
        await handle.writeFile(`${JSON.stringify(extract)}\n`);
        // Flushed before the rename: after a power cut the file is the old one or the new one, never empty.
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      throw this.error(`cannot write ${file}`, error, "set WF_HOME to a writable folder with free space");
    }
  }

  /** Run `work` holding the lock of the extract kept in `<name>.json`; the lock is released however it ends. */
  private async locked<T>(name: string, key: ExtractKey, work: () => Promise<T>): Promise<T> {
    const lock = path.join(this.extractsDir, `${name}.lock`);
    await this.takeLock(lock, key);
    try {
      return await work();
    } finally {
      await rm(lock, { force: true }).catch(() => {});
    }
  }

  private async takeLock(lock: string, key: ExtractKey): Promise<void> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    let pause = 1;
    for (;;) {
      if (await this.tryCreateLock(lock)) return;
      const seen = await readLock(lock);
      if (seen !== undefined && (await this.isStale(lock, seen)) && (await this.breakLock(lock, seen.text))) continue;
      if (Date.now() >= deadline) {
        const holder = seen?.holder;
        const who = holder === undefined ? "a process that wrote no holder in it" : `process ${holder.pid} on ${holder.host} (since ${holder.since})`;
        throw new AuditStoreError(
          `cannot change extract ${describeKey(key)}: its lock ${lock} is still held after ${LOCK_WAIT_MS / 1000} s by ${who}; ` +
            `try again later, or, if that process is no longer running (a crash on another host), delete ${lock}`,
        );
      }
      // Jittered, so that processes that collided do not retry in step.
      await sleep(pause * (0.5 + Math.random()));
      pause = Math.min(LOCK_MAX_PAUSE_MS, pause * 2);
    }
  }

  /** Make the lock file exclusively with this process as its holder; false when it exists. */
  private async tryCreateLock(lock: string): Promise<boolean> {
    const me: LockHolder = { pid: process.pid, host: this.host, since: new Date().toISOString() };
    let handle: FileHandle;
    try {
      handle = await open(lock, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw this.error(`cannot make the lock ${lock}`, error, "set WF_HOME to a writable folder");
    }
    try {
      await handle.writeFile(`${JSON.stringify(me)}\n`);
    } catch (error) {
      // A full disk: no empty lock is left behind.
      await handle.close().catch(() => {});
      await rm(lock, { force: true }).catch(() => {});
      throw this.error(`cannot write the lock ${lock}`, error, "set WF_HOME to a writable folder with free space");
    }
    await handle.close();
    return true;
  }

  /** Whether the lock as read is stale: its holder is a dead process of this host, or it was torn long ago. */
  private async isStale(lock: string, seen: { holder: LockHolder | undefined }): Promise<boolean> {
    if (seen.holder !== undefined) return seen.holder.host === this.host && !processAlive(seen.holder.pid);
    try {
      return Date.now() - (await stat(lock)).mtimeMs > TORN_LOCK_MS;
    } catch {
      return false;
    }
  }

  /**
   * Remove a stale lock, if it is still the one that was read as `text`. Under a second lock
   * (`.lock.break`): two processes that find the same stale lock must not both remove it, or
   * the second would remove the lock the first has just taken, and both would hold it.
   * Returns false when another process is breaking it (the caller waits, then tries again).
   */
  private async breakLock(lock: string, text: string): Promise<boolean> {
    const breaker = `${lock}.break`;
    if (!(await this.tryCreateLock(breaker))) {
      // Another process is breaking it. A breaker left by a dead process is removed: it is held
      // for microseconds, so two crashes in a row are the only way to leave one.
      const seen = await readLock(breaker);
      if (seen !== undefined && (await this.isStale(breaker, seen))) await rm(breaker, { force: true }).catch(() => {});
      return false;
    }
    try {
      if ((await readLock(lock))?.text === text) await rm(lock, { force: true });
      return true;
    } catch (error) {
      throw this.error(`cannot remove the stale lock ${lock}`, error, `delete ${lock} by hand`);
    } finally {
      await rm(breaker, { force: true }).catch(() => {});
    }
  }

  private async makeFolder(dir: string): Promise<void> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw this.error(`cannot make ${dir}`, error, "set WF_HOME to a writable folder");
    }
  }

  private error(what: string, error: unknown, hint: string): AuditStoreError {
    return new AuditStoreError(`${what}: ${errorMessage(error)} (${hint})`, { cause: error });
  }
}

/** The lock file's text and its holder (undefined when torn or still being written); undefined when there is no lock. */
async function readLock(lock: string): Promise<{ text: string; holder: LockHolder | undefined } | undefined> {
  let text: string;
  try {
    text = await readFile(lock, "utf8");
  } catch {
    return undefined;
  }
  try {
    const holder = JSON.parse(text) as Partial<LockHolder>;
    if (typeof holder.pid === "number" && typeof holder.host === "string") return { text, holder: { pid: holder.pid, host: holder.host, since: String(holder.since) } };
  } catch {
    // Torn, or its maker is between making and writing it.
  }
  return { text, holder: undefined };
}

/** The extract in a file's text, or why it is none. */
function parseExtract(text: string): Extract | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  const extract = ExtractSchema.safeParse(parsed);
  return extract.success ? extract.data : (extract.error.issues[0]?.message ?? "invalid");
}

function describeKey(key: ExtractKey): string {
  return `${JSON.stringify(key.filename)} in ${JSON.stringify(key.location)}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
