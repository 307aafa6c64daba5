import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Workflow } from "../../src/index.js";
import { errorMessage, importModule } from "../../src/engine.js";
import { NotebookCodeMismatchError, NotebookModuleLoadError, NotebookPackageMissingError } from "./errors.js";

/** Which workflow a notebook was exported from. */
export interface WorkflowLocation {
  dagId: string;
  dagHash: string;
  package: { name: string; version: string };
  /** POSIX path of the module, relative to the package root. */
  module: string;
  exportName: string;
  /** The package's folder relative to the notebook's (or absolute); null: only the install root. */
  packageRoot: string | null;
}

/**
 * Find the workflow a notebook was exported from and check that it is still that workflow.
 * The package is looked for at `packageRoot` (relative to `cwd`, the notebook's folder), then
 * where `wf install` puts it, `<installRoot>/<name>/<version>`. Throws
 * NotebookPackageMissingError naming every place it looked, NotebookCodeMismatchError saying how
 * the code differs from the export, or NotebookModuleLoadError when the module throws on import.
 */
export async function locateWorkflow(location: WorkflowLocation, cwd: string, installRoot: string): Promise<{ workflow: Workflow; root: string }> {
  const { name, version } = location.package;
  const candidates = [
    ...(location.packageRoot === null ? [] : [path.resolve(cwd, location.packageRoot)]),
    path.join(installRoot, name, version),
  ];
  const looked: string[] = [];
  const root = candidates.find((dir) => {
    const found = packageNameAt(dir);
    looked.push(`${dir} (${found === undefined ? "no package.json" : `package ${found}`})`);
    return found === name;
  });
  if (root === undefined) {
    throw new NotebookPackageMissingError(
      `this notebook runs ${location.dagId} from package ${name}@${version}, which is not where it looks: ${looked.join("; ")}. Export the notebook again from inside the package, or install that version: wf install ${name}@${version} --root ${installRoot}`,
    );
  }
  const file = path.join(root, ...location.module.split("/"));
  if (!existsSync(file)) throw new NotebookCodeMismatchError(`${location.dagId}: module ${location.module} is not in ${root}; export the notebook again`);
  let module: Record<string, unknown>;
  try {
    module = await importModule(file);
  } catch (error) {
    throw new NotebookModuleLoadError(`could not load ${file}: ${errorMessage(error)} (importing the module threw; fix the module or what it imports, then run the set-up cell again)`, { cause: error });
  }
  const workflow = module[location.exportName];
  if (!Workflow.isWorkflow(workflow)) {
    throw new NotebookCodeMismatchError(`${file} has no workflow export "${location.exportName}" any more; export the notebook again`);
  }
  if (workflow.dagId !== location.dagId) {
    throw new NotebookCodeMismatchError(
      `this notebook was exported from ${location.dagId}, but ${location.module} (${location.exportName}) now defines ${workflow.dagId}; export the notebook again`,
    );
  }
  workflow.assertValid();
  if (workflow.dagHash() !== location.dagHash) {
    throw new NotebookCodeMismatchError(
      `${location.dagId}: the task graph in ${root} (dag hash ${workflow.dagHash().slice(0, 12)}) differs from the one this notebook was exported with (${location.dagHash.slice(0, 12)}): export the notebook again, or bump the workflow's version if this is a new version`,
    );
  }
  return { workflow, root };
}

function packageNameAt(dir: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown };
    return typeof pkg.name === "string" ? pkg.name : "(unnamed)";
  } catch {
    return undefined;
  }
}
