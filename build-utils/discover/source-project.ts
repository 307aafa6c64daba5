import { statSync } from "node:fs";
import path from "node:path";
import { Node, Project, ts, type ExportDeclaration, type ImportDeclaration, type SourceFile } from "ts-morph";

/** Source files to analyse, and the package directory that bounds the imports followed from them. */
export interface SourceScope {
  /** Absolute package directory: imports leading outside it (or into node_modules) are not followed. */
  root: string;
  /** Absolute paths. */
  files: readonly string[];
}

/** One ts-morph project over some packages' sources, with each file's package root. */
export interface SourceProject {
  project: Project;
  /** Absolute file path → the root of its scope. */
  rootOf: Map<string, string>;
  /** Absolute file path → its source file. */
  file(absolute: string): SourceFile | undefined;
  /** The files `file` imports or re-exports through relative specifiers, in source order. */
  relativeImports(file: SourceFile): SourceFile[];
  /**
   * The files `file` loads when it runs: its relative imports and re-exports less the type-only
   * ones (`import type`, `export type`, `import { type A }`), which the compiler drops.
   */
  loadedImports(file: SourceFile): SourceFile[];
}

/**
 * Parse the scopes' files and, transitively, the files they import through relative specifiers
 * inside their package. Nothing is executed, and nothing outside the packages is read: "wfkit"
 * and every other bare import stays unresolved, which the analysis relies on (it recognises
 * wfkit's exports by import specifier, not by type).
 */
export function openSourceProject(scopes: readonly SourceScope[]): SourceProject {
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    skipLoadingLibFiles: true,
    compilerOptions: {
      allowJs: true,
      noLib: true,
      noResolve: true,
      types: [],
      noEmit: true,
      allowImportingTsExtensions: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
    },
  });
  const rootOf = new Map<string, string>();
  const byPath = new Map<string, SourceFile>();
  const queue: SourceFile[] = [];
  const add = (file: string, root: string): void => {
    const absolute = path.resolve(file);
    if (byPath.has(absolute)) return;
    const sourceFile = project.addSourceFileAtPath(absolute);
    byPath.set(absolute, sourceFile);
    rootOf.set(absolute, root);
    queue.push(sourceFile);
  };
  for (const scope of scopes) for (const file of scope.files) add(file, scope.root);
  while (queue.length > 0) {
    const sourceFile = queue.shift()!;
    const from = sourceFile.getFilePath();
    const root = rootOf.get(path.resolve(from))!;
    for (const specifier of relativeSpecifiers(sourceFile)) {
      const target = resolveRelative(from, specifier);
      if (target !== undefined && isInside(root, target)) add(target, root);
    }
  }
  const filesOf = (sourceFile: SourceFile, specifiers: string[]): SourceFile[] =>
    specifiers
      .map((s) => resolveRelative(sourceFile.getFilePath(), s))
      .flatMap((target) => (target === undefined ? [] : [byPath.get(target)].filter((f) => f !== undefined)));
  return {
    project,
    rootOf,
    file: (absolute) => byPath.get(path.resolve(absolute)),
    relativeImports: (sourceFile) => filesOf(sourceFile, relativeSpecifiers(sourceFile)),
    loadedImports: (sourceFile) => filesOf(sourceFile, relativeSpecifiers(sourceFile, { loadedOnly: true })),
  };
}

function relativeSpecifiers(sourceFile: SourceFile, options: { loadedOnly?: boolean } = {}): string[] {
  const specifiers: string[] = [];
  for (const statement of sourceFile.getStatements()) {
    if (Node.isImportDeclaration(statement) || Node.isExportDeclaration(statement)) {
      if (options.loadedOnly === true && isTypeOnly(statement)) continue;
      const value = statement.getModuleSpecifierValue();
      if (value !== undefined && (value.startsWith("./") || value.startsWith("../"))) specifiers.push(value);
    }
  }
  return specifiers;
}

/** `import type …`, `export type …`, or named imports/exports that are all `type` ones (`import { type A }`): gone once compiled. */
function isTypeOnly(statement: ImportDeclaration | ExportDeclaration): boolean {
  if (statement.isTypeOnly()) return true;
  if (Node.isImportDeclaration(statement)) {
    const clause = statement.getImportClause();
    if (clause === undefined || clause.getDefaultImport() !== undefined || clause.getNamespaceImport() !== undefined) return false;
    const named = clause.getNamedImports();
    return named.length > 0 && named.every((n) => n.isTypeOnly());
  }
  const named = statement.getNamedExports();
  return !statement.isNamespaceExport() && named.length > 0 && named.every((n) => n.isTypeOnly());
}

const SOURCE_FOR: Record<string, string[]> = {
  ".js": [".ts", ".tsx", ".js", ".jsx"],
  ".mjs": [".mts", ".mjs"],
  ".cjs": [".cts", ".cjs"],
  ".jsx": [".tsx", ".jsx"],
};
const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

/** The file a relative specifier names, the way TypeScript maps `./x.js` to `./x.ts`; undefined when none exists. */
function resolveRelative(fromFile: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const extension = path.extname(base);
  const stem = base.slice(0, base.length - extension.length);
  const candidates = SOURCE_FOR[extension]?.map((e) => stem + e) ?? [
    base,
    ...EXTENSIONS.map((e) => base + e),
    ...EXTENSIONS.map((e) => path.join(base, `index${e}`)),
  ];
  return candidates.find((candidate) => {
    try {
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) && !relative.split(path.sep).includes("node_modules");
}
