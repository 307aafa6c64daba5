import { Node, SyntaxKind, type ClassDeclaration, type SourceFile } from "ts-morph";
import type { SourceProject } from "./source-project.js";
import { classOf, extendsTaskBase, targetOfExpression, type ClassLike } from "./symbol-targets.js";

/**
 * The task class named `name` that a workflow declared in `home` uses: one declared in `home`
 * (top level first), else the one `home` imports under that name, else the first declared in
 * the files `home` imports, breadth first. Classes made at run time have no declaration, and
 * no answer.
 */
export function findTaskClass(sources: SourceProject, home: SourceFile, name: string): ClassLike | undefined {
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
function taskClassNamed(sourceFile: SourceFile, name: string): ClassDeclaration | undefined {
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
