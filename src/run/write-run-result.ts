import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { runResultToJson, type RunResult } from "./run-result.js";

/** The run's result in its run directory. */
export const RESULT_FILE = "result.json";

/** Write `result.json` into the run directory, whole or not at all (temp file and rename). */
export async function writeRunResult(result: RunResult): Promise<string> {
  const file = path.join(result.runDir, RESULT_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(runResultToJson(result), null, 2)}\n`);
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return file;
}
