import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** name and version of the installed wfkit package, found by walking up from this file. */
export function packageInfo(): { name: string; version: string } {
  // The same code runs from src/ (tests) and from dist/src/ (installed), at different depths.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, "package.json");
    try {
      const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "wfkit" && pkg.version) return { name: pkg.name, version: pkg.version };
    } catch {
      // no package.json at this level
    }
    const parent = path.dirname(dir);
    if (parent === dir) return { name: "wfkit", version: "0.0.0" };
    dir = parent;
  }
}
