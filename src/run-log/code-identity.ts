import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { wfkitPackage } from "../util/package-info.js";
import { maskUrlCredentials } from "../logging/mask.js";
import type { CodeIdentity } from "./run-log-record.js";

const run = promisify(execFile);
/** At most this many changed files are named. */
const MAX_DIRTY = 50;

const cache = new Map<string, Promise<CodeIdentity>>();

/**
 * Which code runs from `dir` (the workflow module's folder): its npm package, wfkit's and
 * Node's versions and, when `dir` sits in a git checkout, the commit, whether the tree is clean
 * (and which files are not), and the `origin` URL with credentials masked. Read once per
 * folder and process (the code a process runs does not change under it); never throws: what
 * cannot be found is null.
 */
export function codeIdentity(dir: string): Promise<CodeIdentity> {
  let identity = cache.get(dir);
  if (identity === undefined) cache.set(dir, (identity = readIdentity(dir)));
  return identity;
}

async function readIdentity(dir: string): Promise<CodeIdentity> {
  const [pkg, git] = await Promise.all([nearestPackage(dir), gitIdentity(dir)]);
  return { package: pkg, wfkit: wfkitPackage().version, node: process.version, git };
}

async function nearestPackage(dir: string): Promise<CodeIdentity["package"]> {
  for (let at = path.resolve(dir); ; ) {
    try {
      const pkg = JSON.parse(await readFile(path.join(at, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
      return typeof pkg.name === "string" ? { name: pkg.name, version: typeof pkg.version === "string" ? pkg.version : "" } : null;
    } catch {
      // none here, or unreadable: look further up
    }
    const parent = path.dirname(at);
    if (parent === at) return null;
    at = parent;
  }
}

// git itself, rather than a library reading .git: whether the tree is clean needs the index
// compared with the files, which only git does right (filters, sparse checkouts, worktrees).
async function gitIdentity(dir: string): Promise<CodeIdentity["git"]> {
  // Code installed for workers (WF_INSTALL_ROOT) sits in no checkout: no git process is started
  // for it (three of them would add to every task's start-up).
  if (!insideCheckout(dir)) return null;
  const git = (...args: string[]) => run("git", ["-C", dir, ...args], { timeout: 10_000, maxBuffer: 4 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" } });
  let commit: string;
  try {
    commit = (await git("rev-parse", "--verify", "HEAD")).stdout.trim();
  } catch {
    return null; // no git, no checkout, or no commit yet
  }
  const [status, remote] = await Promise.all([
    git("status", "--porcelain=v1", "-z").then(
      (r) => r.stdout,
      () => "",
    ),
    git("remote", "get-url", "origin").then(
      (r) => r.stdout.trim(),
      () => "",
    ),
  ]);
  const dirty: string[] = [];
  const entries = status.split("\0");
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.length < 4) continue;
    dirty.push(entry.slice(3));
    // A rename or copy is followed by the path it came from.
    if (entry[0] === "R" || entry[0] === "C") i++;
  }
  return { commit, clean: dirty.length === 0, dirty: dirty.slice(0, MAX_DIRTY), remote: remote === "" ? null : maskUrlCredentials(remote) };
}

/** Whether `dir` or a folder above it holds `.git` (a folder, or a worktree's file). */
function insideCheckout(dir: string): boolean {
  for (let at = path.resolve(dir); ; ) {
    if (existsSync(path.join(at, ".git"))) return true;
    const parent = path.dirname(at);
    if (parent === at) return false;
    at = parent;
  }
}
