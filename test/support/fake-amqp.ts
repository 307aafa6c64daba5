import { EventEmitter } from "node:events";
import type { LogFields, WfLogger } from "wfkit";
import type {
  AmqpChannelModel,
  AmqpConfirmChannel,
  AmqpConnect,
  AmqpConnectOptions,
  AmqpRecoveringModel,
  PublishProperties,
} from "../../src/events/amqp-connection.js";

/** A message as the fake broker received it. */
export interface Published {
  channel: FakeChannel;
  /** Its delivery tag on that channel. */
  tag: number;
  exchange: string;
  key: string;
  /** Its message id (the event id). */
  id: string;
  body: string;
  properties: PublishProperties;
}

/** How the broker answers a message: a confirm (`ack`), a refusal (`nack`), or nothing until the test says (`hold`). */
export type Verdict = "ack" | "nack" | "hold";

/**
 * RabbitMQ behind the part of amqplib's API the publisher uses (`AmqpConnect` and the types it
 * returns), in memory, for unit tests: pass `broker.connect` as the publisher's `connect`.
 *
 * Recovery behaves as amqplib 2.3's: `connect` resolves at once (`waitForConnect: false`) and
 * the first attempt is made on the next turn of the event loop (`setImmediate`); every attempt
 * runs the options' `setup` on a new connection; a failed attempt is a `connect-failed` and a
 * lost connection a `disconnect`, each followed by another attempt after the backoff delay
 * (`setTimeout`: initialDelay × factor^n up to maxDelay, without jitter). Closing a connection
 * closes its channels first, as amqplib does. Confirms the broker gives by itself come on the
 * next turn of the event loop (`setImmediate`), in publish order.
 *
 * With fake `setTimeout`/`setInterval`/`Date` and a real `setImmediate`, the test owns time:
 * nothing happens by the clock unless it advances it.
 */
export class FakeBroker {
  /** Why connecting fails now (a refused login, nothing listening…); undefined: it succeeds. */
  failure: Error | undefined;
  /** The broker's answer to each message. */
  verdict: (message: Published) => Verdict = () => "ack";
  /** Declaring these exchanges fails (the broker closes the channel, as RabbitMQ does on a 403 or 406). */
  readonly refusedExchanges = new Map<string, string>();
  /** Every message published, on any channel, in order. */
  readonly published: Published[] = [];
  /** Every exchange declared, in order. */
  readonly declared: string[] = [];
  readonly models: FakeRecoveringModel[] = [];
  readonly connections: FakeConnection[] = [];
  readonly channels: FakeChannel[] = [];
  /** Connection attempts so far. */
  attempts = 0;

  /** The `connect` option of the publisher: amqplib's `connect`, against this broker. */
  readonly connect: AmqpConnect = async (url, options) => {
    const model = new FakeRecoveringModel(this, url, options);
    this.models.push(model);
    return model;
  };

  /** The channel of the live connection, if there is one. */
  get channel(): FakeChannel | undefined {
    const last = this.channels.at(-1);
    return last !== undefined && !last.closed ? last : undefined;
  }

  /** The ids published so far, in order (on `channel` only, if given). */
  ids(channel?: FakeChannel): string[] {
    return this.published.filter((m) => channel === undefined || m.channel === channel).map((m) => m.id);
  }

  /** The live connection drops (a broker restart, a network cut): its channels close, then it. */
  drop(error = new Error("Connection closed: 320 (CONNECTION-FORCED) with message \"CONNECTION_FORCED - broker forced connection closure\"")): void {
    for (const connection of this.connections) if (!connection.closed) connection.end(error);
  }
}

/** amqplib's `RecoveringChannelModel`, as far as the publisher uses it. */
export class FakeRecoveringModel extends EventEmitter implements AmqpRecoveringModel {
  closed = false;
  private current: FakeConnection | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;

  constructor(
    private readonly broker: FakeBroker,
    readonly url: string,
    readonly options: AmqpConnectOptions,
  ) {
    super();
    setImmediate(() => void this.open());
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const current = this.current;
    this.current = undefined;
    if (current !== undefined && !current.closed) current.end(undefined);
  }

  private async open(): Promise<void> {
    if (this.closed) return;
    this.broker.attempts++;
    if (this.broker.failure !== undefined) {
      this.emit("connect-failed", this.broker.failure);
      this.retry();
      return;
    }
    const connection = new FakeConnection(this.broker);
    this.broker.connections.push(connection);
    try {
      await this.options.recovery.setup(connection);
    } catch (error) {
      if (!connection.closed) connection.end(undefined);
      this.emit("connect-failed", error);
      this.retry();
      return;
    }
    if (this.closed) {
      if (!connection.closed) connection.end(undefined);
      return;
    }
    this.attempt = 0;
    this.current = connection;
    connection.onClose = (error) => {
      if (this.current !== connection) return;
      this.current = undefined;
      if (this.closed) return;
      this.emit("disconnect", error ?? new Error("Connection closed"));
      this.retry();
    };
  }

  private retry(): void {
    if (this.closed || this.timer !== undefined) return;
    const { initialDelay, factor, maxDelay } = this.options.recovery;
    const delay = Math.min(maxDelay, initialDelay * factor ** this.attempt++);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.open();
    }, delay);
  }
}

/** amqplib's `ChannelModel`: one connection. */
export class FakeConnection implements AmqpChannelModel {
  closed = false;
  /** Told when the connection closes, with why (undefined: closed by the client). */
  onClose: ((error: Error | undefined) => void) | undefined;
  private readonly channels: FakeChannel[] = [];

  constructor(private readonly broker: FakeBroker) {}

  async createConfirmChannel(): Promise<FakeChannel> {
    if (this.closed) throw new Error("Connection closed");
    const channel = new FakeChannel(this.broker);
    this.channels.push(channel);
    this.broker.channels.push(channel);
    return channel;
  }

  async close(): Promise<void> {
    // As amqplib's: closing a closed connection is an error, and the connection is closed once
    // the broker answered (here: on the next turn of the event loop), not at once.
    if (this.closed) throw new Error("Connection closed (by client)");
    await new Promise((resolve) => setImmediate(resolve));
    if (!this.closed) this.end(undefined);
  }

  /** Close: the channels first, then the connection, as amqplib does. */
  end(error: Error | undefined): void {
    this.closed = true;
    for (const channel of this.channels) channel.end();
    this.onClose?.(error);
  }
}

/** amqplib's `ConfirmChannel`, as far as the publisher uses it. */
export class FakeChannel extends EventEmitter implements AmqpConfirmChannel {
  closed = false;
  /** Tags the broker holds back (verdict `hold`), oldest first, until `ack`/`nack`. */
  readonly held: number[] = [];
  /** `publish` returns false once this many messages wait since the last `drain()` (the socket's buffer is full). */
  highWater = Infinity;
  private tag = 0;
  private buffered = 0;

  constructor(private readonly broker: FakeBroker) {
    super();
  }

  publish(exchange: string, key: string, content: Buffer, properties: PublishProperties): boolean {
    if (this.closed) throw new Error("Channel closed");
    const message: Published = { channel: this, tag: ++this.tag, exchange, key, id: properties.messageId, body: content.toString("utf8"), properties };
    this.broker.published.push(message);
    const verdict = this.broker.verdict(message);
    if (verdict === "hold") this.held.push(message.tag);
    else setImmediate(() => this.confirm(verdict === "ack", message.tag, false));
    // As amqplib's: the message is taken either way; false asks for a `drain` before the next.
    return ++this.buffered < this.highWater;
  }

  async assertExchange(exchange: string): Promise<unknown> {
    if (this.closed) throw new Error("Channel closed");
    const refusal = this.broker.refusedExchanges.get(exchange);
    if (refusal !== undefined) {
      this.end();
      throw new Error(`Channel closed by server: ${refusal}`);
    }
    this.broker.declared.push(exchange);
    return { exchange };
  }

  /** Confirm held tag `tag` (`multiple`: and every held tag before it). */
  ack(tag: number, multiple = false): void {
    this.answer(tag, multiple, true);
  }

  /** Refuse held tag `tag` (`multiple`: and every held tag before it). */
  nack(tag: number, multiple = false): void {
    this.answer(tag, multiple, false);
  }

  /** Confirm every held tag, one frame each, oldest first. */
  ackHeld(): void {
    for (const tag of this.held.splice(0)) this.confirm(true, tag, false);
  }

  /** The socket's buffer emptied: `drain`. */
  drain(): void {
    this.buffered = 0;
    this.emit("drain");
  }

  /** The channel closes (the broker closed it, or its connection closed). */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit("close");
  }

  private answer(tag: number, multiple: boolean, ok: boolean): void {
    const index = this.held.indexOf(tag);
    if (index < 0) throw new Error(`tag ${tag} is not held`);
    if (multiple) this.held.splice(0, index + 1);
    else this.held.splice(index, 1);
    this.confirm(ok, tag, multiple);
  }

  private confirm(ok: boolean, tag: number, multiple: boolean): void {
    if (this.closed) return;
    this.emit(ok ? "ack" : "nack", { deliveryTag: tag, multiple });
  }
}

/** A logged line. */
export interface LoggedLine {
  level: string;
  message: string;
  fields: LogFields | undefined;
}

/** A `WfLogger` that keeps every line, at every level, in `lines`. */
export function recordingLogger(): WfLogger & { lines: LoggedLine[]; at(level: string): string[] } {
  const lines: LoggedLine[] = [];
  const make = (name: string): WfLogger => {
    const log = (level: string) => (message: string, fields?: LogFields) => void lines.push({ level, message, fields });
    return {
      name,
      trace: log("trace"),
      debug: log("debug"),
      info: log("info"),
      warn: log("warn"),
      error: log("error"),
      fatal: log("fatal"),
      bind: () => make(name),
      child: (child) => make(name === "" ? child : `${name}.${child}`),
      isLevelEnabled: () => true,
    };
  };
  return Object.assign(make("wfkit.events.bus"), { lines, at: (level: string) => lines.filter((l) => l.level === level).map((l) => l.message) });
}

/** The timers a fake-broker test fakes: the clock is the test's; `setImmediate` stays real (the broker's confirms, recovery's first attempt). */
export const FAKED_TIMERS = ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] as const;

/** One real turn of the event loop (what the broker does on `setImmediate` happens). */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Let the publisher and the broker work, without moving the clock, until `done` holds; fails
 * (naming `what`) if it never does within 1,000 turns of the event loop.
 */
export async function spin(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; !done(); i++) {
    if (i >= 1000) throw new Error(`never happened (without the clock moving): ${what}`);
    await turn();
  }
}

/**
 * Like `spin`, but the clock moves too, 10 ms at a time (`advance`: the fake timers'
 * `advanceTimersByTimeAsync`), for waits on retries and reconnects; fails (naming `what`) if
 * `done` does not hold within `maxMs` of fake time.
 */
export async function until(advance: (ms: number) => Promise<unknown>, done: () => boolean, what: string, maxMs = 60_000): Promise<void> {
  for (let waited = 0; ; waited += 10) {
    for (let i = 0; i < 5 && !done(); i++) await turn();
    if (done()) return;
    if (waited >= maxMs) throw new Error(`never happened within ${maxMs} ms: ${what}`);
    await advance(10);
  }
}
