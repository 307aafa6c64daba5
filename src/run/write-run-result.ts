import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { runResultToJson, type RunResult } from "./run-result.js";

/** Write `result.json` into the run directory, whole or not at all (temp file and rename). */
export async function writeRunResult(result: RunResult): Promise<string> {
  const file = path.join(result.runDir, "result.json");
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
