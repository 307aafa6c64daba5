import { mkdir } from "node:fs/promises";
import path from "node:path";
import { errorMessage } from "../errors/wfkit-error.js";
import { RunDirError } from "./errors.js";

/**
 * `<home>/runs/<dagId>/<runId>` resolved against `cwd`: keyed by dag id too, because Airflow's
 * run ids are unique per DAG only (every `@daily` DAG has a `scheduled__<date>` run).
 */
export function runDirPath(home: string, dagId: string, runId: string, cwd: string = process.cwd()): string {
  return path.resolve(cwd, home, "runs", dagId, runId);
}

/**
 * Create the run directory (and its parents) and return its absolute path. Throws a
 * RunDirError that names the folder and WF_HOME when that is not possible.
 */
export async function createRunDir(home: string, dagId: string, runId: string, cwd?: string): Promise<string> {
  const dir = runDirPath(home, dagId, runId, cwd);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new RunDirError(
      `cannot create the run directory ${dir}: ${errorMessage(error)} (set WF_HOME to a writable folder)`,
      { cause: error },
    );
  }
  return dir;
}
