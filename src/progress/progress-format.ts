import type { ProgressMetrics } from "./progress-tracker.js";

/** A count as people read it: `1,234,567`; fractions to two places. */
export function formatCount(n: number): string {
  const rounded = Number.isInteger(n) ? n : Math.round(n * 100) / 100;
  return rounded.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/** A duration: `850ms`, `4s`, `1m05s`, `2h03m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** A rate: `12.3/s`, `4.56k/s`, `1.2M/s`. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)}M/s`;
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(1)}k/s`;
  if (perSecond >= 100) return `${Math.round(perSecond)}/s`;
  return `${perSecond.toFixed(1)}/s`;
}

/** Whole percent, floored, so 100% means done: `42%`. */
export function formatPercent(completed: number, total: number): string {
  if (total <= 0) return "100%";
  return `${Math.min(100, Math.floor((completed / total) * 100))}%`;
}

/** Metrics as `records=1,200 bytes=3,400`. */
export function formatMetrics(metrics: ProgressMetrics): string {
  return Object.entries(metrics)
    .map(([key, value]) => `${key}=${formatCount(value)}`)
    .join(" ");
}

/** A bar of `width` cells: `█` for done, `░` for the rest (or `#` and `.` in plain ASCII). */
export function formatBar(completed: number, total: number, width: number, ascii = false): string {
  const fraction = total <= 0 ? 1 : Math.min(1, Math.max(0, completed / total));
  const full = Math.floor(fraction * width);
  return (ascii ? "#" : "█").repeat(full) + (ascii ? "." : "░").repeat(width - full);
}
