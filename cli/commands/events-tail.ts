import { hostname } from "node:os";
import type { ChannelModel, ConsumeMessage } from "amqplib";
import { loadConfig } from "../../src/config/load-config.js";
import { loadAmqplib, withHeartbeat } from "../../src/events/amqp-publisher.js";
import { errorMessage } from "../../src/errors/wfkit-error.js";
import { maskUrlCredentials } from "../../src/logging/mask.js";
import type { CliIo } from "../cli-io.js";
import { EXIT, signalExitCode } from "../exit-codes.js";
import { UsageError } from "../errors.js";
import { busConnectError, chooseBusUrl, chooseExchange } from "../bus-options.js";
import { FIRST_COLUMNS, formatBusMessage, jsonLine, readBusMessage, widenColumns } from "../format-event-line.js";

/** Options of `wf events tail`. */
export interface EventsTailOptions {
  bus?: string;
  exchange?: string;
  run?: string;
  json?: boolean;
}

/** RabbitMQ on this host with its stock guest/guest login, so a bare `wf events tail` works next to a local broker. */
export const DEFAULT_TAIL_BUS_URL = "amqp://localhost";

const CONNECT_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * `wf events tail`: print every message of the exchange as it arrives, until SIGINT/SIGTERM
 * (then 0). It binds its own exclusive, auto-deleted queue with `#`, so it sees everything and
 * leaves nothing behind; the exchange is declared (durable topic) so tail can start before any
 * publisher. A dropped connection is re-made with backoff (noted on stderr); events published
 * while it was down are not shown. An unreachable broker or a refused login at start is a
 * WfkitError naming the masked URL.
 */
export async function eventsTailCommand(io: CliIo, options: EventsTailOptions): Promise<number> {
  const config = loadConfig(io.env);
  const bus = chooseBusUrl(options.bus, config.WF_BUS_URL, DEFAULT_TAIL_BUS_URL)!;
  const exchange = chooseExchange(options.exchange, config.WF_BUS_EXCHANGE);
  if (options.run !== undefined && options.run.trim() === "") throw new UsageError("--run: give the id of a run");

  const print = printer(io, options);
  const amqp = await loadAmqplib();
  let closing = false;
  // Why the next disconnect happens, when it is this process's doing.
  let dropReason: string | undefined;
  let down = false;

  const model = await amqp.connect(withHeartbeat(bus.url, config.WF_BUS_HEARTBEAT), {
    timeout: CONNECT_TIMEOUT_MS,
    clientProperties: { connection_name: `wf events tail ${hostname()} pid ${process.pid}` },
    recovery: {
      waitForConnect: false,
      // Fail at once when the first connection fails; once tailing, never give up.
      initialMaxRetries: 0,
      maxRetries: Infinity,
      initialDelay: 250,
      maxDelay: 10_000,
      factor: 2,
      jitter: 0.5,
      setup: async (connection: ChannelModel) => {
        const channel = await connection.createChannel();
        // The queue lives with the channel: when the broker ends the channel (a channel error,
        // the queue deleted) the connection is closed too, and recovery makes both anew. A
        // channel that closes without an error goes with its connection, which recovery sees.
        const renew = (why: string) => {
          if (closing) return;
          dropReason ??= why;
          connection.close().catch(() => {});
        };
        channel.on("error", (error: Error) => renew(`the broker closed the channel: ${errorMessage(error)}`));
        await channel.assertExchange(exchange, "topic", { durable: true });
        const { queue } = await channel.assertQueue("", { exclusive: true, autoDelete: true, durable: false });
        await channel.bindQueue(queue, exchange, "#");
        await channel.consume(queue, (message) => (message === null ? renew("the broker cancelled the subscription") : print(message)), { noAck: true });
      },
    },
  });
  model.on("error", () => {});
  model.on("disconnect", (error: Error) => {
    if (closing) return;
    down = true;
    io.err(`wf: lost the connection to ${bus.masked} (${maskUrlCredentials(dropReason ?? errorMessage(error))}); reconnecting (events published meanwhile are not shown)\n`);
  });
  model.on("connect", () => {
    dropReason = undefined;
    if (!down) return;
    down = false;
    io.err(`wf: reconnected to ${bus.masked}; tailing ${exchange} again\n`);
  });

  const stop = stopSignals();
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    // `wf events tail | head`: the reader is gone, which ends tailing like Ctrl-C.
    if (error.code === "EPIPE") stop.stop();
  };
  process.stdout.on("error", onStdoutError);
  try {
    const first = await Promise.race([model.waitForConnect().then(() => undefined, (error: unknown) => ({ error })), stop.stopped.then(() => "stopped" as const)]);
    if (first === "stopped") return EXIT.OK;
    if (first !== undefined) throw busConnectError(first.error, bus, exchange);
    io.err(`wf: tailing ${exchange} on ${bus.masked}${options.run === undefined ? "" : `, run ${options.run} only`} (Ctrl-C to stop)\n`);
    await stop.stopped;
    return EXIT.OK;
  } finally {
    closing = true;
    stop.dispose();
    process.stdout.off("error", onStdoutError);
    let timer: NodeJS.Timeout | undefined;
    // A broker that stopped answering must not keep tail from ending.
    await Promise.race([model.close().catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)))]);
    clearTimeout(timer);
  }
}

/** What to do with each delivery: filter by run, then print it as JSON or as a line. */
function printer(io: CliIo, options: EventsTailOptions): (message: ConsumeMessage) => void {
  let columns = FIRST_COLUMNS;
  const print = (message: ConsumeMessage) => {
    const body = message.content.toString("utf8");
    if (options.json && options.run === undefined) {
      io.out(`${jsonLine(body)}\n`);
      return;
    }
    const read = readBusMessage(body);
    // Only wfkit events say which run they belong to: with --run, nothing else is shown.
    if (options.run !== undefined && (read.kind !== "event" || read.head.runId !== options.run)) return;
    if (options.json) {
      io.out(`${jsonLine(body)}\n`);
      return;
    }
    columns = widenColumns(columns, read);
    io.out(`${formatBusMessage({ routingKey: message.fields.routingKey, body, receivedAt: new Date() }, read, { color: io.color, columns })}\n`);
  };
  return (message) => {
    // A throw here would land inside amqplib's frame handling and take the connection down.
    try {
      print(message);
    } catch (error) {
      io.err(`wf: cannot show a message with routing key ${JSON.stringify(message.fields.routingKey)}: ${errorMessage(error)}\n`);
    }
  };
}

/** Resolves on the first SIGINT/SIGTERM (or `stop()`); a second signal exits at once. */
function stopSignals(): { stopped: Promise<void>; stop(): void; dispose(): void } {
  let resolve: () => void = () => {};
  const stopped = new Promise<void>((r) => (resolve = r));
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(signalExitCode(signal));
    signalled = true;
    resolve();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    stopped,
    stop: () => resolve(),
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
