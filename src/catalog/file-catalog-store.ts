import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { errorMessage } from "../errors/wfkit-error.js";
import type { CatalogStore, StoredEntry } from "./catalog-store.js";
import { CatalogSourceError, CatalogStoreError } from "./errors.js";

/** The catalog's folder in a run folder: `<WF_HOME>/runs/<dag id>/<run id>/catalog/`. */
export const CATALOG_DIR = "catalog";
const ENTRY_FILE = "entry.json";
const DATA = "data";
/** Read and write in pieces this big: a file of any size streams through a fixed buffer. */
const CHUNK = 1024 * 1024;

/**
 * A run's catalog in files: `<root>/<name>/entry.json` (what it is, its sha256 and size) and
 * `<root>/<name>/data` (the file, the folder, or the JSON text). An entry is written into a
 * temporary folder beside it and renamed into place, so a reader finds a whole entry or none;
 * stored files are made read-only, so that a task cannot change an upstream's data by mistake.
 * Files are copied, not linked: a hard link would let the producer's later writes to its own
 * file change what downstream tasks read. On a shared volume (NFS, EFS, a PVC) every Airflow
 * worker sees the same catalog.
 */
export class FileCatalogStore implements CatalogStore {
  readonly description: string;

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
        const { sha256, size } = await copyFile(source, data);
        return { form: "file", sha256, size };
      }
      const { sha256, size } = await copyFolder(source, data);
      return { form: "folder", sha256, size };
    });
  }

  async putJson(name: string, json: string): Promise<StoredEntry> {
    return this.write(name, async (data) => {
      await writeFile(data, json, { mode: 0o444 });
      return { form: "json", sha256: createHash("sha256").update(json).digest("hex"), size: Buffer.byteLength(json) };
    });
  }

  async find(name: string): Promise<StoredEntry | undefined> {
    let text: string;
    try {
      text = await readFile(path.join(this.root, name, ENTRY_FILE), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new CatalogStoreError(`cannot read the catalog entry ${JSON.stringify(name)} in ${this.root}: ${errorMessage(error)}`, { cause: error });
    }
    return JSON.parse(text) as StoredEntry;
  }

  async localPath(entry: StoredEntry): Promise<string> {
    return entry.location;
  }

  async readJson(entry: StoredEntry): Promise<string> {
    try {
      return await readFile(entry.location, "utf8");
    } catch (error) {
      throw new CatalogStoreError(`cannot read the catalog entry ${JSON.stringify(entry.name)} at ${entry.location}: ${errorMessage(error)}`, { cause: error });
    }
  }

  async names(): Promise<string[]> {
    try {
      return (await readdir(this.root)).filter((n) => !n.startsWith(".")).sort();
    } catch {
      return [];
    }
  }

  /** Write an entry into a temporary folder with `fill`, then move it into place whole. */
  private async write(name: string, fill: (data: string) => Promise<Omit<StoredEntry, "name" | "location">>): Promise<StoredEntry> {
    const final = path.join(this.root, name);
    const temp = path.join(this.root, `.tmp-${name}-${randomUUID()}`);
    try {
      await mkdir(temp, { recursive: true });
      const stored = await fill(path.join(temp, DATA));
      const entry: StoredEntry = { name, ...stored, location: path.join(final, DATA) };
      await writeFile(path.join(temp, ENTRY_FILE), `${JSON.stringify(entry)}\n`);
      // A retry puts again: what the failed attempt stored goes aside first, then away.
      const old = path.join(this.root, `.old-${name}-${randomUUID()}`);
      const replaced = await rename(final, old).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === "ENOENT") return false;
          throw error;
        },
      );
      await rename(temp, final);
      if (replaced) await rm(old, { recursive: true, force: true });
      return entry;
    } catch (error) {
      await rm(temp, { recursive: true, force: true }).catch(() => {});
      if (error instanceof CatalogSourceError) throw error;
      throw new CatalogStoreError(`cannot store the catalog entry ${JSON.stringify(name)} in ${this.root}: ${errorMessage(error)} (is WF_HOME writable, and its disk not full?)`, { cause: error });
    }
  }
}

/** Copy a file, hashing it on the way: one read of the source, in CHUNK-sized pieces. */
async function copyFile(source: string, target: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  await pipeline(
    createReadStream(source, { highWaterMark: CHUNK }),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        size += chunk.length;
        yield chunk;
      }
    },
    createWriteStream(target, { mode: 0o444, highWaterMark: CHUNK }),
  );
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
        const copied = await copyFile(child, path.join(to, name));
        manifest.push(`${childRel}\0${copied.sha256}\0${copied.size}\n`);
        size += copied.size;
      } else throw new CatalogSourceError(`cannot put ${source}: ${child} is neither a file nor a folder`);
    }
  };
  await walk(source, target, "");
  await chmod(target, 0o755);
  return { sha256: createHash("sha256").update(manifest.sort().join("")).digest("hex"), size };
}
