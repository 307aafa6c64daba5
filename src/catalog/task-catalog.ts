import { isDeepStrictEqual } from "node:util";
import { createEvent } from "../events/create-event.js";
import type { RunContext } from "../run/run-context.js";
import { checkCatalogName } from "./catalog-name.js";
import type { StoredEntry } from "./catalog-store.js";
import { CatalogEntryNotFoundError, CatalogSourceError } from "./errors.js";

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

/** The catalog of one attempt of one task. */
export function createTaskCatalog(run: RunContext<unknown>, task: string, attempt: number): TaskCatalog {
  const stamp = { task, attempt };
  const record = (stage: "put" | "get", entry: StoredEntry) =>
    run.bus.publish(createEvent(run, "task.catalog", { stage, name: entry.name, form: entry.form, location: entry.location, sha256: entry.sha256, size: entry.size }, stamp));
  return {
    async put(name, source) {
      checkCatalogName(name, task);
      if (typeof source !== "object" || source === null || ("path" in source) === ("value" in source)) {
        throw new CatalogSourceError(`task ${task}: put(${JSON.stringify(name)}, source) takes { path: "…" } (a file or folder) or { value: … } (JSON), not both or neither`);
      }
      let entry: StoredEntry;
      if (source.path !== undefined) {
        if (typeof source.path !== "string" || source.path === "") throw new CatalogSourceError(`task ${task}: put(${JSON.stringify(name)}, { path }) needs the path of a file or folder`);
        entry = await run.catalog.putPath(name, source.path);
      } else {
        entry = await run.catalog.putJson(name, jsonOf(task, name, source.value));
      }
      record("put", entry);
      return entry;
    },
    async get<T>(name: string): Promise<T> {
      checkCatalogName(name, task);
      const entry = await run.catalog.find(name);
      if (entry === undefined) {
        const names = await run.catalog.names();
        // On Airflow an empty catalog most often means this worker does not see the others' storage.
        const shared = names.length === 0 && run.engine === "airflow" ? ` (on Airflow every worker must see the same catalog: mount one shared WF_HOME on all workers; this one reads ${run.catalog.description})` : "";
        throw new CatalogEntryNotFoundError(
          `task ${task}: no catalog entry ${JSON.stringify(name)} in run ${run.runId} of ${run.dagId}: ${names.length === 0 ? "no task has put anything yet" : `it holds ${names.map((n) => JSON.stringify(n)).join(", ")}`}${shared}; put it in an upstream task with this.catalog.put(${JSON.stringify(name)}, …)`,
        );
      }
      const value = entry.form === "json" ? (JSON.parse(await run.catalog.readJson(entry)) as T) : ((await run.catalog.localPath(entry)) as T);
      record("get", entry);
      return value;
    },
  };
}

/** The JSON text of `value`, refused when it would not come back the same (a Date, a Map, undefined, a class instance). */
function jsonOf(task: string, name: string, value: unknown): string {
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
