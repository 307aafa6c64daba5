import { existsSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import type { ValidationIssue } from "../../src/index.js";
import type { LoadedFile } from "./source-analysis.js";

/** What decides which files of one package npm packs, and what it packs. */
export interface PackedPackage {
  /** Absolute package directory. */
  root: string;
  /** `files` of its package.json, as written (undefined when absent). */
  files: unknown;
  /** What `npm pack` puts in the tarball (listPackedFiles): POSIX paths relative to `root`. */
  packed: ReadonlySet<string>;
}

/**
 * `module-not-packed` issues of a workflow whose module is `module` (absolute), which loads
 * `loaded` (its relative imports, transitively): one for each of those files that `npm pack`
 * leaves out of the package, so that `wf install` never puts it on a worker. Each names the file
 * (and the module importing it), says why npm leaves it out, and what to change; see whyLeftOut.
 */
export function packingIssues(pkg: PackedPackage, module: string, loaded: readonly LoadedFile[]): ValidationIssue[] {
  const relative = (file: string) => path.relative(pkg.root, file).split(path.sep).join("/");
  const moduleRel = relative(module);
  const issues: ValidationIssue[] = [];
  const check = (file: string, subject: string, where: (string | number)[]) => {
    const rel = relative(file);
    if (pkg.packed.has(rel)) return;
    const { cause, fix } = whyLeftOut(pkg.root, pkg.files, rel);
    issues.push({
      code: "module-not-packed",
      path: where,
      tasks: [],
      message: `${subject} ${cause}, so npm pack and wf install leave it out and the DAG would fail on the worker: ${fix}`,
    });
  };
  check(module, moduleRel, ["module"]);
  for (const { file, importedBy } of loaded) check(file, `${relative(file)}, imported by ${relative(importedBy)},`, ["module", "imports", relative(file)]);
  return issues;
}

/**
 * Why npm leaves `rel` (a POSIX path relative to `root`) out of the package, and what would put
 * it in, read from the rules npm follows: `files` in package.json (then only the ignore files of
 * the folders `files` lists apply), else `.npmignore` in each folder, or `.gitignore` where a
 * folder has none, and npm's own rules. npm's answer (listPackedFiles) says *whether* a file
 * ships; this only explains it, so it names the rule most likely at fault.
 */
export function whyLeftOut(root: string, files: unknown, rel: string): { cause: string; fix: string } {
  const dir = path.posix.dirname(rel);
  const entries = Array.isArray(files) ? files.filter((f): f is string => typeof f === "string") : undefined;
  if (entries !== undefined) {
    const add = dir === "." ? `add "${rel}" to "files"` : `add "${dir}/" (or "${rel}") to "files"`;
    if (!entries.some((e) => !e.startsWith("!") && covers(e, rel))) return { cause: `is not in the package's "files" (package.json)`, fix: add };
    const negation = entries.find((e) => e.startsWith("!") && covers(e.slice(1), rel));
    if (negation !== undefined) {
      return { cause: `is excluded by "${negation}" in the package's "files" (package.json)`, fix: `narrow or remove "${negation}"` };
    }
    // With "files", npm reads the ignore files of the folders below the root only.
    const ignoring = ignoreFiles(root, rel, false);
    if (ignoring.length > 0) {
      return { cause: `is in the package's "files" (package.json), but ${ignoring.join(" and ")} leaves it out`, fix: `change the rule there that matches it` };
    }
    return { cause: `is in the package's "files" (package.json), but npm never packs it (npm's own rules leave out .git, node_modules, *.orig, .DS_Store, npm-debug.log and the like)`, fix: "rename or move it" };
  }
  const ignoring = ignoreFiles(root, rel, true);
  if (ignoring.some((f) => f.endsWith(".npmignore"))) {
    return { cause: `is left out by ${ignoring.join(" and ")}`, fix: `change the rule there that matches it (or list what the package ships in "files" in package.json)` };
  }
  if (ignoring.length > 0) {
    return {
      cause: `is left out by ${ignoring.join(" and ")}, which npm reads when a folder has no .npmignore`,
      fix: `add an .npmignore there without that rule (npm then reads it instead), or list what the package ships in "files" in package.json, e.g. "${dir === "." ? rel : `${dir}/`}"`,
    };
  }
  return { cause: "is one npm never packs (npm's own rules leave out .git, node_modules, *.orig, .DS_Store, npm-debug.log and the like)", fix: "rename or move it" };
}

/** Whether a `files` entry takes in `rel`: the path itself, a folder above it, or a glob matching either. */
function covers(entry: string, rel: string): boolean {
  const pattern = entry.replace(/^(?:\.\/|\/)+/, "").replace(/\/+$/, "");
  if (pattern === "" || pattern === ".") return true;
  if (rel === pattern || rel.startsWith(`${pattern}/`)) return true;
  const options = { dot: true, windows: false };
  return picomatch(pattern, options)(rel) || picomatch(`${pattern}/**`, options)(rel);
}

/**
 * The ignore files npm reads on the way from the root to `rel`'s folder (root's own only when
 * `withRoot`): in each folder `.npmignore`, or `.gitignore` when there is none. POSIX paths.
 */
function ignoreFiles(root: string, rel: string, withRoot: boolean): string[] {
  const folders = rel.split("/").slice(0, -1);
  const found: string[] = [];
  for (let depth = withRoot ? 0 : 1; depth <= folders.length; depth++) {
    const folder = folders.slice(0, depth).join("/");
    for (const name of [".npmignore", ".gitignore"]) {
      const rel = folder === "" ? name : `${folder}/${name}`;
      if (existsSync(path.join(root, ...rel.split("/")))) {
        found.push(rel);
        break;
      }
    }
  }
  return found;
}
