// Bundle the runtime entry points over tsc's output, in place: `wfkit`, `wfkit/engine`, `wfkit/local`,
// `wfkit/airflow`, `wfkit/notebook` and the `wf` bin become a few files instead of ~100 modules
// (wfkit's and its small dependencies'), which halves the start-up of every `wf` process — on an Airflow worker,
// of every task. The declarations (.d.ts) stay tsc's.
//
// Left out of the bundle: tsx (a module loader), and the build tools handlebars, ts-morph,
// archiver and esbuild (wfkit's peer dependencies, absent on workers), loaded on first use only;
// pg, loaded only with a PostgreSQL run log; @opentelemetry/host-metrics (see below). zod is bundled: one file instead of ~100 modules
// (a user's own `zod` is another copy; zod 4's checks work across copies).
import { build } from "esbuild";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

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
  for (const file of jsFiles(`${dist}/${folder}`)) {
    // Comments out first: "the task class named X" in a doc comment is no class.
    const code = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, "");
    for (const match of code.matchAll(classPattern)) ownClasses.add(match[1]);
  }
}

/**
 * The OpenTelemetry packages' ES module builds (their package.json `module`) instead of the
 * CommonJS ones that esbuild picks for Node: esbuild can leave out what wfkit does not use, and
 * the SDK's chunk loads in a fraction of the time (a task with WF_OTEL on starts faster).
 * Packages with an `exports` map are left to it.
 */
const openTelemetryEsm = {
  name: "opentelemetry-esm",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@opentelemetry\/[a-z-]+$/ }, (args) => {
      const manifest = packageJsonOf(args.path, args.resolveDir);
      if (manifest === undefined) return undefined;
      const pkg = JSON.parse(readFileSync(manifest, "utf8"));
      if (pkg.exports !== undefined || typeof pkg.module !== "string") return undefined;
      return { path: path.join(path.dirname(manifest), pkg.module) };
    });
  },
};

/** `node_modules/<name>/package.json` as Node finds it from `dir` (walking up), or undefined. */
function packageJsonOf(name, dir) {
  for (let at = dir; ; at = path.dirname(at)) {
    const file = path.join(at, "node_modules", name, "package.json");
    if (existsSync(file)) return file;
    if (path.dirname(at) === at) return undefined;
  }
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
  // host-metrics (and its systeminformation) loads only with WF_OTEL=process. The rest of the
  // OpenTelemetry SDK, the API included, is bundled into the chunk that only a run with
  // telemetry on loads (the API keeps one registry per process across copies: task code's own
  // @opentelemetry/api finds wfkit's provider and context).
  external: ["tsx", "tsx/*", "handlebars", "ts-morph", "archiver", "pg", "esbuild", "@opentelemetry/host-metrics"],
  plugins: [openTelemetryEsm],
  // commander and semver are CommonJS: give the bundle a `require` of its own.
  banner: { js: 'import { createRequire as __wfkitCreateRequire } from "node:module";\nconst require = __wfkitCreateRequire(import.meta.url);' },
  legalComments: "linked",
  // Less to parse and compile on every start. Identifiers are not minified, so functions and
  // classes keep their names without esbuild's `keepNames`, which wraps every named function
  // and closure in a `__name()` call when it is made: a cost paid per task on the run's hot path.
  // The one way a name still changes is a clash between two bundled modules (esbuild then calls
  // one `Name2`); error classes report their names, so the check after the build refuses that.
  // Whitespace stays: esbuild drops the `/* @__PURE__ */` marks of module-level schemas when it
  // minifies whitespace, and `wf install`'s compile (which minifies) needs them to leave out the
  // schemas a task never uses (see build-utils/install/compile-workflows.ts).
  minifyWhitespace: false,
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
