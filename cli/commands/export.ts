import path from "node:path";
import { discoverWorkflows } from "../../build-utils/discover/index.js";
import { writeFilesAtomically } from "../../build-utils/export/index.js";
import type { CliIo } from "../cli-io.js";
import { displayPath } from "../../src/util/display-path.js";
import { buildArtifacts, engineRenderer, type ExportCommandOptions } from "../engine-artifacts.js";
import { EXIT } from "../exit-codes.js";

/**
 * `wf export --engine airflow|notebook --out <dir> <files-or-packages...>`: one file per
 * workflow (`<dag_id>.py`, `<dag_id>.ipynb`), all or nothing. Exit 0 written, 1 an invalid
 * workflow, 2 an input that cannot be loaded.
 */
export async function exportCommand(io: CliIo, inputs: string[], options: ExportCommandOptions): Promise<number> {
  const outDir = path.resolve(io.cwd, options.out);
  const renderer = engineRenderer(options, outDir);
  const discovery = await discoverWorkflows(inputs, io.cwd);
  const artifacts = await buildArtifacts(io, discovery, renderer);
  if (typeof artifacts === "number") return artifacts;
  const written = await writeFilesAtomically(outDir, artifacts.files);
  for (const file of written) io.out(`${displayPath(io.cwd, file)}\n`);
  io.err(`wf: wrote ${written.length} ${renderer.noun}${written.length === 1 ? "" : "s"} for ${renderer.target} to ${options.out}\n`);
  return EXIT.OK;
}
