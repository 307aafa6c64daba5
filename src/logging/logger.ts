import { FdSink, fileSink, FunctionSink, type LineSink } from "./line-sink.js";
import { logLevelId, type LogLevel } from "./log-level.js";
import { LINE_FIELDS, POSITION_FIELDS, type LogFields } from "./log-fields.js";
import type { LogRecord } from "./log-record.js";
import type { LineFormat } from "./line-format.js";
import { JsonFormat } from "./format-json.js";
import { logfmtFormat } from "./format-logfmt.js";
import { ltsvFormat } from "./format-ltsv.js";
import { PrettyFormat } from "./format-pretty.js";
import { parseConsoleTemplate } from "./console-template.js";
import { DEFAULT_MASK_KEYS, Masker } from "./mask.js";
import { levelIdFor } from "./module-levels.js";
import { codePositionsIfLoaded, loadCodePositions } from "./load-code-position.js";
import { textValue } from "./render-value.js";
import { compileLoggerOptions, type CompiledLoggerOptions, type LoggerOptions } from "./logger-options.js";
import type { SyslogSender } from "./syslog-sender.js";
import { deferredSyslogSender } from "./deferred-syslog-sender.js";
import os from "node:os";

export type { LogFields } from "./log-fields.js";

/**
 * The logger a task sees as `this.logger`. A task's logger is named after the task and bound to
 * workflow, version, dag_id, task, run_id and attempt.
 */
export interface WfLogger {
  /** Dotted name of this logger, e.g. `wfkit.engine.local` or the task's name. */
  readonly name: string;
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  fatal(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line; binding again adds more. */
  bind(fields: LogFields): WfLogger;
  /** A logger named `<this name>.<name>` (or `name` when this one is the root), bound to `fields` too. */
  child(name: string, fields?: LogFields): WfLogger;
  /** Whether a line at `level` would be written: guard expensive payloads with it. */
  isLevelEnabled(level: LogLevel): boolean;
}

/** The logger a process starts with: everything else is its child. Close it when done. */
export interface RootLogger extends WfLogger {
  /**
   * Resolves once what the options need is loaded: with `file`, `line` or `function` in the
   * layout, lines logged before it carry no position. Engines wait for it before a run.
   */
  ready(): Promise<void>;
  /** Write out buffered lines now (before printing something else to the same stream). */
  flush(): void;
  /** Flush, then give syslog up to `timeoutMs` (default 1000) to deliver what it holds. */
  close(timeoutMs?: number): Promise<void>;
}

/** A line destination with its format; console outputs are the ones a person may be watching. */
interface Output {
  sink: LineSink;
  format: LineFormat;
  console: boolean;
}

const RESERVED: ReadonlySet<string> = new Set(LINE_FIELDS);
const RESERVED_WITH_POSITION: ReadonlySet<string> = new Set([...LINE_FIELDS, ...POSITION_FIELDS]);
const RUN_LOG_TEMPLATE = parseConsoleTemplate("{timestamp} {level:5} {logger} {message}{*}").parts;
// One text format for every run log: loggers cache their bound text per format.
const runLogFormat = new PrettyFormat(RUN_LOG_TEMPLATE, false);

function withField(record: LogRecord, key: string, value: unknown, logger: CoreLogger): LogRecord {
  return { ...record, fields: { ...record.fields, [key]: value }, overrides: record.overrides || logger.boundKeys.has(key) };
}

/** What one root logger and its children share: options, outputs, masking, syslog. */
export class LogCore {
  /** Field names a custom field may not take (it is written as `field.<name>`). */
  readonly reserved: ReadonlySet<string>;

  constructor(
    readonly options: CompiledLoggerOptions,
    readonly masker: Masker,
    readonly outputs: readonly Output[],
    readonly syslog: SyslogSender | undefined,
    /** The run log file of this run, when one is attached. */
    readonly runLog: string | undefined,
  ) {
    this.reserved = options.needsPosition ? RESERVED_WITH_POSITION : RESERVED;
  }

  levelFor(name: string): number {
    return levelIdFor(name, this.options.moduleLevels, this.options.levelId);
  }

  /** Build the record of one call: fields masked, built-in names kept free, position when needed. */
  record(logger: CoreLogger, levelId: number, message: unknown, fields: LogFields | undefined): LogRecord {
    let overrides = false;
    if (fields !== undefined) {
      fields = this.masker.fields(fields);
      for (const key in fields) {
        if (this.reserved.has(key)) {
          fields = this.renameReserved(fields);
          break;
        }
      }
      for (const key in fields) {
        if (logger.boundKeys.has(key)) {
          overrides = true;
          break;
        }
      }
    }
    return {
      levelId,
      time: Date.now(),
      logger: logger.name,
      message: this.masker.text(typeof message === "string" ? message : textValue(message)),
      fields,
      position: this.options.needsPosition ? codePositionsIfLoaded()?.callerPosition() : undefined,
      overrides,
    };
  }

  /** `fields` with custom fields named like standard ones written as `field.<name>`, in order; `fields` itself when none is. */
  renameReserved(fields: LogFields): LogFields {
    let reserved = false;
    for (const key in fields) {
      if (this.reserved.has(key)) {
        reserved = true;
        break;
      }
    }
    if (!reserved) return fields;
    const out: LogFields = {};
    for (const key in fields) out[this.reserved.has(key) ? `field.${key}` : key] = fields[key];
    return out;
  }

  emit(logger: CoreLogger, record: LogRecord): void {
    const outputs = this.outputs;
    for (let i = 0; i < outputs.length; i++) {
      const out = outputs[i]!;
      out.sink.writeLine(out.format.line(record, logger.bound, logger.boundText(i, out.format)));
    }
    if (this.syslog !== undefined) this.toSyslog(logger, record);
  }

  /**
   * A task failure: a line plus a block of text (the full stack). The run log always gets both.
   * A retry (`short === null`) shows the console only the line. A final failure shows the
   * console the short report when a person is watching it, else the line and the block: as a
   * `stack` field in the structured formats, under the line in the pretty one. Either way the
   * console gets the stack at most once. Syslog gets the stack of a final failure as a field.
   */
  emitFailure(logger: CoreLogger, record: LogRecord, block: string, short: string | null): void {
    const outputs = this.outputs;
    const final = short !== null;
    for (let i = 0; i < outputs.length; i++) {
      const out = outputs[i]!;
      const line = (r: LogRecord) => out.format.line(r, logger.bound, logger.boundText(i, out.format));
      if (!out.console) {
        out.sink.writeLine(line(record));
        out.sink.writeLine(block);
      } else if (!final) {
        out.sink.writeLine(line(record));
      } else if (this.options.interactive) {
        out.sink.writeLine(short);
      } else if (out.format instanceof PrettyFormat) {
        out.sink.writeLine(line(record));
        out.sink.writeLine(block);
      } else {
        out.sink.writeLine(line(withField(record, "stack", block, logger)));
      }
    }
    if (this.syslog !== undefined) this.toSyslog(logger, final ? withField(record, "stack", block, logger) : record);
  }

  private toSyslog(logger: CoreLogger, record: LogRecord): void {
    const fields = record.fields === undefined ? logger.bound : { ...logger.bound, ...record.fields };
    this.syslog!.send({ time: new Date(record.time), levelId: record.levelId, logger: record.logger, message: record.message, fields });
  }

  /** The same core with one more output (a run log) and, for the run, its masking rule (`masker`: the run's secrets too). */
  withRunLog(sink: LineSink, file: string, masker: Masker = this.masker): LogCore {
    return new LogCore(this.options, masker, [...this.outputs, { sink, format: runLogFormat, console: false }], this.syslog, file);
  }

  flush(): void {
    for (const out of this.outputs) out.sink.flush();
  }
}

/** The masking rule `logger` applies (WF_LOG_MASK_KEYS); for a logger that is not wfkit's, the default rule. */
export function maskerOf(logger: WfLogger): Masker {
  return logger instanceof CoreLogger ? logger.core.masker : new Masker(DEFAULT_MASK_KEYS);
}

/** Resolves once `logger` can do all its options ask for (see {@link RootLogger.ready}). */
export async function loggerReady(logger: WfLogger): Promise<void> {
  if (logger instanceof CoreLogger && logger.core.options.needsPosition) await loadCodePositions();
}

/**
 * wfkit's logger. Level checks are one comparison; bound fields are rendered once per format.
 * A child costs little until it writes (an engine makes a few per task, and most never write):
 * the set of bound keys and the rendered texts are made on first use.
 */
export class CoreLogger implements WfLogger {
  /** Lowest level id this logger writes (WF_LOG_LEVEL, or its WF_LOG_LEVEL_MODULE rule). */
  readonly min: number;
  private keys: ReadonlySet<string> | undefined;
  private texts: (string | undefined)[] | undefined;

  constructor(
    readonly core: LogCore,
    readonly name: string,
    readonly bound: LogFields,
    min?: number,
  ) {
    this.min = min ?? core.levelFor(name);
  }

  /** The names of the bound fields. */
  get boundKeys(): ReadonlySet<string> {
    return (this.keys ??= new Set(Object.keys(this.bound)));
  }

  trace(message: string, fields?: LogFields): void {
    if (this.min <= 1) this.core.emit(this, this.core.record(this, 1, message, fields));
  }
  debug(message: string, fields?: LogFields): void {
    if (this.min <= 2) this.core.emit(this, this.core.record(this, 2, message, fields));
  }
  info(message: string, fields?: LogFields): void {
    if (this.min <= 3) this.core.emit(this, this.core.record(this, 3, message, fields));
  }
  warn(message: string, fields?: LogFields): void {
    if (this.min <= 4) this.core.emit(this, this.core.record(this, 4, message, fields));
  }
  error(message: string, fields?: LogFields): void {
    if (this.min <= 5) this.core.emit(this, this.core.record(this, 5, message, fields));
  }
  fatal(message: string, fields?: LogFields): void {
    if (this.min <= 6) this.core.emit(this, this.core.record(this, 6, message, fields));
  }

  bind(fields: LogFields): WfLogger {
    return new CoreLogger(this.core, this.name, this.merge(fields), this.min);
  }

  child(name: string, fields?: LogFields): WfLogger {
    const full = this.name === "" ? name : `${this.name}.${name}`;
    return new CoreLogger(this.core, full, fields === undefined ? this.bound : this.merge(fields));
  }

  isLevelEnabled(level: LogLevel): boolean {
    return logLevelId(level) >= this.min;
  }

  /** This logger's bound fields as output `index` renders them (computed once). */
  boundText(index: number, format: LineFormat): string {
    const texts = (this.texts ??= []);
    let text = texts[index];
    if (text === undefined) text = texts[index] = format.bound(this.bound);
    return text;
  }

  private merge(fields: LogFields): LogFields {
    return { ...this.bound, ...this.core.renameReserved(this.core.masker.fields(fields)) };
  }
}

class CoreRootLogger extends CoreLogger implements RootLogger {
  ready(): Promise<void> {
    return loggerReady(this);
  }

  flush(): void {
    this.core.flush();
  }

  async close(timeoutMs = 1000): Promise<void> {
    this.core.flush();
    await this.core.syslog?.close(timeoutMs);
    for (const out of this.core.outputs) out.sink.close();
  }
}

function consoleFormat(options: CompiledLoggerOptions): LineFormat {
  switch (options.format) {
    case "json":
      return new JsonFormat(options.metadata);
    case "logfmt":
      return logfmtFormat(options.metadata);
    case "ltsv":
      return ltsvFormat(options.metadata);
    default:
      return new PrettyFormat(options.template, options.color, options.metadata);
  }
}

function consoleSink(options: CompiledLoggerOptions): LineSink {
  const dest = options.destination;
  if (typeof dest === "function") return new FunctionSink(dest);
  if (typeof dest === "object") return fileSink(dest.file, options.sync ?? false);
  const stream = dest === "stdout" ? process.stdout : process.stderr;
  return new FdSink(dest === "stdout" ? 1 : 2, options.sync ?? stream.isTTY === true);
}

/**
 * A root logger. Every option has a default (see {@link LoggerOptions}): JSON lines at `info`
 * to stderr. Throws LoggerOptionsError listing every bad option.
 *
 * ```ts
 * const logger = createLogger({ format: "logfmt", level: "debug", moduleLevels: "wfkit=info" });
 * ```
 */
export function createLogger(options: LoggerOptions = {}, name = ""): RootLogger {
  const compiled = compileLoggerOptions(options);
  const masker = new Masker(compiled.maskKeys);
  const outputs: Output[] = [{ sink: consoleSink(compiled), format: consoleFormat(compiled), console: true }];
  let syslog: SyslogSender | undefined;
  if (compiled.syslog !== undefined) {
    const consoleOnly = new LogCore(compiled, masker, outputs, undefined, undefined);
    const reporter = new CoreLogger(consoleOnly, "wfkit.syslog", {});
    syslog = deferredSyslogSender({
      ...compiled.syslog,
      hostname: os.hostname(),
      procId: String(process.pid),
      onTrouble: (message) => {
        reporter.warn(message);
      },
    });
  }
  return new CoreRootLogger(new LogCore(compiled, masker, outputs, syslog, undefined), name, {});
}

/** A logger that writes nothing (for library use where the caller brings no logger). */
export function createSilentLogger(): RootLogger {
  return createLogger({ level: "fatal", moduleLevels: [], destination: () => {} });
}
