import * as z from "zod";
import { LogLevelSchema } from "../logging/log-level.js";
import { parseModuleLevels } from "../logging/module-levels.js";
import { FIELD_NAME } from "../logging/log-fields.js";
import { parseConsoleTemplate } from "../logging/console-template.js";
import { DEFAULT_MASK_KEYS } from "../logging/mask.js";
import { SYSLOG_FACILITIES, type SyslogFacility } from "../logging/syslog-message.js";
import { ProgressLevelSchema, ProgressModeSchema } from "../progress/progress-options.js";
import { BusUrlSchema, EventsFormatSchema } from "../events/events-options.js";
import { RunLogSettingSchema } from "../run-log/run-log-options.js";
import { pure } from "../util/pure.js";
import { TelemetryEnvShape } from "../telemetry/telemetry-env.js";

/** Items of a comma-separated list, trimmed, empty ones dropped. */
export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** An on/off setting: true, 1, yes, on (any case) or false, 0, no, off. */
const Flag = /* @__PURE__ */ pure(() => z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
  .default("false")
  .transform((v) => v === "true" || v === "1" || v === "yes" || v === "on"));

/**
 * Every environment variable wfkit reads (`WF_*`, and the standard `OTEL_*` ones), declared once: its type, default and
 * description. docs/configuration.md's table is generated from this schema.
 */
export const EnvSchema = /* @__PURE__ */ pure(() => z.object({
  WF_HOME: z
    .string()
    .default(".wf")
    .describe("Folder for wfkit's files (run directories under `runs/`), relative to the current directory."),
  WF_LOG_LEVEL: LogLevelSchema.default("info").describe(
    "Lowest level that is logged. wfkit's own messages are at `debug`: `WF_LOG_LEVEL=debug` (or `--debug`) shows them.",
  ),
  WF_LOG_LEVEL_MODULE: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      for (const problem of parseModuleLevels(text ?? "").problems) ctx.addIssue({ code: "custom", message: problem });
    })
    .describe(
      "Levels per logger, `name=level` separated by `;`: a rule for a dotted name applies to the loggers under it (`wfkit=debug;wfkit.events=error;Transform=warn`).",
    ),
  WF_LOG_FORMAT: z
    .enum(["auto", "pretty", "json", "logfmt", "ltsv"])
    .default("auto")
    .describe("Log line format. `auto`: pretty when stderr (where log lines go) is a terminal, json otherwise (an Airflow worker, a file)."),
  WF_LOG_METADATA: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      for (const name of splitList(text ?? "")) {
        if (name !== "*" && !FIELD_NAME.test(name)) {
          ctx.addIssue({ code: "custom", message: `"${name}" is not a field name (letters, digits, _ . -), nor *` });
        }
      }
    })
    .describe(
      "Fields of every line and their order, comma-separated: `timestamp`, `level`, `logger`, `message`, `file`, `line`, `function`, `workflow`, `version`, `dag_id`, `task`, `run_id`, `attempt`, any custom field, `*` for all other fields. Unset: each format's default.",
    ),
  WF_LOG_CONSOLE_FORMAT: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      for (const problem of parseConsoleTemplate(text ?? "").problems) ctx.addIssue({ code: "custom", message: problem });
    })
    .describe(
      "Template of the pretty format, e.g. `{timestamp} [{level}] {workflow}.{task} {message}`; `{name:8}` pads, `{fields}` adds the call's fields. Unset: `{time} {level:5} {logger} {message}{fields}`.",
    ),
  WF_LOG_MASK_KEYS: z
    .string()
    .default(DEFAULT_MASK_KEYS.join(","))
    .describe("Comma-separated words: values under keys that contain one (any case) are masked in every log line. Credentials in URLs are always masked."),
  WF_LOG_EXCEPTION_FORMATTER: z
    .enum(["auto", "pretty", "plain"])
    .default("auto")
    .describe("How a failed task is reported on a terminal: `pretty` boxed, `plain` text. `auto`: pretty on a terminal."),
  WF_SYSLOG_ENABLED: Flag.describe("Also send every log line to syslog (RFC 5424). Syslog trouble never fails or slows a task."),
  WF_SYSLOG_HOST: z.string().default("localhost").describe("Syslog server."),
  WF_SYSLOG_PORT: z.coerce.number().int().min(1).max(65535).default(514).describe("Syslog server port."),
  WF_SYSLOG_PROTOCOL: z.enum(["udp", "tcp"]).default("udp").describe("`udp` (RFC 5426) or `tcp` (octet-counted, RFC 6587)."),
  WF_SYSLOG_FACILITY: z
    .enum(Object.keys(SYSLOG_FACILITIES) as [SyslogFacility, ...SyslogFacility[]])
    .default("user")
    .describe("Syslog facility of every message."),
  WF_PROGRESS: ProgressModeSchema.default("auto").describe(
    "How progress is shown: `bars` (live terminal bars), `log` (a log line per tracker every WF_PROGRESS_LOG_INTERVAL and when it ends), `notebook` (plain text in the cell output), `off`. `auto`: notebook on the notebook engine, bars when stderr is a terminal, log otherwise (an Airflow worker always logs).",
  ),
  WF_PROGRESS_LEVELS: z
    .string()
    .default("run,tasks,steps")
    .superRefine((text, ctx) => {
      for (const level of splitList(text)) {
        if (!ProgressLevelSchema.safeParse(level).success) ctx.addIssue({ code: "custom", message: `"${level}" is not a progress level; use run, tasks and steps, comma-separated` });
      }
    })
    .describe("Which levels of the progress tree are shown, comma-separated: `run` (tasks done of all), `tasks` (each running task), `steps` (the trackers task code creates)."),
  WF_PROGRESS_LOG_INTERVAL: z.coerce.number().positive().default(30).describe("`log` progress: seconds between the lines of a running tracker."),
  WF_PROGRESS_NOTEBOOK_INTERVAL: z.coerce.number().positive().default(5).describe("`notebook` progress: seconds between updates in the cell output, at most."),
  WF_BUS_URL: BusUrlSchema.optional().describe(
    "RabbitMQ to publish status events to, e.g. `amqp://user:password@host:5672/vhost` (amqps:// for TLS). Unset: events go only to in-process listeners and the run's `events.jsonl`.",
  ),
  WF_BUS_EXCHANGE: z.string().min(1).max(255).default("wfkit.events").describe("Durable topic exchange the events are published to (declared if missing)."),
  WF_BUS_STRICT: Flag.describe(
    "Make bus trouble fatal: the run does not start when the broker cannot be reached, and stops when publishing fails. Unset: events wait in the spool and tasks carry on.",
  ),
  WF_BUS_PUBLISH_TIMEOUT: z.coerce.number().positive().default(10).describe("Seconds to wait for the broker's confirm of an event (and for the last confirms when a process ends) before the event goes to the spool."),
  WF_BUS_HEARTBEAT: z.coerce.number().int().min(0).default(15).describe("AMQP heartbeat in seconds: a silent broker is noticed within two of them. 0 turns heartbeats off."),
  WF_BUS_SPOOL_DIR: z.string().min(1).optional().describe("Where events wait while the broker is unreachable (one JSON-lines file per process). Unset: `spool/` under WF_HOME."),
  WF_BUS_MAX_EVENT_BYTES: z.coerce.number().int().positive().default(1048576).describe("Largest event published to the bus. A bigger one is reported as an error and kept in the spool's `rejected.jsonl` (and the run's `events.jsonl`)."),
  WF_EVENTS_FORMAT: EventsFormatSchema.default("cloudevents").describe("What the bus carries: `cloudevents` (wfkit's event schema) or `openlineage` (OpenLineage RunEvents). The run's `events.jsonl` is always CloudEvents."),
  WF_EVENTS_PROGRESS_INTERVAL: z.coerce.number().min(0).default(10).describe("Least seconds between two `task.progress` events of a task (sent only when its counts moved). 0: no progress events."),
  WF_RUN_LOG: RunLogSettingSchema.default("file").describe(
    "Where every run and task attempt is recorded (`wf runs`): `file` (under WF_HOME's `run-log/`), a PostgreSQL URL (`postgres://user:password@db:5432/wfkit`, for many workers on many machines), or `off`.",
  ),
  WF_RUN_LOG_STRICT: Flag.describe(
    "Make a run-log store that cannot be reached fatal: the run does not start. Unset: records wait in the file store and reach PostgreSQL when it is back.",
  ),
  WF_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .default(16)
    .describe("Local engine: how many tasks may run at once."),
  WF_RETRY_DELAY_SECONDS: z.coerce
    .number()
    .min(0)
    .optional()
    .describe("Local and notebook engines: overrides every task's retry delay (e.g. `0` in tests). Unset: each task's own."),
  WF_INSTALL_ROOT: z
    .string()
    .default("/opt/wfkit")
    .describe(
      "Where workflow package versions are installed (`<root>/<package>/<version>/`): read by `wf install`, by the generated DAGs on Airflow workers, and by packaged notebooks.",
    ),
  ...TelemetryEnvShape,
}));

/** Resolved configuration, with defaults applied. */
export type WfConfig = z.infer<typeof EnvSchema>;
