// A small tmpfs for the full-disk tests: a real file system that runs out of space, mounted in a
// temp folder (root, or CAP_SYS_ADMIN, is needed: CI runs as root) and unmounted after.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** A mounted tmpfs. */
export interface SmallDisk {
  readonly dir: string;
  /** Bytes the file system still has free. */
  free(): number;
  /** Fill it until at most `leaveBytes` (rounded down to its 4 KiB pages) are free. */
  fill(leaveBytes: number): void;
  /** Remove everything on it. */
  empty(): void;
  unmount(): void;
}

/** Whether a tmpfs can be mounted here, and why not. */
export type TmpfsAvailability = { ok: true } | { ok: false; reason: string };

let found: TmpfsAvailability | undefined;

/** Whether this process may mount a tmpfs (probed once). Under CI=true it must: a failed probe throws, so it is never a skip. */
export function tmpfsAvailability(): TmpfsAvailability {
  if (found === undefined) {
    try {
      mountTmpfs(64 * 1024).unmount();
      found = { ok: true };
    } catch (error) {
      found = { ok: false, reason: `cannot mount a tmpfs (root or CAP_SYS_ADMIN is needed): ${(error as Error).message}` };
    }
  }
  if (!found.ok && process.env["CI"] === "true") throw new Error(`the full-disk tests need a tmpfs under CI=true: ${found.reason}`);
  return found;
}

/** Mount a tmpfs of `bytes` in a new temp folder. */
export function mountTmpfs(bytes: number): SmallDisk {
  const dir = mkdtempSync(path.join(tmpdir(), "wfkit-full-disk-"));
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`);
  };
  try {
    run("mount", ["-t", "tmpfs", "-o", `size=${bytes},mode=0777`, "tmpfs", dir]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let mounted = true;
  const free = () => {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  };
  return {
    dir,
    free,
    fill(leaveBytes) {
      const extra = free() - leaveBytes;
      if (extra > 0) writeFileSync(path.join(dir, `filler-${Date.now()}-${Math.random().toString(36).slice(2)}`), Buffer.alloc(extra));
    },
    empty() {
      for (const name of readdirSync(dir)) rmSync(path.join(dir, name), { recursive: true, force: true });
    },
    unmount() {
      if (!mounted) return;
      mounted = false;
      // -l: a process the test started may still hold a file there; the mount goes when it lets go.
      run("umount", ["-l", dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
