import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** The package.json that decides how Node loads `file` (the nearest one above it), and its `"type"`. */
function packageTypeOf(file: string): { packageJson: string | undefined; type: string | undefined } {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "package.json");
    if (existsSync(candidate)) {
      try {
        const type = (JSON.parse(readFileSync(candidate, "utf8")) as { type?: unknown }).type;
        return { packageJson: candidate, type: typeof type === "string" ? type : undefined };
      } catch {
        return { packageJson: candidate, type: undefined };
      }
    }
    if (path.dirname(dir) === dir) return { packageJson: undefined, type: undefined };
  }
}

/**
 * What to change when a module failed to load because of its module format (ES module or
 * CommonJS), or undefined when that is not why. Node's own messages say what went wrong but
 * not, for a new project (`npm init -y` writes `"type": "commonjs"`), which of the file's name,
 * its syntax or its package.json to change.
 */
export function moduleFormatAdvice(file: string, error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : "";
  const code = (error as { code?: unknown } | undefined)?.code;
  const ext = path.extname(file);
  const { packageJson, type } = packageTypeOf(file);
  const where = packageJson === undefined ? "no package.json above it" : `${packageJson} ${type === undefined ? "sets no \"type\"" : `says "type": "${type}"`}`;
  if (/Cannot use import statement outside a module|Unexpected token 'export'/.test(message)) {
    const byName = ext === ".cjs" || ext === ".cts";
    const why = byName ? `its name ends in ${ext}` : where;
    const esm = ext === ".cts" || ext === ".ts" ? ".mts" : ".mjs";
    const orType = byName ? "" : `, or set "type": "module" in ${packageJson ?? "the package.json"}`;
    return `${path.basename(file)} uses import/export, but Node loads it as CommonJS (${why}): rename it to ${esm}, or use require() and module.exports${orType}`;
  }
  if (/(require|exports|module|__dirname|__filename) is not defined in ES module scope/.test(message)) {
    const why = ext === ".mjs" || ext === ".mts" ? `its name ends in ${ext}` : where;
    const cjs = ext === ".mts" || ext === ".ts" ? ".cts" : ".cjs";
    return `${path.basename(file)} uses require() or module.exports, but Node loads it as an ES module (${why}): use import and export, or rename it to ${cjs}`;
  }
  if (code === "ERR_REQUIRE_ESM" || code === "ERR_REQUIRE_ASYNC_MODULE") {
    return `${path.basename(file)} is CommonJS and requires wfkit, an ES module, which this Node (${process.version}) cannot require: use Node 20.19 or newer (22.12 on 22), or make the file an ES module (name it .mts/.mjs, or set "type": "module" in the package.json)`;
  }
  return undefined;
}
