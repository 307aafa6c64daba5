import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The installed wfkit package: name, version and root folder (where package.json is). */
export interface WfkitPackage {
  name: string;
  version: string;
  root: string;
}

let cached: WfkitPackage | undefined;

/** The installed wfkit package, found by walking up from this file. */
export function wfkitPackage(): WfkitPackage {
  if (cached !== undefined) return cached;
  // The same code runs from src/ (tests) and from dist/src/ (installed), at different depths.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, "package.json");
    try {
      const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "wfkit" && pkg.version) return (cached = { name: pkg.name, version: pkg.version, root: dir });
    } catch {
      // no package.json at this level
    }
    const parent = path.dirname(dir);
    if (parent === dir) return (cached = { name: "wfkit", version: "0.0.0", root: dir });
    dir = parent;
  }
}
