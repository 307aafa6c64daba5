import { readFile } from "node:fs/promises";
import type HandlebarsNamespace from "handlebars";
import { UnsafeTemplateError } from "./errors.js";

type Handlebars = typeof HandlebarsNamespace;

/** A compiled template: model in, text out. */
export type RenderTemplate = (model: object) => string;

/**
 * The only ways a template may interpolate: each helper takes exactly one value, checks that it
 * is the typed, already-escaped kind it expects (throwing otherwise; wfkit's own helpers throw
 * UnsafeTemplateError) and returns its text.
 */
export type TemplateHelpers = Readonly<Record<string, (value: unknown) => string>>;

/** Block helpers a template may use; every other mustache must call one of the given helpers. */
const BLOCK_HELPERS = new Set(["if", "each"]);

/**
 * Compile a handlebars template after checking that every value reaches the output through
 * one of `helpers` (see `checkTemplate`). handlebars is imported on first use, so that code
 * paths that render nothing (a worker running a task) never load it.
 */
export async function loadSafeTemplate(file: string, helpers: TemplateHelpers): Promise<RenderTemplate> {
  const { default: handlebars } = (await import("handlebars")) as { default: Handlebars };
  const hb = handlebars.create();
  const source = await readFile(file, "utf8");
  checkTemplate(hb, source, file, Object.keys(helpers));
  for (const [name, helper] of Object.entries(helpers)) {
    hb.registerHelper(name, (value: unknown) => new hb.SafeString(helper(value)));
  }
  const template = hb.compile(source, { strict: true, noEscape: false, preventIndent: true });
  return (model) => template(model);
}

/**
 * Reject what could let a value skip the typed escaping: `{{{raw}}}`, `{{value}}` without one
 * of `helpers`, partials, decorators and block helpers other than `#if` and `#each`. Throws
 * UnsafeTemplateError listing every such place.
 */
export function checkTemplate(hb: Handlebars, source: string, file: string, helpers: readonly string[]): void {
  const problems: string[] = [];
  const allowed = helpers.map((h) => `{{${h} value}}`).join(" or ");
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    const n = node as { type?: string; path?: { original?: string }; escaped?: boolean; params?: unknown[]; loc?: { start: { line: number } } };
    const at = `${file}:${n.loc?.start.line ?? "?"}`;
    if (n.type === "MustacheStatement") {
      if (n.escaped === false) problems.push(`${at}: triple-stash {{{…}}} is not allowed`);
      else if (!helpers.includes(n.path?.original ?? "") || n.params?.length !== 1) problems.push(`${at}: interpolate only with ${allowed}`);
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
  if (problems.length > 0) {
    throw new UnsafeTemplateError(`unsafe template ${file}: values could skip the typed escaping; fix ${problems.length === 1 ? "this line" : "these lines"}:\n  ${problems.join("\n  ")}`);
  }
}
