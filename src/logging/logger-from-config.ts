import type { WfConfig } from "../config/env-schema.js";
import { createLogger, type WfLogger } from "./logger.js";
import type { LogLevel } from "./log-level.js";
import { wantsColor } from "../util/colors.js";

/**
 * The root logger the WF_* configuration asks for, writing to stderr: WF_LOG_LEVEL (or
 * `level` when given, e.g. debug for `--debug`) and WF_LOG_FORMAT, where `auto` means pretty on
 * a terminal and JSON lines elsewhere; colour as `wantsColor` says for stderr.
 */
export function createLoggerFromConfig(config: WfConfig, level?: LogLevel): WfLogger {
  const tty = process.stderr.isTTY === true;
  return createLogger({
    level: level ?? config.WF_LOG_LEVEL,
    format: config.WF_LOG_FORMAT === "auto" ? (tty ? "pretty" : "json") : config.WF_LOG_FORMAT,
    color: wantsColor(process.stderr),
  });
}
