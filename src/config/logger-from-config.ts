import type { WfConfig } from "./env-schema.js";
import { splitList } from "./env-schema.js";
import { createLogger, type RootLogger } from "../logging/logger.js";
import type { LoggerOptions } from "../logging/logger-options.js";
import type { LogLevel } from "../logging/log-level.js";
import { wantsColor } from "../util/colors.js";

/** The streams whose terminal-ness decides the defaults. */
export interface LogStreams {
  stdout: { isTTY?: boolean };
  stderr: { isTTY?: boolean; columns?: number };
}

/**
 * Logger options from the WF_LOG_* and WF_SYSLOG_* configuration. Lines go to stderr (stdout
 * stays free for results such as `wf run --json`). `auto` format: pretty when stderr is a
 * terminal, JSON lines elsewhere. A person is taken to be watching (short failure reports)
 * when the format is pretty and stderr is a terminal. `level` overrides WF_LOG_LEVEL (`--debug`).
 */
export function loggerOptionsFromConfig(
  config: WfConfig,
  level?: LogLevel,
  streams: LogStreams = process,
  env: NodeJS.ProcessEnv = process.env,
): LoggerOptions {
  // By stderr, where the lines go: `wf run --json > out.json` in a terminal still shows pretty lines.
  const format = config.WF_LOG_FORMAT === "auto" ? (streams.stderr.isTTY === true ? "pretty" : "json") : config.WF_LOG_FORMAT;
  const interactive = format === "pretty" && streams.stderr.isTTY === true;
  const metadata = splitList(config.WF_LOG_METADATA ?? "");
  const exceptionFormatter =
    config.WF_LOG_EXCEPTION_FORMATTER === "auto" ? (interactive ? "pretty" : "plain") : config.WF_LOG_EXCEPTION_FORMATTER;
  return {
    level: level ?? config.WF_LOG_LEVEL,
    moduleLevels: config.WF_LOG_LEVEL_MODULE ?? "",
    format,
    ...(metadata.length > 0 ? { metadata } : {}),
    ...(config.WF_LOG_CONSOLE_FORMAT !== undefined ? { consoleFormat: config.WF_LOG_CONSOLE_FORMAT } : {}),
    maskKeys: splitList(config.WF_LOG_MASK_KEYS),
    color: format === "pretty" && wantsColor(streams.stderr, env),
    interactive,
    exceptionFormatter,
    destination: "stderr",
    ...(config.WF_SYSLOG_ENABLED
      ? {
          syslog: {
            host: config.WF_SYSLOG_HOST,
            port: config.WF_SYSLOG_PORT,
            protocol: config.WF_SYSLOG_PROTOCOL,
            facility: config.WF_SYSLOG_FACILITY,
          },
        }
      : {}),
  };
}

/** The root logger the configuration asks for (see {@link loggerOptionsFromConfig}). */
export function createLoggerFromConfig(config: WfConfig, level?: LogLevel): RootLogger {
  return createLogger(loggerOptionsFromConfig(config, level));
}
