import { openRunLogWriter, type RunLogWriterHooks } from "./open-run-log-writer.js";
import type { CompiledRunLogOptions } from "./run-log-options.js";
import type { RunLogRecord } from "./run-log-record.js";

/**
 * Record `records` from outside a run (the `crash` action of `wf run-task --report-crash`, a crash a
 * reader detected): through the configured store's writer, so what PostgreSQL cannot take
 * waits in the file store like any run's records. Never throws; problems go to `hooks`.
 */
export async function appendRunLogRecords(options: CompiledRunLogOptions, records: readonly RunLogRecord[], hooks: RunLogWriterHooks): Promise<void> {
  let writer;
  try {
    writer = await openRunLogWriter(options, hooks);
  } catch (error) {
    hooks.onFileError(options.home, error);
    return;
  }
  if (writer === undefined) return;
  for (const record of records) writer.write(record, true);
  await writer.close();
}
