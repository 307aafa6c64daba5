import path from "node:path";
import { loadSafeTemplate, UnsafeTemplateError, wfkitPackage, type RenderTemplate } from "../../src/engine.js";
import { Markdown } from "./markdown.js";
import { TsCode } from "./ts-literal.js";

/** The cell templates in `templates/notebook/`, by cell kind. */
export interface CellTemplates {
  workflow: RenderTemplate;
  parameters: RenderTemplate;
  setup: RenderTemplate;
  taskDoc: RenderTemplate;
  task: RenderTemplate;
  summary: RenderTemplate;
}

const FILES: Record<keyof CellTemplates, string> = {
  workflow: "workflow.md.hbs",
  parameters: "parameters.ts.hbs",
  setup: "setup.ts.hbs",
  taskDoc: "task.md.hbs",
  task: "task.ts.hbs",
  summary: "summary.ts.hbs",
};

let loaded: Promise<CellTemplates> | undefined;

/** The compiled cell templates, loaded once per process. */
export function cellTemplates(): Promise<CellTemplates> {
  loaded ??= loadCellTemplates(path.join(wfkitPackage().root, "templates", "notebook"));
  return loaded;
}

/**
 * Compile the templates in `dir`. Their only interpolations are `{{ts value}}` (TsCode, for
 * code cells) and `{{md value}}` (Markdown, for markdown cells).
 */
export async function loadCellTemplates(dir: string): Promise<CellTemplates> {
  const entries = await Promise.all(
    Object.entries(FILES).map(async ([kind, name]) => {
      const file = path.join(dir, name);
      const render = await loadSafeTemplate(file, {
        ts: (value) => {
          if (!(value instanceof TsCode)) {
            throw new UnsafeTemplateError(`${file}: {{ts}} got ${typeof value}, not TsCode: a value reached a code cell without TypeScript escaping, a bug in wfkit; please report it`);
          }
          return value.code;
        },
        md: (value) => {
          if (!(value instanceof Markdown)) {
            throw new UnsafeTemplateError(`${file}: {{md}} got ${typeof value}, not Markdown: a value reached a markdown cell without escaping, a bug in wfkit; please report it`);
          }
          return value.text;
        },
      });
      return [kind, render] as const;
    }),
  );
  return Object.fromEntries(entries) as unknown as CellTemplates;
}
