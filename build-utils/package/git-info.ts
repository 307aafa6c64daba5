import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * The commit checked out at `dir` and whether the checkout has changes (staged, unstaged or
 * untracked files anywhere in it); null when `dir` is not in a git checkout or git is missing.
 */
export async function gitInfo(dir: string): Promise<{ commit: string; dirty: boolean } | null> {
  try {
    const options = { cwd: dir, timeout: 30_000, maxBuffer: 64 << 20, env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" } };
    const head = await run("git", ["rev-parse", "--verify", "HEAD"], options);
    const status = await run("git", ["status", "--porcelain"], options);
    return { commit: head.stdout.trim(), dirty: status.stdout.trim() !== "" };
  } catch {
    return null;
  }
}
