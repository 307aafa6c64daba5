import { compileAirflowExportOptions, renderAirflowDag } from "../engines/airflow/index.js";
import { compileNotebookExportOptions, renderNotebook } from "../engines/notebook/index.js";
import type { Discovery, LocatedWorkflow } from "../build-utils/discover/index.js";
import type { OutputFile } from "../build-utils/export/index.js";
import type { ManifestWorkflow } from "../build-utils/package/index.js";
import { colors as pc } from "../src/util/colors.js";
import { errorMessage } from "../src/errors/wfkit-error.js";
import type { CliIo } from "./cli-io.js";
import type { AirflowRuntime, ExportEngine } from "./export-engines.js";
import { EXIT } from "./exit-codes.js";
import { UsageError } from "./errors.js";


/** Options of `wf export` and `wf package`. */
export interface ExportCommandOptions {
  engine: ExportEngine;
  out: string;
  airflowVersion?: "2" | "3";
  installRoot?: string;
  /** Airflow only: BashOperator tasks (the default) or stub DAGs for the SDK runtime. */
  runtime?: AirflowRuntime;
  /** `wf export --engine notebook --rerun`: a notebook that re-runs this run. */
  rerun?: string;
  dagId?: string;
}

/** One rendered file of one workflow, whatever the engine. */
interface RenderedFile {
  fileName: string;
  content: string;
  dagId: string;
  dagHash: string;
  tasks: string[];
}

/** How one engine turns a workflow into a file, and how to speak of the result. */
export interface EngineRenderer {
  render(located: LocatedWorkflow): Promise<RenderedFile>;
  /** Target engine version for the manifest, e.g. "3" for Airflow 3, "4.5" for nbformat 4.5. */
  engineVersion: string;
  /** What one file is, e.g. "DAG file". */
  noun: string;
  /** The target, for messages: "Airflow 3", "Jupyter (tslab kernel)". */
  target: string;
  /** The folder of the files inside a `wf package` zip, with a trailing slash. */
  zipFolder: string;
}

/**
 * The renderer for `options.engine`, its options checked before anything is loaded or written.
 * `outDir`: the folder the files go to, or null for a package artifact (notebooks then find
 * the workflow where `wf install` puts it rather than next to themselves).
 */
export function engineRenderer(options: ExportCommandOptions, outDir: string | null): EngineRenderer {
  if (options.rerun === undefined && options.dagId !== undefined) throw new UsageError("--dag-id goes with --rerun <run id>: it names the DAG of the run to re-run");
  if (options.engine === "notebook") {
    if (options.runtime !== undefined) throw new UsageError("--runtime says how the tasks of an Airflow DAG run: use it with --engine airflow");
    const compiled = compileNotebookExportOptions({ outDir, rerun: options.rerun === undefined ? null : { runId: options.rerun, dagId: options.dagId } });
    return {
      render: (w) => renderNotebook(w, compiled),
      engineVersion: "4.5",
      noun: "notebook",
      target: "Jupyter (tslab kernel)",
      zipFolder: "notebooks/",
    };
  }
  if (options.rerun !== undefined) {
    throw new UsageError("--rerun writes a notebook that re-runs a run: use it with --engine notebook (or re-run here with wf run FILE --rerun RUN_ID); on Airflow, clear the failed tasks in the UI or with `airflow tasks clear`");
  }
  const compiled = compileAirflowExportOptions({ airflowVersion: options.airflowVersion, installRoot: options.installRoot, runtime: options.runtime });
  return {
    render: (w) => renderAirflowDag(w, compiled),
    engineVersion: compiled.airflowVersion,
    noun: compiled.runtime === "sdk" ? "stub DAG file" : "DAG file",
    target: `Airflow ${compiled.airflowVersion}${compiled.runtime === "sdk" ? " (SDK runtime)" : ""}`,
    zipFolder: "dags/",
  };
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
  renderer: EngineRenderer,
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
  let failed = false;
  const seen = new Map<string, LocatedWorkflow>();
  for (const located of discovery.workflows) {
    const twin = seen.get(located.workflow.dagId);
    if (twin !== undefined) {
      io.err(`${bad("✖")} ${located.workflow.dagId} is exported by both ${twin.modulePath} (${twin.exportName}) and ${located.modulePath} (${located.exportName}); dag ids must be unique: change a version or name\n`);
      failed = true;
    }
    seen.set(located.workflow.dagId, located);
    const issues = [...located.workflow.validate(), ...located.packingIssues];
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
      const dag = await renderer.render(located);
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
  return { files, workflows, engineVersion: renderer.engineVersion };
}
