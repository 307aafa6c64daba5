import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

/**
 * The run directory of `runId` under `home` (`<home>/runs/<dagId>/<runId>`), whichever DAG it
 * belongs to. Throws when no DAG, or more than one, has a run with this id.
 */
export function findRunDir(home: string, runId: string): string {
  const root = path.join(home, "runs");
  const dags = existsSync(root) ? readdirSync(root).filter((dag) => !dag.startsWith(".") && existsSync(path.join(root, dag, runId))) : [];
  if (dags.length !== 1) throw new Error(`${dags.length === 0 ? "no" : dags.length} run folder(s) for ${runId} in ${root}${dags.length > 1 ? `: ${dags.join(", ")}` : ""}`);
  return path.join(root, dags[0]!, runId);
}
