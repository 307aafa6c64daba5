import * as z from "zod";

/** Log level names, lowest first; the numeric id is the index (tslog's ids). */
export const LOG_LEVELS = ["silly", "trace", "debug", "info", "warn", "error", "fatal"] as const;

/** Zod schema of a log level name. */
export const LogLevelSchema = z.enum(LOG_LEVELS);

/** A log level name. */
export type LogLevel = z.infer<typeof LogLevelSchema>;

/** tslog's numeric id of a level. */
export function logLevelId(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

/** The level name of a numeric id. */
export function logLevelName(id: number): LogLevel {
  return LOG_LEVELS[id] ?? "fatal";
}
