import path from "node:path";
import { loadSafeTemplate, UnsafeTemplateError, wfkitPackage, type RenderTemplate } from "../../src/engine.js";
import { PyCode } from "./py-literal.js";

/** The DAG templates under `templates/airflow/`: a BashOperator per task, or a stub DAG for the SDK runtime. */
export type DagTemplateName = "dag.py.hbs" | "dag-sdk.py.hbs";

const compiled = new Map<DagTemplateName, Promise<RenderTemplate>>();

/**
 * A compiled DAG template (`templates/airflow/<name>`), loaded once per process. Its only
 * interpolation is `{{py value}}`, which accepts nothing but PyCode made by py-literal.ts.
 */
export function dagTemplate(name: DagTemplateName = "dag.py.hbs"): Promise<RenderTemplate> {
  let template = compiled.get(name);
  if (template === undefined) {
    template = loadTemplate(path.join(wfkitPackage().root, "templates", "airflow", name));
    compiled.set(name, template);
  }
  return template;
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
