// Real Jupyter for the notebook integration tests: a cached venv from the pinned requirements in
// test/jupyter/, the pinned tslab kernel installed from npm (test/jupyter/kernel/) into a cached
// folder, the kernel registered per test run into a temp Jupyter data dir exactly as the README tells
// users to, and notebooks executed by nbclient in one Python process per call.
import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { buildOnce, cacheDir, cacheKey, describeFailure, ensureVenv, exec, type VenvResult } from "./python-venv.js";

/** A ready Jupyter with the tslab kernel registered. */
export interface JupyterInstall {
  venv: string;
  python: string;
  jupyterBin: string;
  /** Of the venv's jupyterlab, nbclient, nbconvert, ipykernel and jupyter_client. */
  versions: Record<string, string>;
  /** The npm project tslab is installed in. */
  tslabDir: string;
  /** Absolute path of its `node_modules/.bin/tslab`: the kernel spec starts the kernel with it. */
  tslabBin: string;
  /** e.g. "1.0.22" */
  tslabVersion: string;
  /** The temp prefix the kernel is registered under, for this test run. */
  prefix: string;
  /** `<prefix>/share/jupyter`: the JUPYTER_PATH that finds the kernel. */
  jupyterPath: string;
}

/** Whether Jupyter with tslab is usable, and why not. */
export type JupyterAvailability = { ok: true; install: JupyterInstall } | { ok: false; reason: string };

declare module "vitest" {
  export interface ProvidedContext {
    /** What test/jupyter.global-setup.ts found. */
    wfkitJupyter: JupyterAvailability;
  }
}

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const driver = fileURLToPath(new URL("./notebook_driver.py", import.meta.url));
const kernelPackage = path.join(repoRoot, "test", "jupyter", "kernel");

/** The committed requirements file of the Jupyter venv. */
export function jupyterRequirementsFile(): string {
  return path.join(repoRoot, "test", "jupyter", "requirements-jupyter.txt");
}

/**
 * Build or find (cached, locked) the Jupyter venv and the tslab install, in parallel, then register
 * the tslab kernel into `prefix` (default: a new temp dir, which the caller then owns) and check
 * that Jupyter finds it there. Never throws: returns a reason when anything is missing or fails.
 */
export async function ensureJupyter(prefix?: string): Promise<JupyterAvailability> {
  const [venv, tslab] = await Promise.all([ensureJupyterVenv(), ensureTslab()]);
  if (!venv.ok) return venv;
  if (!tslab.ok) return tslab;
  const dir = prefix ?? (await mkdtemp(path.join(tmpdir(), "wfkit-jupyter-")));
  const install: JupyterInstall = {
    venv: venv.venv.dir,
    python: venv.venv.python,
    jupyterBin: path.join(venv.venv.dir, "bin", "jupyter"),
    versions: venv.venv.info["versions"] as Record<string, string>,
    tslabDir: tslab.dir,
    tslabBin: tslab.bin,
    tslabVersion: tslab.version,
    prefix: dir,
    jupyterPath: path.join(dir, "share", "jupyter"),
  };
  const failure = await registerKernel(install).catch((e: unknown) => String(e));
  if (failure === null) return { ok: true, install };
  if (!prefix) await rm(dir, { recursive: true, force: true });
  return { ok: false, reason: failure };
}

/** The Jupyter venv, with the versions of what the tests rely on recorded at build time. */
function ensureJupyterVenv(): Promise<VenvResult> {
  return ensureVenv({
    group: "jupyter",
    name: "jupyter",
    requirementsFile: jupyterRequirementsFile(),
    afterInstall: async (venv) => {
      const names = ["jupyterlab", "nbclient", "nbconvert", "ipykernel", "jupyter_client"];
      const code = `import json, importlib.metadata as m, nbclient, nbformat, ipykernel, IPython; print(json.dumps({n: m.version(n) for n in ${JSON.stringify(names)}}))`;
      const probe = await exec(path.join(venv, "bin", "python"), ["-c", code], { env: cleanEnv() });
      if (probe.code !== 0) throw new Error(describeFailure("import nbclient, ipykernel", probe));
      return { versions: JSON.parse(probe.stdout) as Record<string, string> };
    },
  });
}

type Tslab = { ok: true; dir: string; bin: string; version: string } | { ok: false; reason: string };

let tslabFound: Promise<Tslab> | undefined;

/**
 * `npm ci` of test/jupyter/kernel/ into a cache folder keyed by its package.json and lock. Not a
 * dependency of the root package: tslab's TypeScript ships a `tsc` bin that would shadow ours.
 */
function ensureTslab(): Promise<Tslab> {
  tslabFound ??= (async (): Promise<Tslab> => {
    const files = ["package.json", "package-lock.json"];
    const key = cacheKey(...files.map((f) => readFileSync(path.join(kernelPackage, f), "utf8")), `${process.platform}-${process.arch}`);
    const dir = cacheDir("jupyter", `tslab-${key.slice(0, 16)}`);
    const bin = path.join(dir, "node_modules", ".bin", "tslab");
    const { version } = await buildOnce(dir, async () => {
      for (const f of files) await copyFile(path.join(kernelPackage, f), path.join(dir, f));
      const ci = await exec("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, timeoutMs: 10 * 60_000 });
      if (ci.code !== 0 || !existsSync(bin)) throw new Error(describeFailure(`npm ci in ${dir}`, ci));
      // zeromq's install script is not run (package.json's allowScripts): its prebuilt binary must load.
      const zmq = await exec(process.execPath, ["-e", "require('zeromq')"], { cwd: dir });
      if (zmq.code !== 0) throw new Error(describeFailure("require('zeromq')", zmq));
      const manifest = JSON.parse(readFileSync(path.join(dir, "node_modules", "tslab", "package.json"), "utf8")) as { version: string };
      return { version: manifest.version };
    });
    return { ok: true, dir, bin, version };
  })().catch((e: unknown) => ({ ok: false, reason: e instanceof Error ? e.message : String(e) }));
  return tslabFound;
}

/** `tslab install` into install.prefix, then check Jupyter lists that kernel; the reason it failed, or null. */
async function registerKernel(install: JupyterInstall): Promise<string | null> {
  const env = jupyterEnv(install);
  const args = ["install", `--python=${install.python}`, `--prefix=${install.prefix}`, `--binary=${install.tslabBin}`];
  const registered = await exec(install.tslabBin, args, { env, timeoutMs: 120_000 });
  if (registered.code !== 0) return describeFailure(`tslab ${args.join(" ")}`, registered);
  const list = await exec(install.jupyterBin, ["kernelspec", "list", "--json"], { env, timeoutMs: 120_000 });
  if (list.code !== 0) return describeFailure("jupyter kernelspec list", list);
  type Specs = { kernelspecs: Record<string, { resource_dir: string; spec: { argv: string[] } }> };
  const tslab = (JSON.parse(list.stdout) as Specs).kernelspecs["tslab"];
  if (!tslab || path.relative(install.jupyterPath, tslab.resource_dir).startsWith("..") || tslab.spec.argv[0] !== install.tslabBin) {
    return `jupyter kernelspec list does not show the tslab kernel just installed in ${install.jupyterPath}:\n${list.stdout}`;
  }
  return null;
}

/** process.env without the developer's own Jupyter/Python settings, which must not leak into the tests. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // FORCE_COLOR (vitest sets it) would fight the NO_COLOR below.
    if (!/^(JUPYTER|PYTHONPATH$|PYTHONHOME$|VIRTUAL_ENV$|FORCE_COLOR$)/.test(k)) env[k] = v;
  }
  return { ...env, PYTHONWARNINGS: "ignore", NO_COLOR: "1" };
}

/**
 * Env for Jupyter and the kernels it starts (they inherit it): only install.prefix's Jupyter dirs,
 * and this Node first on PATH, since the kernel runs `#!/usr/bin/env node`.
 */
function jupyterEnv(install: JupyterInstall, extraEnv: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { PATH, ...extra } = extraEnv;
  return {
    ...cleanEnv(),
    JUPYTER_PATH: install.jupyterPath,
    JUPYTER_CONFIG_DIR: path.join(install.prefix, "config"),
    JUPYTER_DATA_DIR: path.join(install.prefix, "data"),
    JUPYTER_RUNTIME_DIR: path.join(install.prefix, "runtime"),
    ...extra,
    PATH: [path.dirname(process.execPath), PATH ?? process.env["PATH"]].filter(Boolean).join(path.delimiter),
  };
}

/**
 * The availability found by the globalSetup (test/jupyter.global-setup.ts) — cheap, for
 * describe.skipIf. Throws under CI=true when the globalSetup did not run, so that is never a skip.
 */
export function jupyterAvailability(): JupyterAvailability {
  const found = inject("wfkitJupyter") as JupyterAvailability | undefined;
  if (found) return found;
  const reason = "test/jupyter.global-setup.ts is not in the vitest config's globalSetup";
  if (process.env["CI"] === "true") throw new Error(reason);
  return { ok: false, reason };
}

/** A temp folder laid out like a user's project. */
export interface NotebookProject {
  dir: string;
  cleanup(): Promise<void>;
}

/**
 * A temp folder laid out like a user's project, where the kernel resolves `wfkit` (this repo, so
 * its dist/ must be built) and Node's types: tslab type-checks cells and finds `@types/node` only
 * by walking up from the notebook's folder.
 */
export async function createNotebookProject(): Promise<NotebookProject> {
  const dir = await mkdtemp(path.join(tmpdir(), "wfkit-nb-"));
  const modules = path.join(dir, "node_modules");
  await mkdir(path.join(modules, "@types"), { recursive: true });
  await symlink(repoRoot, path.join(modules, "wfkit"), "dir");
  for (const name of ["@types/node", "undici-types"]) {
    await symlink(path.join(repoRoot, "node_modules", name), path.join(modules, name), "dir");
  }
  await writeFile(path.join(dir, "package.json"), `${JSON.stringify({ name: "nb-project", private: true, type: "module" }, null, 2)}\n`);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** How to run a notebook. */
export interface ExecuteOptions {
  /** The kernel's working dir; default the notebook's folder. */
  cwd?: string;
  /** Per cell; default 120. */
  timeoutSeconds?: number;
  /** Cell ids to run in this order in one kernel (an id may repeat, to run a cell again); default every cell in order. */
  steps?: string[];
  /** Extra env for the kernel (a PATH replaces process.env's, after this Node's folder). */
  env?: NodeJS.ProcessEnv;
  /** Interrupt the kernel (Jupyter's stop button: SIGINT to it) `afterSeconds` into step `cell`. */
  interrupt?: { cell: string; afterSeconds: number };
  /** Default: the one the globalSetup found (jupyterAvailability()). */
  install?: JupyterInstall;
}

/** One executed step. */
export interface ExecutedCell {
  id: string;
  cellType: string;
  executionCount: number | null;
  stdout: string;
  stderr: string;
  /** All stream and text/plain outputs, in order. */
  text: string;
}

/** A notebook run by nbclient. */
export interface NotebookRun {
  ok: boolean;
  /** The step that failed; execution stopped there. */
  failedCellId?: string;
  /** CellExecutionError's text (or "CellTimeoutError: …", "DeadKernelError: …"). */
  error?: string;
  /** One per executed step, in order. */
  cells: ExecutedCell[];
  /** The executed notebook's JSON as nbclient left it. */
  notebook: Record<string, unknown>;
  /** Wall time of the whole call: Python, kernel start, cells, shutdown. */
  seconds: number;
}

/**
 * Execute a notebook with nbclient in one Python process and one kernel, stopping at the first cell
 * that fails. Throws only when the driver itself fails (e.g. an unknown step id).
 */
export async function executeNotebook(file: string, options: ExecuteOptions = {}): Promise<NotebookRun> {
  const started = Date.now();
  const install = options.install ?? requireInstall();
  const notebook = path.resolve(file);
  const cwd = options.cwd ?? path.dirname(notebook);
  const timeout = options.timeoutSeconds ?? 120;
  const steps = options.steps ?? null;
  const cellCount = steps?.length ?? (JSON.parse(await readFile(notebook, "utf8")) as { cells: unknown[] }).cells.length;
  const dir = await mkdtemp(path.join(tmpdir(), "wfkit-nbrun-"));
  try {
    const requestFile = path.join(dir, "request.json");
    const resultFile = path.join(dir, "result.json");
    const output = path.join(dir, "executed.ipynb");
    await writeFile(requestFile, JSON.stringify({ notebook, output, cwd, timeout, steps, interrupt: options.interrupt ?? null }));
    const r = await exec(install.python, [driver, requestFile, resultFile], {
      env: jupyterEnv(install, options.env),
      cwd,
      // Every cell may take its timeout; on top, the kernel's start (60 s at most) and shutdown.
      timeoutMs: (cellCount * timeout + 120) * 1000,
    });
    if (r.code !== 0 || !existsSync(resultFile)) throw new Error(describeFailure(`notebook_driver.py ${file}`, r));
    const result = JSON.parse(await readFile(resultFile, "utf8")) as { ok: boolean; failedCellId: string | null; error: string | null; cells: ExecutedCell[] };
    return {
      ok: result.ok,
      ...(result.failedCellId !== null ? { failedCellId: result.failedCellId } : {}),
      ...(result.error !== null ? { error: result.error } : {}),
      cells: result.cells,
      notebook: JSON.parse(await readFile(output, "utf8")) as Record<string, unknown>,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The globalSetup's install, or an error saying why there is none. */
function requireInstall(): JupyterInstall {
  const found = jupyterAvailability();
  if (!found.ok) throw new Error(`Jupyter with tslab is not available: ${found.reason}`);
  return found.install;
}
