import path from "node:path";
import { discoverWorkflows } from "../../../build-utils/discover/index.js";
import { writeFilesAtomically } from "../../../build-utils/export/index.js";
import type { CliIo } from "../cli-io.js";
import { displayPath } from "../display-path.js";
import { buildArtifacts, type ExportCommandOptions } from "../engine-artifacts.js";
import { EXIT } from "../exit-codes.js";

/**
 * `wf export --engine airflow --out <dir> <files-or-packages...>`: one DAG file per workflow,
 * all or nothing. Exit 0 written, 1 an invalid workflow, 2 an input that cannot be loaded.
 */
export async function exportCommand(io: CliIo, inputs: string[], options: ExportCommandOptions): Promise<number> {
  const discovery = await discoverWorkflows(inputs, io.cwd);
  const artifacts = await buildArtifacts(io, discovery, {
    airflowVersion: options.airflowVersion,
    installRoot: options.installRoot,
  });
  if (typeof artifacts === "number") return artifacts;
  const outDir = path.resolve(io.cwd, options.out);
  const written = await writeFilesAtomically(outDir, artifacts.files);
  for (const file of written) io.out(`${displayPath(io.cwd, file)}\n`);
  io.err(`wf: wrote ${written.length} DAG file${written.length === 1 ? "" : "s"} for Airflow ${artifacts.engineVersion} to ${options.out}\n`);
  return EXIT.OK;
}
