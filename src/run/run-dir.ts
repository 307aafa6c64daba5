import { mkdir } from "node:fs/promises";
import path from "node:path";

/** `<home>/runs/<runId>` resolved against `cwd`. */
export function runDirPath(home: string, runId: string, cwd: string = process.cwd()): string {
  return path.resolve(cwd, home, "runs", runId);
}

/** Create the run directory (and its parents) and return its absolute path. */
export async function createRunDir(home: string, runId: string, cwd?: string): Promise<string> {
  const dir = runDirPath(home, runId, cwd);
  await mkdir(dir, { recursive: true });
  return dir;
}
