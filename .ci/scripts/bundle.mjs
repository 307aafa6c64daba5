// Bundle the runtime entry points over tsc's output, in place: `wfkit`, `wfkit/engine`, `wfkit/local`,
// `wfkit/airflow`, `wfkit/notebook` and the `wf` bin become a few files instead of ~100 modules
// (wfkit's and its small dependencies'), which halves the start-up of every `wf` process — on an Airflow worker,
// of every task. The declarations (.d.ts) stay tsc's.
//
// Left out of the bundle: zod (users import it too; one shared copy keeps schemas, metadata and
// `instanceof` working), tsx (a module loader), and the export-only heavyweights handlebars,
// ts-morph and archiver, which are loaded on first use only.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dist = `${root}dist`;

await build({
  absWorkingDir: root,
  entryPoints: ["src/index.js", "src/engine.js", "engines/local/index.js", "engines/airflow/index.js", "engines/notebook/index.js", "cli/bin.js"].map((p) => `${dist}/${p}`),
  outdir: dist,
  outbase: dist,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["tsx", "tsx/*", "handlebars", "ts-morph", "archiver"],
  // commander and semver are CommonJS: give the bundle a `require` of its own.
  banner: { js: 'import { createRequire as __wfkitCreateRequire } from "node:module";\nconst require = __wfkitCreateRequire(import.meta.url);' },
  legalComments: "linked",
  // Less to parse and compile on every start; names are kept, since error classes report theirs.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  logLevel: "warning",
});
// tsc's source maps describe the files the bundle replaced.
for (const entry of ["src/index", "src/engine", "engines/local/index", "engines/airflow/index", "engines/notebook/index", "cli/bin"]) {
  rmSync(`${dist}/${entry}.js.map`, { force: true });
}
