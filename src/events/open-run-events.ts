import path from "node:path";
import type { EventBus } from "./event-bus.js";
import type { WfEvent } from "./wf-event.js";
import type { CompiledEventsOptions, EventsFormat } from "./events-options.js";
import type { WfLogger } from "../logging/logger.js";
import { EVENTS_FILE, EventsFile } from "./events-file.js";
import { AmqpEventPublisher, type AmqpPublisherOptions, type PublisherStats } from "./amqp-publisher.js";
import { routingKey } from "./routing-key.js";
import { eventJson } from "./create-event.js";
import type { BusMessage } from "./spool.js";
import { toOpenLineage, type TaskDatasets } from "./openlineage.js";

/** Where a run's events go besides in-process listeners, and how to end that. */
export interface RunEvents {
  /** `<runDir>/events.jsonl`. */
  readonly file: string;
  /** Write out what waits for the events file, now. */
  flushFile(): void;
  /** Wait (at most the publish timeout) until the broker confirmed what was published so far. */
  flush(): Promise<void>;
  /** Flush, close the file and the connection; what is left waits in the spool. Idempotent. */
  close(): Promise<PublisherStats | undefined>;
}

/** The bus message of an event in the given format; undefined when the format has no counterpart (OpenLineage and custom events). */
export function encodeEvent(event: WfEvent, format: EventsFormat, datasets?: TaskDatasets): BusMessage | undefined {
  if (format === "openlineage") {
    const lineage = toOpenLineage(event, undefined, datasets);
    if (lineage === undefined) return undefined;
    return { id: event.id, key: routingKey(event), type: event.type, contentType: "application/json", body: JSON.stringify(lineage) };
  }
  return { id: event.id, key: routingKey(event), type: event.type, contentType: "application/cloudevents+json; charset=utf-8", body: eventJson(event) };
}

/** The publisher's options from compiled event options: the bus URL (which must be set), its settings and the format's encoder. */
export function publisherOptions(options: CompiledEventsOptions, logger: WfLogger, onFatal?: (error: Error) => void, datasets?: TaskDatasets): AmqpPublisherOptions {
  return {
    url: options.busUrl!,
    exchange: options.exchange,
    spoolDir: options.spoolDir,
    publishTimeoutSeconds: options.publishTimeoutSeconds,
    heartbeatSeconds: options.heartbeatSeconds,
    maxEventBytes: options.maxEventBytes,
    strict: options.strict,
    encode: (event) => encodeEvent(event, options.format, datasets),
    logger,
    onFatal,
  };
}

/**
 * Attach a run's event outputs to its in-process bus: the JSON-lines events file in the run
 * directory, always, and RabbitMQ when `options.busUrl` is set. Throws EventStoreError (the file)
 * and, in strict mode, BusAccessRefusedError / BusUnavailableError.
 */
export async function openRunEvents(input: {
  bus: EventBus;
  runDir: string;
  options: CompiledEventsOptions;
  logger: WfLogger;
  /** Hears the first write to the events file that fails (the file then takes no more events); default: a process warning. */
  onFileError?: (file: string, error: unknown) => void;
  onFatal?: (error: Error) => void;
  /** The catalog names each task declares (OpenLineage's input and output datasets). */
  datasets?: TaskDatasets;
}): Promise<RunEvents> {
  const { options } = input;
  const fileName = path.join(input.runDir, EVENTS_FILE);
  const onFileError = input.onFileError;
  const file = onFileError ? new EventsFile(fileName, (error) => onFileError(fileName, error)) : new EventsFile(fileName);
  let publisher: AmqpEventPublisher | undefined;
  if (options.busUrl !== undefined) {
    try {
      publisher = await AmqpEventPublisher.start(publisherOptions(options, input.logger.child("wfkit.events.bus"), input.onFatal, input.datasets));
    } catch (error) {
      file.close();
      throw error;
    }
  }
  const unsubscribe = [input.bus.subscribe(file.write), ...(publisher ? [input.bus.subscribe((event) => publisher.publish(event))] : [])];
  let closing: Promise<PublisherStats | undefined> | undefined;
  return {
    file: file.file,
    flushFile: () => file.flush(),
    flush: async () => publisher?.flush(),
    close: () =>
      (closing ??= (async () => {
        for (const stop of unsubscribe) stop();
        file.close();
        return publisher?.close();
      })()),
  };
}
