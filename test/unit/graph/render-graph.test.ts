import { describe, expect, it } from "vitest";
import type { GraphNode } from "../../../src/graph/graph.js";
import { renderDot, renderMermaid } from "../../../src/graph/render-graph.js";

const diamond: GraphNode[] = [
  { name: "Extract", upstreams: [] },
  { name: "CleanA", upstreams: [0] },
  { name: "CleanB", upstreams: [0] },
  { name: "Load", upstreams: [1, 2] },
];
const order = [0, 1, 2, 3];

const hostile = [
  'a"] --> evil["x',
  "<script>alert(1)</script>",
  "Tom & Jerry",
  "&quot;already&quot;",
  'back\\slash"',
  "two\nlines",
  'x" -> "y',
  "```\n``` fence #quot; `md`",
];

/** The quoted strings of a DOT document, unescaped. */
function dotStrings(dot: string): string[] {
  return [...dot.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) =>
    m[1]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c)),
  );
}

/** Undo the Mermaid label escapes. */
function unescapeMermaid(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#35;/g, "#")
    .replace(/&#96;/g, "`")
    .replace(/&amp;/g, "&");
}

describe("renderMermaid", () => {
  it("renders every task and every edge", () => {
    expect(renderMermaid(diamond, order)).toBe(
      [
        "flowchart TD",
        '  t0["Extract"]',
        '  t1["CleanA"]',
        '  t2["CleanB"]',
        '  t3["Load"]',
        "  t0 --> t1",
        "  t0 --> t2",
        "  t1 --> t3",
        "  t2 --> t3",
        "",
      ].join("\n"),
    );
  });

  it("lists nodes in the given order but keeps ids by index", () => {
    const text = renderMermaid(diamond, [0, 2, 1, 3]);
    expect(text.indexOf('t2["CleanB"]')).toBeLessThan(text.indexOf('t1["CleanA"]'));
    expect(text).toContain("  t0 --> t1");
  });

  it("keeps hostile names inside their quoted label", () => {
    // (task names are class names, so they cannot hold a newline; see the DOT test for that)
    const names = hostile.filter((name) => !name.includes("\n")).concat(["``` fence #quot; `md`"]);
    const nodes = names.map((name) => ({ name, upstreams: [] as number[] }));
    const text = renderMermaid(nodes, nodes.map((_, i) => i));
    const labels = [...text.matchAll(/^ {2}t(\d+)\["(.*)"\]$/gm)];
    expect(labels).toHaveLength(names.length);
    expect(text.split("\n")).toHaveLength(names.length + 2);
    for (const [, index, label] of labels) {
      expect(label).not.toMatch(/["<>`]/);
      expect(label!.replace(/&#(35|96);/g, "")).not.toContain("#");
      expect(label!.replace(/&(amp|quot|lt|gt|#35|#96);/g, "")).not.toContain("&");
      expect(unescapeMermaid(label!)).toBe(names[Number(index)]);
    }
    // no edge was injected
    expect(text).not.toContain("-->");
  });

  it("keeps a line break from ending the label", () => {
    expect(renderMermaid([{ name: "a\r\nb", upstreams: [] }], [0])).toBe('flowchart TD\n  t0["a b"]\n');
  });

  it("escapes each special character", () => {
    const text = renderMermaid([{ name: `"<>&`, upstreams: [] }], [0]);
    expect(text).toContain('t0["&quot;&lt;&gt;&amp;"]');
  });
});

describe("renderDot", () => {
  it("renders every task and every edge, with the title", () => {
    expect(renderDot("etl_1.0.0", diamond, order)).toBe(
      [
        'digraph "etl_1.0.0" {',
        "  rankdir=TB;",
        '  "Extract";',
        '  "CleanA";',
        '  "CleanB";',
        '  "Load";',
        '  "Extract" -> "CleanA";',
        '  "Extract" -> "CleanB";',
        '  "CleanA" -> "Load";',
        '  "CleanB" -> "Load";',
        "}",
        "",
      ].join("\n"),
    );
  });

  it("keeps hostile names and titles inside their quoted strings", () => {
    const nodes: GraphNode[] = hostile.map((name, i) => ({ name, upstreams: i === 0 ? [] : [i - 1] }));
    const title = 'evil" { "x';
    const text = renderDot(title, nodes, nodes.map((_, i) => i));
    const strings = dotStrings(text);
    const expected = [title, ...hostile];
    for (let i = 1; i < hostile.length; i++) expected.push(hostile[i - 1]!, hostile[i]!);
    expect(strings).toEqual(expected);
    // outside the quoted strings only the DOT skeleton is left
    const skeleton = text.replace(/"((?:[^"\\]|\\.)*)"/g, "S");
    expect(skeleton).toBe(
      ["digraph S {", "  rankdir=TB;", ...hostile.map(() => "  S;"), ...hostile.slice(1).map(() => "  S -> S;"), "}", ""].join(
        "\n",
      ),
    );
  });

  it("escapes quotes, backslashes and newlines", () => {
    const text = renderDot("t", [{ name: 'a"b\\c\nd', upstreams: [] }], [0]);
    expect(text).toContain('  "a\\"b\\\\c\\nd";');
  });
});
