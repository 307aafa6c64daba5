import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { errorMessage } from "../../src/engine.js";
import { InstallError, InstallRootError } from "./errors.js";
import { runNpm } from "./run-npm.js";
import { compileWorkflowModules, type CompileResult } from "./compile-workflows.js";
import type { PackageJson } from "../discover/find-package.js";
import semverValid from "semver/functions/valid.js";
import validateNpmPackageName from "validate-npm-package-name";

/** What `installWorkflowPackage` did. */
export interface InstallResult {
  name: string;
  version: string;
  /** `<root>/<name>/<version>`: holds `node_modules/<name>` and `node_modules/.bin/wf`. */
  dir: string;
  /** The version was there already; nothing was installed. */
  alreadyInstalled: boolean;
  /** The workflow modules compiled for the worker (paths in the package), and why none were, if so. */
  compiled: CompileResult;
}

/** How `installWorkflowPackage` installs. */
export interface InstallOptions {
  /** Compile the workflow modules (default true): `false` leaves `.ts` modules to be compiled on every task start. */
  compile?: boolean;
}

/**
 * Install one version of a workflow package into a worker's install root, as the generated DAGs
 * expect it: `<root>/<name>/<version>/node_modules/{<name>,.bin/wf}`. `spec` is anything npm
 * installs — a packed tarball, a registry spec (`my-pipelines@1.2.0`) — or a package directory,
 * which is packed first (npm would only link a directory).
 *
 * The install happens in a staging folder inside the root and is renamed into place, so a
 * worker never sees a half-installed version, and an existing version is never touched again:
 * tasks start without installing anything. Only what tasks need at run time is installed: no
 * dev dependencies, and no peer dependencies (wfkit's build tools — tsx, ts-morph, esbuild — are
 * its peers). The workflow modules are compiled in the staging folder, before the rename (see
 * compileWorkflowModules), so that a task loads JavaScript and never compiles.
 */
export async function installWorkflowPackage(spec: string, root: string, cwd: string = process.cwd(), options: InstallOptions = {}): Promise<InstallResult> {
  const rootDir = path.resolve(cwd, root);
  let staging: string;
  try {
    await mkdir(rootDir, { recursive: true });
    staging = await mkdtemp(path.join(rootDir, ".staging-"));
  } catch (error) {
    throw new InstallRootError(`cannot write to the install root ${rootDir}: ${errorMessage(error)}; give wf install a writable --root (or WF_INSTALL_ROOT), or run it as a user who may write there`, {
      cause: error,
    });
  }
  try {
    const installable = await resolveSpec(spec, cwd, staging);
    await writeFile(path.join(staging, "package.json"), `${JSON.stringify({ name: "wfkit-install", private: true }, null, 2)}\n`);
    await runNpm(["install", "--omit=dev", "--omit=peer", "--no-audit", "--no-fund", "--save-exact", installable], staging);
    const manifest = JSON.parse(await readFile(path.join(staging, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    const names = Object.keys(manifest.dependencies ?? {});
    if (names.length !== 1) throw new InstallError(`npm install ${spec} added ${names.length} packages, not one; give wf install a single workflow package (a package folder, a tarball from npm pack, or an npm spec)`);
    const name = names[0]!;
    checkPackageName(name, spec);
    const pkg = JSON.parse(await readFile(path.join(staging, "node_modules", name, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
    const version = checkPackageVersion(name, pkg.version);
    if (pkg.name !== name) throw new InstallError(`the package installed as ${JSON.stringify(name)} calls itself ${JSON.stringify(pkg.name)} in its package.json; nothing was installed (pack the package again)`);
    if (!existsSync(path.join(staging, "node_modules", ".bin", "wf"))) {
      throw new InstallError(`${name}@${version} does not depend on wfkit, so workers have no \`wf\` to run its tasks: add wfkit to its "dependencies"`);
    }
    await rm(path.join(staging, "pack"), { recursive: true, force: true });
    const dir = installDir(rootDir, name, version);
    const nothing: CompileResult = { compiled: [], skipped: "already installed" };
    if (existsSync(dir)) return { name, version, dir, alreadyInstalled: true, compiled: nothing };
    const packageDir = path.join(staging, "node_modules", name);
    const compiled =
      options.compile === false
        ? { compiled: [], skipped: "--no-compile" }
        : await compileWorkflowModules(packageDir, JSON.parse(await readFile(path.join(packageDir, "package.json"), "utf8")) as PackageJson);
    await mkdir(path.dirname(dir), { recursive: true });
    try {
      await rename(staging, dir);
    } catch (error) {
      // Another worker process installed the same version at the same moment: keep theirs.
      if (existsSync(dir)) return { name, version, dir, alreadyInstalled: true, compiled: nothing };
      throw new InstallRootError(`cannot move the install into ${dir}: ${errorMessage(error)}; check that ${path.dirname(dir)} is writable (--root, WF_INSTALL_ROOT)`, { cause: error });
    }
    return { name, version, dir, alreadyInstalled: false, compiled };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * The package's name as npm would publish it (validate-npm-package-name, npm's own rule): no
 * `..`, no leading `.` or `_`, a `/` only after an `@scope`. The name becomes a folder of the
 * install root, so anything else is refused before a folder is made from it.
 */
export function checkPackageName(name: string, spec: string): void {
  const verdict = validateNpmPackageName(name);
  if (!verdict.validForOldPackages) {
    const why = [...(verdict.errors ?? []), ...(verdict.warnings ?? [])].join("; ");
    throw new InstallError(`${spec} installs a package named ${JSON.stringify(name)}, which is not a valid npm package name (${why}); nothing was installed: fix "name" in its package.json`);
  }
}

/**
 * The package's version, which must be a semver version written as semver writes it
 * (`1.2.0`, `1.2.0-rc.1`, `1.2.0+build.5`): it becomes a folder of the install root, and npm
 * itself does not require a tarball's version to be semver (`../victim/2.0.0` installs).
 */
export function checkPackageVersion(name: string, version: unknown): string {
  if (version === undefined || version === "") throw new InstallError(`${name} has no version in its package.json; add one (e.g. "version": "1.0.0") and install it again`);
  // semver.valid drops build metadata and accepts "v1.2.0" and " 1.2.0": the text must be the
  // normalised version, with nothing after it but build metadata (letters, digits, "-", ".").
  const normalised = typeof version === "string" ? semverValid(version) : null;
  if (typeof version !== "string" || normalised === null || !version.startsWith(normalised) || !BUILD_METADATA.test(version.slice(normalised.length))) {
    throw new InstallError(`${name} has the version ${JSON.stringify(version)} in its package.json, which is not a semver version like 1.2.0; nothing was installed: fix "version" and pack it again`);
  }
  return version;
}

const BUILD_METADATA = /^(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** `<root>/<name>/<version>`, proven to lie inside the root (a last guard: name and version were checked). */
export function installDir(rootDir: string, name: string, version: string): string {
  const dir = path.resolve(rootDir, name, version);
  const inside = path.relative(rootDir, dir);
  const expected = [...name.split("/"), version].join(path.sep);
  if (inside !== expected || path.isAbsolute(inside) || inside.startsWith("..")) {
    throw new InstallError(`${name}@${version} would be installed at ${dir}, outside its folder in the install root ${rootDir}; nothing was installed`);
  }
  return dir;
}

/** A tarball path or registry spec npm can install; a package directory is packed first. */
async function resolveSpec(spec: string, cwd: string, staging: string): Promise<string> {
  const local = path.resolve(cwd, spec);
  if (!existsSync(local)) return spec;
  if (statSync(local).isFile()) return local;
  if (!existsSync(path.join(local, "package.json"))) {
    throw new InstallError(`${spec} is a folder without package.json: give a workflow package folder, a tarball (npm pack) or an npm spec`);
  }
  const packDir = path.join(staging, "pack");
  await mkdir(packDir);
  const out = await runNpm(["pack", "--json", "--pack-destination", packDir], local);
  const packed = JSON.parse(out.slice(out.indexOf("["))) as { filename: string }[];
  return path.join(packDir, packed[0]!.filename);
}
