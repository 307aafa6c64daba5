import { createHash, randomUUID } from "node:crypto";
import { constants, createReadStream, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { chmod, copyFile, link, mkdir, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { errorMessage } from "../errors/wfkit-error.js";
import type { CarryOutcome, CatalogStore, StoredEntry } from "./catalog-store.js";
import { CatalogSourceError, CatalogStoreError } from "./errors.js";

/** The catalog's folder in a run folder: `<WF_HOME>/runs/<dag id>/<run id>/catalog/`. */
export const CATALOG_DIR = "catalog";
/** The entries' metadata, `<root>/.entries/<name>.json`, each written after its data: a commit mark. */
const ENTRIES = ".entries";
/** The entries a re-run carried in, with their JSON values: one file (see `carry`). */
const CARRIED = ".carried.json";

/** An entry as its metadata holds it: a JSON value's text inline. */
type InlineEntry = StoredEntry & { json?: string };
/** Read and write in pieces this big: a file of any size streams through a fixed buffer. */
const CHUNK = 1024 * 1024;

/**
 * A run's catalog in files: `<root>/<name>` is the data (the file, the folder, or the JSON
 * text), and `<root>/.entries/<name>.json` says what it is, its sha256 and size. The data is
 * written under a temporary name and renamed into place, then its metadata the same way, so a
 * reader that finds the metadata finds whole data. No folder is made per entry: on some ext4
 * folders a `mkdir` took 0.8 ms, most of a small value's put. Stored files are made read-only,
 * so that a task cannot change an upstream's data by mistake. Files are copied, not linked: a
 * hard link would let the producer's later writes to its own file change what downstream tasks
 * read. On a shared volume (NFS, EFS, a PVC) every Airflow worker sees the same catalog.
 */
export class FileCatalogStore implements CatalogStore {
  readonly description: string;
  /** Whether the folders exist (made on the first put). */
  private made = false;
  /** The carried entries (`.entries/.carried.json`), once read. */
  private carried: Map<string, InlineEntry> | undefined;

  private storeError(name: string, error: unknown): CatalogStoreError {
    return new CatalogStoreError(`cannot store the catalog entry ${JSON.stringify(name)} in ${this.root}: ${errorMessage(error)} (is WF_HOME writable, and its disk not full?)`, { cause: error });
  }

  private metaFile(name: string): string {
    return path.join(this.root, ENTRIES, `${name}.json`);
  }

  private makeFolders(): void {
    if (this.made) return;
    mkdirSync(path.join(this.root, ENTRIES), { recursive: true });
    this.made = true;
  }

  /** The entry's metadata (and a JSON value's text), written under a temporary name and renamed into place. */
  private writeMeta(entry: StoredEntry, json?: string): void {
    const temp = path.join(this.root, ENTRIES, `.tmp-${entry.name}-${process.pid}-${randomUUID()}`);
    writeFileSync(temp, `${JSON.stringify(json === undefined ? entry : { ...entry, json })}\n`);
    renameSync(temp, this.metaFile(entry.name));
  }

  constructor(readonly root: string) {
    this.description = `file ${root}`;
  }

  async putPath(name: string, source: string): Promise<StoredEntry> {
    let info;
    try {
      info = await stat(source);
    } catch (error) {
      throw new CatalogSourceError(`cannot put ${JSON.stringify(name)}: ${source} cannot be read (${errorMessage(error)})`, { cause: error });
    }
    if (!info.isFile() && !info.isDirectory()) throw new CatalogSourceError(`cannot put ${JSON.stringify(name)}: ${source} is neither a file nor a folder`);
    return this.write(name, async (data) => {
      if (info.isFile()) {
        const { sha256, size } = await storeFile(source, data);
        return { form: "file", sha256, size };
      }
      const { sha256, size } = await copyFolder(source, data);
      return { form: "folder", sha256, size };
    });
  }

  /** A JSON value is kept in its metadata file: one file made and renamed per put, one read per get. */
  async putJson(name: string, json: string): Promise<StoredEntry> {
    const entry: StoredEntry = { name, form: "json", location: this.metaFile(name), sha256: createHash("sha256").update(json).digest("hex"), size: Buffer.byteLength(json) };
    try {
      this.makeFolders();
      // A file or folder an earlier attempt put under this name goes.
      rmSync(path.join(this.root, name), { recursive: true, force: true });
      this.writeMeta(entry, json);
    } catch (error) {
      throw this.storeError(name, error);
    }
    return entry;
  }

  async find(name: string): Promise<StoredEntry | undefined> {
    let text: string;
    try {
      text = readFileSync(this.metaFile(name), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return this.carriedEntries().get(name);
      throw new CatalogStoreError(`cannot read the catalog entry ${JSON.stringify(name)} in ${this.root}: ${errorMessage(error)}`, { cause: error });
    }
    return JSON.parse(text) as StoredEntry;
  }

  async localPath(entry: StoredEntry): Promise<string> {
    return entry.location;
  }

  async readJson(entry: StoredEntry): Promise<string> {
    // An entry that `find` read has its JSON text with it.
    const inline = (entry as InlineEntry).json;
    if (typeof inline === "string") return inline;
    try {
      const json = ((await this.find(entry.name)) as InlineEntry | undefined)?.json;
      if (typeof json !== "string") throw new Error("the entry holds no JSON value");
      return json;
    } catch (error) {
      throw new CatalogStoreError(`cannot read the catalog entry ${JSON.stringify(entry.name)} at ${entry.location}: ${errorMessage(error)}`, { cause: error });
    }
  }

  async names(): Promise<string[]> {
    let own: string[];
    try {
      own = readdirSync(path.join(this.root, ENTRIES))
        .filter((n) => n.endsWith(".json") && !n.startsWith("."))
        .map((n) => n.slice(0, -".json".length));
    } catch {
      own = [];
    }
    return [...new Set([...own, ...this.carriedEntries().keys()])].sort();
  }

  /** The entries a re-run carried into this catalog (`carry`), read once. */
  private carriedEntries(): Map<string, InlineEntry> {
    if (this.carried !== undefined) return this.carried;
    try {
      this.carried = new Map(Object.entries(JSON.parse(readFileSync(path.join(this.root, ENTRIES, CARRIED), "utf8")) as Record<string, InlineEntry>));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new CatalogStoreError(`cannot read the carried catalog entries in ${this.root}: ${errorMessage(error)}`, { cause: error });
      // Not cached: a run's catalog may get its carried entries after a reader looked.
      return new Map();
    }
    return this.carried;
  }

  async intact(entry: StoredEntry): Promise<boolean> {
    try {
      if (entry.form === "json") {
        // An entry `find` read has its JSON text with it.
        const text = (entry as InlineEntry).json ?? ((await this.find(entry.name)) as InlineEntry | undefined)?.json;
        return typeof text === "string" && createHash("sha256").update(text).digest("hex") === entry.sha256;
      }
      // The data at its place in this store (a worker may have recorded another mount's path).
      const data = path.join(this.root, entry.name);
      const info = await stat(data);
      if (entry.form === "file") return info.isFile() && info.size === entry.size;
      return info.isDirectory() && (await folderSize(data)) === entry.size;
    } catch {
      return false;
    }
  }

  /**
   * Files and folders are hard-linked (stored files are read-only and a put replaces them by a
   * rename, never writes into them: a link is as good as a copy, and costs no bytes); their
   * metadata and JSON values go into one file, `.entries/.carried.json`, written once: a re-run
   * of a 10,000-task chain carries 10,000 entries, and a file made per entry took seconds.
   */
  async carry(entries: readonly StoredEntry[], from: CatalogStore): Promise<CarryOutcome> {
    const carried: StoredEntry[] = [];
    const failed: CarryOutcome["failed"] = [];
    const table: Record<string, InlineEntry> = {};
    if (entries.length === 0) return { carried, failed };
    try {
      this.makeFolders();
    } catch (error) {
      throw this.storeError(entries[0]!.name, error);
    }
    for (const entry of entries) {
      try {
        let stored: InlineEntry;
        if (entry.form === "json") {
          stored = { name: entry.name, form: "json", location: this.metaFile(entry.name), sha256: entry.sha256, size: entry.size, json: await from.readJson(entry) };
        } else {
          const target = path.join(this.root, entry.name);
          const source = from instanceof FileCatalogStore ? path.join(from.root, entry.name) : await from.localPath(entry);
          await linkTree(source, target);
          stored = { name: entry.name, form: entry.form, location: target, sha256: entry.sha256, size: entry.size };
        }
        table[entry.name] = stored;
        carried.push(stored);
      } catch (error) {
        failed.push({ name: entry.name, error });
      }
    }
    try {
      const temp = path.join(this.root, ENTRIES, `.tmp-carried-${process.pid}-${randomUUID()}`);
      writeFileSync(temp, `${JSON.stringify(table)}\n`);
      renameSync(temp, path.join(this.root, ENTRIES, CARRIED));
      this.carried = new Map(Object.entries(table));
    } catch (error) {
      throw this.storeError(entries[0]!.name, error);
    }
    return { carried, failed };
  }

  /**
   * Write an entry's data with `fill` under a temporary name, move it into place, then its
   * metadata. Synchronous calls for the small steps: each is one system call, and a round trip
   * through libuv's thread pool per call made a 1 KB JSON put + get take 2 ms.
   */
  private async write(name: string, fill: (data: string) => Promise<Omit<StoredEntry, "name" | "location">>): Promise<StoredEntry> {
    const final = path.join(this.root, name);
    const tag = `${process.pid}-${randomUUID()}`;
    const temp = path.join(this.root, `.tmp-${name}-${tag}`);
    try {
      this.makeFolders();
      const stored = await fill(temp);
      const entry: StoredEntry = { name, ...stored, location: final };
      try {
        // A file replaces what was there (a retry puts again) in one rename.
        renameSync(temp, final);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "ENOTEMPTY" && code !== "EEXIST" && code !== "EISDIR" && code !== "ENOTDIR") throw error;
        // A folder, or a file where a folder was: what was there goes aside first, then away.
        const old = path.join(this.root, `.old-${name}-${tag}`);
        renameSync(final, old);
        renameSync(temp, final);
        rmSync(old, { recursive: true, force: true });
      }
      this.writeMeta(entry);
      return entry;
    } catch (error) {
      try {
        rmSync(temp, { recursive: true, force: true });
      } catch {
        // the error below is what matters
      }
      if (error instanceof CatalogSourceError) throw error;
      throw this.storeError(name, error);
    }
  }
}

/**
 * Copy a file and hash it at once: the kernel copies (`copyFile`: a reflink where the file
 * system has them, else copy_file_range, no bytes through JavaScript) on libuv's thread pool
 * while this thread hashes the source, streamed in CHUNK-sized pieces; so a put takes about as
 * long as the slower of the two, not their sum. The source read twice must not change in
 * between: its size and modification time before and after are compared, and a file written
 * to while it was put is refused (its copy and its digest could differ).
 */
async function storeFile(source: string, target: string): Promise<{ sha256: string; size: number }> {
  const before = await stat(source);
  const hash = createHash("sha256");
  let size = 0;
  const hashing = (async () => {
    for await (const chunk of createReadStream(source, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
  })();
  await Promise.all([copyFile(source, target, constants.COPYFILE_FICLONE), hashing]);
  const after = await stat(source);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || size !== after.size) {
    throw new CatalogSourceError(`cannot put ${source}: it changed while it was being stored; put it when nothing writes to it`);
  }
  await chmod(target, 0o444);
  return { sha256: hash.digest("hex"), size };
}

/**
 * Copy a folder's files (links followed), each hashed on the way. The folder's sha256 is that
 * of its manifest, one line per file in path order: `<path>\0<sha256>\0<size>\n`, so the same
 * files under the same names give the same digest on any machine.
 */
async function copyFolder(source: string, target: string): Promise<{ sha256: string; size: number }> {
  const manifest: string[] = [];
  let size = 0;
  const walk = async (from: string, to: string, rel: string): Promise<void> => {
    await mkdir(to, { recursive: true });
    for (const name of (await readdir(from)).sort()) {
      const child = path.join(from, name);
      const info = await stat(child);
      const childRel = rel === "" ? name : `${rel}/${name}`;
      if (info.isDirectory()) await walk(child, path.join(to, name), childRel);
      else if (info.isFile()) {
        const copied = await storeFile(child, path.join(to, name));
        manifest.push(`${childRel}\0${copied.sha256}\0${copied.size}\n`);
        size += copied.size;
      } else throw new CatalogSourceError(`cannot put ${source}: ${child} is neither a file nor a folder`);
    }
  };
  await walk(source, target, "");
  await chmod(target, 0o755);
  return { sha256: createHash("sha256").update(manifest.sort().join("")).digest("hex"), size };
}

/** A file's or folder's hard links at `target` (copies where the file system cannot link, e.g. across devices). */
async function linkTree(source: string, target: string): Promise<void> {
  const info = await stat(source);
  if (info.isDirectory()) {
    await mkdir(target, { recursive: true });
    for (const name of await readdir(source)) await linkTree(path.join(source, name), path.join(target, name));
    return;
  }
  try {
    await link(source, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EXDEV" && code !== "EPERM" && code !== "EMLINK" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw error;
    await copyFile(source, target, constants.COPYFILE_FICLONE);
    await chmod(target, 0o444);
  }
}

/** The bytes of a folder's files together, as `copyFolder` counted them. */
async function folderSize(folder: string): Promise<number> {
  let size = 0;
  for (const name of await readdir(folder)) {
    const child = path.join(folder, name);
    const info = await stat(child);
    size += info.isDirectory() ? await folderSize(child) : info.size;
  }
  return size;
}
