import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Workflow } from "../../src/index.js";
import { errorMessage } from "../../src/engine.js";
import type { Discovery, LoadFailure, LocatedWorkflow, WorkflowPackage } from "./discovery-types.js";
import { NoWorkflowExportError, WorkflowLoadError } from "./errors.js";
import { findPackage, packageAt, readPackageJson } from "./find-package.js";
import { loadWorkflowFile, thrownStack } from "./load-workflow-file.js";
import { listPackageModules } from "./package-modules.js";
import { listPackedFiles } from "./packed-files.js";
import { packingIssues } from "./packing-issues.js";
import type { LoadedExport, SourceFinding, SourceScope } from "./source-analysis.js";
import { openAnalysis, toSourceWarnings } from "./source-warnings.js";
import { compareText } from "./walk-files.js";

/** How a module came to be loaded: given on the command line, listed in wfkit.workflows, or found by scanning. */
type ModuleOrigin = "given" | "listed" | "scanned";

interface PlannedModule {
  file: string;
  pkg: WorkflowPackage;
  origin: ModuleOrigin;
  /** How to name the module in a load error: as given, or relative to the cwd. */
  label: string;
}

interface Plan {
  modules: PlannedModule[];
  /** Package root → sources to analyse. */
  scopes: Map<string, Set<string>>;
  /** Files whose warnings are reported. */
  checked: Set<string>;
  /** Package directories given, with their scanned sources (for those not listing wfkit.workflows). */
  scans: { pkg: WorkflowPackage; sources: string[] }[];
  /** Package root → the `npm pack` listing started for it (with `checkPacked`), and what decides it. */
  packing: Map<string, PackingCheck>;
  loadErrors: LoadFailure[];
}

/** A package directory given as input whose packed files are being listed, while discovery goes on. */
interface PackingCheck {
  input: string;
  /** `files` of its package.json, as written. */
  files: unknown;
  listing: Promise<{ packed: Set<string> } | { error: unknown }>;
}

/** How discoverWorkflows works. */
export interface DiscoverOptions {
  /**
   * Check that the workflow modules of the package directories given, and the files they import,
   * are in what `npm pack` packs (what `wf install` installs on a worker): each one left out is a
   * `module-not-packed` issue in the workflow's `packingIssues`. Costs an `npm pack --dry-run`
   * per package directory, run while the modules load. Default false; `wf validate`, `wf package`
   * and `wf export --engine airflow` ask for it.
   */
  checkPacked?: boolean;
}

/**
 * Find the workflows of workflow packages and files. `inputs` are paths relative to `cwd`:
 * files, loaded as they are, and package directories (holding package.json), whose modules
 * are those package.json lists in `"wfkit": { "workflows": [globs…] }`, or else every source
 * file that constructs a wfkit Workflow, found by parsing (so scripts with side effects are
 * never run just for being in the directory).
 *
 * Nothing throws for a bad input or module: each is reported in `loadErrors` (inputs in the
 * order given, then modules in load order) and the others go on. Workflows come sorted by
 * module path and export name, each once even when several modules export it (the first
 * export in that order wins). Docs and warnings come from parsing the sources with ts-morph:
 * the doc comments of each workflow and its task classes; task classes no workflow uses
 * (`unused-task`); workflows the loader cannot see (`unreachable-workflow`). Warnings cover
 * every scanned source of a package directory, and only the files themselves for files.
 *
 * With `checkPacked` (see DiscoverOptions), each workflow of a package directory given gets
 * `module-not-packed` issues for its module and the package files it imports that `npm pack`
 * leaves out; an `npm pack` that fails is a load error of that input, after the others.
 */
export async function discoverWorkflows(inputs: readonly string[], cwd: string = process.cwd(), options: DiscoverOptions = {}): Promise<Discovery> {
  const plan = planInputs(inputs, cwd, options.checkPacked === true);
  const scopes: SourceScope[] = [...plan.scopes].map(([root, files]) => ({ root, files: [...files].sort(compareText) }));
  const analysis = scopes.length > 0 ? await openAnalysis(scopes) : undefined;

  for (const scan of plan.scans) {
    const constructing = scan.sources.map((s) => path.join(scan.pkg.root, s)).filter((file) => analysis?.constructsWorkflow(file));
    for (const file of constructing) addModule(plan, { file, pkg: scan.pkg, origin: "scanned", label: path.relative(cwd, file) });
    if (constructing.length === 0) {
      plan.loadErrors.push({
        file: path.relative(cwd, scan.pkg.root) || ".",
        message: `package ${scan.pkg.name} has no workflow: no module under ${scan.pkg.root} constructs a \`new Workflow(…)\` imported from "wfkit" (test, dist and hidden directories are skipped); add one, or list the modules in package.json "wfkit": { "workflows": [globs…] }`,
      });
    }
  }
  const modules = plan.modules.sort((a, b) => compareText(modulePath(a.pkg, a.file), modulePath(b.pkg, b.file)) || compareText(a.file, b.file));

  const found: LocatedWorkflow[] = [];
  const exportingNothing: SourceFinding[] = [];
  for (const module of modules) {
    try {
      const loaded = await loadWorkflowFile(module.label, cwd);
      for (const { exportName, workflow } of loaded.workflows) {
        found.push({ exportName, workflow, file: module.file, modulePath: modulePath(module.pkg, module.file), package: module.pkg, docs: { tasks: {} }, packingIssues: [] });
      }
    } catch (error) {
      if (module.origin === "scanned" && exportsNoWorkflow(error)) {
        exportingNothing.push({
          code: "unreachable-workflow",
          file: module.file,
          line: analysis?.workflowLines(module.file)[0] ?? 1,
          message: "this module constructs a Workflow but exports none: the loader only sees exported workflows; export it",
        });
      } else if (module.origin === "scanned") {
        // Found by scanning a package that declares no workflow modules (a scratch file, say):
        // it does not block the package; a module the package declares, or one given, does.
        exportingNothing.push({
          code: "unloadable-module",
          file: module.file,
          line: 1,
          message: `${errorMessage(error)}\nits workflows are left out; to make this an error, list the workflow modules in package.json "wfkit": { "workflows": [globs…] }`,
        });
      } else {
        // The stack rides along out of sight (not enumerable): discovery's results stay the same bytes run after run.
        const failure: LoadFailure = { file: module.label, message: errorMessage(error) };
        Object.defineProperty(failure, "stack", { value: thrownStack(error), enumerable: false });
        plan.loadErrors.push(failure);
      }
    }
  }

  const located = uniqueWorkflows(found);
  const findings: SourceFinding[] = [];
  if (analysis !== undefined) {
    for (const w of located) w.docs = analysis.docs({ file: w.file, exportName: w.exportName, taskNames: taskNames(w.workflow) });
    const loaded: LoadedExport[] = found.map((w) => ({ file: w.file, exportName: w.exportName, taskNames: taskNames(w.workflow) }));
    findings.push(...analysis.findings(loaded, [...plan.checked].sort(compareText)));
  }
  // A module whose constructions are flagged one by one already says why it exports nothing.
  const flagged = new Set(findings.filter((f) => f.code === "unreachable-workflow").map((f) => f.file));
  findings.push(...exportingNothing.filter((f) => !flagged.has(f.file)));
  for (const [root, check] of plan.packing) {
    const listing = await check.listing;
    const own = located.filter((w) => w.package.root === root);
    if (own.length === 0) continue;
    if ("error" in listing) {
      plan.loadErrors.push({ file: check.input, message: errorMessage(listing.error) });
      continue;
    }
    const pkg = { root, files: check.files, packed: listing.packed };
    for (const w of own) w.packingIssues = packingIssues(pkg, w.file, analysis?.loadedFiles(w.file) ?? []);
  }
  return { workflows: located, loadErrors: plan.loadErrors, warnings: toSourceWarnings(findings, cwd) };
}

function planInputs(inputs: readonly string[], cwd: string, checkPacked: boolean): Plan {
  const plan: Plan = { modules: [], scopes: new Map(), checked: new Set(), scans: [], packing: new Map(), loadErrors: [] };
  const fail = (file: string, message: string) => plan.loadErrors.push({ file, message });
  const inScope = (pkg: WorkflowPackage, file: string) => {
    const files = plan.scopes.get(pkg.root) ?? new Set<string>();
    files.add(file);
    plan.scopes.set(pkg.root, files);
  };
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch {
      fail(input, `not found: ${input}; give workflow files or workflow package directories (holding a package.json)`);
      continue;
    }
    try {
      if (!isDirectory) {
        const pkg = findPackage(absolute);
        addModule(plan, { file: absolute, pkg, origin: "given", label: input });
        inScope(pkg, absolute);
        plan.checked.add(absolute);
        continue;
      }
      if (!existsSync(path.join(absolute, "package.json"))) {
        throw new WorkflowLoadError(
          `${input} is a directory without a package.json; give a workflow package directory (one whose package.json has "name" and "version") or workflow files`,
        );
      }
      const json = readPackageJson(absolute);
      const pkg = packageAt(absolute, json);
      const modules = listPackageModules(absolute, json);
      if (checkPacked && !plan.packing.has(absolute)) {
        // npm runs while the modules are parsed and loaded; discovery awaits it at the end.
        const listing = listPackedFiles(absolute).then(
          (packed) => ({ packed }),
          (error: unknown) => ({ error }),
        );
        plan.packing.set(absolute, { input, files: json.files, listing });
      }
      for (const pattern of modules.unmatched) {
        fail(path.relative(cwd, path.join(absolute, "package.json")), `wfkit.workflows pattern "${pattern}" matches no module under ${absolute}; fix or remove it`);
      }
      for (const source of modules.sources) {
        const file = path.join(absolute, source);
        inScope(pkg, file);
        plan.checked.add(file);
      }
      if (modules.listed !== undefined) {
        for (const listed of modules.listed) {
          const file = path.join(absolute, listed);
          addModule(plan, { file, pkg, origin: "listed", label: path.relative(cwd, file) });
        }
      } else {
        plan.scans.push({ pkg, sources: modules.sources });
      }
    } catch (error) {
      fail(input, errorMessage(error));
    }
  }
  return plan;
}

/** Add a module once; a module given or listed outranks the same module found by scanning. */
function addModule(plan: Plan, module: PlannedModule): void {
  const existing = plan.modules.findIndex((m) => m.file === module.file);
  if (existing === -1) plan.modules.push(module);
  else if (plan.modules[existing]!.origin === "scanned" && module.origin !== "scanned") plan.modules[existing] = module;
}

// loadWorkflowFile has no distinct error class for a module that loads fine but exports no
// Workflow; its message is the only sign.
function exportsNoWorkflow(error: unknown): boolean {
  return error instanceof NoWorkflowExportError;
}

function uniqueWorkflows(found: LocatedWorkflow[]): LocatedWorkflow[] {
  const sorted = [...found].sort(
    (a, b) => compareText(a.modulePath, b.modulePath) || compareText(a.exportName, b.exportName) || compareText(a.file, b.file),
  );
  const seen = new Set<Workflow>();
  const unique: LocatedWorkflow[] = [];
  for (const w of sorted) {
    if (seen.has(w.workflow)) continue;
    seen.add(w.workflow);
    unique.push(w);
  }
  return unique;
}

function modulePath(pkg: WorkflowPackage, file: string): string {
  return path.relative(pkg.root, file).split(path.sep).join("/");
}

function taskNames(workflow: Workflow): string[] {
  return workflow.nodes.map((n) => n.name);
}
