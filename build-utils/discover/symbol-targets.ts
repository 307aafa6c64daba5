import { Node, SyntaxKind, type ClassDeclaration, type ClassExpression, type Symbol as MorphSymbol } from "ts-morph";

/** What an expression refers to: an export of "wfkit" (by its exported name), or a declaration in the sources. */
export type Target = { wfkit: string } | { node: Node } | undefined;

/** A class in the sources. */
export type ClassLike = ClassDeclaration | ClassExpression;

const WFKIT = "wfkit";
const MAX_ALIAS_HOPS = 32;

/**
 * What `expression` refers to, following imports, re-exports, aliases and namespace imports
 * through the analysed files. An import from "wfkit" ends the chase: wfkit's own files are never
 * analysed, so it is recognised by its specifier.
 */
export function targetOfExpression(expression: Node): Target {
  if (Node.isParenthesizedExpression(expression)) return targetOfExpression(expression.getExpression());
  if (Node.isIdentifier(expression)) return targetOfSymbol(expression.getSymbol());
  if (Node.isPropertyAccessExpression(expression)) {
    const owner = targetOfExpression(expression.getExpression());
    const name = expression.getName();
    if (owner === undefined) return undefined;
    if ("wfkit" in owner) return owner.wfkit === "*" ? { wfkit: name } : undefined;
    if (Node.isSourceFile(owner.node)) {
      const declaration = owner.node.getExportedDeclarations().get(name)?.[0];
      return declaration === undefined ? undefined : { node: declaration };
    }
  }
  return undefined;
}

/** The class a target is: a class declaration or expression, or a variable holding a class expression. */
export function classOf(target: Target): ClassLike | undefined {
  if (target === undefined || "wfkit" in target) return undefined;
  const node = target.node;
  if (Node.isClassDeclaration(node) || Node.isClassExpression(node)) return node;
  if (Node.isVariableDeclaration(node)) {
    const init = node.getInitializer();
    if (init !== undefined && Node.isClassExpression(init)) return init;
  }
  return undefined;
}

/** Whether the class extends wfkit's TaskBase, directly or through other classes in the sources. */
export function extendsTaskBase(cls: ClassLike, seen: Set<Node> = new Set()): boolean {
  const heritage = cls.getExtends();
  if (heritage === undefined || seen.has(cls)) return false;
  seen.add(cls);
  const target = targetOfExpression(heritage.getExpression());
  if (target !== undefined && "wfkit" in target) return target.wfkit === "TaskBase";
  const base = classOf(target);
  return base !== undefined && extendsTaskBase(base, seen);
}

/** Whether `node` constructs wfkit's Workflow: `new Workflow(…)`, under any import name. */
export function isWorkflowConstruction(node: Node): boolean {
  if (!Node.isNewExpression(node)) return false;
  const target = targetOfExpression(node.getExpression());
  return target !== undefined && "wfkit" in target && target.wfkit === "Workflow";
}

function targetOfSymbol(symbol: MorphSymbol | undefined, hops = 0): Target {
  if (symbol === undefined || hops > MAX_ALIAS_HOPS) return undefined;
  const declaration = symbol.getDeclarations()[0];
  if (declaration === undefined) return undefined;
  const alias = aliasOf(declaration);
  if (alias !== undefined) {
    if (alias.module === WFKIT) return { wfkit: alias.imported };
    return targetOfSymbol(symbol.getImmediatelyAliasedSymbol(), hops + 1);
  }
  if (Node.isExportAssignment(declaration)) return targetOfExpression(declaration.getExpression());
  return { node: declaration };
}

/** For an import or re-export: where from, and under which exported name (`default`, `*` for a namespace). */
function aliasOf(declaration: Node): { module: string | undefined; imported: string } | undefined {
  if (Node.isImportSpecifier(declaration)) {
    return { module: declaration.getImportDeclaration().getModuleSpecifierValue(), imported: declaration.getName() };
  }
  if (Node.isImportClause(declaration) || Node.isNamespaceImport(declaration)) {
    const importDeclaration = declaration.getFirstAncestorByKind(SyntaxKind.ImportDeclaration);
    return { module: importDeclaration?.getModuleSpecifierValue(), imported: Node.isImportClause(declaration) ? "default" : "*" };
  }
  if (Node.isExportSpecifier(declaration)) {
    return { module: declaration.getExportDeclaration().getModuleSpecifierValue(), imported: declaration.getName() };
  }
  if (Node.isNamespaceExport(declaration)) {
    const exportDeclaration = declaration.getFirstAncestorByKind(SyntaxKind.ExportDeclaration);
    return { module: exportDeclaration?.getModuleSpecifierValue(), imported: "*" };
  }
  return undefined;
}
