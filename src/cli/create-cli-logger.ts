import type { WfConfig } from "../config/env-schema.js";
import { createLogger, type WfLogger } from "../logging/logger.js";

/** The CLI's root logger: WF_LOG_LEVEL (or debug with --debug) and WF_LOG_FORMAT, on stderr. */
export function createCliLogger(config: WfConfig, debug: boolean): WfLogger {
  const tty = process.stderr.isTTY === true;
  return createLogger({
    level: debug ? "debug" : config.WF_LOG_LEVEL,
    format: config.WF_LOG_FORMAT === "auto" ? (tty ? "pretty" : "json") : config.WF_LOG_FORMAT,
    color: tty && !("NO_COLOR" in process.env),
  });
}
