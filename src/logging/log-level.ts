import * as z from "zod";
import { pure } from "../util/pure.js";

/** Log level names, lowest first; the numeric id is the index (tslog's ids). */
export const LOG_LEVELS = ["silly", "trace", "debug", "info", "warn", "error", "fatal"] as const;

/** Zod schema of a log level name. */
export const LogLevelSchema = /* @__PURE__ */ pure(() => z.enum(LOG_LEVELS));

/** A log level name. */
export type LogLevel = z.infer<typeof LogLevelSchema>;

/** tslog's numeric id of a level (-1 for a name that is none). */
export function logLevelId(level: LogLevel): number {
  // A switch, not LOG_LEVELS.indexOf: engines ask for every task attempt.
  switch (level) {
    case "silly":
      return 0;
    case "trace":
      return 1;
    case "debug":
      return 2;
    case "info":
      return 3;
    case "warn":
      return 4;
    case "error":
      return 5;
    case "fatal":
      return 6;
    default:
      return -1;
  }
}

/** The level name of a numeric id. */
export function logLevelName(id: number): LogLevel {
  return LOG_LEVELS[id] ?? "fatal";
}
