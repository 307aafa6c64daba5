import { configure } from "safe-stable-stringify";

// Keys in the caller's order, as the other line formats write them.
const stringify = configure({ deterministic: false, circularValue: "[Circular]", bigint: true });

/** Syslog facility names and their codes (RFC 5424 §6.2.1), the ones a workflow runner may log under. */
export const SYSLOG_FACILITIES = {
  kern: 0,
  user: 1,
  daemon: 3,
  auth: 4,
  syslog: 5,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;

/** A syslog facility name. */
export type SyslogFacility = keyof typeof SYSLOG_FACILITIES;

/** One log line to send to syslog. */
export interface SyslogEntry {
  time: Date;
  /** wfkit's (tslog's) level id: 0 silly, 1 trace, 2 debug, 3 info, 4 warn, 5 error, 6 fatal. */
  levelId: number;
  /** Dotted logger name (`wfkit.engine.local`, a task name); becomes the MSGID. */
  logger: string;
  /** Already masked by the caller: sent as it is. */
  message: string;
  /** workflow, version, dag_id, task, run_id, attempt and custom fields, in this order. */
  fields: Readonly<Record<string, unknown>>;
}

/** What every message of one sender carries besides the entry. */
export interface SyslogMessageOptions {
  facility: SyslogFacility;
  /** APP-NAME, e.g. `wfkit`. */
  appName: string;
  /**
   * SD-ID of the one structured-data element holding the fields. Names without `@` are reserved
   * for IANA-registered elements, so use `name@<private enterprise number>`.
   */
  sdId: string;
  hostname: string;
  /** PROCID, usually the process id. */
  procId: string;
}

// Index: wfkit level id (silly…fatal); value: syslog severity.
const SEVERITY_BY_LEVEL_ID = [7, 7, 7, 6, 4, 3, 2] as const;

/** The syslog severity (RFC 5424 §6.2.1) of a wfkit level id; fatal is `crit`, not `emerg`, which means the whole system is unusable. */
export function syslogSeverity(levelId: number): number {
  if (levelId >= SEVERITY_BY_LEVEL_ID.length) return 2;
  return SEVERITY_BY_LEVEL_ID[Math.max(0, Math.trunc(levelId))] ?? 7;
}

/**
 * One RFC 5424 message, without transport framing:
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [sdId name="value"…] MSG`.
 * Header fields are cut down to what the RFC allows (printable US-ASCII, bounded length; other
 * characters become `_`); structured-data values are escaped, never altered, so any text stays
 * inside its PARAM-VALUE. Fields whose value is `undefined` are left out, as JSON would.
 */
export function formatRfc5424(entry: SyslogEntry, options: SyslogMessageOptions): string {
  const pri = SYSLOG_FACILITIES[options.facility] * 8 + syslogSeverity(entry.levelId);
  const time = Number.isNaN(entry.time.getTime()) ? "-" : entry.time.toISOString();
  const header = [
    `<${pri}>1`,
    time,
    headerField(options.hostname, 255),
    headerField(options.appName, 48),
    headerField(options.procId, 128),
    headerField(entry.logger, 32),
  ].join(" ");
  const sd = structuredData(options.sdId, entry.fields);
  return entry.message === "" ? `${header} ${sd}` : `${header} ${sd} ${entry.message}`;
}

function structuredData(sdId: string, fields: Readonly<Record<string, unknown>>): string {
  const params: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    params.push(`${sdName(name)}="${escapeParamValue(valueText(value))}"`);
  }
  return params.length === 0 ? "-" : `[${sdName(sdId)} ${params.join(" ")}]`;
}

/** HOSTNAME, APP-NAME, PROCID, MSGID: 1..max printable US-ASCII characters, or `-` (NILVALUE). */
function headerField(value: string, max: number): string {
  return sanitize(value, max, (c) => c >= 33 && c <= 126);
}

/** SD-ID and PARAM-NAME: 1..32 printable US-ASCII characters except `=`, space, `]` and `"`. */
function sdName(value: string): string {
  return sanitize(value, 32, (c) => c >= 33 && c <= 126 && c !== 61 && c !== 93 && c !== 34);
}

function sanitize(value: string, max: number, allowed: (code: number) => boolean): string {
  let out = "";
  // By code point, so that one emoji becomes one `_`, not two.
  for (const ch of value) {
    if (out.length === max) break;
    out += allowed(ch.codePointAt(0)!) ? ch : "_";
  }
  return out === "" ? "-" : out;
}

function nestedErrorText(_key: string, value: unknown): unknown {
  return value instanceof Error ? `${value.name}: ${value.message}` : value;
}

// RFC 5424 §6.3.3: these three, and only these, must be escaped inside PARAM-VALUE.
function escapeParamValue(text: string): string {
  return text.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

function valueText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null) return "null";
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (typeof value === "object") return stringify(value, nestedErrorText) ?? String(value);
  // String() of a function is its whole source text.
  if (typeof value === "function") return `[Function ${value.name || "anonymous"}]`;
  return String(value);
}
