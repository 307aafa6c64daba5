import { compileAirflowExportOptions, renderAirflowDag, type AirflowExportOptions } from "../../engines/airflow/index.js";
import type { Discovery, LocatedWorkflow } from "../../build-utils/discover/index.js";
import type { OutputFile } from "../../build-utils/export/index.js";
import type { ManifestWorkflow } from "../../build-utils/package/index.js";
import { colors as pc } from "../util/colors.js";
import { errorMessage } from "../errors/wfkit-error.js";
import type { CliIo } from "./cli-io.js";
import { EXIT } from "./exit-codes.js";

/** The engines `wf export` and `wf package` write for (the CLI's `--engine` choices). */
export type ExportEngine = "airflow";

/** Options of `wf export` and `wf package`. */
export interface ExportCommandOptions {
  engine: ExportEngine;
  out: string;
  airflowVersion?: "2" | "3";
  installRoot?: string;
}

/** What an export produces: the files, and per workflow what a manifest records. */
export interface EngineArtifacts {
  files: OutputFile[];
  workflows: ManifestWorkflow[];
  /** Target engine version, e.g. "3" for Airflow 3. */
  engineVersion: string;
}

/**
 * Check everything before anything is written: inputs that failed to load, workflows that are
 * invalid, dag ids exported twice, workflows the engine cannot express. Prints every problem
 * (and the source warnings) and returns an exit code, or the rendered artifacts when all is well.
 */
export async function buildArtifacts(
  io: CliIo,
  discovery: Discovery,
  options: AirflowExportOptions,
  prefix = "",
): Promise<EngineArtifacts | number> {
  const bad = (s: string) => (io.color ? pc.red(s) : s);
  const warn = (s: string) => (io.color ? pc.yellow(s) : s);
  for (const w of discovery.warnings) io.err(`${warn("warning")} ${w.file}:${w.line}: ${w.message} [${w.code}]\n`);
  if (discovery.loadErrors.length > 0) {
    for (const failure of discovery.loadErrors) io.err(`${bad("✖")} ${failure.file}: ${failure.message}\n`);
    io.err("wf: nothing was written\n");
    return EXIT.USAGE;
  }
  if (discovery.workflows.length === 0) {
    io.err("wf: no workflows found in the inputs; nothing was written\n");
    return EXIT.USAGE;
  }
  const compiled = compileAirflowExportOptions(options);
  let failed = false;
  const seen = new Map<string, LocatedWorkflow>();
  for (const located of discovery.workflows) {
    const twin = seen.get(located.workflow.dagId);
    if (twin !== undefined) {
      io.err(`${bad("✖")} ${located.workflow.dagId} is exported by both ${twin.modulePath} (${twin.exportName}) and ${located.modulePath} (${located.exportName}); dag ids must be unique: change a version or name\n`);
      failed = true;
    }
    seen.set(located.workflow.dagId, located);
    const issues = located.workflow.validate();
    if (issues.length > 0) {
      failed = true;
      io.err(`${bad("✖")} ${located.workflow.dagId} (${located.modulePath}): ${issues.length} problem${issues.length === 1 ? "" : "s"}\n`);
      for (const issue of issues) io.err(`    [${issue.code}] ${issue.message}\n`);
    }
  }
  if (failed) {
    io.err("wf: nothing was written\n");
    return EXIT.FAILURE;
  }
  const files: OutputFile[] = [];
  const workflows: ManifestWorkflow[] = [];
  for (const located of discovery.workflows) {
    try {
      const dag = await renderAirflowDag(
        { workflow: located.workflow, package: located.package, modulePath: located.modulePath, exportName: located.exportName, docs: located.docs },
        compiled,
      );
      const file = `${prefix}${dag.fileName}`;
      files.push({ path: file, content: dag.content });
      workflows.push({
        dagId: dag.dagId,
        name: located.workflow.name,
        version: located.workflow.version,
        dagHash: dag.dagHash,
        file,
        tasks: dag.tasks,
        module: located.modulePath,
        exportName: located.exportName,
      });
    } catch (error) {
      failed = true;
      io.err(`${bad("✖")} ${located.workflow.dagId} (${located.modulePath}): ${errorMessage(error)}\n`);
    }
  }
  if (failed) {
    io.err("wf: nothing was written\n");
    return EXIT.FAILURE;
  }
  return { files, workflows, engineVersion: compiled.airflowVersion };
}
