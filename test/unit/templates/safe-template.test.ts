import { describe, expect, it } from "vitest";
import { tempFile } from "../../support/temp-file.js";
import { loadSafeTemplate, UnsafeTemplateError } from "wfkit/engine";

class Upper {
  constructor(readonly text: string) {}
}
const helpers = {
  up: (value: unknown) => {
    if (!(value instanceof Upper)) throw new TypeError(`{{up}} got ${typeof value}, not Upper`);
    return value.text.toUpperCase();
  },
  low: (value: unknown) => String(value).toLowerCase(),
};

describe("loadSafeTemplate", () => {
  it.each([
    ["a plain mustache", "x = {{name}}", /interpolate only with \{\{up value\}\} or \{\{low value\}\}/],
    ["a triple-stash", "x = {{{name}}}", /triple-stash/],
    ["a partial", "{{> other}}", /partials/],
    ["an unknown block helper", "{{#with x}}{{up y}}{{/with}}", /block helper with/],
    ["a helper with two arguments", "{{up a b}}", /interpolate only/],
    ["a helper it was not given", "{{lookup a b}}", /interpolate only/],
  ])("rejects %s", async (_what, text, message) => {
    await expect(loadSafeTemplate(await tempFile(text), helpers)).rejects.toThrow(message);
  });

  it("names the template and every unsafe line, as a platform problem", async () => {
    const file = await tempFile("a = {{name}}\nb = {{{raw}}}");
    const refused = loadSafeTemplate(file, helpers);
    await expect(refused).rejects.toBeInstanceOf(UnsafeTemplateError);
    await expect(refused).rejects.toMatchObject({ resolvableBy: "platform" });
    await expect(refused).rejects.toThrow(`unsafe template ${file}: values could skip the typed escaping; fix these lines:\n  ${file}:1: interpolate only with`);
    await expect(refused).rejects.toThrow(`\n  ${file}:2: triple-stash {{{…}}} is not allowed`);
  });

  it("renders through the helpers, which refuse the wrong kind of value at render time", async () => {
    const render = await loadSafeTemplate(await tempFile("x = {{up value}}\n{{#each list}}{{low this}}\n{{/each}}"), helpers);
    expect(render({ value: new Upper("a<b>&"), list: ["C"] })).toBe("x = A<B>&\nc\n");
    expect(() => render({ value: "raw string", list: [] })).toThrow(/not Upper/);
  });

  it("fails on a missing value instead of writing nothing", async () => {
    const render = await loadSafeTemplate(await tempFile("x = {{up value}}"), helpers);
    expect(() => render({})).toThrow();
  });
});
