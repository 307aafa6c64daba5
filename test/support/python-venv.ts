// Cached, pinned builds for the integration tests: Python venvs installed from committed
// requirements files (with uv when it can be had, else pip), and the helpers they share: a
// process runner, a cross-process lock, and a marker file that says a build is complete.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { homedir, hostname } from "node:os";
import path from "node:path";

const UV_VERSION = "0.13.9";
/** Written last into a finished build: a folder without it is half-built and gets rebuilt. */
export const MARKER = "wfkit-install.json";

/** `$XDG_CACHE_HOME/wfkit` (or ~/.cache/wfkit), joined with `sub`. */
export function cacheDir(...sub: string[]): string {
  return path.join(process.env["XDG_CACHE_HOME"] || path.join(homedir(), ".cache"), "wfkit", ...sub);
}

/** The hex sha256 of `parts`, joined with NULs. */
export function cacheKey(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex");
}

/** How a process ended, with all its output. */
export interface Exec {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not start or was killed for its timeout. */
  error?: string;
}

/** Run a command to the end; never rejects. */
export function exec(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<Exec> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let error: string | undefined;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = options.timeoutMs
      ? setTimeout(() => {
          error = `timed out after ${options.timeoutMs} ms`;
          child.kill("SIGKILL");
        }, options.timeoutMs)
      : undefined;
    child.on("error", (e) => (error = `${cmd}: ${e.message}`));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ...(error ? { error } : {}) });
    });
  });
}

/** The last `chars` characters of `text`, marked when cut. */
export const tail = (text: string, chars = 3000): string => (text.length > chars ? `…${text.slice(-chars)}` : text);

/** "`what` failed (exit 1):" and the end of the process's output. */
export const describeFailure = (what: string, r: Exec): string =>
  `${what} failed (${r.error ?? `exit ${r.code}`}):\n${tail(`${r.stdout}\n${r.stderr}`.trim())}`;

/** A base interpreter to create venvs with. */
export interface Python {
  executable: string;
  /** e.g. "3.11.7" */
  version: string;
}

let pythonFound: Promise<Python | string> | undefined;

/** The base interpreter (`$WFKIT_PYTHON` or python3), or why there is none. */
export function findPython(): Promise<Python | string> {
  pythonFound ??= (async () => {
    const cmd = process.env["WFKIT_PYTHON"] || "python3";
    const r = await exec(cmd, ["-c", "import json, platform, sys; print(json.dumps([sys.executable, platform.python_version()]))"]);
    if (r.code !== 0) return `no usable Python (${cmd}): ${r.error ?? tail(r.stderr, 500)}`;
    const [executable, version] = JSON.parse(r.stdout) as [string, string];
    return { executable, version };
  })();
  return pythonFound;
}

/**
 * Run `fn` holding a lock next to `target` (mkdir is atomic), so that two processes never build the
 * same thing at once. A lock whose owner died on this host, or older than 30 minutes, is taken over.
 */
export async function withLock<T>(target: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${target}.lock`;
  const owner = path.join(lock, "owner.json");
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(owner, JSON.stringify({ host: hostname(), pid: process.pid }));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (await lockIsStale(lock, owner)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function lockIsStale(lock: string, owner: string): Promise<boolean> {
  let age: number;
  try {
    age = Date.now() - (await stat(lock)).mtimeMs;
  } catch {
    return false; // released meanwhile: just try again
  }
  if (age > 30 * 60_000) return true;
  let holder: { host: string; pid: number };
  try {
    holder = JSON.parse(await readFile(owner, "utf8")) as { host: string; pid: number };
  } catch {
    // The owner file is written just after mkdir: a lock still without one after 10 s is a leftover.
    return age > 10_000;
  }
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Build `dir` once for all processes: when its MARKER exists, return what it records; else, holding
 * the lock, empty `dir`, run `build`, and write what it returns (plus the seconds it took) into the
 * marker, last. `dir` is built in place rather than renamed into place: a venv's scripts name its
 * absolute path, so a venv cannot move. A `build` that throws leaves no marker: the next run retries.
 */
export async function buildOnce<T extends object>(dir: string, build: () => Promise<T>): Promise<T & { seconds: number }> {
  const done = path.join(dir, MARKER);
  const recorded = () => JSON.parse(readFileSync(done, "utf8")) as T & { seconds: number };
  if (existsSync(done)) return recorded();
  await mkdir(path.dirname(dir), { recursive: true });
  return withLock(dir, async () => {
    if (existsSync(done)) return recorded();
    const started = Date.now();
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const facts = { ...(await build()), seconds: (Date.now() - started) / 1000 };
    await writeFile(done, JSON.stringify(facts));
    return facts;
  });
}

/** Env for pip and uv: no local pip.conf (its mirrors only add warnings; the lock pins versions). */
export const installEnv = (): NodeJS.ProcessEnv => ({ ...process.env, PIP_CONFIG_FILE: "/dev/null", PIP_DISABLE_PIP_VERSION_CHECK: "1" });

let uvFound: Promise<string | null> | undefined;

/** uv from PyPI in its own cached venv; null when that fails (the caller then uses pip). */
export function findUv(python: Python): Promise<string | null> {
  uvFound ??= (async () => {
    const dir = cacheDir(`uv-${UV_VERSION}-py${python.version}`);
    const uv = path.join(dir, "bin", "uv");
    try {
      await buildOnce(dir, async () => {
        const venv = await exec(python.executable, ["-m", "venv", dir]);
        if (venv.code !== 0) throw new Error(describeFailure(`${python.executable} -m venv`, venv));
        const pip = await exec(path.join(dir, "bin", "pip"), ["install", "-q", `uv==${UV_VERSION}`], { env: installEnv(), timeoutMs: 180_000 });
        if (pip.code !== 0 || !existsSync(uv)) throw new Error(describeFailure(`pip install uv==${UV_VERSION}`, pip));
        return {};
      });
      return uv;
    } catch {
      return null;
    }
  })();
  return uvFound;
}

/** What to build: a venv from a complete, pinned requirements file. */
export interface VenvSpec {
  /** The cache sub-folder for this kind of venv, e.g. "airflow". */
  group: string;
  /** The venv folder's name prefix, e.g. "airflow3"; the folder is `<name>-py<version>-<key>`. */
  name: string;
  /** Installed with --no-deps: it must list every package. */
  requirementsFile: string;
  /**
   * Runs once in the freshly installed venv (e.g. an import probe); what it returns is recorded in
   * the marker and handed back as `info` by every later run. Throw to fail the build.
   */
  afterInstall?: (venv: string) => Promise<Record<string, unknown>>;
}

/** A ready venv. */
export interface Venv {
  dir: string;
  python: string;
  /** What `afterInstall` returned when the venv was built, and `python`, `installer`, `seconds`. */
  info: Record<string, unknown>;
}

/** A built venv, or why there is none. */
export type VenvResult = { ok: true; venv: Venv } | { ok: false; reason: string };

const venvs = new Map<string, Promise<VenvResult>>();

/**
 * Build (once, cached under cacheDir(group), locked) or find the venv for `spec`, keyed by the
 * sha256 of the requirements, the Python version and the platform: editing the file makes a new
 * venv. Never throws: returns a reason when Python/pip/network is missing or the install fails.
 */
export function ensureVenv(spec: VenvSpec): Promise<VenvResult> {
  const id = `${spec.group}/${spec.name}\0${spec.requirementsFile}`;
  let found = venvs.get(id);
  if (!found) {
    found = findOrBuildVenv(spec).catch((e: unknown) => ({ ok: false as const, reason: e instanceof Error ? e.message : String(e) }));
    venvs.set(id, found);
  }
  return found;
}

async function findOrBuildVenv(spec: VenvSpec): Promise<VenvResult> {
  const python = await findPython();
  if (typeof python === "string") return { ok: false, reason: python };
  const requirements = readFileSync(spec.requirementsFile, "utf8");
  const key = cacheKey(requirements, python.version, `${process.platform}-${process.arch}`);
  const dir = cacheDir(spec.group, `${spec.name}-py${python.version}-${key.slice(0, 16)}`);
  const info = await buildOnce(dir, () => installVenv(spec, python, dir));
  return { ok: true, venv: { dir, python: path.join(dir, "bin", "python"), info } };
}

/** Create the venv, install the requirements into it and run afterInstall; throws why it failed. */
async function installVenv(spec: VenvSpec, python: Python, dir: string): Promise<Record<string, unknown>> {
  const uv = await findUv(python);
  // pip in the venv is needed only without uv (and ensurepip costs seconds).
  const created = await exec(python.executable, ["-m", "venv", ...(uv ? ["--without-pip"] : []), dir]);
  if (created.code !== 0) throw new Error(describeFailure(`${python.executable} -m venv`, created));
  const py = path.join(dir, "bin", "python");
  // Bytecode is compiled now because PYTHONDONTWRITEBYTECODE may be set, and then every import
  // in every test would compile it again.
  const install = uv
    ? await exec(uv, ["pip", "install", "--no-deps", "--compile-bytecode", "-r", spec.requirementsFile, "--python", py], {
        env: installEnv(),
        timeoutMs: 15 * 60_000,
      })
    : await exec(py, ["-m", "pip", "install", "--no-deps", "-r", spec.requirementsFile], { env: installEnv(), timeoutMs: 15 * 60_000 });
  if (install.code !== 0) throw new Error(describeFailure(`${uv ? "uv pip" : "pip"} install -r ${spec.requirementsFile}`, install));
  const info = spec.afterInstall ? await spec.afterInstall(dir) : {};
  return { ...info, python: python.version, installer: uv ? "uv" : "pip" };
}
