import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { errorMessage } from "../../src/engine.js";
import type { WorkflowPackage } from "./discovery-types.js";
import { WorkflowLoadError } from "./errors.js";

/** What wfkit reads from a workflow package's package.json. */
export interface PackageJson {
  name?: unknown;
  version?: unknown;
  wfkit?: unknown;
  /** What `npm pack` packs: read only to say why a workflow module is left out of it. */
  files?: unknown;
}

/** The directory of the nearest package.json at or above `dir`, or undefined. */
export function nearestPackageDir(dir: string): string | undefined {
  let current = path.resolve(dir);
  for (;;) {
    if (existsSync(path.join(current, "package.json"))) return current;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Parse `<root>/package.json`; WorkflowLoadError naming the file when it cannot be read or is not an object. */
export function readPackageJson(root: string): PackageJson {
  const file = path.join(root, "package.json");
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new WorkflowLoadError(`cannot read ${file}: ${errorMessage(error)}; fix the file (it must be valid JSON)`, { cause: error });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new WorkflowLoadError(`${file} does not hold a JSON object; a workflow package needs {"name": …, "version": …}`);
  }
  return parsed as PackageJson;
}

/** The workflow package rooted at `root` (which holds package.json); WorkflowLoadError when name or version is missing. */
export function packageAt(root: string, json: PackageJson = readPackageJson(root)): WorkflowPackage {
  const file = path.join(root, "package.json");
  const missing = (["name", "version"] as const).filter((key) => typeof json[key] !== "string" || json[key] === "");
  if (missing.length > 0) {
    throw new WorkflowLoadError(
      `${file} has no ${missing.map((k) => `"${k}"`).join(" or ")}; a workflow package is identified by both: add them (e.g. "name": "my-pipelines", "version": "1.0.0")`,
    );
  }
  return { root, name: json.name as string, version: json.version as string };
}

/**
 * The workflow package of `file`: the nearest package.json at or above the file's directory.
 * Throws WorkflowLoadError when there is none, or when it lacks a name or version.
 */
export function findPackage(file: string): WorkflowPackage {
  const absolute = path.resolve(file);
  const root = nearestPackageDir(path.dirname(absolute));
  if (root === undefined) {
    throw new WorkflowLoadError(
      `no package.json found for ${file} (looked in ${path.dirname(absolute)} and every parent); a workflow package needs one with "name" and "version": create it with \`npm init\``,
    );
  }
  return packageAt(root);
}
