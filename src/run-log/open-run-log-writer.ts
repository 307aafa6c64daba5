import { FileRunLogStore, FileRunLogWriter } from "./file-store.js";
import type { CompiledRunLogOptions } from "./run-log-options.js";
import type { RunLogWriter } from "./run-log-store.js";

/** What a run-log writer tells its owner. */
export interface RunLogWriterHooks {
  /** A file of the file store could not be written: the record is lost (as the events file's would be). */
  onFileError(file: string, error: unknown): void;
  /** The store is unreachable and records wait in the file store (said once). */
  onWarning(message: string): void;
}

/**
 * A writer into the configured store, or undefined when the run log is off. For PostgreSQL
 * the store is opened (and migrated) on first use in the process; with `strict` a store that
 * cannot be reached throws RunLogStoreError here, before the run starts.
 */
export async function openRunLogWriter(options: CompiledRunLogOptions, hooks: RunLogWriterHooks): Promise<RunLogWriter | undefined> {
  if (options.store === "off") return undefined;
  if (options.store === "file") return new FileRunLogWriter(new FileRunLogStore(options.home), hooks.onFileError);
  // Loaded only here: a run that records to files never loads the PostgreSQL driver.
  const { openPostgresRunLogWriter } = await import("./postgres-writer.js");
  return openPostgresRunLogWriter(options, hooks);
}
