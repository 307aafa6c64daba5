/**
 * wfkit's layers, enforced in CI (`npm run lint`):
 * - the core (src/) never imports engines/, build-utils/ or the CLI (cli/, the composition root
 *   that wires them together);
 * - engines and build-utils see only the core's public surfaces (src/index.ts, src/engine.ts);
 * - engines never import each other, nor build-utils;
 * - no import cycles anywhere.
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
      name: "core-not-to-adapters",
      severity: "error",
      comment: "src/ is the core: it must not know engines, build-utils or the CLI. Only cli/ wires them.",
      from: { path: "^src/" },
      to: { path: "^(engines|build-utils|cli)/" },
    },
    {
      name: "core-only-through-index",
      severity: "error",
      comment: "Engines and build-utils use the core's public surfaces: import from src/index.ts ('wfkit') and src/engine.ts ('wfkit/engine') only.",
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
      name: "examples-as-users",
      severity: "error",
      comment: "Examples and benchmarks import 'wfkit' exactly as users do, never source paths.",
      from: { path: "^(examples|bench)/" },
      to: { path: "^(src|engines|build-utils)/" },
    },
    {
      name: "no-unresolvable",
      severity: "error",
      comment: "Every import must resolve (a typo'd path, a missing dependency).",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
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
