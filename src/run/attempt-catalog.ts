import { createEvent } from "../events/create-event.js";
import { checkCatalogName } from "../catalog/catalog-name.js";
import type { StoredEntry } from "../catalog/catalog-store.js";
import type { DeclaredData } from "../catalog/declared-data.js";
import { CatalogEntryNotFoundError, CatalogSourceError, CatalogUndeclaredError } from "../catalog/errors.js";
import { catalogJsonOf, type TaskCatalog } from "../catalog/task-catalog.js";
import type { RunContext } from "./run-context.js";
import type { TraceIds } from "../telemetry/run-telemetry.js";

/**
 * The catalog of one attempt of one task: names checked, declared inputs and outputs enforced
 * (with their schemas), each put and get published as a `task.catalog` event.
 */
export function createTaskCatalog(run: RunContext<unknown>, task: string, attempt: number, trace?: TraceIds): TaskCatalog {
  const stamp = trace === undefined ? { task, attempt } : { task, attempt, trace };
  const declared = run.declaredData(task);
  const record = (stage: "put" | "get", entry: StoredEntry) =>
    run.bus.publish(createEvent(run, "task.catalog", { stage, name: entry.name, form: entry.form, location: entry.location, sha256: entry.sha256, size: entry.size }, stamp));
  return {
    async put(name, source) {
      checkCatalogName(name, task);
      checkDeclared(task, name, declared?.outputs, "outputs", "put");
      if (typeof source !== "object" || source === null || ("path" in source) === ("value" in source)) {
        throw new CatalogSourceError(`task ${task}: put(${JSON.stringify(name)}, source) takes { path: "…" } (a file or folder) or { value: … } (JSON), not both or neither`);
      }
      let entry: StoredEntry;
      if (source.path !== undefined) {
        if (typeof source.path !== "string" || source.path === "") throw new CatalogSourceError(`task ${task}: put(${JSON.stringify(name)}, { path }) needs the path of a file or folder`);
        entry = await run.catalog.putPath(name, source.path);
      } else {
        const schema = declared?.outputs?.schemas.get(name);
        if (schema !== undefined) {
          const check = schema.safeParse(source.value);
          if (!check.success) throw new CatalogSourceError(`task ${task}: put(${JSON.stringify(name)}, { value }): the value does not match the schema in static outputs: ${issuesText(check.error.issues)}`);
        }
        entry = await run.catalog.putJson(name, catalogJsonOf(task, name, source.value));
      }
      record("put", entry);
      return entry;
    },
    async get<T>(name: string): Promise<T> {
      checkCatalogName(name, task);
      checkDeclared(task, name, declared?.inputs, "inputs", "get");
      const entry = await run.catalog.find(name);
      if (entry === undefined) {
        const names = await run.catalog.names();
        const shared = sharedStorageHint(run, names);
        throw new CatalogEntryNotFoundError(
          `task ${task}: no catalog entry ${JSON.stringify(name)} in run ${run.runId} of ${run.dagId}: ${names.length === 0 ? "no task has put anything yet" : `it holds ${names.map((n) => JSON.stringify(n)).join(", ")}`}${shared === "" ? "" : ` (${shared})`}; put it in an upstream task with this.catalog.put(${JSON.stringify(name)}, …)`,
        );
      }
      let value: unknown;
      if (entry.form === "json") {
        value = JSON.parse(await run.catalog.readJson(entry));
        const schema = declared?.inputs?.schemas.get(name);
        if (schema !== undefined) {
          const check = schema.safeParse(value);
          if (!check.success) throw new CatalogSourceError(`task ${task}: get(${JSON.stringify(name)}): the stored value does not match the schema in static inputs: ${issuesText(check.error.issues)}`);
          value = check.data;
        }
      } else value = await run.catalog.localPath(entry);
      record("get", entry);
      return value as T;
    },
  };
}

/**
 * Before a task that declares its inputs runs: each is in the run's catalog, or the attempt
 * fails now, naming what is missing, rather than halfway through its work. On Airflow a catalog
 * with nothing in it most often means this worker does not see the storage the others wrote to.
 */
export async function checkDeclaredInputs(run: RunContext<unknown>, task: string): Promise<void> {
  const names = run.declaredData(task)?.inputs?.names;
  if (names === undefined || names.length === 0) return;
  const missing: string[] = [];
  for (const name of names) if ((await run.catalog.find(name)) === undefined) missing.push(name);
  if (missing.length === 0) return;
  const held = await run.catalog.names();
  const shared = sharedStorageHint(run, held);
  throw new CatalogEntryNotFoundError(
    `task ${task} cannot start: its declared input${missing.length === 1 ? "" : "s"} ${missing.map((n) => JSON.stringify(n)).join(", ")} ${missing.length === 1 ? "is" : "are"} not in the catalog of run ${run.runId} of ${run.dagId} (it holds ${held.length === 0 ? "nothing" : held.map((n) => JSON.stringify(n)).join(", ")})${shared === "" ? "" : `; ${shared}`}`,
  );
}

/** On Airflow an empty catalog most often means this worker does not see the storage the others wrote to: what to do, or "". */
function sharedStorageHint(run: RunContext<unknown>, held: readonly string[]): string {
  return held.length === 0 && run.engine === "airflow" ? `on Airflow every worker must see the same catalog: mount one shared WF_HOME on all workers; this one reads ${run.catalog.description}` : "";
}

/** A task that declares its `inputs` (`outputs`) may get (put) those names only. */
function checkDeclared(task: string, name: string, declared: DeclaredData | undefined, which: "inputs" | "outputs", stage: "get" | "put"): void {
  if (declared === undefined || declared.names.includes(name)) return;
  throw new CatalogUndeclaredError(
    `task ${task}: ${stage}(${JSON.stringify(name)}) of a name it does not declare: its static ${which} ${declared.names.length === 0 ? "are empty" : `are ${declared.names.map((n) => JSON.stringify(n)).join(", ")}`}; add ${JSON.stringify(name)} to them`,
  );
}

function issuesText(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.length > 0 ? `${i.path.map(String).join(".")}: ` : ""}${i.message}`).join("; ");
}
