/**
 * wfkit's layers, enforced in CI (`npm run lint`; test/integration/layers.test.ts proves each rule):
 * - core, src/: imports nothing outside src/. Its folders form no cycle; bottom to top today:
 *   util, errors, graph, templates < logging < progress, events < config, run-log < audit < task < workflow
 *   < run < run-log-query.
 * - engines/<name>/ and build-utils/: see the core only through its entry points, src/index.ts
 *   ("wfkit") and src/engine.ts ("wfkit/engine"). Engines never import each other, build-utils or
 *   cli/; build-utils may use engines, never cli/.
 * - cli/: the composition root, the only code that wires engines and build-utils together.
 * - examples/, bench/: import "wfkit" and "wfkit/*" as users do. Nowhere else may: inside the
 *   package those names resolve to the built dist/ (or to nothing before a build), past every rule.
 * - no import cycles, between modules or between folders.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "Import cycles make load order fragile and layers meaningless.",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-folder-cycles",
      severity: "error",
      scope: "folder",
      comment:
        "Folders are layers: if a imports b, b (and whatever b imports) never imports a. A file that makes a cycle sits in the wrong folder.",
      from: {},
      to: { circular: true },
    },
    {
      name: "core-not-to-adapters",
      severity: "error",
      comment: "src/ is the core: it must not know engines, build-utils or the CLI. Only cli/ wires them.",
      from: { path: "^src/" },
      to: { path: "^(engines|build-utils|cli)/" },
    },
    {
      name: "core-only-through-entry-points",
      severity: "error",
      comment:
        "Engines and build-utils use the core's public surface: src/index.ts ('wfkit') or src/engine.ts ('wfkit/engine'), never a core internal.",
      from: { path: "^(engines|build-utils)/" },
      to: { path: "^src/", pathNot: "^src/(index|engine)\\.ts$" },
    },
    {
      name: "engines-independent",
      severity: "error",
      comment: "An engine never imports another engine.",
      from: { path: "^engines/([^/]+)/" },
      to: { path: "^engines/", pathNot: "^engines/$1/" },
    },
    {
      name: "engines-not-to-build-utils",
      severity: "error",
      comment: "Engines are runtime adapters; build-utils build on them, not the other way round.",
      from: { path: "^engines/" },
      to: { path: "^build-utils/" },
    },
    {
      name: "adapters-not-to-cli",
      severity: "error",
      comment: "cli/ is the composition root: it imports engines and build-utils, never the other way round.",
      from: { path: "^(engines|build-utils)/" },
      to: { path: "^cli/" },
    },
    {
      name: "no-self-import",
      severity: "error",
      comment:
        "Inside the package, import the sources by relative path. 'wfkit' and 'wfkit/*' resolve through package.json " +
        "exports to the built dist/ (or, before a build, to nothing), and nothing in dist/ is checked by these rules.",
      from: { path: "^(src|engines|build-utils|cli)/" },
      // Resolved: a path in dist/. Unresolved (no dist/ yet): the name as written.
      to: { path: "^(dist/|wfkit(/|$))" },
    },
    {
      name: "examples-as-users",
      severity: "error",
      comment: "Examples and benchmarks import 'wfkit' exactly as users do, never source paths.",
      from: { path: "^(examples|bench)/" },
      to: { path: "^(src|engines|build-utils|cli)/" },
    },
    {
      name: "no-unresolvable",
      severity: "error",
      comment:
        "Every import must resolve (a typo'd path, a missing dependency). 'wfkit' and 'wfkit/*' resolve only once " +
        "dist/ is built; no-self-import and examples-as-users judge them, built or not (and typecheck checks their subpaths).",
      from: {},
      to: { couldNotResolve: true, pathNot: "^wfkit(/|$)" },
    },
  ],
  options: {
    // dist/ is build output: imports into it are reported (no-self-import), never cruised.
    doNotFollow: { path: ["node_modules", "^dist/"] },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
