import path from "node:path";
import { loadSafeTemplate, wfkitPackage, type RenderTemplate } from "../../src/index.js";
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
      if (!(value instanceof PyCode)) throw new TypeError(`${file}: {{py}} got ${typeof value}, not PyCode`);
      return value.code;
    },
  });
}
