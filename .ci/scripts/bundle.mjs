// Bundle the runtime entry points over tsc's output, in place: `wfkit`, `wfkit/engine`, `wfkit/local`,
// `wfkit/airflow`, `wfkit/notebook` and the `wf` bin become a few files instead of ~100 modules
// (wfkit's and its small dependencies'), which halves the start-up of every `wf` process — on an Airflow worker,
// of every task. The declarations (.d.ts) stay tsc's.
//
// Left out of the bundle: zod (users import it too; one shared copy keeps schemas, metadata and
// `instanceof` working), tsx (a module loader), and the export-only heavyweights handlebars,
// ts-morph and archiver, which are loaded on first use only.
import { build } from "esbuild";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dist = `${root}dist`;

/** The .js files under `folder` (recursively). */
function jsFiles(folder) {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".js"))
    .map((entry) => `${entry.parentPath ?? entry.path}/${entry.name}`);
}

// wfkit's own class names, from tsc's output, before the bundle replaces it (see the check below).
const classPattern = /\bclass ([A-Za-z_$][\w$]*)/g;
const ownClasses = new Set();
for (const folder of ["src", "engines", "build-utils", "cli"]) {
  for (const file of jsFiles(`${dist}/${folder}`)) for (const match of readFileSync(file, "utf8").matchAll(classPattern)) ownClasses.add(match[1]);
}

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
  external: ["tsx", "tsx/*", "handlebars", "ts-morph", "archiver", "pg"],
  // commander and semver are CommonJS: give the bundle a `require` of its own.
  banner: { js: 'import { createRequire as __wfkitCreateRequire } from "node:module";\nconst require = __wfkitCreateRequire(import.meta.url);' },
  legalComments: "linked",
  // Less to parse and compile on every start. Identifiers are not minified, so functions and
  // classes keep their names without esbuild's `keepNames`, which wraps every named function
  // and closure in a `__name()` call when it is made: a cost paid per task on the run's hot path.
  // The one way a name still changes is a clash between two bundled modules (esbuild then calls
  // one `Name2`); error classes report their names, so the check after the build refuses that.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: false,
  logLevel: "warning",
});
// tsc's source maps describe the files the bundle replaced.
for (const entry of ["src/index", "src/engine", "engines/local/index", "engines/airflow/index", "engines/notebook/index", "cli/bin"]) {
  rmSync(`${dist}/${entry}.js.map`, { force: true });
}

const renamed = new Set();
for (const file of jsFiles(dist)) {
  for (const match of readFileSync(file, "utf8").matchAll(/(?:\bclass |\b(?:var|let|const) )([A-Za-z_$][\w$]*?)(\d+)(?=\s*=\s*class\b|[\s{])/g)) {
    if (ownClasses.has(match[1]) && !ownClasses.has(match[1] + match[2])) renamed.add(`${match[1]} (now ${match[1]}${match[2]})`);
  }
}
if (renamed.size > 0) {
  console.error(`bundle: esbuild renamed these classes because two bundled modules define the same name: ${[...renamed].join(", ")}. Their \`name\` (which errors report) would change: rename one of each pair.`);
  process.exit(1);
}
