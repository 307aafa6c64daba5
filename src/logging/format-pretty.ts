import { colors as pc } from "../util/colors.js";
import { builtinValue, fieldEntries, isBuiltin } from "./field-entries.js";
import type { LineFormat } from "./line-format.js";
import type { LogRecord } from "./log-record.js";
import { TASK_FIELDS, TRACE_FIELDS, type LogFields } from "./log-fields.js";
import { textValue } from "./render-value.js";
import type { TemplatePart } from "./console-template.js";

const RUN_IDENTITY: ReadonlySet<string> = new Set([...TASK_FIELDS, ...TRACE_FIELDS]);

const LEVEL_COLOR = [pc.gray, pc.gray, pc.blue, pc.green, pc.yellow, pc.red, pc.magenta] as const;

/** `key=value` as a person reads it: strings quoted only when they have spaces or quotes. */
function pair(key: string, value: unknown): string {
  const text = textValue(value);
  return `${key}=${text !== "" && /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text)}`;
}

/**
 * The human format: a template of placeholders (WF_LOG_CONSOLE_FORMAT). `{fields}` is the
 * fields the code bound (`bind()`) and passed with the call, not placed elsewhere, leaving out
 * the run's identity wfkit binds to every task's logger (TASK_FIELDS: workflow, version, dag_id,
 * task, run_id, attempt) and its span (TRACE_FIELDS, with telemetry on); `{*}` every bound and per-call field not placed elsewhere; both render
 * as ` key=value…` (with a leading space) or nothing. Without a template
 * but with WF_LOG_METADATA, a line is the selected fields in order: built-in ones as values,
 * others as `key=value`, absent ones left out.
 */
export class PrettyFormat implements LineFormat {
  private readonly named: ReadonlySet<string>;

  constructor(
    private readonly parts: readonly TemplatePart[] | null,
    private readonly color: boolean,
    private readonly metadata: readonly string[] | null = null,
  ) {
    this.named = new Set((parts ?? []).flatMap((p) => ("field" in p ? [p.field] : [])));
  }

  bound(): string {
    return "";
  }

  line(record: LogRecord, bound: LogFields): string {
    if (this.parts === null) return this.selected(record, bound);
    let out = "";
    for (const part of this.parts) {
      if ("text" in part) {
        out += part.text;
        continue;
      }
      const name = part.field;
      let text: string;
      if (name === "fields" || name === "*") {
        text = "";
        for (const key in bound) {
          if (this.named.has(key) || (record.fields !== undefined && key in record.fields)) continue;
          // `{fields}` leaves out the run's identity that wfkit binds to every task's logger
          // (the line's logger name already says the task); what the code bound itself shows.
          if (name === "fields" && RUN_IDENTITY.has(key)) continue;
          text += ` ${pair(key, bound[key])}`;
        }
        if (record.fields) for (const key in record.fields) if (!this.named.has(key)) text += ` ${pair(key, record.fields[key])}`;
        if (this.color && text !== "") text = pc.dim(text);
        out += text;
        continue;
      }
      if (isBuiltin(name)) {
        const value = builtinValue(record, name);
        text = name === "level" ? String(value).toUpperCase() : textValue(value);
      } else {
        text = textValue(record.fields !== undefined && name in record.fields ? record.fields[name] : bound[name]);
      }
      if (part.pair) text = pair(name, text);
      if (part.width > 0) text = text.padEnd(part.width);
      if (this.color) {
        if (name === "level") text = LEVEL_COLOR[record.levelId]!(text);
        else if (name === "logger") text = pc.cyan(text);
        else if (name === "time" || name === "timestamp") text = pc.dim(text);
      }
      out += text;
    }
    return out;
  }

  private selected(record: LogRecord, bound: LogFields): string {
    return fieldEntries(record, bound, this.metadata)
      .map(([name, value]) => {
        if (!isBuiltin(name)) return pair(name, value);
        const text = name === "level" ? String(value).toUpperCase() : textValue(value);
        if (!this.color) return text;
        if (name === "level") return LEVEL_COLOR[record.levelId]!(text);
        return name === "logger" ? pc.cyan(text) : name === "time" || name === "timestamp" ? pc.dim(text) : text;
      })
      .join(" ");
  }
}
