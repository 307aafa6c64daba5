/**
 * A worker's install root as `wf install` leaves it, for one build of wfkit, made the way
 * bench/worker-cold-start.ts makes its own (see there for the why of each step), reduced to the
 * no-op task: `<root>/bench-worker/1.0.0/node_modules/` holds the workflow package `bench-worker/`
 * (package.json, type module, and `noop.ts`: one workflow of one task, `Noop`, whose run() does
 * nothing), `wfkit` (a symlink to a copy of the build: package.json, dist/, templates/, and
 * node_modules a symlink to the build's own; a copy so that a build rewriting dist/ meanwhile
 * changes nothing), `zod` and `@opentelemetry/api` and `@opentelemetry/host-metrics` (symlinks to
 * the build's, when it has them: npm hoists wfkit's dependencies beside it, and wfkit's bundle
 * keeps the OpenTelemetry API external) and `.bin/wf` (a symlink to wfkit's dist/cli/bin.js, as
 * npm links it). The package is then compiled in place by that build's compileWorkflowModules,
 * as `wf install` compiles it after npm install, so that `wf run-task` loads JavaScript.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const WORKER_PACKAGE = "bench-worker";
export const WORKER_VERSION = "1.0.0";
/** The package's no-op module, and its task. */
export const NOOP_MODULE = "noop.ts";
export const NOOP_TASK = "Noop";

/** One build's install. */
export interface WorkerInstall {
  /** WF_INSTALL_ROOT. */
  installRoot: string;
  /** The generated DAG's worker command text, from this build (wfkit/airflow's WORKER_COMMAND). */
  workerCommand: string;
  /** What compileWorkflowModules compiled. */
  compiled: string[];
  /** Problems met while installing (a module not compiled, a build that kept changing). */
  warnings: string[];
}

/**
 * A build's identity, to tell whether a build rewrote its dist/ while it was being copied: a
 * build wipes dist/ first and makes bin.js executable last.
 */
function buildOf(buildDir: string): string {
  const bin = path.join(buildDir, "dist", "cli", "bin.js");
  const stat = existsSync(bin) ? statSync(bin) : undefined;
  return stat === undefined || (stat.mode & 0o111) === 0 ? "missing" : `${stat.ino}:${stat.mtimeMs}:${stat.ctimeMs}`;
}

/**
 * A copy of the build in `buildDir` at `target` (package.json, dist/, templates/; node_modules a
 * symlink to the build's). Copied again when a build changed dist/ during the copy, or when
 * there is no build (for a minute: a build may be under way); false when no whole build could
 * be copied.
 */
export function snapshotBuild(buildDir: string, target: string): boolean {
  for (let attempt = 0; attempt < 12; attempt++) {
    const before = buildOf(buildDir);
    rmSync(target, { recursive: true, force: true });
    try {
      if (before === "missing") throw new Error("no build");
      mkdirSync(target, { recursive: true });
      for (const entry of ["package.json", "dist", "templates"]) cpSync(path.join(buildDir, entry), path.join(target, entry), { recursive: true });
      symlinkSync(path.join(buildDir, "node_modules"), path.join(target, "node_modules"), "dir");
      if (buildOf(buildDir) === before) return true;
    } catch {
      // a build is wiping or writing dist/: wait for it
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5_000);
  }
  return false;
}

/** The no-op workflow module (one task, `Noop`), as plain JS or (with a return type such as `: void`) as TypeScript. */
export const noopModule = (returnType: string): string =>
  [
    'import { TaskBase, Workflow } from "wfkit";',
    "",
    "export class Noop extends TaskBase {",
    `  run()${returnType} {}`,
    "}",
    "",
    'export const noop = new Workflow({ category: "bench", inputData: "nothing", outputData: "nothing", version: "1.0.0" });',
    "noop.addNode(Noop);",
    "",
  ].join("\n");

/** compileWorkflowModules: the package's workflow modules compiled in place; what it compiled. */
export type CompileWorkflowModules = (packageDir: string, packageJson: Record<string, unknown>) => Promise<{ compiled: string[]; skipped?: string }>;

/**
 * Install the no-op package under `dir/install-root` (`dir` new or empty) for the build of wfkit
 * copied to `wfkitDir` by {@link snapshotBuild}.
 */
export async function createWorkerInstall(wfkitDir: string, dir: string): Promise<WorkerInstall> {
  const warnings: string[] = [];
  const installRoot = path.join(dir, "install-root");
  const installed = path.join(installRoot, WORKER_PACKAGE, WORKER_VERSION, "node_modules");
  const pkg = path.join(installed, WORKER_PACKAGE);
  mkdirSync(pkg, { recursive: true });
  const packageJson = { name: WORKER_PACKAGE, version: WORKER_VERSION, type: "module", private: true, dependencies: { wfkit: "*", zod: "*" } };
  writeFileSync(path.join(pkg, "package.json"), `${JSON.stringify(packageJson, null, 2)}\n`);
  writeFileSync(path.join(pkg, NOOP_MODULE), noopModule(": void"));
  // wfkit, and its dependencies the compiled module may import, where npm would put them.
  symlinkSync(wfkitDir, path.join(installed, "wfkit"), "dir");
  for (const dependency of ["zod", "@opentelemetry/api", "@opentelemetry/host-metrics"]) {
    const from = path.join(wfkitDir, "node_modules", dependency);
    if (!existsSync(from)) continue;
    mkdirSync(path.dirname(path.join(installed, dependency)), { recursive: true });
    symlinkSync(from, path.join(installed, dependency), "dir");
  }
  mkdirSync(path.join(installed, ".bin"));
  // npm links a bin relative to the package it comes from.
  symlinkSync(path.join("..", "wfkit", "dist", "cli", "bin.js"), path.join(installed, ".bin", "wf"));

  // The build's own worker command and compile step, by path: benchmarks import wfkit as users
  // do, never its source folders, and build-utils is no export of the package.
  const airflow = (await import(pathToFileURL(path.join(wfkitDir, "dist", "engines", "airflow", "index.js")).href)) as { WORKER_COMMAND: string };
  const { compileWorkflowModules } = (await import(pathToFileURL(path.join(wfkitDir, "dist", "build-utils", "install", "compile-workflows.js")).href)) as {
    compileWorkflowModules: CompileWorkflowModules;
  };
  const compiled = await compileInstalled(compileWorkflowModules, pkg, warnings);
  if (!compiled.includes(NOOP_MODULE)) warnings.push(`${NOOP_MODULE} was not compiled for ${wfkitDir}: its rows measure the module's source, not an install's compiled form`);
  return { installRoot, workerCommand: airflow.WORKER_COMMAND, compiled, warnings };
}

/**
 * The installed package's workflow modules compiled in place by a build's compileWorkflowModules,
 * as `wf install` does after npm install; what was compiled. What goes wrong is a warning: the
 * rows then measure the modules' sources.
 */
export async function compileInstalled(compile: CompileWorkflowModules, pkg: string, warnings: string[]): Promise<string[]> {
  try {
    const result = await compile(pkg, JSON.parse(readFileSync(path.join(pkg, "package.json"), "utf8")) as Record<string, unknown>);
    if (result.skipped !== undefined) warnings.push(`compileWorkflowModules compiled nothing: ${result.skipped}`);
    return result.compiled;
  } catch (error) {
    warnings.push(`compileWorkflowModules failed: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}
