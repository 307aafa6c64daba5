import fc from "fast-check";
import { marked } from "marked";
import { describe, expect, it } from "vitest";
import { mdFence, mdInline, mdText } from "wfkit/notebook";
import { HOSTILE } from "../../../fixtures/workflows/hostile.js";

/** Tags that plain text may become: paragraphs, hard breaks, and GFM's autolinks (same text). */
const PLAIN_TAGS = new Set(["p", "br", "a"]);

/** Render like JupyterLab (marked, GFM) and return the tags used and the visible text. */
function render(markdown: string): { tags: string[]; text: string } {
  const html = marked.parse(markdown, { gfm: true, async: false });
  const tags = [...html.matchAll(/<\/?([a-zA-Z0-9]+)/g)].map((m) => m[1]!.toLowerCase());
  const text = html
    .replace(/<br\s*\/?>/g, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
  return { tags, text };
}

/** Whitespace as HTML shows it: runs of spaces collapse, line ends don't matter. */
const squash = (s: string) => s.replace(/\s+/g, " ").trim();

/** Jupyter reads `$` as LaTeX math unless it is escaped. */
const unescapedDollar = (md: string) => /(^|[^\\])(\\\\)*\$/.test(md);

// Printable text plus newlines and tabs (CommonMark replaces NUL, and other control characters
// are not text anyone writes).
const text = fc.string({ unit: fc.oneof(fc.constantFrom(..."\\`*_{}[]()#+-.!|<>~$&=:\"' \n\t1"), fc.string({ minLength: 1, maxLength: 1, unit: "grapheme" })) });

describe("mdInline", () => {
  it.each(HOSTILE.split(" | "))("shows %j as plain text", (hostile) => {
    const md = mdInline(hostile).text;
    const { tags, text: shown } = render(md);
    expect(tags.filter((t) => !PLAIN_TAGS.has(t))).toEqual([]);
    expect(squash(shown)).toBe(squash(hostile));
    expect(md).not.toContain("\n");
    expect(unescapedDollar(md)).toBe(false);
  });

  it("shows any text as the same plain text (property)", () => {
    fc.assert(
      fc.property(text, (s) => {
        const md = mdInline(s).text;
        const { tags, text: shown } = render(md);
        expect(tags.filter((t) => !PLAIN_TAGS.has(t))).toEqual([]);
        expect(squash(shown)).toBe(squash(s));
        expect(unescapedDollar(md)).toBe(false);
      }),
      { numRuns: 1500 },
    );
  });

  it("stays plain inside a table cell and a heading", () => {
    const cell = render(`| a | b |\n| --- | --- |\n| ${mdInline("x | y").text} | z |\n`);
    expect(cell.tags.filter((t) => t === "td")).toHaveLength(4); // two cells, each opened and closed
    expect(cell.text).toContain("x | y");
    const heading = render(`# ${mdInline("Title #").text}\n`);
    expect(squash(heading.text)).toBe("Title #");
  });
});

describe("mdText", () => {
  it("keeps every line of a hostile description, as plain text", () => {
    const { tags, text: shown } = render(mdText(HOSTILE).text);
    expect(tags.filter((t) => !PLAIN_TAGS.has(t))).toEqual([]);
    expect(squash(shown)).toBe(squash(HOSTILE));
  });

  it("keeps line breaks and paragraphs, and any text plain (property)", () => {
    fc.assert(
      fc.property(text, (s) => {
        const { tags, text: shown } = render(mdText(s).text);
        expect(tags.filter((t) => !PLAIN_TAGS.has(t))).toEqual([]);
        expect(squash(shown)).toBe(squash(s));
      }),
      { numRuns: 1500 },
    );
    expect(render(mdText("one\ntwo\n\nthree").text).tags).toEqual(["p", "br", "p", "p", "p"]);
  });
});

describe("mdFence", () => {
  it("holds content with backtick fences of its own", () => {
    const content = "flowchart TD\n```\n````\nnot markdown *here*";
    const md = mdFence("mermaid", content).text;
    expect(md.startsWith("`````mermaid\n")).toBe(true);
    const html = marked.parse(md, { async: false });
    expect(html).toContain('<code class="language-mermaid">');
    expect(html.match(/<pre>/g)).toHaveLength(1);
  });

  it("refuses a language that could break out of the fence line", () => {
    expect(() => mdFence("mermaid\n# x", "a")).toThrow(TypeError);
  });
});
