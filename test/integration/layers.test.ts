// The layer rules of .ci/dependency-cruiser.cjs, run by the real dependency-cruiser: the
// repository passes them, and a small tree that breaks each rule fails with that rule's name.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/wf-cli.js";

const run = promisify(execFile);
const depcruise = path.join(repoRoot, "node_modules", ".bin", "depcruise");

async function violations(cwd: string, dirs: string[]): Promise<{ rule: string; from: string; to: string }[]> {
  const config = path.join(repoRoot, ".ci", "dependency-cruiser.cjs");
  const { stdout } = await run(depcruise, ["--config", config, "--output-type", "json", ...dirs], { cwd, maxBuffer: 64 << 20 }).catch(
    (e: { stdout: string }) => ({ stdout: e.stdout }),
  );
  const report = JSON.parse(stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return report.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

describe("layer rules", () => {
  it("the repository breaks none of them", async () => {
    expect(await violations(repoRoot, ["src", "engines", "build-utils", "cli", "examples", "bench"])).toEqual([]);
  });

  it("each rule catches the import it forbids", async () => {
    const tree = mkdtempSync(path.join(tmpdir(), "wfkit-layers-"));
    cpSync(path.join(repoRoot, "tsconfig.json"), path.join(tree, "tsconfig.json"));
    const files: Record<string, string> = {
      "src/index.ts": "export const core = 1;",
      "src/engine.ts": "export const engine = 1;",
      "src/task/task.ts": "export const task = 1;",
      "src/workflow/workflow.ts": 'import "../../engines/local/index.js"; export const w = 1;',
      "cli/main.ts": 'import "../engines/local/index.js"; import "../build-utils/export/index.js";',
      "src/a.ts": 'import "./b.js"; export const a = 1;',
      "src/b.ts": 'import "./a.js"; export const b = 1;',
      "engines/local/index.ts": 'import "../../src/task/task.js"; import "../airflow/index.js"; import "../../build-utils/export/index.js";',
      "engines/airflow/index.ts": 'import "../../src/index.js"; import "../../src/engine.js"; export const x = 1;',
      "build-utils/export/index.ts": 'import "../../src/index.js"; import "../../engines/airflow/index.js"; export const y = 1;',
      "examples/demo.ts": 'import "../src/index.js";',
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
      writeFileSync(path.join(tree, file), text);
    }
    const found = await violations(tree, ["src", "engines", "build-utils", "cli", "examples"]);
    const pairs = found.map((v) => `${v.rule}: ${v.from} -> ${v.to}`).sort();
    expect(pairs).toEqual(
      [
        "core-not-to-adapters: src/workflow/workflow.ts -> engines/local/index.ts",
        "core-only-through-index: engines/local/index.ts -> src/task/task.ts",
        "engines-independent: engines/local/index.ts -> engines/airflow/index.ts",
        "engines-not-to-build-utils: engines/local/index.ts -> build-utils/export/index.ts",
        "examples-as-users: examples/demo.ts -> src/index.ts",
        "no-cycles: src/a.ts -> src/b.ts",
      ].sort(),
    );
  });
});
