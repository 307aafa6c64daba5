import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { errorMessage } from "../../src/engine.js";
import { InstallError, InstallRootError } from "./errors.js";
import { runNpm } from "./run-npm.js";

/** What `installWorkflowPackage` did. */
export interface InstallResult {
  name: string;
  version: string;
  /** `<root>/<name>/<version>`: holds `node_modules/<name>` and `node_modules/.bin/wf`. */
  dir: string;
  /** The version was there already; nothing was installed. */
  alreadyInstalled: boolean;
}

/**
 * Install one version of a workflow package into a worker's install root, as the generated DAGs
 * expect it: `<root>/<name>/<version>/node_modules/{<name>,.bin/wf}`. `spec` is anything npm
 * installs — a packed tarball, a registry spec (`my-pipelines@1.2.0`) — or a package directory,
 * which is packed first (npm would only link a directory).
 *
 * The install happens in a staging folder inside the root and is renamed into place, so a
 * worker never sees a half-installed version, and an existing version is never touched again:
 * tasks start without installing anything.
 */
export async function installWorkflowPackage(spec: string, root: string, cwd: string = process.cwd()): Promise<InstallResult> {
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
    await runNpm(["install", "--omit=dev", "--no-audit", "--no-fund", "--save-exact", installable], staging);
    const manifest = JSON.parse(await readFile(path.join(staging, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    const names = Object.keys(manifest.dependencies ?? {});
    if (names.length !== 1) throw new InstallError(`npm install ${spec} added ${names.length} packages, not one; give wf install a single workflow package (a package folder, a tarball from npm pack, or an npm spec)`);
    const name = names[0]!;
    const pkg = JSON.parse(await readFile(path.join(staging, "node_modules", name, "package.json"), "utf8")) as { version?: string };
    if (!pkg.version) throw new InstallError(`${name} has no version in its package.json; add one (e.g. "version": "1.0.0") and install it again`);
    if (!existsSync(path.join(staging, "node_modules", ".bin", "wf"))) {
      throw new InstallError(`${name}@${pkg.version} does not depend on wfkit, so workers have no \`wf\` to run its tasks: add wfkit to its "dependencies"`);
    }
    await rm(path.join(staging, "pack"), { recursive: true, force: true });
    const dir = path.join(rootDir, name, pkg.version);
    if (existsSync(dir)) return { name, version: pkg.version, dir, alreadyInstalled: true };
    await mkdir(path.dirname(dir), { recursive: true });
    try {
      await rename(staging, dir);
    } catch (error) {
      // Another worker process installed the same version at the same moment: keep theirs.
      if (existsSync(dir)) return { name, version: pkg.version, dir, alreadyInstalled: true };
      throw new InstallRootError(`cannot move the install into ${dir}: ${errorMessage(error)}; check that ${path.dirname(dir)} is writable (--root, WF_INSTALL_ROOT)`, { cause: error });
    }
    return { name, version: pkg.version, dir, alreadyInstalled: false };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
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
