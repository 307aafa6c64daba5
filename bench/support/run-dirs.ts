import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

/**
 * How many run folders `<home>/runs/` holds: `runs/<dagId>/<runId>/`, and for builds from before
 * run folders were keyed by dag id, `runs/<runId>/` (a folder with an events file). Dot entries
 * (`runs/.layout`) are not runs.
 */
export function countRunDirs(home: string): number {
  const root = path.join(home, "runs");
  if (!existsSync(root)) return 0;
  let count = 0;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const folder = path.join(root, entry.name);
    count += existsSync(path.join(folder, "events.jsonl")) ? 1 : readdirSync(folder).length;
  }
  return count;
}
