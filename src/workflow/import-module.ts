import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { errorMessage } from "../errors/wfkit-error.js";
import { MissingToolError } from "./errors.js";

const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/;
const COMMONJS = /\.c[jt]s$/;
let tsxRegistered: Promise<void> | undefined;

/**
 * Teach Node TypeScript, once, and only when a .ts module is loaded (plain JS skips tsx's
 * cost): for ES modules and for CommonJS, as the `tsx` command does. A `.ts` file in a project
 * without `"type": "module"` (what `npm init -y` makes) is CommonJS to Node and to tsx; without
 * the CommonJS hooks Node met its `import` syntax, took it for an ES module and failed ("Cannot
 * require() ES Module … in a cycle").
 */
function registerTsx(): Promise<void> {
  tsxRegistered ??= Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]).then(
    ([esm, cjs]) => {
      esm.register();
      cjs.register();
    },
    (error: unknown) => {
      throw new MissingToolError(
        `loading a TypeScript module needs tsx, a peer dependency of wfkit that is not installed here (${errorMessage(error)}): npm install --save-dev tsx. On an Airflow worker, install the workflow package with wf install, which compiles its modules to JavaScript`,
        { cause: error },
      );
    },
  );
  return tsxRegistered;
}

/**
 * What a module exports by name. `import()` of a CommonJS module gives `module.exports` as
 * `default`, plus only the names Node's lexer finds in its text (none in what TypeScript and
 * esbuild emit): its exports are then module.exports' own properties. Told apart by shape: every
 * name beside `default` is also on `default`.
 */
function exportsOf(namespace: Record<string, unknown>): Record<string, unknown> {
  const exports = namespace["default"];
  if (exports === null || (typeof exports !== "object" && typeof exports !== "function")) return namespace;
  const names = Object.keys(namespace);
  if (names.length === 1 && typeof exports === "function") return namespace;
  if (!names.every((name) => name === "default" || name === "module.exports" || Object.hasOwn(exports, name))) return namespace;
  // An ES module whose default export is a plain object holding workflows reads the same way.
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(exports)) if (name !== "__esModule") out[name] = (exports as Record<string, unknown>)[name];
  return out;
}

/**
 * Import a module that defines workflows by its absolute path: `.ts`, `.mts`, `.cts` and `.tsx`
 * load directly (through tsx), JavaScript as it is; ES modules and CommonJS alike (a CommonJS
 * module's exports are module.exports' properties). What the module throws while loading
 * propagates unchanged.
 */
export async function importModule(absolutePath: string): Promise<Record<string, unknown>> {
  if (TYPESCRIPT.test(absolutePath)) await registerTsx();
  // Always CommonJS by their name: required, since import() of a .cts file through tsx's hooks
  // fails inside Node 20 ("request for 'node:module' is not in cache").
  if (COMMONJS.test(absolutePath)) return exportsOf({ default: createRequire(import.meta.url)(absolutePath) as unknown });
  return exportsOf((await import(pathToFileURL(absolutePath).href)) as Record<string, unknown>);
}
