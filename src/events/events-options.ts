import path from "node:path";
import * as z from "zod";
import { EventsOptionsError } from "./errors.js";
import { PARSE_ONCE } from "../util/parse-once.js";
import { pure } from "../util/pure.js";

/** What is published on the bus: CloudEvents (wfkit's schema) or OpenLineage RunEvents. */
export const EventsFormatSchema = /* @__PURE__ */ pure(() => z.enum(["cloudevents", "openlineage"]));
/** A bus message format. */
export type EventsFormat = z.infer<typeof EventsFormatSchema>;

/** `amqp://` or `amqps://` URLs only; the message never repeats the URL's password. */
export const BusUrlSchema = /* @__PURE__ */ pure(() => z.string().refine((url) => {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === "amqp:" || parsed.protocol === "amqps:") && parsed.hostname !== "";
  } catch {
    return false;
  }
}, "must be an amqp:// or amqps:// URL with a host, e.g. amqp://guest:guest@127.0.0.1:5672"));

/**
 * How a run publishes its status events. Every run writes its events to `events.jsonl` in its
 * run directory and delivers them to in-process listeners; `busUrl` adds RabbitMQ.
 */
export const EventsOptionsSchema = /* @__PURE__ */ pure(() => z.object({
  busUrl: BusUrlSchema.optional().describe("RabbitMQ to publish to (WF_BUS_URL); default none: only the in-process bus and the events file"),
  exchange: z.string().min(1).max(255).default("wfkit.events").describe("Durable topic exchange (WF_BUS_EXCHANGE)"),
  strict: z.boolean().default(false).describe("Bus trouble fails the run instead of spooling (WF_BUS_STRICT)"),
  format: EventsFormatSchema.default("cloudevents").describe("What the bus carries (WF_EVENTS_FORMAT)"),
  publishTimeoutSeconds: z.number().positive().default(10).describe("Longest wait for the broker's confirm of an event, and for the last confirms when a run ends (WF_BUS_PUBLISH_TIMEOUT)"),
  heartbeatSeconds: z.number().int().min(0).default(15).describe("AMQP heartbeat; 0 turns it off (WF_BUS_HEARTBEAT)"),
  spoolDir: z.string().min(1).optional().describe("Where events wait while the broker is unreachable (WF_BUS_SPOOL_DIR); default `<WF_HOME>/spool`"),
  maxEventBytes: z.number().int().positive().default(1024 * 1024).describe("Largest event published; bigger ones are reported, kept in the events file and `rejected.jsonl` (WF_BUS_MAX_EVENT_BYTES)"),
  progressIntervalSeconds: z.number().min(0).default(10).describe("Least time between two `task.progress` events of a task; 0 turns them off (WF_EVENTS_PROGRESS_INTERVAL)"),
}));

/** Event options as users give them; every field has a default. */
export type EventsOptions = z.input<typeof EventsOptionsSchema>;

/** Event options with every default applied and the spool folder resolved. */
export type CompiledEventsOptions = Required<Omit<z.output<typeof EventsOptionsSchema>, "busUrl">> & { busUrl: string | undefined };

/**
 * Resolve event options: defaults applied, the spool folder made absolute (default
 * `<home>/spool`). Throws EventsOptionsError listing every problem.
 */
export function compileEventsOptions(options: EventsOptions | undefined, home: string): CompiledEventsOptions {
  const parsed = EventsOptionsSchema.safeParse(options ?? {}, PARSE_ONCE);
  if (!parsed.success) {
    throw new EventsOptionsError(parsed.error.issues.map((issue) => `${issue.path.join(".") || "options"}: ${issue.message}`));
  }
  const o = parsed.data;
  return { ...o, busUrl: o.busUrl, spoolDir: path.resolve(home, o.spoolDir ?? "spool") };
}
