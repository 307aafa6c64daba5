import { createEvent } from "../events/create-event.js";
import { checkCatalogName } from "../catalog/catalog-name.js";
import type { StoredEntry } from "../catalog/catalog-store.js";
import { CatalogEntryNotFoundError, CatalogSourceError } from "../catalog/errors.js";
import { catalogJsonOf, type TaskCatalog } from "../catalog/task-catalog.js";
import type { RunContext } from "./run-context.js";

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
        entry = await run.catalog.putJson(name, catalogJsonOf(task, name, source.value));
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
