// A text rendering of received spans, for readable assertions and failure messages.
import type { AttributeValue, ReceivedSpan } from "./otlp-receiver.js";

/** How {@link renderWaterfall} draws. */
export interface WaterfallOptions {
  /** Columns of the time bar; default 40. */
  width?: number;
  /** Attributes appended as `key=value` to each span that has them, in this order. */
  attributes?: string[];
}

/**
 * One block per trace (ordered by start time, then trace id): a `trace <id> (<ms> ms)` header, then
 * one line per span in tree order (children by start time, then name), indented two spaces per
 * level: the name, a bar of `width` columns where `█` covers the span and `─` the rest of the
 * trace's extent, the duration in ms, `✗` and the status message for status ERROR, and the chosen
 * attributes. A span whose parent is not among `spans` is a root, labelled `(parent <8 hex>)`.
 * Blocks are separated by a blank line; the result has no trailing newline.
 */
export function renderWaterfall(spans: ReceivedSpan[], options: WaterfallOptions = {}): string {
  const width = options.width ?? 40;
  const byTrace = new Map<string, ReceivedSpan[]>();
  for (const span of spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
  const traces = [...byTrace.values()].sort((a, b) => compare(minStart(a), minStart(b)) || compare(a[0]!.traceId, b[0]!.traceId));
  return traces.map((trace) => renderTrace(trace, width, options.attributes ?? [])).join("\n\n");
}

interface Row {
  label: string;
  span: ReceivedSpan;
}

function renderTrace(spans: ReceivedSpan[], width: number, attributeKeys: string[]): string {
  const start = minStart(spans);
  const end = spans.reduce((max, s) => (s.endTimeUnixNano > max ? s.endTimeUnixNano : max), start);
  const extent = end > start ? end - start : 1n;
  const rows = treeRows(spans);
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  const durations = rows.map((r) => ms(r.span.endTimeUnixNano - r.span.startTimeUnixNano));
  const durationWidth = Math.max(...durations.map((d) => d.length));
  const lines = rows.map((row, i) => {
    const { span } = row;
    const from = Math.min(width - 1, Number(((span.startTimeUnixNano - start) * BigInt(width)) / extent));
    const to = Math.max(from + 1, Math.min(width, Number(ceilDiv((span.endTimeUnixNano - start) * BigInt(width), extent))));
    const bar = "─".repeat(from) + "█".repeat(to - from) + "─".repeat(width - to);
    const error = span.status.code === 2 ? ` ✗${span.status.message ? ` ${span.status.message}` : ""}` : "";
    const attrs = attributeKeys.filter((k) => k in span.attributes).map((k) => ` ${k}=${formatValue(span.attributes[k]!)}`);
    return `${row.label.padEnd(labelWidth)}  ${bar}  ${durations[i]!.padStart(durationWidth)} ms${error}${attrs.join("")}`;
  });
  return [`trace ${spans[0]!.traceId} (${ms(end - start)} ms)`, ...lines].join("\n");
}

/** Spans in depth-first order with indented labels. */
function treeRows(spans: ReceivedSpan[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, ReceivedSpan[]>();
  const roots: ReceivedSpan[] = [];
  for (const span of spans) {
    if (span.parentSpanId && ids.has(span.parentSpanId)) children.set(span.parentSpanId, [...(children.get(span.parentSpanId) ?? []), span]);
    else roots.push(span);
  }
  const rows: Row[] = [];
  const visited = new Set<ReceivedSpan>();
  const visit = (span: ReceivedSpan, depth: number): void => {
    if (visited.has(span)) return;
    visited.add(span);
    const orphan = depth === 0 && span.parentSpanId ? ` (parent ${span.parentSpanId.slice(0, 8)})` : "";
    rows.push({ label: `${"  ".repeat(depth)}${span.name}${orphan}`, span });
    for (const child of sortSpans(children.get(span.spanId) ?? [])) visit(child, depth + 1);
  };
  for (const root of sortSpans(roots)) visit(root, 0);
  // Spans in a parent cycle (only possible in hand-made data) are reachable from no root: still show them.
  for (const span of sortSpans(spans)) visit(span, 0);
  return rows;
}

function sortSpans(spans: ReceivedSpan[]): ReceivedSpan[] {
  return [...spans].sort((a, b) => compare(a.startTimeUnixNano, b.startTimeUnixNano) || compare(a.name, b.name));
}

function minStart(spans: ReceivedSpan[]): bigint {
  return spans.reduce((min, s) => (s.startTimeUnixNano < min ? s.startTimeUnixNano : min), spans[0]!.startTimeUnixNano);
}

// Not localeCompare: the output must not depend on the machine's locale.
function compare<T extends bigint | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** Nanoseconds as milliseconds with two decimals. */
function ms(ns: bigint): string {
  return (Number(ns) / 1e6).toFixed(2);
}

function formatValue(value: AttributeValue): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  return JSON.stringify(value);
}
