import { colors as pc } from "../src/util/colors.js";
import type { Dataset } from "../src/events/audit-fields.js";
import type { AuditReport, AuditRun } from "../src/run-log-query/audit-report.js";
import type { Extract } from "../src/audit/extract.js";
import { formatDuration } from "./render-runs.js";

/** Columns of the record-count bars in `wf audit`. */
const BAR_WIDTH = 30;
/** A run whose count is below this share of the median is marked as a drop. */
const DROP_SHARE = 0.5;

function time(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

function columns(header: string[], rows: string[][], color: boolean): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [color ? pc.bold(line(header)) : line(header), ...rows.map(line)];
}

function kinds(records: Record<string, number>): string {
  const entries = Object.entries(records);
  return entries.length === 0 ? "-" : entries.map(([k, n]) => `${k}=${n.toLocaleString("en-US")}`).join(" ");
}

function range(r: AuditRun["dataRange"]): string {
  if (r === null) return "-";
  const low = r.low.slice(0, 10);
  const high = r.high.slice(0, 10);
  return low === high ? low : `${low}..${high}`;
}

function datasets(list: readonly Dataset[]): string[] {
  if (list.length === 0) return ["  none declared or recorded"];
  return list.map((d) => {
    const objects = d.objects.map((o) => (o.attributes.length === 0 ? o.name : `${o.name}(${o.attributes.map((a) => `${a.name}${a.flags.map((f) => `:${f}`).join("")}`).join(", ")})`));
    return `  ${d.name}${d.type === null ? "" : ` (${d.type})`}${objects.length === 0 ? "" : `: ${objects.join(", ")}`}${d.datasetTypes.length === 0 ? "" : `  [${d.datasetTypes.join(", ")}]`}`;
  });
}

/** The kind charted when none is asked for: `written` when runs count it, else `read`, else the first kind; undefined: all kinds summed. */
function defaultKind(runs: readonly AuditRun[]): string | undefined {
  const kinds = new Set(runs.flatMap((r) => Object.keys(r.records)));
  if (kinds.has("written")) return "written";
  if (kinds.has("read")) return "read";
  return [...kinds].sort()[0];
}

/** The value charted for a run: its total, or one kind's count. */
function charted(run: AuditRun, kind: string | undefined): number {
  return kind === undefined ? run.total : (run.records[kind] ?? 0);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * `wf audit WORKFLOW`: the runs with what they processed, a bar per run of its record count
 * (`written` unless `kind` says otherwise; oldest first, a drop below half the median marked), the days of data covered and the gaps,
 * totals, run errors, sources and targets, and the hold.
 */
export function renderAudit(report: AuditReport, options: { color: boolean; limit: number; kind?: string | undefined; store: string }): string {
  const { color, limit } = options;
  const shown = report.runs.slice(0, limit);
  const out: string[] = [];
  out.push(`${color ? pc.bold(`audit of ${report.workflow}`) : `audit of ${report.workflow}`}: ${report.runs.length} run${report.runs.length === 1 ? "" : "s"}${report.since === null ? "" : ` since ${time(report.since)}`} (${options.store})${shown.length < report.runs.length ? `, the newest ${shown.length} shown (--limit)` : ""}`);
  out.push("");
  out.push(
    ...columns(
      ["STARTED (UTC)", "RUN ID", "VERSION", "ENGINE", "STATUS", "DURATION", "RECORDS", "DATA", "ERRORS"],
      shown.map((r) => [time(r.startedAt), r.runId, r.version, r.engine, r.status, formatDuration(r.durationMs), kinds(r.records), range(r.dataRange), String(r.errorCount)]),
      color,
    ),
  );
  out.push("");
  const chartRuns = [...shown].reverse();
  const kind = options.kind ?? defaultKind(report.runs);
  const values = chartRuns.map((r) => charted(r, kind));
  const max = Math.max(0, ...values);
  const mid = median(values.filter((v) => v > 0));
  out.push(`${kind === undefined ? "records (all kinds)" : `${kind} records`} per run, oldest first:`);
  const ids = Math.max(...chartRuns.map((r) => r.runId.length), 0);
  const ranges = chartRuns.map((r) => range(r.dataRange));
  const rangeWidth = Math.max(...ranges.map((x) => x.length), 0);
  chartRuns.forEach((r, i) => {
    const v = values[i]!;
    const bar = "█".repeat(max === 0 ? 0 : Math.round((v / max) * BAR_WIDTH)).padEnd(BAR_WIDTH, " ");
    const drop = mid > 0 && v < mid * DROP_SHARE ? `  ▼ ${Math.round((1 - v / mid) * 100)}% below the median (${mid.toLocaleString("en-US")})` : "";
    const line = `  ${r.runId.padEnd(ids)}  ${ranges[i]!.padEnd(rangeWidth)}  ${bar} ${v.toLocaleString("en-US")}${drop}`;
    out.push(drop !== "" && color ? pc.red(line) : line);
  });
  out.push("");
  const c = report.coverage;
  out.push(`data loaded (successful runs, UTC days): ${c.ranges.length === 0 ? "none recorded" : c.ranges.map((x) => (x.from === x.to ? x.from : `${x.from} to ${x.to}`)).join(", ")}`);
  for (const gap of c.gaps) {
    const text = `  no data loaded for ${gap.from === gap.to ? gap.from : `${gap.from} to ${gap.to}`} (${gap.days} day${gap.days === 1 ? "" : "s"})`;
    out.push(color ? pc.yellow(text) : text);
  }
  out.push("");
  out.push(`totals: ${report.totals.runs} run${report.totals.runs === 1 ? "" : "s"}, records ${kinds(report.totals.records)}, ${report.totals.errorCount} run error${report.totals.errorCount === 1 ? "" : "s"}`);
  const errors = report.runs.flatMap((r) => r.errors.map((e) => ({ run: r.runId, ...e })));
  if (errors.length > 0) {
    out.push("");
    out.push("run errors, newest run first:");
    for (const e of errors.slice(0, 20)) out.push(`  ${e.run}  ${e.task}#${e.attempt}  ${e.type}: ${e.description}${e.failRun ? "  (failed the run)" : ""}`);
    if (errors.length > 20) out.push(`  … and ${errors.length - 20} more (--json lists them)`);
  }
  const unlisted = report.totals.errorCount - errors.length;
  if (unlisted > 0) out.push(`  (${unlisted} more in older runs: --limit lists more runs with their errors)`);
  out.push("");
  out.push("sources:");
  out.push(...datasets(report.sources));
  out.push("targets:");
  out.push(...datasets(report.targets));
  out.push("");
  const h = report.hold;
  if (h.maxConsecutiveFailures === null) out.push("hold: the workflow sets no maxConsecutiveFailures");
  else if (!h.onHold) out.push(`hold: not on hold (held after ${h.maxConsecutiveFailures} failed runs in a row)${h.lastRelease === null ? "" : `; last released ${time(h.lastRelease.at)} by ${h.lastRelease.by}`}`);
  else {
    const text = `hold: ON HOLD after ${h.failures.length} failed runs in a row (${h.failures.map((f) => f.runId).join(", ")}); ${h.refused} run${h.refused === 1 ? "" : "s"} refused since. Let it run again: wf audit release ${report.workflow}`;
    out.push(color ? pc.red(text) : text);
  }
  return `${out.join("\n")}\n`;
}

/** `wf extracts`: one line per extract. */
export function renderExtracts(extracts: readonly Extract[], color: boolean): string {
  if (extracts.length === 0) return "no extracts match\n";
  return `${columns(
    ["STATUS", "LOCATION", "FILENAME", "UPDATED (UTC)", "BY"],
    extracts.map((e) => [e.status, e.location, e.filename, time(e.updatedAt), e.changedBy === null ? (e.producer === null ? "-" : `${e.producer.runId} ${e.producer.task}`) : `${e.changedBy.runId} ${e.changedBy.task}`]),
    color,
  ).join("\n")}\n`;
}
