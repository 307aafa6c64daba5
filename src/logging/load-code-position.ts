/** The code-position module: stack parsing with source maps. */
export type CodePositions = typeof import("./code-position.js");

let loading: Promise<CodePositions> | undefined;
let loaded: CodePositions | undefined;

/**
 * Load the stack parser on first need (a task failure, or a layout that shows file and line)
 * rather than at start-up: `wf run-task` on an Airflow worker starts once per task, and a task
 * that logs no position and does not fail never pays for it.
 */
export function loadCodePositions(): Promise<CodePositions> {
  return (loading ??= import("./code-position.js").then((m) => (loaded = m)));
}

/** The module when already loaded, else undefined. */
export function codePositionsIfLoaded(): CodePositions | undefined {
  return loaded;
}

/**
 * Where `error` was thrown in the user's code, as `file:line` (` in function` when known),
 * source-mapped to the TypeScript line: for messages about an error that happened in user code
 * outside any task (a module that throws while it is imported). Undefined when no frame of its
 * stack (or its causes') is the user's.
 */
export async function whereThrown(error: unknown): Promise<string | undefined> {
  const at = (await loadCodePositions()).thrownAt(error);
  return at === undefined ? undefined : `${at.file}:${at.line}${at.function === undefined ? "" : ` in ${at.function}`}`;
}
