import path from "node:path";
import type { WfConfig } from "./env-schema.js";
import type { EventsOptions } from "../events/events-options.js";

/** Event options from the WF_BUS_* and WF_EVENTS_* configuration. */
export function eventsOptionsFromConfig(config: WfConfig): EventsOptions {
  return {
    busUrl: config.WF_BUS_URL,
    exchange: config.WF_BUS_EXCHANGE,
    strict: config.WF_BUS_STRICT,
    format: config.WF_EVENTS_FORMAT,
    publishTimeoutSeconds: config.WF_BUS_PUBLISH_TIMEOUT,
    heartbeatSeconds: config.WF_BUS_HEARTBEAT,
    // Unset: `<home>/spool`, where home is the engine's (a worker's is ~/.wf).
    spoolDir: config.WF_BUS_SPOOL_DIR === undefined ? undefined : path.resolve(config.WF_BUS_SPOOL_DIR),
    maxEventBytes: config.WF_BUS_MAX_EVENT_BYTES,
    progressIntervalSeconds: config.WF_EVENTS_PROGRESS_INTERVAL,
  };
}
