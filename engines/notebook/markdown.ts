/**
 * Markdown made from values: the only way a user's text reaches a notebook's markdown cells.
 * Each helper returns Markdown; the cell templates accept nothing else.
 */
export class Markdown {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

// Characters that are Markdown or HTML syntax wherever they stand in CommonMark, GFM (tables,
// strikethrough, a heading's closing `#`s) or Jupyter (`$` starts LaTeX math). A backslash escape
// is valid before any ASCII punctuation, so these are always escaped.
const ANYWHERE = /[\\`*_[\]<>|~$&#]/g;
// Syntax only at the start of a line: headings, block quotes, list items, setext underlines,
// ordered list markers ("1." or "1)").
const LINE_START = /^([#>+=-]|\d+[.)])/;

function escapeLine(line: string): string {
  const body = line.replace(/^[ \t]+/, "");
  let escaped = body.replace(ANYWHERE, "\\$&");
  const start = LINE_START.exec(escaped);
  if (start !== null) escaped = `${start[0].slice(0, -1)}\\${start[0].slice(-1)}${escaped.slice(start[0].length)}`;
  // Leading spaces would make an indented code block; as entities they are plain text.
  const indent = line.slice(0, line.length - body.length).replace(/ /g, "&#32;").replace(/\t/g, "&#9;");
  return indent + escaped;
}

/** Text on one line (a heading, a table cell): line breaks become spaces. */
export function mdInline(text: string): Markdown {
  if (typeof text !== "string") throw new TypeError(`mdInline: expected a string, got ${typeof text}`);
  return new Markdown(escapeLine(text.replace(/\r\n?|\n|\u2028|\u2029/g, " ")));
}

/**
 * Text that may span lines (a description): every line escaped, a line break kept as a hard
 * break, a blank line as a paragraph break.
 */
export function mdText(text: string): Markdown {
  if (typeof text !== "string") throw new TypeError(`mdText: expected a string, got ${typeof text}`);
  const lines = text.replace(/\r\n?|\u2028|\u2029/g, "\n").split("\n").map((l) => l.trimEnd());
  const out = lines.map((line, i) => {
    const next = lines[i + 1];
    const escaped = escapeLine(line);
    // A trailing backslash is CommonMark's hard line break, but only between two lines of text.
    return line !== "" && next !== undefined && next !== "" ? `${escaped}\\` : escaped;
  });
  return new Markdown(out.join("\n"));
}

/** A fenced code block whose fence is longer than any run of backticks in `content`. */
export function mdFence(language: string, content: string): Markdown {
  if (!/^[a-z0-9-]*$/.test(language)) throw new TypeError(`mdFence: language ${JSON.stringify(language)} may hold only a-z, 0-9 and "-"`);
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return new Markdown(`${fence}${language}\n${content.endsWith("\n") ? content : `${content}\n`}${fence}`);
}
