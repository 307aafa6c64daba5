import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempFile } from "../../../support/temp-file.js";
import { loadTemplate } from "../../../../engines/airflow/dag-template.js";
import { UnsafeTemplateError } from "wfkit/engine";
import { pyStr } from "../../../../engines/airflow/index.js";

describe("DAG template safety", () => {
  it("allows only {{py value}}", async () => {
    await expect(loadTemplate(await tempFile("x = {{name}}"))).rejects.toThrow(/interpolate only with \{\{py value\}\}/);
  });

  it("renders PyCode and refuses plain strings at render time", async () => {
    const render = await loadTemplate(await tempFile("x = {{py value}}\n{{#each list}}{{py this}}\n{{/each}}"));
    expect(render({ value: pyStr("a'b"), list: [pyStr("c")] })).toBe(`x = "a'b"\n"c"\n`);
    expect(() => render({ value: "raw string", list: [] })).toThrow(/not PyCode: a value reached the DAG without Python escaping, a bug in wfkit; please report it/);
    expect(() => render({ value: "raw string", list: [] })).toThrow(UnsafeTemplateError);
  });

  it("ships a DAG template that passes the check", async () => {
    const file = path.resolve(import.meta.dirname, "../../../../templates/airflow/dag.py.hbs");
    await expect(loadTemplate(file)).resolves.toBeTypeOf("function");
  });
});
