import path from "node:path";
import { discoverWorkflows, type Discovery } from "../../build-utils/discover/index.js";
import { writeFilesAtomically } from "../../build-utils/export/index.js";
import type { CliIo } from "../cli-io.js";
import { displayPath } from "../../src/util/display-path.js";
import { buildArtifacts, engineRenderer, type ExportCommandOptions } from "../engine-artifacts.js";
import { EXIT } from "../exit-codes.js";
import { UsageError } from "../errors.js";
import { didYouMeanSuffix } from "../../src/util/did-you-mean.js";

/**
 * `wf export --engine airflow|notebook --out <dir> <files-or-packages...>`: one file per
 * workflow (`<dag_id>.py`, `<dag_id>.ipynb`), all or nothing. Exit 0 written, 1 an invalid
 * workflow (for Airflow, also one whose module `npm pack` leaves out of a package directory
 * given), 2 an input that cannot be loaded.
 */
export async function exportCommand(io: CliIo, inputs: string[], options: ExportCommandOptions): Promise<number> {
  const outDir = path.resolve(io.cwd, options.out);
  const renderer = engineRenderer(options, outDir);
  // A DAG runs the package that `wf install` installed from npm pack's tarball; a notebook
  // exported to a folder loads the package from its own folder, so nothing need ship for it.
  const discovery = rerunTarget(await discoverWorkflows(inputs, io.cwd, { checkPacked: options.engine === "airflow" }), options);
  const artifacts = await buildArtifacts(io, discovery, renderer);
  if (typeof artifacts === "number") return artifacts;
  const written = await writeFilesAtomically(outDir, artifacts.files);
  for (const file of written) io.out(`${displayPath(io.cwd, file)}\n`);
  io.err(`wf: wrote ${written.length} ${renderer.noun}${written.length === 1 ? "" : "s"} for ${renderer.target} to ${options.out}\n`);
  return EXIT.OK;
}

/**
 * `--rerun` writes one notebook, for the workflow whose run it re-runs: the one with `--dag-id`
 * when given, else the only workflow the inputs hold.
 */
function rerunTarget(discovery: Discovery, options: ExportCommandOptions): Discovery {
  if (options.rerun === undefined) return discovery;
  const all = discovery.workflows;
  const chosen = options.dagId === undefined ? all : all.filter((w) => w.workflow.dagId === options.dagId);
  if (options.dagId !== undefined && chosen.length === 0 && discovery.loadErrors.length === 0) {
    const ids = all.map((w) => w.workflow.dagId);
    throw new UsageError(`--dag-id ${options.dagId}: no workflow in the inputs has that dag id${didYouMeanSuffix(options.dagId, ids)}; they have ${ids.join(", ") || "none"}`);
  }
  if (chosen.length > 1) {
    throw new UsageError(`--rerun writes the notebook of one workflow, and the inputs hold ${chosen.length} (${chosen.map((w) => w.workflow.dagId).join(", ")}): give --dag-id to choose the one whose run ${options.rerun} re-runs`);
  }
  return { ...discovery, workflows: chosen };
}
