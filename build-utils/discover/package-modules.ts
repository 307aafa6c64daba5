import path from "node:path";
import { errorMessage } from "../../src/engine.js";
import { WorkflowLoadError } from "./errors.js";
import type { PackageJson } from "./find-package.js";
import { compileGlob, matchesGlobs, type GlobPattern } from "./glob-pattern.js";
import { walkFiles } from "./walk-files.js";

/** The source files of a package directory, as POSIX paths relative to its root. */
export interface PackageModules {
  /** Every source file worth analysing (scanned: never executed just for being here). */
  sources: string[];
  /**
   * The modules package.json lists in `wfkit.workflows`, to load whatever they hold; undefined
   * when it lists none, and the modules constructing a Workflow are loaded instead.
   */
  listed?: string[];
  /** Patterns of `wfkit.workflows` that match no module. */
  unmatched: string[];
}

const SCAN_SKIPPED_DIRS = new Set(["node_modules", "dist", "test", "tests", "__tests__"]);
const SCANNED_FILE = /\.(?:ts|mts|js|mjs)$/;
const MODULE_FILE = /\.(?:[cm]?[jt]s|tsx|jsx)$/;
const DECLARATION_FILE = /\.d\.[cm]?ts$/;
const TEST_FILE = /\.(?:test|spec)\.[^/]+$/;

/** Whether a scan of the package looks at this file (see PackageModules.sources). */
export function isScannedSource(relativePath: string): boolean {
  return SCANNED_FILE.test(relativePath) && !DECLARATION_FILE.test(relativePath) && !TEST_FILE.test(relativePath);
}

/**
 * The modules of the package at `root`: every `.ts/.mts/.js/.mjs` file outside node_modules,
 * dist, hidden and test directories (no declarations, no `*.test.*`/`*.spec.*`), plus, when
 * package.json has `"wfkit": { "workflows": [globs…] }`, the modules those globs match (from
 * anywhere but node_modules and hidden directories). Throws WorkflowLoadError for a malformed
 * `wfkit` field.
 */
export function listPackageModules(root: string, json: PackageJson): PackageModules {
  const patterns = workflowGlobs(root, json);
  const sources = walkFiles(root, (name) => name.startsWith(".") || SCAN_SKIPPED_DIRS.has(name)).filter(isScannedSource);
  if (patterns === undefined) return { sources, unmatched: [] };
  const everything = walkFiles(root, (name) => name.startsWith(".") || name === "node_modules");
  const listed = everything.filter((f) => MODULE_FILE.test(f) && !DECLARATION_FILE.test(f) && matchesGlobs(patterns, f));
  const unmatched = patterns.filter((p) => !p.negated && !everything.some((f) => p.test(f))).map((p) => p.source);
  return { sources: [...new Set([...sources, ...listed])].sort(), listed, unmatched };
}

function workflowGlobs(root: string, json: PackageJson): GlobPattern[] | undefined {
  const where = `${path.join(root, "package.json")}: "wfkit"`;
  if (json.wfkit === undefined) return undefined;
  if (typeof json.wfkit !== "object" || json.wfkit === null || Array.isArray(json.wfkit)) {
    throw new WorkflowLoadError(`${where} must be an object such as {"workflows": ["src/**/*.ts"]}`);
  }
  const workflows = (json.wfkit as Record<string, unknown>)["workflows"];
  if (workflows === undefined) return undefined;
  if (!Array.isArray(workflows) || workflows.length === 0 || !workflows.every((w) => typeof w === "string")) {
    throw new WorkflowLoadError(`${where}.workflows must be a non-empty list of globs relative to the package root, such as ["src/workflows/*.ts"]`);
  }
  return workflows.map((pattern: string) => {
    try {
      return compileGlob(pattern);
    } catch (error) {
      throw new WorkflowLoadError(`${where}.workflows: ${errorMessage(error)}`, { cause: error });
    }
  });
}
