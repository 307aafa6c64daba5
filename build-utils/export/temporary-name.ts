import { randomUUID } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { processAlive } from "../../src/engine.js";

// A temporary's name says which process made it: `.<target>.wfkit-<kind>-<pid>-<uuid>`. A
// process killed while writing (SIGKILL, a power cut) cannot remove its temporary; the next
// write to the same target removes those whose process is gone.
const PATTERN = /^\.(.+)\.wfkit-([a-z]+)-(\d+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.tmp)?$/;

/** The path of a new temporary next to `target`: a file (`kind` "tmp") or a staging folder ("staging"). */
export function temporaryPath(target: string, kind: "tmp" | "staging"): string {
  const suffix = kind === "tmp" ? ".tmp" : "";
  return path.join(path.dirname(target), `.${path.basename(target)}.wfkit-${kind}-${process.pid}-${randomUUID()}${suffix}`);
}

/**
 * Remove the temporaries left next to `target` by processes that are gone. Never throws: a
 * leftover that cannot be removed stays, as it would have.
 */
export async function removeStaleTemporaries(target: string): Promise<void> {
  const base = path.basename(target);
  const names = await readdir(path.dirname(target)).catch(() => [] as string[]);
  for (const name of names) {
    const match = PATTERN.exec(name);
    if (match === null || match[1] !== base) continue;
    const pid = Number(match[3]);
    if (pid === process.pid || processAlive(pid)) continue;
    await rm(path.join(path.dirname(target), name), { recursive: true, force: true }).catch(() => undefined);
  }
}
