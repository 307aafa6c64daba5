import { isDeepStrictEqual } from "node:util";
import type { StoredEntry } from "./catalog-store.js";
import { CatalogSourceError } from "./errors.js";

/** What `put` stores: the file or folder at `path`, or a JSON-serialisable `value`. */
export type CatalogSource = { path: string; value?: never } | { value: unknown; path?: never };

/** A stored catalog entry: its name, form (`file`, `folder`, `json`), location, sha256 and size. */
export type CatalogEntry = StoredEntry;

/**
 * Data handed from task to task within a run, the same on every engine (`this.catalog`). Every
 * put and get is a `task.catalog` status event, so the run log lists them in the task's step
 * log with their sha256.
 */
export interface TaskCatalog {
  /**
   * Store a file or folder (`{ path }`, copied, streamed) or a JSON-serialisable value
   * (`{ value }`) under `name` for this run; a later put of the same name (a retry) replaces it.
   */
  put(name: string, source: CatalogSource): Promise<CatalogEntry>;
  /**
   * What a task of this run put under `name`: a local path for a file or folder (read it, do
   * not change it), the value for JSON. Throws CatalogEntryNotFoundError, naming the task, the
   * name and what the run's catalog holds, when no task put it.
   */
  get<T = unknown>(name: string): Promise<T>;
}

/** The JSON text of a value `task` puts under `name`, refused when it would not come back the same (a Date, a Map, undefined, a class instance). */
export function catalogJsonOf(task: string, name: string, value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new CatalogSourceError(`task ${task}: put(${JSON.stringify(name)}, { value }): the value cannot be turned into JSON (${(error as Error).message})`, { cause: error });
  }
  if (json === undefined || !isDeepStrictEqual(JSON.parse(json), value)) {
    throw new CatalogSourceError(
      `task ${task}: put(${JSON.stringify(name)}, { value }): the value would not come back the same from JSON (a Date, a Map or Set, undefined, a class instance?); store plain objects, arrays, strings, numbers, booleans and null, or put a file`,
    );
  }
  return json;
}
