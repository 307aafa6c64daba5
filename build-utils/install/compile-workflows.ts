import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { errorMessage } from "../../src/engine.js";
import { listPackageModules } from "../discover/package-modules.js";
import type { PackageJson } from "../discover/find-package.js";
import { InstallError } from "./errors.js";

/** What `compileWorkflowModules` made. */
export interface CompileResult {
  /** The compiled modules, as paths relative to the package (`src/etl.ts`). */
  compiled: string[];
  /** Why nothing was compiled, when nothing was (tasks then load the source as `wf run` does). */
  skipped?: string;
}

/** The packages a compiled module holds; every other package is imported from node_modules at run time. */
const BUNDLED_PACKAGES = /^(?:wfkit|zod)(?:\/|$)/;
const IMPORTS_WFKIT = /(?:from\s*|import\s*\(\s*)["']wfkit(?:\/[\w-]+)?["']/;
const VIRTUAL = "wfkit-compiled-entry";
const RUNTIME_ENTRY = "<wfkit runtime>";

/**
 * Compile a workflow package's workflow modules once, at install, into `<module>.wfkit.mjs`
 * beside each (see the Airflow engine's compiledTwinPath): the module and what it imports from
 * its package, wfkit (the package's own copy, with the worker's entry point `runCompiledTask`)
 * and zod, bundled by esbuild, with shared code in `.wfkit/chunks/` and a source map so that
 * stack traces point at the user's TypeScript. Other packages stay imports from node_modules
 * (native addons and files read beside their code keep working). `import.meta.url`,
 * `.dirname` and `.filename` in a bundled module of the package still name its own source file.
 *
 * The workflow modules are those package.json's `wfkit.workflows` lists, else every scanned
 * source module that imports wfkit. A package whose wfkit has no `runCompiledTask` (older than
 * this one) is left as it is, with the reason. Throws InstallError when esbuild is missing or a
 * module does not compile.
 */
export async function compileWorkflowModules(packageDir: string, json: PackageJson): Promise<CompileResult> {
  const modules = workflowModules(packageDir, json);
  if (modules.length === 0) return { compiled: [], skipped: "no module imports wfkit" };
  const runtime = wfkitRuntime(packageDir);
  if (runtime !== undefined) return { compiled: [], skipped: runtime };
  let esbuild: typeof import("esbuild");
  try {
    esbuild = await import("esbuild");
  } catch (error) {
    throw new InstallError(
      `wf install compiles the workflow modules with esbuild, which this wf cannot load (${errorMessage(error)}): install it beside the wfkit that runs wf install (npm install --save-dev esbuild), or pass --no-compile (tasks then compile their TypeScript on every start)`,
      { cause: error },
    );
  }
  try {
    await esbuild.build({
      absWorkingDir: packageDir,
      entryPoints: [
        ...modules.map((module) => ({ in: `${VIRTUAL}:${module}`, out: module.slice(0, module.length - path.extname(module).length) + ".wfkit" })),
        // wfkit as an entry of its own, so that its code goes to the shared chunks and each
        // workflow module's file (and source map) holds little more than the package's code.
        { in: `${VIRTUAL}:${RUNTIME_ENTRY}`, out: ".wfkit/runtime" },
      ],
      outdir: packageDir,
      outExtension: { ".js": ".mjs" },
      chunkNames: ".wfkit/chunks/[name]-[hash]",
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      sourcemap: "linked",
      sourcesContent: false,
      minifyWhitespace: true,
      minifySyntax: true,
      legalComments: "linked",
      // CommonJS code bundled into ESM (commander, semver inside wfkit) needs a `require`.
      banner: { js: 'import { createRequire as __wfkitCompiledRequire } from "node:module";\nconst require = __wfkitCompiledRequire(import.meta.url);' },
      logLevel: "silent",
      plugins: [
        {
          name: "wfkit-compile",
          setup(build) {
            build.onResolve({ filter: new RegExp(`^${VIRTUAL}:`) }, (args) => ({ path: args.path.slice(VIRTUAL.length + 1), namespace: VIRTUAL }));
            build.onLoad({ filter: /.*/, namespace: VIRTUAL }, (args) => args.path === RUNTIME_ENTRY ? { contents: 'export { runCompiledTask } from "wfkit/airflow";', resolveDir: packageDir, loader: "js" } : ({
              contents: [
                `import * as workflowModule from ${JSON.stringify(`./${path.basename(args.path)}`)};`,
                'import { runCompiledTask } from "wfkit/airflow";',
                "/** `wf run-task`'s arguments against this module's workflows. */",
                "export function runTask(argv) { return runCompiledTask(workflowModule, argv); }",
              ].join("\n"),
              resolveDir: path.dirname(path.join(packageDir, args.path)),
              loader: "js",
            }));
            // Bare imports other than wfkit and zod stay imports of node_modules.
            build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("node:") || BUNDLED_PACKAGES.test(args.path) ? undefined : { path: args.path, external: true }));
            // The package's own modules: `import.meta` keeps naming the source file, not the bundle.
            build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
              if (!inside(packageDir, args.path)) return undefined;
              const source = readFileSync(args.path, "utf8");
              if (!source.includes("import.meta")) return undefined;
              return { contents: rewriteImportMeta(source, path.relative(packageDir, args.path)), loader: loaderOf(args.path), resolveDir: path.dirname(args.path) };
            });
          },
        },
      ],
    });
  } catch (error) {
    throw new InstallError(`could not compile the workflow modules of ${json.name ?? packageDir} (${modules.join(", ")}): ${errorMessage(error)}; fix the module, or install with --no-compile`, { cause: error });
  }
  dropRuntimeSourceMaps(packageDir);
  return { compiled: modules };
}

/**
 * Source maps only where the package's own code is: Node reads every map of a module it loads
 * (source maps are on for compiled modules), and wfkit's and zod's would cost each task start
 * several milliseconds to map frames that point into node_modules anyway.
 */
function dropRuntimeSourceMaps(packageDir: string): void {
  for (const entry of readdirSync(path.join(packageDir, ".wfkit"), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".mjs")) continue;
    const file = path.join(entry.parentPath, entry.name);
    const map = `${file}.map`;
    let sources: string[];
    try {
      sources = (JSON.parse(readFileSync(map, "utf8")) as { sources: string[] }).sources;
    } catch {
      continue;
    }
    if (sources.some((source) => !source.startsWith(VIRTUAL) && inside(packageDir, path.resolve(entry.parentPath, source)))) continue;
    writeFileSync(file, readFileSync(file, "utf8").replace(/\n\/\/# sourceMappingURL=[^\n]*\n?$/, "\n"));
    rmSync(map);
  }
}

/** The package's workflow modules, relative to it, sorted. */
function workflowModules(packageDir: string, json: PackageJson): string[] {
  const { sources, listed } = listPackageModules(packageDir, json);
  if (listed !== undefined) return [...listed].sort();
  return sources.filter((file) => IMPORTS_WFKIT.test(readFileSync(path.join(packageDir, file), "utf8"))).sort();
}

/** Why the package's wfkit cannot be compiled into its modules, or undefined when it can. */
function wfkitRuntime(packageDir: string): string | undefined {
  let entry: string;
  try {
    entry = readFileSync(path.join(nodeModulesOf(packageDir), "wfkit", "dist", "engines", "airflow", "index.js"), "utf8");
  } catch {
    return "its wfkit has no dist/engines/airflow/index.js";
  }
  return entry.includes("runCompiledTask") ? undefined : "its wfkit is older than compiled installs (no runCompiledTask)";
}

/** `<root>/node_modules` for `<root>/node_modules/<name>` (or `<scope>/<name>`); the package itself when it is wfkit. */
function nodeModulesOf(packageDir: string): string {
  let dir = packageDir;
  while (path.basename(dir) !== "node_modules" && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.basename(dir) === "node_modules" ? dir : path.join(packageDir, "node_modules");
}

function inside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return !relative.startsWith("..") && !path.isAbsolute(relative) && !relative.split(path.sep).includes("node_modules");
}

function loaderOf(file: string): "ts" | "tsx" | "js" | "jsx" {
  if (file.endsWith("x")) return file.endsWith(".tsx") ? "tsx" : "jsx";
  return /\.[cm]?ts$/.test(file) ? "ts" : "js";
}

/**
 * `import.meta.url` / `.filename` / `.dirname` of a package module (`relative`: its path in the
 * package) as expressions that still name its source file once its code sits in a compiled file
 * (beside a workflow module, or in `.wfkit/chunks/`, a place esbuild picks): from the compiled
 * file's folder up, the first folder that holds `relative` is the package. Text is replaced
 * (esbuild has no per-module define); a mention inside a string or a comment changes with it,
 * which is harmless for a comment and rare in a string.
 */
export function rewriteImportMeta(source: string, relative: string): string {
  const rel = JSON.stringify(relative.split(path.sep).join("/"));
  // Appended, so that every line of the module keeps its number (stack traces, source maps):
  // imports and function declarations are hoisted.
  const helper = [
    'import { existsSync as __wfkitExists } from "node:fs";',
    'import { fileURLToPath as __wfkitToPath } from "node:url";',
    'import { dirname as __wfkitDirname } from "node:path";',
    "function __wfkitSourceUrl() {",
    '  for (let dir = new URL(".", import.meta.url); ; dir = new URL("..", dir)) {',
    `    const candidate = new URL(${rel}, dir);`,
    '    if (__wfkitExists(__wfkitToPath(candidate)) || new URL("..", dir).href === dir.href) return candidate.href;',
    "  }",
    "}",
  ].join("\n");
  const body = source
    .replace(/\bimport\.meta\.url\b/g, "__wfkitSourceUrl()")
    .replace(/\bimport\.meta\.filename\b/g, "__wfkitToPath(__wfkitSourceUrl())")
    .replace(/\bimport\.meta\.dirname\b/g, "__wfkitDirname(__wfkitToPath(__wfkitSourceUrl()))");
  return `${body}\n${helper}\n`;
}
