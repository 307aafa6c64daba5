import type { GraphNode } from "./graph.js";

/** Mermaid node ids are generated (`t0`, `t1`…) so that no task name needs escaping as an id. */
function mermaidLabel(text: string): string {
  // Mermaid's quoted labels take HTML entities. Quotes, angle brackets and line breaks would end
  // or break the label; `#` starts Mermaid's own entity codes; backticks would make a Markdown
  // label, and three of them could close a fenced block around the graph.
  return text
    .replace(/&/g, "&amp;")
    .replace(/"/g, "&quot;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/#/g, "&#35;")
    .replace(/`/g, "&#96;")
    .replace(/[\r\n]+/g, " ");
}

/** The graph as a Mermaid flowchart (top to bottom), nodes in the given order. */
export function renderMermaid(nodes: readonly GraphNode[], order: readonly number[]): string {
  const lines = ["flowchart TD"];
  for (const i of order) lines.push(`  t${i}["${mermaidLabel(nodes[i]!.name)}"]`);
  for (const i of order) for (const u of nodes[i]!.upstreams) lines.push(`  t${u} --> t${i}`);
  return `${lines.join("\n")}\n`;
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** The graph in Graphviz DOT, nodes in the given order. */
export function renderDot(title: string, nodes: readonly GraphNode[], order: readonly number[]): string {
  const lines = [`digraph ${dotString(title)} {`, "  rankdir=TB;"];
  for (const i of order) lines.push(`  ${dotString(nodes[i]!.name)};`);
  for (const i of order) {
    for (const u of nodes[i]!.upstreams) lines.push(`  ${dotString(nodes[u]!.name)} -> ${dotString(nodes[i]!.name)};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
