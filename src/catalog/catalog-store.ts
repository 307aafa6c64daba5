/** What a catalog entry holds: a file, a folder, or a JSON value. */
export type CatalogForm = "file" | "folder" | "json";

/** One stored entry: what it is, where, and its content's digest. */
export interface StoredEntry {
  name: string;
  form: CatalogForm;
  /** Where the store keeps it (a path for the file store). */
  location: string;
  /** Hex sha256 of the content: the file's bytes, the value's JSON text, or a folder's manifest (see the file store). */
  sha256: string;
  /** Bytes: the file's, the JSON text's, or the folder's files' together. */
  size: number;
}

/**
 * Where one run's catalog is kept. The file store (`file-catalog-store.ts`) is the default;
 * an object store implements the same: puts that stream, a `get` that finds what any task of
 * the run put (on Airflow, another process on maybe another machine), and a local path for
 * file and folder entries.
 */
export interface CatalogStore {
  /** For messages: `file <folder>`. */
  readonly description: string;
  /** Store the file or folder at `source` under `name`, replacing what was there (a retry puts again). */
  putPath(name: string, source: string): Promise<StoredEntry>;
  /** Store a JSON text under `name`, replacing what was there. */
  putJson(name: string, json: string): Promise<StoredEntry>;
  /** The entry under `name`, or undefined when no task put one. */
  find(name: string): Promise<StoredEntry | undefined>;
  /** A file or folder entry as a local path (read it, do not change it). */
  localPath(entry: StoredEntry): Promise<string>;
  /** A JSON entry's text. */
  readJson(entry: StoredEntry): Promise<string>;
  /** The names stored, sorted: for messages. */
  names(): Promise<string[]>;
  /**
   * Whether `entry`'s data is all there as it was stored (metadata can outlive a deleted file):
   * a re-run carries only entries that are.
   */
  intact(entry: StoredEntry): Promise<boolean>;
  /**
   * Take `entries` from another run's catalog (`from`) into this one under the same names, all
   * at once: a re-run carrying the entries of the tasks it reuses (thousands, in a long chain).
   * Same digests and sizes, this store's locations. An entry that cannot be carried is in
   * `failed`; the others are carried.
   */
  carry(entries: readonly StoredEntry[], from: CatalogStore): Promise<CarryOutcome>;
}

/** What `carry` did. */
export interface CarryOutcome {
  /** The entries now in this store, in the order given. */
  carried: StoredEntry[];
  /** The entries that could not be carried, and why. */
  failed: { name: string; error: unknown }[];
}
