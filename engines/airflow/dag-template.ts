import { readFile } from "node:fs/promises";
import path from "node:path";
import type HandlebarsNamespace from "handlebars";
import { wfkitPackage } from "../../src/index.js";
import { PyCode } from "./py-literal.js";

type Handlebars = typeof HandlebarsNamespace;
type Render = (model: object) => string;

/** Block helpers a DAG template may use; every other mustache must be `{{py …}}`. */
const BLOCK_HELPERS = new Set(["if", "each"]);

let compiled: Promise<Render> | undefined;

/**
 * The compiled DAG template (`templates/airflow/dag.py.hbs`), loaded once per process.
 * handlebars is imported here, on first export, so that the worker path never loads it.
 */
export function dagTemplate(): Promise<Render> {
  compiled ??= loadTemplate(path.join(wfkitPackage().root, "templates", "airflow", "dag.py.hbs"));
  return compiled;
}

/** Compile a DAG template after checking that it only interpolates through `py`. */
export async function loadTemplate(file: string): Promise<Render> {
  const { default: handlebars } = (await import("handlebars")) as { default: Handlebars };
  const hb = handlebars.create();
  const source = await readFile(file, "utf8");
  checkTemplate(hb, source, file);
  hb.registerHelper("py", (value: unknown) => {
    // Only PyCode made by py-literal.ts may reach the file: a plain string here is a bug.
    if (!(value instanceof PyCode)) throw new TypeError(`${file}: {{py}} got ${typeof value}, not PyCode`);
    return new hb.SafeString(value.code);
  });
  const template = hb.compile(source, { strict: true, noEscape: false, preventIndent: true });
  return (model) => template(model);
}

/**
 * Reject what could let a value skip the typed escaping: `{{{raw}}}`, `{{value}}` without the
 * `py` helper, partials and unknown block helpers.
 */
export function checkTemplate(hb: Handlebars, source: string, file: string): void {
  const problems: string[] = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    const n = node as { type?: string; path?: { original?: string }; escaped?: boolean; params?: unknown[]; loc?: { start: { line: number } } };
    const at = `${file}:${n.loc?.start.line ?? "?"}`;
    if (n.type === "MustacheStatement") {
      if (n.escaped === false) problems.push(`${at}: triple-stash {{{…}}} is not allowed`);
      else if (n.path?.original !== "py" || n.params?.length !== 1) problems.push(`${at}: interpolate only with {{py value}}`);
    } else if (n.type === "BlockStatement") {
      if (!BLOCK_HELPERS.has(n.path?.original ?? "")) problems.push(`${at}: block helper ${n.path?.original} is not allowed`);
    } else if (n.type === "PartialStatement" || n.type === "PartialBlockStatement" || n.type === "DecoratorBlock") {
      problems.push(`${at}: partials and decorators are not allowed`);
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object" && "type" in value) walk(value);
    }
  };
  walk(hb.parse(source));
  if (problems.length > 0) throw new Error(`unsafe DAG template:\n  ${problems.join("\n  ")}`);
}
