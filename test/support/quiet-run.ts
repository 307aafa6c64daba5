import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LogFields, WfEvent } from "wfkit";
import { createLogger, type LocalRunOptions } from "wfkit/local";

/** A captured log line. */
export interface CapturedLine {
  level: string;
  logger: string;
  message: string;
  fields: LogFields;
}

/**
 * For tests: `options` for runLocal that put runs in a fresh temp WF_HOME, capture log lines
 * (debug and up) in `lines` instead of printing them, collect events in `events`, make retries
 * not wait, and ignore the WF_* environment. Extra options are merged in.
 */
export function quietRun<P = Record<string, unknown>>(extra: LocalRunOptions<P> = {}) {
  const lines: CapturedLine[] = [];
  const events: WfEvent[] = [];
  const logger = createLogger({
    level: "debug",
    format: "json",
    destination: (line) => {
      const { level, logger: name, message, ...fields } = JSON.parse(line) as Record<string, unknown>;
      lines.push({ level: String(level), logger: String(name), message: String(message), fields });
    },
  });
  const options: LocalRunOptions<P> = {
    home: mkdtempSync(path.join(tmpdir(), "wfkit-test-")),
    logger,
    retryDelaySeconds: 0,
    onEvent: (event: WfEvent) => events.push(event),
    env: {},
    ...extra,
  };
  return { options, lines, events };
}
