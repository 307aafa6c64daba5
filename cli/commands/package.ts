import path from "node:path";
import { discoverWorkflows } from "../../build-utils/discover/index.js";
import { writePackageZip } from "../../build-utils/package/index.js";
import type { CliIo } from "../cli-io.js";
import { displayPath } from "../../src/util/display-path.js";
import { buildArtifacts, engineRenderer, type ExportCommandOptions } from "../engine-artifacts.js";
import { EXIT } from "../exit-codes.js";
import { UsageError } from "../errors.js";

/**
 * `wf package --engine airflow|notebook --out <artifact.zip> <files-or-package...>`: the files of
 * one workflow package (DAG files under `dags/`, notebooks under `notebooks/`), plus
 * `manifest.json`, in one deterministic zip.
 */
export async function packageCommand(io: CliIo, inputs: string[], options: ExportCommandOptions): Promise<number> {
  if (!options.out.endsWith(".zip")) throw new UsageError(`--out ${options.out}: the artifact is a zip; name it <something>.zip`);
  const renderer = engineRenderer(options, null);
  // The artifact's DAGs and notebooks run the package `wf install` installs from npm pack's tarball.
  const discovery = await discoverWorkflows(inputs, io.cwd, { checkPacked: true });
  const artifacts = await buildArtifacts(io, discovery, renderer, renderer.zipFolder);
  if (typeof artifacts === "number") return artifacts;
  const packages = [...new Map(discovery.workflows.map((w) => [`${w.package.name}@${w.package.version}`, w.package])).values()];
  if (packages.length > 1) {
    throw new UsageError(
      `an artifact holds one workflow package, but the inputs come from ${packages.map((p) => `${p.name}@${p.version}`).join(", ")}; package them separately`,
    );
  }
  const pkg = packages[0]!;
  const outFile = path.resolve(io.cwd, options.out);
  const manifest = await writePackageZip(outFile, artifacts.files, {
    package: { name: pkg.name, version: pkg.version },
    engine: { name: options.engine, version: artifacts.engineVersion },
    workflows: artifacts.workflows,
    sourceRoot: pkg.root,
  });
  io.out(`${displayPath(io.cwd, outFile)}\n`);
  io.err(`wf: packaged ${manifest.workflows.length} workflow${manifest.workflows.length === 1 ? "" : "s"} of ${pkg.name}@${pkg.version} for ${renderer.target}\n`);
  return EXIT.OK;
}
