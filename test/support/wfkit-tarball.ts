import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "./wf-cli.js";

const exec = promisify(execFile);
let packed: Promise<string> | undefined;

/**
 * wfkit as `npm pack` ships it, packed once per test file. `--ignore-scripts`: `prepare` would
 * rebuild dist/ under the other test files; `npm test` built it.
 */
export function wfkitTarball(): Promise<string> {
  packed ??= (async () => {
    const packDir = mkdtempSync(path.join(tmpdir(), "wfkit-pack-"));
    await exec("npm", ["pack", "--ignore-scripts", "--pack-destination", packDir], { cwd: repoRoot });
    return path.join(packDir, readdirSync(packDir).find((f) => f.endsWith(".tgz"))!);
  })();
  return packed;
}
