// The real RabbitMQ the event bus tests use (127.0.0.1:5672, guest/guest; WF_TEST_BUS_URL
// overrides). Under CI a broker that cannot be reached fails the tests; elsewhere they are
// skipped with the reason in their title.
import { randomBytes } from "node:crypto";
import amqp, { type ConsumeMessage, type MessageProperties } from "amqplib";
import { maskUrlCredentials } from "../../src/logging/mask.js";

/** The broker the tests use. */
export const RABBIT_URL = process.env["WF_TEST_BUS_URL"] ?? "amqp://guest:guest@127.0.0.1:5672";

/** Whether the broker answered, and with which version, or why not. */
export type RabbitAvailability = { ok: true; version: string } | { ok: false; reason: string };

let found: Promise<RabbitAvailability> | undefined;

/** Whether CI is set (to anything but `false`/`0`/empty): then a missing dependency fails instead of skipping. */
export function inCi(): boolean {
  const ci = process.env["CI"];
  return ci !== undefined && ci !== "" && ci !== "false" && ci !== "0";
}

/**
 * Whether RABBIT_URL accepts an AMQP login (checked once per test file, within 5 s). Under CI it
 * rejects instead of returning `ok: false`, so a test file that awaits it at the top fails;
 * elsewhere it says on stderr what is skipped and why.
 */
export async function rabbitAvailability(): Promise<RabbitAvailability> {
  found ??= probe();
  const availability = await found;
  if (!availability.ok) {
    if (inCi()) throw new Error(`RabbitMQ is required under CI (CI=${process.env["CI"]}): ${availability.reason}`);
    // The default reporter does not show the titles of skipped suites: say it once per file.
    console.warn(`[rabbitmq] skipping the tests that need it: ${availability.reason}`);
  }
  return availability;
}

async function probe(): Promise<RabbitAvailability> {
  try {
    const connection = await amqp.connect(RABBIT_URL, { timeout: 5000 });
    const version = connection.connection.serverProperties.version;
    await connection.close();
    return { ok: true, version };
  } catch (error) {
    return { ok: false, reason: `no RabbitMQ at ${maskUrlCredentials(RABBIT_URL)} (${error instanceof Error ? error.message : String(error)}); start one, e.g. docker run -d -p 5672:5672 rabbitmq` };
  }
}

/** `describe` title: `what` against the broker's version, or what is skipped and why. */
export function rabbitTitle(what: string, availability: RabbitAvailability): string {
  return availability.ok ? `${what} (RabbitMQ ${availability.version})` : `${what} (skipped: ${availability.reason})`;
}

/** A fresh exchange name, so that tests running at once never see each other's events. */
export function uniqueExchange(label: string): string {
  return `wfkit.test.${label}.${process.pid}.${randomBytes(4).toString("hex")}`;
}

/** Delete exchanges a test declared (durable ones outlive the connection); missing ones are fine. */
export async function deleteExchanges(...names: string[]): Promise<void> {
  const connection = await amqp.connect(RABBIT_URL);
  try {
    const channel = await connection.createChannel();
    for (const name of names) await channel.deleteExchange(name);
  } finally {
    await connection.close();
  }
}

/** One message as a consumer got it. */
export interface CollectedMessage {
  routingKey: string;
  /** The body as UTF-8. */
  body: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: unknown;
  properties: MessageProperties;
}

/** Messages of an exchange, as they arrive. */
export interface EventCollector<T = unknown> {
  /** Parsed bodies in arrival order (bodies that are not JSON are left out; see `raw`). */
  readonly messages: T[];
  /** Every message, in arrival order. */
  readonly raw: CollectedMessage[];
  /** Resolve with `messages` once `predicate(messages)` holds; reject after `timeoutMs` saying what came. */
  waitFor(predicate: (messages: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  /** Stop consuming; the queue goes with the connection. */
  close(): Promise<void>;
}

/**
 * Bind an exclusive, server-named queue to `exchange` (declared as wfkit does: durable topic)
 * with `pattern`, and collect what arrives. Resolves once the binding is in place, so whatever
 * is published after it is collected.
 */
export async function collectEvents<T = unknown>(exchange: string, pattern = "#", url = RABBIT_URL): Promise<EventCollector<T>> {
  const connection = await amqp.connect(url);
  connection.on("error", () => {});
  const messages: T[] = [];
  const raw: CollectedMessage[] = [];
  try {
    const channel = await connection.createChannel();
    await channel.assertExchange(exchange, "topic", { durable: true });
    const { queue } = await channel.assertQueue("", { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, exchange, pattern);
    await channel.consume(
      queue,
      (message: ConsumeMessage | null) => {
        if (message === null) return;
        const body = message.content.toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        raw.push({ routingKey: message.fields.routingKey, body, json, properties: message.properties });
        if (json !== undefined) messages.push(json as T);
      },
      { noAck: true },
    );
  } catch (error) {
    await connection.close().catch(() => {});
    throw error;
  }
  return {
    messages,
    raw,
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(messages)) {
        if (Date.now() > deadline) {
          throw new Error(`exchange ${exchange} (${pattern}): condition not met after ${timeoutMs} ms; ${raw.length} message(s) came:\n${raw.map((m) => `${m.routingKey} ${m.body.slice(0, 300)}`).join("\n")}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return messages;
    },
    close: () => connection.close().catch(() => {}),
  };
}
