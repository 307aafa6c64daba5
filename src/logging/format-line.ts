import { inspect } from "node:util";
import { colors as pc } from "../util/colors.js";
import type { LogRecord } from "./log-record.js";

const LEVEL_COLOR: Record<string, (s: string) => string> = {
  SILLY: pc.gray,
  TRACE: pc.gray,
  DEBUG: pc.blue,
  INFO: pc.green,
  WARN: pc.yellow,
  ERROR: pc.red,
  FATAL: pc.magenta,
};

function renderValue(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value instanceof Error) return JSON.stringify(`${value.name}: ${value.message}`);
  if (typeof value === "object" && value !== null) return inspect(value, { breakLength: Infinity, depth: 4 });
  return String(value);
}

/** One human line: `HH:MM:SS.mmm LEVEL logger message key=value…` (per-call fields only). */
export function formatPretty(record: LogRecord, color: boolean): string {
  const t = record.time.toISOString().slice(11, 23);
  const level = record.level.padEnd(5);
  const extras = Object.entries(record.fields).map(([k, v]) => `${k}=${renderValue(v)}`);
  const tail = extras.length > 0 ? ` ${extras.join(" ")}` : "";
  if (!color) return `${t} ${level} ${record.logger} ${record.message}${tail}`;
  const paint = LEVEL_COLOR[record.level] ?? ((s: string) => s);
  return `${pc.dim(t)} ${paint(level)} ${pc.cyan(record.logger)} ${record.message}${pc.dim(tail)}`;
}

function jsonSafe(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/** One JSON object per line: time, level, logger, message, then every bound and per-call field. */
export function formatJson(record: LogRecord): string {
  const out: Record<string, unknown> = {
    time: record.time.toISOString(),
    level: record.level.toLowerCase(),
    logger: record.logger,
    message: record.message,
  };
  for (const [k, v] of Object.entries(record.bound)) if (!(k in out)) out[k] = jsonSafe(v);
  for (const [k, v] of Object.entries(record.fields)) if (!(k in out)) out[k] = jsonSafe(v);
  return JSON.stringify(out);
}
