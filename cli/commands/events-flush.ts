import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { loadConfig } from "../../src/config/load-config.js";
import { AmqpEventPublisher, type PublisherStats } from "../../src/events/amqp-publisher.js";
import { BusAccessRefusedError, BusUnavailableError } from "../../src/events/errors.js";
import { compileEventsOptions } from "../../src/events/events-options.js";
import { eventsOptionsFromConfig } from "../../src/config/events-from-config.js";
import { createLogger } from "../../src/logging/logger.js";
import { loggerOptionsFromConfig } from "../../src/config/logger-from-config.js";
import type { CliIo } from "../cli-io.js";
import { EXIT } from "../exit-codes.js";
import { UsageError } from "../errors.js";
import { busConnectError, chooseBusUrl, chooseExchange } from "../bus-options.js";
import { spoolBacklog, type SpoolBacklog } from "../spool-backlog.js";

/** Options of `wf events flush`. */
export interface EventsFlushOptions {
  bus?: string;
  exchange?: string;
  spool?: string;
  debug?: boolean;
}

/**
 * `wf events flush`: publish the events that wait in this host's spool, left there by wf
 * processes that ended while the broker was unreachable, and say how many were published and
 * how many are left. 0 when nothing is left, 1 when some are (the broker is still unreachable,
 * or stopped confirming); a refused login or a bad option is 2.
 */
export async function eventsFlushCommand(io: CliIo, options: EventsFlushOptions): Promise<number> {
  const config = loadConfig(io.env);
  const bus = chooseBusUrl(options.bus, config.WF_BUS_URL);
  // No URL with a password in the hint: every message is masked, which would mask the example too.
  if (bus === undefined) throw new UsageError("no event bus to publish to: pass --bus <url> (e.g. amqp://localhost:5672; put user:password@ before the host for a login) or set WF_BUS_URL");
  const exchange = chooseExchange(options.exchange, config.WF_BUS_EXCHANGE);
  const home = path.resolve(io.cwd, config.WF_HOME);
  const events = compileEventsOptions(eventsOptionsFromConfig(config), home);
  const spoolDir = options.spool !== undefined ? path.resolve(io.cwd, options.spool) : defaultSpool(io, events.spoolDir);

  const before = spoolBacklog(spoolDir);
  if (before.waiting === 0) {
    io.out(`nothing to publish: no events wait in ${spoolDir}${running(before)}\n`);
    return EXIT.OK;
  }

  const logOptions = loggerOptionsFromConfig(config, options.debug ? "debug" : undefined);
  // The publisher's warnings speak of a process that keeps running and spools its own events;
  // this command says itself what happened. Its errors (an unreadable spool line) still show.
  const quiet = options.debug || config.WF_LOG_LEVEL_MODULE !== undefined ? {} : { moduleLevels: "wfkit.events.bus=error" };
  const logger = createLogger({ ...logOptions, ...quiet });
  let stats: PublisherStats;
  try {
    let publisher: AmqpEventPublisher;
    try {
      // Strict: start() waits for the first connection and says why it failed.
      publisher = await AmqpEventPublisher.start({
        url: bus.url,
        exchange,
        spoolDir,
        publishTimeoutSeconds: events.publishTimeoutSeconds,
        heartbeatSeconds: events.heartbeatSeconds,
        maxEventBytes: events.maxEventBytes,
        strict: true,
        // It publishes only what the spool holds, already encoded by the processes that spooled it.
        encode: () => undefined,
        logger: logger.child("wfkit.events.bus"),
        onFatal: () => {},
      });
    } catch (error) {
      if (!(error instanceof BusUnavailableError || error instanceof BusAccessRefusedError)) throw error;
      const reported = busConnectError(error.cause ?? error, bus, exchange);
      if (!(reported instanceof BusUnavailableError)) throw reported;
      io.err(`wf: ${reported.message}\n`);
      io.out(`published 0 events; ${before.waiting} left in ${spoolDir}\n`);
      return EXIT.FAILURE;
    }
    await drain(publisher, events.publishTimeoutSeconds * 1000);
    stats = await publisher.close();
  } finally {
    await logger.close();
  }

  const after = spoolBacklog(spoolDir);
  const rejected = stats.rejected > 0 ? `; ${stats.rejected} can never be published (kept in ${path.join(spoolDir, "rejected.jsonl")})` : "";
  io.out(`published ${stats.confirmed} event${stats.confirmed === 1 ? "" : "s"} to ${exchange} on ${bus.masked}; ${after.waiting} left in ${spoolDir}${rejected}${running(after)}\n`);
  if (after.waiting === 0) return EXIT.OK;
  io.err(`wf: ${after.waiting} event(s) could not be published: the broker ${bus.masked} dropped the connection or stopped confirming; run wf events flush again once it is reachable\n`);
  return EXIT.FAILURE;
}

/**
 * The spool to flush when none is named. With WF_HOME and WF_BUS_SPOOL_DIR unset, `wf run`
 * spools under `./.wf` but `wf run-task` (an Airflow worker) under `~/.wf`: the first of the
 * two that holds events.
 */
function defaultSpool(io: CliIo, configured: string): string {
  const explicit = (name: string) => (io.env[name] ?? "").trim() !== "";
  if (explicit("WF_HOME") || explicit("WF_BUS_SPOOL_DIR")) return configured;
  const worker = path.join(os.homedir(), ".wf", "spool");
  return spoolBacklog(configured).waiting === 0 && spoolBacklog(worker).waiting > 0 ? worker : configured;
}

/**
 * Wait until the spool files the publisher claimed are published, as long as it makes progress:
 * `flush()` alone gives up after one publish timeout, however much a long spool still moves.
 */
async function drain(publisher: AmqpEventPublisher, stallMs: number): Promise<void> {
  let last = publisher.stats();
  let progressAt = Date.now();
  while (last.left > 0 && Date.now() - progressAt < stallMs) {
    await publisher.flush(stallMs);
    // flush() returns at once while the connection is down: give recovery time to reconnect.
    await sleep(100);
    const now = publisher.stats();
    if (now.confirmed > last.confirmed) progressAt = Date.now();
    last = now;
  }
}

function running(backlog: SpoolBacklog): string {
  if (backlog.running === 0) return "";
  const n = backlog.runningProcesses;
  return ` (${backlog.running} more wait in the spool of ${n === 1 ? "a running wf process, which publishes them itself" : `${n} running wf processes, which publish them themselves`})`;
}
