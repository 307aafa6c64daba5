import { pathToFileURL } from "node:url";

const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/;
let tsxRegistered: Promise<void> | undefined;

/** Teach Node TypeScript, once, and only when a .ts module is loaded: plain JS skips tsx's cost. */
function registerTsx(): Promise<void> {
  tsxRegistered ??= import("tsx/esm/api").then(({ register }) => {
    register();
  });
  return tsxRegistered;
}

/**
 * Import a module that defines workflows by its absolute path: `.ts`, `.mts`, `.cts` and `.tsx`
 * load directly (through tsx), JavaScript as it is. What the module throws while loading
 * propagates unchanged.
 */
export async function importModule(absolutePath: string): Promise<Record<string, unknown>> {
  if (TYPESCRIPT.test(absolutePath)) await registerTsx();
  return (await import(pathToFileURL(absolutePath).href)) as Record<string, unknown>;
}
