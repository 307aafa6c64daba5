import { existsSync } from "node:fs";
import path from "node:path";

// Kept free of wfkit's other modules: the bin script asks it, before loading anything else,
// whether `wf run-task`'s module has a compiled form.

/** What `wf install` appends to a workflow module's path, without its extension, for its compiled form. */
export const COMPILED_SUFFIX = ".wfkit.mjs";

/**
 * The compiled form of a workflow module (`src/etl.ts` → `src/etl.wfkit.mjs`), which `wf install`
 * writes beside it: the module, what it imports from its package, wfkit and its runtime in one
 * file with a source map. Undefined when there is none (a module run from a checkout, or
 * installed without compiling).
 */
export function compiledTwinPath(module: string, cwd: string): string | undefined {
  const absolute = path.resolve(cwd, module);
  const twin = absolute.slice(0, absolute.length - path.extname(absolute).length) + COMPILED_SUFFIX;
  return twin !== absolute && existsSync(twin) ? twin : undefined;
}
