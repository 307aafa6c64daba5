import { Logger as TsLogger } from "tslog";
import { formatJson, formatPretty } from "./format-line.js";
import { logLevelId, type LogLevel } from "./log-level.js";
import { fromTslogRecord } from "./log-record.js";
import type { LogFields } from "./log-fields.js";

export type { LogFields } from "./log-fields.js";

/**
 * The logger a task sees as `this.logger`. Every line carries the fields it is bound to
 * (workflow, version, dag id, task, run id, attempt for a task logger).
 */
export interface WfLogger {
  /** Dotted name of this logger, e.g. `wfkit.engine.local` or the task name. */
  readonly name: string;
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  fatal(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line; binding again adds more. */
  bind(fields: LogFields): WfLogger;
  /** A logger named `<this name>.<suffix>` (or `name` when this one is the root). */
  child(name: string, fields?: LogFields): WfLogger;
  /** Whether a line at `level` would be written: guard expensive payloads with it. */
  isLevelEnabled(level: LogLevel): boolean;
}

/** How the root logger writes. */
export interface LoggerSettings {
  level: LogLevel;
  format: "pretty" | "json";
  /** Colour pretty output (only on a terminal). */
  color: boolean;
  /** Where lines go; stderr by default so that stdout stays free for results (`--json`). */
  write?: (line: string) => void;
}

class TsWfLogger implements WfLogger {
  constructor(
    private readonly inner: TsLogger<LogFields>,
    readonly name: string,
    private readonly minLevel: number,
  ) {}

  trace(message: string, fields?: LogFields): void {
    this.log(1, message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.log(2, message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log(3, message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log(4, message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.log(5, message, fields);
  }
  fatal(message: string, fields?: LogFields): void {
    this.log(6, message, fields);
  }

  bind(fields: LogFields): WfLogger {
    return new TsWfLogger(this.inner.child({ bindings: fields }), this.name, this.minLevel);
  }

  child(name: string, fields?: LogFields): WfLogger {
    const full = this.name === "" ? name : `${this.name}.${name}`;
    return new TsWfLogger(this.inner.child({ name: full, bindings: fields }), full, this.minLevel);
  }

  isLevelEnabled(level: LogLevel): boolean {
    return logLevelId(level) >= this.minLevel;
  }

  private log(id: number, message: string, fields: LogFields | undefined): void {
    if (id < this.minLevel) return;
    const name = ["SILLY", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"][id]!;
    if (fields === undefined) this.inner.log(id, name, message);
    else this.inner.log(id, name, message, fields);
  }
}

/** The root logger of a process; everything else is a child of it. */
export function createLogger(settings: LoggerSettings, name = ""): WfLogger {
  const write = settings.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const minLevel = logLevelId(settings.level);
  const inner = new TsLogger<LogFields>({
    name,
    type: "hidden",
    minLevel,
    stack: { capture: "off" },
    attachedTransports: [
      {
        name: "console",
        format: (record) => {
          const parsed = fromTslogRecord(record as Record<string, unknown>);
          return settings.format === "json" ? formatJson(parsed) : formatPretty(parsed, settings.color);
        },
        write: (_record, line) => write(line),
      },
    ],
  });
  return new TsWfLogger(inner, name, minLevel);
}

/** A logger that writes nothing (for library use where the caller brings no logger). */
export function createSilentLogger(): WfLogger {
  return createLogger({ level: "fatal", format: "json", color: false, write: () => {} });
}
