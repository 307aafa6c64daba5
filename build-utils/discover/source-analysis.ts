// Heavy: loads ts-morph and TypeScript. Import it dynamically, from discovery only, so that
// loading a workflow to run one of its tasks never pays for it.
import path from "node:path";
import { SyntaxKind, ts, type Node, type SourceFile } from "ts-morph";
import type { SourceDocs } from "./discovery-types.js";
import { openSourceProject, type SourceProject, type SourceScope } from "./source-project.js";
import { extendsTaskBase, isWorkflowConstruction } from "./symbol-targets.js";
import { baseClasses, createTaskClassFinder, type TaskClassFinder } from "./task-classes.js";
import { compareText } from "./walk-files.js";
import { reachesExport } from "./workflow-reachability.js";

export type { SourceScope } from "./source-project.js";

/** A workflow export the loader found, as far as the sources are concerned. */
export interface LoadedExport {
  /** Absolute path of the module that exports it. */
  file: string;
  exportName: string;
  /** Its tasks' names (class names). */
  taskNames: readonly string[];
}

/** A warning about the sources, at an absolute file and 1-based line. */
export interface SourceFinding {
  code: "unused-task" | "unreachable-workflow" | "unloadable-module";
  file: string;
  line: number;
  message: string;
}

/** Static facts about workflow sources, from parsing them (never running them). */
export interface SourceAnalysis {
  /** Whether the file constructs a wfkit Workflow anywhere (`new Workflow(` with Workflow imported from "wfkit"). */
  constructsWorkflow(file: string): boolean;
  /** Lines of the file's `new Workflow(` expressions. */
  workflowLines(file: string): number[];
  /** The doc comments of a loaded workflow's declaration and of its task classes. */
  docs(loaded: LoadedExport): SourceDocs;
  /** `unused-task` and `unreachable-workflow` findings in `files`, given every loaded workflow. */
  findings(loaded: readonly LoadedExport[], files: readonly string[]): SourceFinding[];
  /**
   * The files of its package that loading `file` loads too: what it imports through relative
   * specifiers (type-only imports aside), and what those import, transitively; each with a file
   * that imports it (the first found, nearest `file`). Absolute paths, sorted, without `file`
   * itself; empty for a file that was not analysed.
   */
  loadedFiles(file: string): LoadedFile[];
}

/** A file that loading a module loads, and one file that imports it. */
export interface LoadedFile {
  /** Absolute path. */
  file: string;
  /** Absolute path of a module importing it: the module itself or another loaded file. */
  importedBy: string;
}

const UNREACHABLE =
  "this Workflow is not reachable through the module's exports, so wf never sees it: the loader only sees exported workflows; export it (e.g. `export const wf = new Workflow(…)`)";

/** Parse the scopes' sources (and their relative imports inside each package) into one project. */
export function openSourceAnalysis(scopes: readonly SourceScope[]): SourceAnalysis {
  const sources = openSourceProject(scopes);
  const lookups = createLookups(sources);
  const constructionsOf = new Map<string, Node[]>();
  const constructions = (file: string): Node[] => {
    let found = constructionsOf.get(file);
    if (found === undefined) {
      found = sources.file(file)?.getDescendantsOfKind(SyntaxKind.NewExpression).filter(isWorkflowConstruction) ?? [];
      constructionsOf.set(file, found);
    }
    return found;
  };
  return {
    constructsWorkflow: (file) => constructions(file).length > 0,
    workflowLines: (file) => constructions(file).map((n) => n.getStartLineNumber()),
    docs: (loaded) => docsOf(lookups, loaded),
    findings(loaded, files) {
      const used = usedTaskClasses(lookups, loaded);
      const bases = baseClasses(sources);
      const findings: SourceFinding[] = [];
      for (const file of files) {
        const sourceFile = sources.file(file);
        if (sourceFile === undefined) continue;
        const absolute = path.resolve(file);
        // Only top-level classes: one declared in a function or loop may be renamed at run time.
        for (const cls of sourceFile.getClasses()) {
          const name = cls.getName();
          if (name === undefined || cls.isAbstract() || used.has(cls) || bases.has(cls) || !extendsTaskBase(cls)) continue;
          findings.push({
            code: "unused-task",
            file: absolute,
            line: cls.getStartLineNumber(),
            message: `task ${name} extends TaskBase but no workflow uses it; add it to one with addNode(${name}), or delete it`,
          });
        }
        for (const construction of constructions(file)) {
          if (!reachesExport(construction)) {
            findings.push({ code: "unreachable-workflow", file: absolute, line: construction.getStartLineNumber(), message: UNREACHABLE });
          }
        }
      }
      return findings;
    },
    loadedFiles: (file) => loadedFiles(sources, file),
  };
}

function loadedFiles(sources: SourceProject, file: string): LoadedFile[] {
  const start = sources.file(file);
  if (start === undefined) return [];
  const importerOf = new Map<SourceFile, SourceFile>();
  const queue = [start];
  while (queue.length > 0) {
    const importer = queue.shift()!;
    for (const imported of sources.loadedImports(importer)) {
      if (imported === start || importerOf.has(imported)) continue;
      importerOf.set(imported, importer);
      queue.push(imported);
    }
  }
  const absolute = (f: SourceFile) => path.resolve(f.getFilePath());
  return [...importerOf]
    .map(([imported, importer]) => ({ file: absolute(imported), importedBy: absolute(importer) }))
    .sort((a, b) => compareText(a.file, b.file));
}

/** Memoised lookups over one parsed project: each is asked once per workflow and task. */
interface Lookups {
  /** The export's declaration (through re-exports) and the file it is in, else the module itself. */
  declarationOf(loaded: LoadedExport): { declaration?: Node; home?: SourceFile };
  findTaskClass: TaskClassFinder;
}

function createLookups(sources: SourceProject): Lookups {
  // ts-morph builds a module's whole export map on every getExportedDeclarations() call.
  const exportsOf = new Map<SourceFile, ReadonlyMap<string, Node[]>>();
  return {
    declarationOf(loaded) {
      const module = sources.file(loaded.file);
      if (module === undefined) return {};
      let exported = exportsOf.get(module);
      if (exported === undefined) exportsOf.set(module, (exported = module.getExportedDeclarations()));
      const declaration = exported.get(loaded.exportName)?.[0];
      return { declaration, home: declaration?.getSourceFile() ?? module };
    },
    findTaskClass: createTaskClassFinder(sources),
  };
}

function usedTaskClasses(lookups: Lookups, loaded: readonly LoadedExport[]): Set<Node> {
  const used = new Set<Node>();
  for (const item of loaded) {
    const { home } = lookups.declarationOf(item);
    if (home === undefined) continue;
    for (const name of item.taskNames) {
      const cls = lookups.findTaskClass(home, name);
      if (cls !== undefined) used.add(cls);
    }
  }
  return used;
}

function docsOf(lookups: Lookups, loaded: LoadedExport): SourceDocs {
  const docs: SourceDocs = { tasks: {} };
  const { declaration, home } = lookups.declarationOf(loaded);
  const workflowDoc = declaration === undefined ? undefined : docText(declaration);
  if (workflowDoc !== undefined) docs.workflow = workflowDoc;
  if (home === undefined) return docs;
  for (const name of loaded.taskNames) {
    const cls = lookups.findTaskClass(home, name);
    const text = cls === undefined ? undefined : docText(cls);
    if (text !== undefined) docs.tasks[name] = text;
  }
  return docs;
}

/** The description of the doc comment closest to the node (its statement's, for a variable), without tags. */
function docText(node: Node): string | undefined {
  const docs = ts.getJSDocCommentsAndTags(node.compilerNode).filter(ts.isJSDoc);
  const text = ts.getTextOfJSDocComment(docs.at(-1)?.comment)?.trim();
  return text === undefined || text === "" ? undefined : text;
}
