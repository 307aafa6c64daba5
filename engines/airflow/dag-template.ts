import path from "node:path";
import { loadSafeTemplate, UnsafeTemplateError, wfkitPackage, type RenderTemplate } from "../../src/engine.js";
import { PyCode } from "./py-literal.js";

let compiled: Promise<RenderTemplate> | undefined;

/**
 * The compiled DAG template (`templates/airflow/dag.py.hbs`), loaded once per process. Its only
 * interpolation is `{{py value}}`, which accepts nothing but PyCode made by py-literal.ts.
 */
export function dagTemplate(): Promise<RenderTemplate> {
  compiled ??= loadTemplate(path.join(wfkitPackage().root, "templates", "airflow", "dag.py.hbs"));
  return compiled;
}

/** Compile a DAG template whose one helper is `{{py value}}`. */
export function loadTemplate(file: string): Promise<RenderTemplate> {
  return loadSafeTemplate(file, {
    py: (value) => {
      // A plain string here is a bug: only PyCode has been escaped for Python.
      if (!(value instanceof PyCode)) {
        throw new UnsafeTemplateError(`${file}: {{py}} got ${typeof value}, not PyCode: a value reached the DAG without Python escaping, a bug in wfkit; please report it`);
      }
      return value.code;
    },
  });
}
