import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { errorMessage } from "../errors/wfkit-error.js";
import { RunIdSchema } from "./run-id.js";

/** Written into `<home>/runs/` once its folders are in the `<dagId>/<runId>` layout. */
export const RUNS_LAYOUT_FILE = ".layout";
const LAYOUT = "2";

/** The files a run folder holds directly; a DAG folder of the new layout holds only folders. */
const RUN_FOLDER_FILES = ["result.json", "events.jsonl", "run.log", ".run.lock"];

/** What {@link moveOldRunFolders} did. */
export interface OldRunFolders {
  /** Run folders moved from `runs/<runId>/` to `runs/<dagId>/<runId>/`. */
  moved: number;
  /** Why each folder that was left where it is was left (one line each, naming it). */
  left: string[];
}

/**
 * Move run folders of the old layout (`<home>/runs/<runId>/`, before the run log) to
 * `<home>/runs/<dagId>/<runId>/`, once per WF_HOME (a `runs/.layout` file says it was done;
 * every later run pays one `stat`). A folder's DAG comes from its `result.json`, else from the
 * first event of its `events.jsonl`; a folder whose DAG cannot be told, or whose new place is
 * taken, stays and is named in `left`. Renames are atomic: two processes migrating at once
 * move each folder once. Never throws.
 */
export function moveOldRunFolders(home: string, cwd: string = process.cwd()): OldRunFolders {
  const root = path.resolve(cwd, home, "runs");
  const marker = path.join(root, RUNS_LAYOUT_FILE);
  const done: OldRunFolders = { moved: 0, left: [] };
  if (existsSync(marker)) return done;
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return done; // no runs yet (the folder is made with the first run's)
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const folder = path.join(root, entry.name);
    if (!RUN_FOLDER_FILES.some((file) => existsSync(path.join(folder, file)))) continue;
    const dagId = dagIdOf(folder);
    if (dagId === undefined) {
      done.left.push(`run folder ${folder} is of the old layout and its DAG cannot be told (no result.json, no event with a dag id): move it to runs/<dag id>/${entry.name}/ or delete it`);
      continue;
    }
    const target = path.join(root, dagId, entry.name);
    if (existsSync(target)) {
      done.left.push(`run folder ${folder} is of the old layout but ${target} exists: compare the two and merge or delete one`);
      continue;
    }
    try {
      mkdirSync(path.join(root, dagId), { recursive: true });
      renameSync(folder, target);
      done.moved++;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue; // another process moved it
      done.left.push(`run folder ${folder} could not be moved to ${target}: ${errorMessage(error)}`);
    }
  }
  try {
    writeFileSync(marker, `${LAYOUT}\n`);
  } catch {
    // Read-only home: tried again at the next run, which finds the same folders.
  }
  return done;
}

/** The dag id an old run folder's files name, when it is safe as a folder name. */
function dagIdOf(folder: string): string | undefined {
  const candidates: unknown[] = [];
  try {
    candidates.push((JSON.parse(readFileSync(path.join(folder, "result.json"), "utf8")) as { dagId?: unknown }).dagId);
  } catch {
    // no result: the run ended before writing one, or an Airflow run's folder
  }
  try {
    const text = readFileSync(path.join(folder, "events.jsonl"), "utf8");
    const end = text.indexOf("\n");
    const first = end < 0 ? text : text.slice(0, end);
    candidates.push((JSON.parse(first) as { data?: { dagId?: unknown } }).data?.dagId);
  } catch {
    // no events file, or its first line is cut
  }
  for (const candidate of candidates) {
    if (typeof candidate === "string" && RunIdSchema.safeParse(candidate).success) return candidate;
  }
  return undefined;
}
