// The layer rules of .ci/dependency-cruiser.cjs, run by the real dependency-cruiser: the
// repository passes them, and a small tree that breaks each rule fails with that rule's name,
// once with dist/ built and once before a build (self-name imports resolve differently).
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/**
 * One tree with every kind of violation, each planted where it closes no other cycle (a core
 * import of an engine that imports the core would be a folder cycle too), next to the imports
 * the rules allow.
 */
const planted: Record<string, string> = {
  // The core, with its two entry points and an internal.
  "src/index.ts": "export const core = 1;",
  "src/engine.ts": "export const engine = 1;",
  "src/task/task.ts": "export const task = 1;",
  // Self-name import in the core.
  "src/workflow/workflow.ts": 'import "wfkit/local"; export const workflow = 1;',
  // The core imports an engine; the core imports cli/.
  "src/graph/graph.ts": 'import "../../engines/notebook/index.js"; export const graph = 1;',
  "src/run/run.ts": 'import "../../cli/main.js"; export const run = 1;',
  // A module cycle (one folder).
  "src/a.ts": 'import "./b.js"; export const a = 1;',
  "src/b.ts": 'import "./a.js"; export const b = 1;',
  // A folder cycle without a module cycle: logging -> config -> logging.
  "src/logging/logger-from-config.ts": 'import "../config/env.js"; export const fromConfig = 1;',
  "src/config/env.ts": 'import "../logging/mask.js"; export const env = 1;',
  "src/logging/mask.ts": "export const mask = 1;",
  // Engines: through the entry points (allowed); self-name import from an engine.
  "engines/notebook/index.ts": "export const notebook = 1;",
  "engines/airflow/index.ts": 'import "../../src/index.js"; import "../../src/engine.js"; import "wfkit/notebook"; export const airflow = 1;',
  // An engine imports a core internal, another engine, build-utils.
  "engines/local/index.ts":
    'import "../../src/task/task.js"; import "../notebook/index.js"; import "../../build-utils/export/index.js"; export const local = 1;',
  // build-utils may use the core's entry points and engines; not cli/, not "wfkit".
  "build-utils/export/index.ts": 'import "../../src/index.js"; import "../../engines/airflow/index.js"; export const exporter = 1;',
  "build-utils/validate/index.ts": 'import "../../cli/main.js"; import "wfkit"; export const validate = 1;',
  // A dist/ import.
  "cli/main.ts": 'import "../dist/src/index.js"; export const main = 1;',
  // Examples import "wfkit" as users do (allowed, built or not), never the sources.
  "examples/demo.ts": 'import "wfkit"; import "wfkit/local"; import "../src/index.js";',
};

/** The tree above, with the repository's package.json (its name and exports map) and tsconfig; `built` adds the dist/ files the exports map names. */
function plantTree(built: boolean): string {
  const tree = mkdtempSync(path.join(tmpdir(), "wfkit-layers-"));
  cpSync(path.join(repoRoot, "tsconfig.json"), path.join(tree, "tsconfig.json"));
  cpSync(path.join(repoRoot, "package.json"), path.join(tree, "package.json"));
  const files = { ...planted };
  if (built) {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { exports: Record<string, string | Record<string, string>> };
    for (const target of Object.values(pkg.exports).flatMap((t) => (typeof t === "string" ? [] : Object.values(t)))) {
      files[path.normalize(target)] = "export {};";
    }
    expect(Object.keys(files)).toContain("dist/src/index.js");
  }
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
    writeFileSync(path.join(tree, file), text);
  }
  return tree;
}

describe("layer rules", () => {
  it("the repository breaks none of them", { timeout: 60_000 }, async () => {
    expect(await violations(repoRoot, ["src", "engines", "build-utils", "cli", "examples", "bench"])).toEqual([]);
  });

  it.each([
    { state: "with dist/ built", built: true },
    { state: "before a build (no dist/)", built: false },
  ])("each rule catches the import it forbids, $state", { timeout: 60_000 }, async ({ built }) => {
    const tree = plantTree(built);
    try {
      const found = await violations(tree, ["src", "engines", "build-utils", "cli", "examples"]);
      const pairs = found.map((v) => `${v.rule}: ${v.from} -> ${v.to}`).sort();
      // A self-name import resolves through package.json exports into dist/ when it is built,
      // and to nothing (the name as written) before a build: either way it is no-self-import.
      const selfName = (from: string, name: string, inDist: string) => `no-self-import: ${from} -> ${built ? inDist : name}`;
      expect(pairs).toEqual(
        [
          selfName("src/workflow/workflow.ts", "wfkit/local", "dist/engines/local/index.d.ts"),
          selfName("engines/airflow/index.ts", "wfkit/notebook", "dist/engines/notebook/index.d.ts"),
          selfName("build-utils/validate/index.ts", "wfkit", "dist/src/index.d.ts"),
          // A relative import into dist/: before a build there is nothing there to import.
          built ? "no-self-import: cli/main.ts -> dist/src/index.js" : "no-unresolvable: cli/main.ts -> ../dist/src/index.js",
          "core-not-to-adapters: src/graph/graph.ts -> engines/notebook/index.ts",
          "core-not-to-adapters: src/run/run.ts -> cli/main.ts",
          "engines-independent: engines/local/index.ts -> engines/notebook/index.ts",
          "engines-not-to-build-utils: engines/local/index.ts -> build-utils/export/index.ts",
          "core-only-through-entry-points: engines/local/index.ts -> src/task/task.ts",
          "adapters-not-to-cli: build-utils/validate/index.ts -> cli/main.ts",
          "examples-as-users: examples/demo.ts -> src/index.ts",
          "no-cycles: src/a.ts -> src/b.ts",
          "no-folder-cycles: src/config -> src/logging",
          "no-folder-cycles: src/logging -> src/config",
        ].sort(),
      );
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
