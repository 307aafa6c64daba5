import { readdir } from "node:fs/promises";
import { errorMessage } from "../errors/wfkit-error.js";
import { AuditTally } from "../audit/audit-tally.js";
import type { TaskAudit, TaskExtracts } from "../audit/task-audit.js";
import { ExtractStatusSchema, NEXT_STATUSES, type Extract, type ExtractActor, type ExtractKey, type ExtractStatus } from "../audit/extract.js";
import { AuditStoreError, AuditUsageError, ExtractStatusError } from "../audit/errors.js";
import type { RunContext } from "./run-context.js";

/**
 * The audit of one attempt of one task (`this.audit`): counting in memory (`AuditTally`), and
 * extracts through the run's audit store, each change noted for the attempt's audit record.
 */
export class AttemptAudit implements TaskAudit {
  readonly tally: AuditTally;
  readonly extracts: TaskExtracts;

  constructor(run: RunContext<unknown>, task: string) {
    const tally = (this.tally = new AuditTally(task, run.audit.datasetTypes));
    this.extracts = attemptExtracts(run, task, tally);
  }

  records(kind: string, count: number): void {
    this.tally.records(kind, count);
  }
  dataRange(low: Date | number | string, high?: Date | number | string): void {
    this.tally.dataRange(low, high);
  }
  error(type: string, description: string, options?: { failRun?: boolean }): void {
    this.tally.error(type, description, options);
  }
  status(status: string): void {
    this.tally.status(status);
  }
  source(source: Parameters<TaskAudit["source"]>[0]): void {
    this.tally.source(source);
  }
  target(target: Parameters<TaskAudit["target"]>[0]): void {
    this.tally.target(target);
  }
}

function attemptExtracts(run: RunContext<unknown>, task: string, tally: AuditTally): TaskExtracts {
  const actor: ExtractActor = { workflow: run.workflowName, dagId: run.dagId, runId: run.runId, task };
  const store = () => run.audit.store.get();
  // What is stored is what every exit shows: a location's URL credentials and the run's secrets
  // are masked before it reaches the store, the same way every time, so lookups still match.
  const stored = (key: ExtractKey): ExtractKey => ({ location: run.mask.text(key.location), filename: run.mask.text(key.filename) });
  const checkKey = (key: ExtractKey, call: string) => {
    if (typeof key !== "object" || key === null || typeof key.location !== "string" || key.location === "" || typeof key.filename !== "string" || key.filename === "") {
      throw new AuditUsageError(`task ${task}: this.audit.extracts.${call} takes extracts as { location, filename } (what find() returns)`);
    }
  };
  const checkStatus = (status: unknown, call: string): ExtractStatus => {
    const parsed = ExtractStatusSchema.safeParse(status);
    if (!parsed.success) throw new AuditUsageError(`task ${task}: this.audit.extracts.${call}: ${JSON.stringify(status)} is not an extract status; use one of ${ExtractStatusSchema.options.join(", ")}`);
    return parsed.data;
  };
  const register = async (location: string, filename: string, status: ExtractStatus): Promise<{ created: boolean; extract: Extract }> => {
    checkKey({ location, filename }, "register(location, filename)");
    const key = stored({ location, filename });
    const registered = await (await store()).registerExtract(key, actor, status);
    if (registered.created) {
      tally.used = true;
      tally.extractChanges.push({ ...key, from: null, to: registered.extract.status });
    }
    return registered;
  };
  return {
    async register(location, filename, options = {}) {
      return (await register(location, filename, checkStatus(options.status ?? "ready", "register"))).extract;
    },
    async registerLocation(folder, options = {}) {
      if (typeof folder !== "string" || folder === "") throw new AuditUsageError(`task ${task}: this.audit.extracts.registerLocation(folder) needs a folder path`);
      let names: string[];
      try {
        names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isFile() && (options.match === undefined || options.match.test(e.name))).map((e) => e.name).sort();
      } catch (error) {
        throw new AuditStoreError(`task ${task}: cannot list extracts in ${folder}: ${errorMessage(error)}`, { cause: error });
      }
      const added: Extract[] = [];
      for (const name of names) {
        const registered = await register(folder, name, "ready");
        if (registered.created) added.push(registered.extract);
      }
      return added;
    },
    async find(filter = {}) {
      if (filter.status !== undefined && filter.status !== "any") checkStatus(filter.status, "find");
      return (await store()).findExtracts(filter.location === undefined ? filter : { ...filter, location: run.mask.text(filter.location) });
    },
    async claim(extracts) {
      const claimed: Extract[] = [];
      const s = await store();
      for (const key of extracts) {
        checkKey(key, "claim(extracts)");
        const k = stored(key);
        const change = await s.changeExtractStatus(k, "loading", actor);
        if (!change.changed) continue;
        tally.used = true;
        tally.extractChanges.push({ ...k, from: change.previous ?? "ready", to: "loading" });
        claimed.push(change.extract);
      }
      return claimed;
    },
    async setStatus(key, to) {
      checkKey(key, "setStatus(extract, status)");
      const status = checkStatus(to, "setStatus");
      const k = stored(key);
      const change = await (await store()).changeExtractStatus(k, status, actor);
      if (!change.changed) {
        const from = change.extract.status;
        throw new ExtractStatusError(
          `task ${task}: extract ${key.filename} in ${key.location} is ${from}, which cannot become ${status}${NEXT_STATUSES[from].length === 0 ? " (it is final)" : ` (from ${from}: ${NEXT_STATUSES[from].join(", ")})`}${change.extract.changedBy === null ? "" : `; last changed by run ${change.extract.changedBy.runId} of ${change.extract.changedBy.dagId}`}`,
        );
      }
      tally.used = true;
      tally.extractChanges.push({ ...k, from: change.previous ?? null, to: status });
      return change.extract;
    },
  };
}
