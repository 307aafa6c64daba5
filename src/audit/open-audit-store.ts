import path from "node:path";
import type { CompiledRunLogOptions } from "../run-log/run-log-options.js";
import type { AuditStore } from "./audit-store.js";
import { AuditStoreError } from "./errors.js";

/**
 * The audit's store beside the run log's (WF_RUN_LOG): the file store under WF_HOME, or the same
 * PostgreSQL database. Throws AuditStoreError when the run log is off, or PostgreSQL cannot be reached.
 */
export async function openAuditStore(options: CompiledRunLogOptions): Promise<AuditStore> {
  if (options.store === "off") {
    throw new AuditStoreError("extracts and holds are kept in the run log's store, and the run log is off (WF_RUN_LOG=off): set WF_RUN_LOG to file or a PostgreSQL URL");
  }
  // Loaded when a task first uses extracts: a task start never pays for either store.
  if (options.store === "file") {
    const { FileAuditStore } = await import("./file-audit-store.js");
    return new FileAuditStore(path.resolve(options.home));
  }
  const { PostgresAuditStore } = await import("./postgres-audit-store.js");
  return PostgresAuditStore.open(options.url!);
}

/** An audit store opened on first use and closed with the run: most runs never touch one. */
export class LazyAuditStore {
  private opening: Promise<AuditStore> | undefined;

  constructor(private readonly options: CompiledRunLogOptions) {}

  /** The store, opened now if it is not yet. */
  get(): Promise<AuditStore> {
    if (this.opening === undefined) {
      const opening = (this.opening = openAuditStore(this.options));
      // A store that could not be opened is tried again by the next call.
      opening.catch(() => {
        if (this.opening === opening) this.opening = undefined;
      });
    }
    return this.opening;
  }

  /** Close the store if it was opened. */
  async close(): Promise<void> {
    const opening = this.opening;
    if (opening === undefined) return;
    try {
      await (await opening).close();
    } catch {
      // It never opened: the task that asked was told.
    }
  }
}
