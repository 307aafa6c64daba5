import { Node, SyntaxKind, type ClassDeclaration, type SourceFile } from "ts-morph";
import type { SourceProject } from "./source-project.js";
import { classOf, extendsTaskBase, targetOfExpression, type ClassLike } from "./symbol-targets.js";

/** Finds a workflow's task classes by name; see {@link createTaskClassFinder}. */
export type TaskClassFinder = (home: SourceFile, name: string) => ClassLike | undefined;

/**
 * A {@link findTaskClass} that remembers: every answer, and each file's classes by name. A
 * module with a thousand workflows asks for the same few names tens of thousands of times, and
 * listing a file's classes on every question made the analysis quadratic in the module's size.
 */
export function createTaskClassFinder(sources: SourceProject): TaskClassFinder {
  const byFile = new Map<SourceFile, Map<string, ClassDeclaration[]>>();
  const answers = new Map<SourceFile, Map<string, ClassLike | undefined>>();
  const named: ClassesNamed = (sourceFile, name) => {
    let index = byFile.get(sourceFile);
    if (index === undefined) {
      index = new Map();
      // Top level first, then nested: the order taskClassNamed prefers them in.
      const classes = [...sourceFile.getClasses(), ...sourceFile.getDescendantsOfKind(SyntaxKind.ClassDeclaration)];
      for (const cls of new Set(classes)) {
        const key = cls.getName();
        if (key === undefined) continue;
        const list = index.get(key) ?? [];
        list.push(cls);
        index.set(key, list);
      }
      byFile.set(sourceFile, index);
    }
    return (index.get(name) ?? []).find((cls) => extendsTaskBase(cls));
  };
  return (home, name) => {
    let cache = answers.get(home);
    if (cache === undefined) answers.set(home, (cache = new Map()));
    if (!cache.has(name)) cache.set(name, findTaskClass(sources, home, name, named));
    return cache.get(name);
  };
}

type ClassesNamed = (sourceFile: SourceFile, name: string) => ClassDeclaration | undefined;

/**
 * The task class named `name` that a workflow declared in `home` uses: one declared in `home`
 * (top level first), else the one `home` imports under that name, else the first declared in
 * the files `home` imports, breadth first. Classes made at run time have no declaration, and
 * no answer.
 */
export function findTaskClass(
  sources: SourceProject,
  home: SourceFile,
  name: string,
  taskClassNamed: ClassesNamed = taskClassNamedIn,
): ClassLike | undefined {
  const own = taskClassNamed(home, name);
  if (own !== undefined) return own;
  for (const declaration of home.getImportDeclarations()) {
    for (const specifier of declaration.getNamedImports()) {
      if (specifier.getName() !== name) continue;
      const cls = classOf(targetOfExpression(specifier.getAliasNode() ?? specifier.getNameNode()));
      if (cls !== undefined && runtimeName(cls) === name && extendsTaskBase(cls)) return cls;
    }
  }
  const seen = new Set<SourceFile>([home]);
  const queue = sources.relativeImports(home);
  while (queue.length > 0) {
    const sourceFile = queue.shift()!;
    if (seen.has(sourceFile)) continue;
    seen.add(sourceFile);
    const found = taskClassNamed(sourceFile, name);
    if (found !== undefined) return found;
    queue.push(...sources.relativeImports(sourceFile));
  }
  return undefined;
}

/** Every class the task classes of the sources extend: bases, never tasks by themselves. */
export function baseClasses(sources: SourceProject): Set<Node> {
  const bases = new Set<Node>();
  for (const sourceFile of sources.project.getSourceFiles()) {
    const classes = [...sourceFile.getDescendantsOfKind(SyntaxKind.ClassDeclaration), ...sourceFile.getDescendantsOfKind(SyntaxKind.ClassExpression)];
    for (const cls of classes) {
      const heritage = cls.getExtends();
      const base = heritage === undefined ? undefined : classOf(targetOfExpression(heritage.getExpression()));
      if (base !== undefined) bases.add(base);
    }
  }
  return bases;
}

/** The task class declared in the file under that name: at top level first, then nested. */
function taskClassNamedIn(sourceFile: SourceFile, name: string): ClassDeclaration | undefined {
  const matches = (cls: ClassDeclaration) => cls.getName() === name && extendsTaskBase(cls);
  return sourceFile.getClasses().find(matches) ?? sourceFile.getDescendantsOfKind(SyntaxKind.ClassDeclaration).find(matches);
}

/** The `name` a class has at run time, as far as the source says. */
function runtimeName(cls: ClassLike): string | undefined {
  const own = cls.getName();
  if (own !== undefined) return own;
  const parent = cls.getParent();
  return parent !== undefined && Node.isVariableDeclaration(parent) ? parent.getName() : undefined;
}
