import type { WfEvent } from "./wf-event.js";
import type { WfLogger } from "../logging/logger.js";
import type { CompiledEventsOptions } from "./events-options.js";
import { AmqpEventPublisher, type PublisherStats } from "./amqp-publisher.js";
import { publisherOptions } from "./open-run-events.js";
import { EventsOptionsError } from "./errors.js";

/**
 * A connection that publishes status events to RabbitMQ, as every run does with `WF_BUS_URL`
 * set: publisher confirms, an ordered on-disk spool while the broker is away, and the spool
 * files of this host's ended processes replayed first once it is reachable.
 */
export interface EventPublisher {
  /** Queue an event for the broker (encoded in the configured format). Never throws, never waits. */
  publish(event: WfEvent): void;
  /**
   * Wait until every event published so far is confirmed, at most `timeoutMs` (default: the
   * publish timeout); what is still unconfirmed then goes to the spool.
   */
  flush(timeoutMs?: number): Promise<void>;
  /** What was confirmed, spooled and rejected so far, and what waits in this process's spool file. */
  stats(): PublisherStats;
  /** Flush, close the connection and say what is left in the spool (a warning names it). Idempotent. */
  close(): Promise<PublisherStats>;
}

/**
 * Start publishing status events to the bus of compiled event options (`options.busUrl` must be
 * set, e.g. from `eventsOptionsFromConfig`): for an engine process that publishes events it did
 * not emit itself, such as `wf run-task --report-crash` publishing a dead task process's events. Returns at once; the
 * connection is made in the background and events wait for it. Log lines go to `logger`'s
 * `wfkit.events.bus` child. In strict mode (`options.strict`) it waits for the first connection
 * and throws BusAccessRefusedError or BusUnavailableError, and `onFatal` is called once when an
 * event cannot be published. Throws EventsOptionsError when no bus URL is set.
 */
export async function startEventPublisher(
  options: CompiledEventsOptions,
  logger: WfLogger,
  onFatal?: (error: Error) => void,
): Promise<EventPublisher> {
  if (options.busUrl === undefined) throw new EventsOptionsError(["busUrl: no bus to publish to (set WF_BUS_URL or the busUrl event option)"]);
  const publisher = await AmqpEventPublisher.start(publisherOptions(options, logger.child("wfkit.events.bus"), onFatal));
  return Object.freeze({
    publish: (event: WfEvent) => publisher.publish(event),
    flush: (timeoutMs?: number) => publisher.flush(timeoutMs),
    stats: () => publisher.stats(),
    close: () => publisher.close(),
  });
}
