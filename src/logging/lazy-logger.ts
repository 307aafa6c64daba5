import type { LogFields } from "./log-fields.js";
import type { LogLevel } from "./log-level.js";
import type { WfLogger } from "./logger.js";

/** A logger made by `make` when it is first used: the same lines, names and levels as the one `make` returns. */
export class LazyLogger implements WfLogger {
  private made: WfLogger | undefined;

  constructor(private make: (() => WfLogger) | undefined) {}

  private get logger(): WfLogger {
    if (this.made === undefined) {
      this.made = this.make!();
      this.make = undefined;
    }
    return this.made;
  }

  get name(): string {
    return this.logger.name;
  }
  trace(message: string, fields?: LogFields): void {
    this.logger.trace(message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.logger.debug(message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.logger.info(message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.logger.warn(message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.logger.error(message, fields);
  }
  fatal(message: string, fields?: LogFields): void {
    this.logger.fatal(message, fields);
  }
  bind(fields: LogFields): WfLogger {
    return this.logger.bind(fields);
  }
  child(name: string, fields?: LogFields): WfLogger {
    return this.logger.child(name, fields);
  }
  isLevelEnabled(level: LogLevel): boolean {
    return this.logger.isLevelEnabled(level);
  }
}
