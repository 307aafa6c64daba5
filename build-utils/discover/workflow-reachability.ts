import { Node, SyntaxKind, type Identifier, type SourceFile } from "ts-morph";

/**
 * Whether the value of `expression` (a `new Workflow(…)`) ends up as an export of its module,
 * the only place the loader looks: directly (`export const wf = new Workflow(…).addNode(…)`,
 * `export default …`), through a local binding that is exported (`export { wf }`,
 * `export default wf`, `export const alias = wf`), or as the result of a function whose call is
 * exported that way. An exported function gets the benefit of the doubt: another module may
 * call it and export the result. Anything else (an unexported const, an array, an argument) is
 * invisible to the loader.
 */
export function reachesExport(expression: Node, seen: Set<Node> = new Set()): boolean {
  if (seen.has(expression)) return false;
  seen.add(expression);
  const node = climbValue(expression);
  const parent = node.getParent();
  if (parent === undefined) return false;
  if (Node.isExportAssignment(parent)) return true;
  if (Node.isVariableDeclaration(parent) && parent.getInitializer() === node) return bindingReaches(parent, seen);
  if (Node.isBinaryExpression(parent) && parent.getOperatorToken().getKind() === SyntaxKind.EqualsToken && parent.getRight() === node) {
    const left = parent.getLeft();
    const declaration = Node.isIdentifier(left) ? left.getSymbol()?.getValueDeclaration() : undefined;
    return declaration !== undefined && Node.isVariableDeclaration(declaration) && bindingReaches(declaration, seen);
  }
  if (Node.isReturnStatement(parent)) {
    const fn = parent.getFirstAncestor((a) => Node.isFunctionLikeDeclaration(a));
    return fn !== undefined && functionResultReaches(fn, seen);
  }
  if (Node.isArrowFunction(parent) && parent.getBody() === node) return functionResultReaches(parent, seen);
  return false;
}

/** Up through what passes the value on unchanged: parentheses, type assertions, `? :`, `??`/`||`, and chained `addNode()` (which returns the workflow). */
function climbValue(start: Node): Node {
  let node = start;
  for (;;) {
    const parent = node.getParent();
    if (parent === undefined) return node;
    if (
      Node.isParenthesizedExpression(parent) ||
      Node.isAsExpression(parent) ||
      Node.isSatisfiesExpression(parent) ||
      Node.isNonNullExpression(parent) ||
      Node.isTypeAssertion(parent) ||
      (Node.isConditionalExpression(parent) && parent.getCondition() !== node) ||
      (Node.isBinaryExpression(parent) && isFallbackOperator(parent.getOperatorToken().getKind()))
    ) {
      node = parent;
      continue;
    }
    const call = parent.getParent();
    if (Node.isPropertyAccessExpression(parent) && parent.getName() === "addNode" && call !== undefined && Node.isCallExpression(call) && call.getExpression() === parent) {
      node = call;
      continue;
    }
    return node;
  }
}

function isFallbackOperator(kind: SyntaxKind): boolean {
  return kind === SyntaxKind.QuestionQuestionToken || kind === SyntaxKind.BarBarToken;
}

function bindingReaches(declaration: Node, seen: Set<Node>): boolean {
  if (!Node.isVariableDeclaration(declaration) && !Node.isFunctionDeclaration(declaration)) return false;
  const name = declaration.getNameNode();
  if (name === undefined || !Node.isIdentifier(name)) return false;
  if (isExported(declaration)) return true;
  return referencesOf(name).some((ref) => reachesExport(ref, seen));
}

function functionResultReaches(fn: Node, seen: Set<Node>): boolean {
  let binding: Node | undefined;
  if (Node.isFunctionDeclaration(fn)) binding = fn;
  else if (Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)) {
    const parent = climbValue(fn).getParent();
    if (parent !== undefined && Node.isVariableDeclaration(parent)) binding = parent;
  }
  if (binding === undefined) return false;
  if (isExported(binding)) return true;
  const name = Node.isFunctionDeclaration(binding) || Node.isVariableDeclaration(binding) ? binding.getNameNode() : undefined;
  if (name === undefined || !Node.isIdentifier(name)) return false;
  return referencesOf(name).some((ref) => {
    const call = ref.getParent();
    return call !== undefined && Node.isCallExpression(call) && call.getExpression() === ref && reachesExport(call, seen);
  });
}

const exportedCache = new WeakMap<SourceFile, Set<Node>>();

function isExported(declaration: Node): boolean {
  const sourceFile = declaration.getSourceFile();
  let exported = exportedCache.get(sourceFile);
  if (exported === undefined) {
    exported = new Set([...sourceFile.getExportedDeclarations().values()].flat());
    exportedCache.set(sourceFile, exported);
  }
  return exported.has(declaration);
}

/** Other identifiers in the same file that name the same binding. */
function referencesOf(name: Identifier): Identifier[] {
  const symbol = name.getSymbol()?.compilerSymbol;
  if (symbol === undefined) return [];
  return name
    .getSourceFile()
    .getDescendantsOfKind(SyntaxKind.Identifier)
    .filter((id) => id !== name && id.getText() === name.getText() && id.getSymbol()?.compilerSymbol === symbol);
}
