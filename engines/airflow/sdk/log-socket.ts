import type { Socket } from "node:net";
import { connectSocket, endSocket } from "./supervisor-channel.js";

/** wfkit's log levels, and the level name Airflow's supervisor logs each at (structlog's names). */
const AIRFLOW_LEVELS: Readonly<Record<string, string>> = {
  silly: "debug",
  trace: "debug",
  debug: "debug",
  info: "info",
  warn: "warning",
  error: "error",
  fatal: "critical",
};

/**
 * The `--logs` socket: newline-delimited JSON records that Airflow's supervisor reads
 * (`process_log_messages_from_subprocess`) and logs at the record's `level`, with `event` as the
 * message and every other key as a field of the task log. A line that cannot be sent (the
 * socket gone) goes to stderr, which the supervisor also captures: no line is lost.
 */
export class LogSocket {
  readonly #socket: Socket;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("error", () => {});
  }

  /** Connect to `--logs`. */
  static async connect(address: string): Promise<LogSocket> {
    return new LogSocket(await connectSocket(address, "--logs"));
  }

  /** Send one record as Airflow reads it: `{timestamp, level, event, logger, …fields}`. */
  send(record: Record<string, unknown>): void {
    const line = `${JSON.stringify(record)}\n`;
    if (this.#socket.writable) this.#socket.write(line);
    else process.stderr.write(line);
  }

  /**
   * One of wfkit's JSON log lines as an Airflow record: its level in Airflow's names, the message
   * as `event`, an error's stack (and its causes') as lines below the message — Airflow's log view
   * shows a multi-line event as lines — and every other field kept.
   */
  sendWfkitLine(line: string): void {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.send({ timestamp: new Date().toISOString(), level: "info", event: line, logger: "wfkit" });
      return;
    }
    const { timestamp, level, logger, message, stack, ...fields } = record;
    const lines = [typeof message === "string" ? message : JSON.stringify(message)];
    if (typeof stack === "string") lines.push(stack);
    for (const [key, value] of Object.entries(fields)) {
      if (typeof value === "object" && value !== null && typeof (value as { stack?: unknown }).stack === "string") {
        lines.push(...errorLines(value as Record<string, unknown>));
        fields[key] = `${String((value as Record<string, unknown>)["name"])}: ${String((value as Record<string, unknown>)["message"])}`;
      }
    }
    this.send({ timestamp, level: AIRFLOW_LEVELS[String(level)] ?? "info", event: lines.join("\n"), logger, ...fields });
  }

  /** Close once every line written has gone out. */
  close(): Promise<void> {
    return endSocket(this.#socket);
  }
}

/** An error field's stack and its causes' stacks, as lines. */
function errorLines(error: Record<string, unknown>): string[] {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth++) {
    const e = current as Record<string, unknown>;
    const head = typeof e["stack"] === "string" ? e["stack"] : `${String(e["name"])}: ${String(e["message"])}`;
    lines.push(depth === 0 ? head : `caused by: ${head}`);
    current = e["cause"];
  }
  return lines;
}
