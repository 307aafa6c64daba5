import { readdirSync } from "node:fs";
import path from "node:path";

/**
 * Every file under `root`, as sorted POSIX paths relative to it. Directories for which
 * `skipDir(name)` holds are not entered; symbolic links are not followed (no loops, nothing
 * outside the tree).
 */
export function walkFiles(root: string, skipDir: (name: string) => boolean): string[] {
  const files: string[] = [];
  const visit = (dir: string, prefix: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareText(a.name, b.name));
    for (const entry of entries) {
      const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!skipDir(entry.name)) visit(path.join(dir, entry.name), relative);
      } else if (entry.isFile()) {
        files.push(relative);
      }
    }
  };
  visit(root, "");
  return files.sort(compareText);
}

/** Code-unit order: the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
