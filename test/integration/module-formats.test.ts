// Workflow files load in ES-module and CommonJS projects alike: every file name (.ts .mts .cts
// .js .mjs .cjs) with either syntax, in a project whose package.json says "type": "commonjs"
// (what `npm init -y` writes), "type": "module", or nothing. What can work loads; what cannot
// says which of the file's name, its syntax or its package.json to change.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, wf } from "../support/wf-cli.js";

const ESM = `import { TaskBase, Workflow } from "wfkit";
export class Load extends TaskBase {
  run(): void {
    this.logger.info("loaded");
  }
}
export const pipeline = new Workflow({ category: "pipe", version: "0.1.0" }).addNode(Load);
`;
const CJS = `const { TaskBase, Workflow } = require("wfkit");
class Load extends TaskBase {
  run() {
    this.logger.info("loaded");
  }
}
exports.pipeline = new Workflow({ category: "pipe", version: "0.1.0" }).addNode(Load);
`;
const EXTENSIONS = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"] as const;

/** A project of `type` with wfkit (this checkout) in node_modules and one file per syntax and name. */
function project(type: "commonjs" | "module" | undefined): string {
  const dir = mkdtempSync(path.join(tmpdir(), `wfkit-format-${type ?? "none"}-`));
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "formats", version: "1.0.0", ...(type === undefined ? {} : { type }) }));
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(repoRoot, path.join(dir, "node_modules", "wfkit"), "dir");
  mkdirSync(path.join(dir, "src"));
  for (const ext of EXTENSIONS) {
    // TypeScript-only syntax (`: void`) stays out of the .js files.
    writeFileSync(path.join(dir, "src", `esm${ext}`), ext.endsWith("ts") ? ESM : ESM.replace(": void", ""));
    writeFileSync(path.join(dir, "src", `cjs${ext}`), CJS);
  }
  return dir;
}

/** Which files may not load, by project type (file → what its message must say). */
const REFUSED: Record<string, Record<string, RegExp>> = {
  commonjs: {
    "esm.js": /esm\.js uses import\/export, but Node loads it as CommonJS \(.*package\.json says "type": "commonjs"\): rename it to \.mjs, or use require\(\) and module\.exports, or set "type": "module" in .*package\.json/,
    "esm.cjs": /esm\.cjs uses import\/export, but Node loads it as CommonJS \(its name ends in \.cjs\): rename it to \.mjs, or use require\(\) and module\.exports$/m,
    "cjs.mjs": /cjs\.mjs uses require\(\) or module\.exports, but Node loads it as an ES module \(its name ends in \.mjs\): use import and export, or rename it to \.cjs/,
    "cjs.mts": /cjs\.mts uses require\(\) or module\.exports, but Node loads it as an ES module \(its name ends in \.mts\): use import and export, or rename it to \.cts/,
  },
  module: {
    "esm.cjs": /esm\.cjs uses import\/export, but Node loads it as CommonJS \(its name ends in \.cjs\)/,
    "cjs.ts": /cjs\.ts uses require\(\) or module\.exports, but Node loads it as an ES module \(.*package\.json says "type": "module"\): use import and export, or rename it to \.cts/,
    "cjs.js": /require is not defined in ES module scope/,
    "cjs.mjs": /cjs\.mjs uses require\(\) or module\.exports/,
    "cjs.mts": /cjs\.mts uses require\(\) or module\.exports/,
  },
  none: {
    "esm.cjs": /esm\.cjs uses import\/export, but Node loads it as CommonJS \(its name ends in \.cjs\)/,
    "cjs.mjs": /cjs\.mjs uses require\(\) or module\.exports/,
    "cjs.mts": /cjs\.mts uses require\(\) or module\.exports/,
  },
};

describe("workflow files in ES-module and CommonJS projects", () => {
  for (const type of ["commonjs", "module", undefined] as const) {
    const name = type ?? "none";
    it(`a project with ${type === undefined ? "no \"type\"" : `"type": "${type}"`}: every file that can load does; the others say what to change`, async () => {
      const dir = project(type);
      const files = EXTENSIONS.flatMap((ext) => [`esm${ext}`, `cjs${ext}`]);
      // One process per file: a .ts file loaded first teaches the process TypeScript (tsx), whose
      // hooks then also take plain .js files that Node alone would refuse.
      const outs = await Promise.all(files.map((file) => wf(["validate", path.join(dir, "src", file)])));
      const refused = REFUSED[name]!;
      files.forEach((file, i) => {
        const out = outs[i]!;
        if (refused[file] === undefined) {
          expect(out.code, `${file} should load:\n${out.stderr}`).toBe(0);
          expect(out.stdout + out.stderr).toContain(`✔ pipe_0.1.0 (${path.join(dir, "src", file)})`);
        } else {
          expect(out.code, `${file} should be refused:\n${out.stderr}`).toBe(2);
          expect(out.stderr).toMatch(refused[file]);
        }
      });
    });
  }
});
