import { hostname } from "node:os";
import type { BusMessage } from "./spool.js";
import type { WfLogger } from "../logging/logger.js";
import { BusUnavailableError } from "./errors.js";
import { busErrorOf } from "./bus-error.js";
import { errorMessage } from "../errors/wfkit-error.js";

// The parts of amqplib's API the publisher uses, and nothing more: amqplib's own objects fit
// them, and so does a fake broker in tests (see `AmqpConnectionOptions.connect`).

/** A confirm frame (`basic.ack` / `basic.nack`) as amqplib's channel emits it. */
export interface ConfirmFrame {
  deliveryTag: number;
  multiple: boolean;
}

/** The properties the publisher gives every message. */
export interface PublishProperties {
  persistent: boolean;
  messageId: string;
  type: string;
  contentType: string;
  appId: string;
  /** Seconds since the epoch. */
  timestamp: number;
}

/** The part of amqplib's `ConfirmChannel` the publisher uses. */
export interface AmqpConfirmChannel {
  /** False when the channel wants a `drain` before the next message; throws once the channel is closed. */
  publish(exchange: string, routingKey: string, content: Buffer, options: PublishProperties): boolean;
  assertExchange(exchange: string, type: "topic", options: { durable: boolean }): Promise<unknown>;
  on(event: "ack" | "nack", listener: (frame: ConfirmFrame) => void): unknown;
  on(event: "close" | "drain", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  once(event: "drain", listener: () => void): unknown;
}

/** The part of amqplib's `ChannelModel` (one connection, as recovery's `setup` gets it) the publisher uses. */
export interface AmqpChannelModel {
  createConfirmChannel(): Promise<AmqpConfirmChannel>;
  close(): Promise<void>;
}

/** The part of amqplib's `RecoveringChannelModel` (the connection that reconnects by itself) the publisher uses. */
export interface AmqpRecoveringModel {
  on(event: "error" | "connect-failed" | "disconnect", listener: (error: Error) => void): unknown;
  on(event: "blocked", listener: (reason: string) => void): unknown;
  close(): Promise<void>;
}

/** The socket and recovery options the publisher passes to amqplib's `connect`. */
export interface AmqpConnectOptions {
  timeout: number;
  noDelay: boolean;
  clientProperties: { connection_name: string };
  recovery: {
    waitForConnect: false;
    initialDelay: number;
    maxDelay: number;
    factor: number;
    jitter: number;
    maxRetries: number;
    /** Called on every new connection, the first one included: it makes the confirm channel. */
    setup: (model: AmqpChannelModel) => Promise<void>;
  };
}

/** amqplib's `connect` with recovery, as the publisher calls it. */
export type AmqpConnect = (url: string, options: AmqpConnectOptions) => Promise<AmqpRecoveringModel>;

/** The default `AmqpConnect`: amqplib's own, loaded on the first call. */
const amqplibConnect: AmqpConnect = async (url, options) => (await loadAmqplib()).connect(url, options);

/** The first delay of amqplib's reconnects, and of retries of the spool on the same connection. */
export const RETRY_MIN_MS = 200;
/** The longest delay between two reconnects, or two retries of the spool. */
export const RETRY_MAX_MS = 30_000;
/** A message the broker refused this many times is given up on (reported, kept in rejected.jsonl). */
const MAX_NACKS = 3;

/** What the connection needs of the publisher's options (see `AmqpPublisherOptions`). */
export interface AmqpConnectionOptions {
  url: string;
  exchange: string;
  publishTimeoutSeconds: number;
  heartbeatSeconds: number;
  logger: WfLogger;
  /** How to open the connection; default amqplib's `connect` (`amqplibConnect`). */
  connect?: AmqpConnect | undefined;
}

/** What the connection tells its owner, the publisher. */
export interface ConnectionListener {
  /** A confirm channel is ready: the first connection, or a new one after recovery. */
  connected(): void;
  /** There is no channel: the connection failed or dropped, or the channel closed. amqplib's recovery brings a new one. */
  lost(reason: string): void;
  /** The channel is up but did not confirm: a nack, or no confirm within the publish timeout. Retry later on the same channel. */
  stalled(reason: string): void;
  /** The broker refused this message too often: it can never be published (it is off `inflight` already). */
  refusedForGood(message: BusMessage, reason: string): void;
  /** Confirms were settled: everything sent may be confirmed now. */
  settled(): void;
}

interface InFlight {
  message: BusMessage;
  /** Read from a spool file (which still holds it) rather than published from memory. */
  fromSpool: boolean;
  sentAt: number;
  /** Told how it went (spool replays wait for their confirms). */
  onConfirm: ((ok: boolean) => void) | undefined;
}

/** The longest wait for the broker to acknowledge closing the connection (README: shutdown bounds). */
export const SHUTDOWN_LIMIT_MS = 2000;

/**
 * The publisher's connection to the broker: a confirm channel made on every connection of
 * amqplib's recovery (which reconnects with backoff and jitter), the messages sent on it that
 * wait for their confirm, by delivery tag, and the signs that it cannot be used: a failed or
 * lost connection, a closed channel, a nack, a confirm later than the publish timeout. What to
 * do about them (spool, retry, report) is the listener's business.
 */
export class AmqpConnection {
  private model: AmqpRecoveringModel | undefined;
  /** The connection of the current channel: its socket is destroyed when closing it takes too long. */
  private live: AmqpChannelModel | undefined;
  private current: AmqpConfirmChannel | undefined;
  private readonly inflight = new Map<number, InFlight>();
  /** The last delivery tag of the current channel: the broker numbers a channel's messages 1, 2, … */
  private tag = 0;
  private readonly nacks = new Map<string, number>();
  private stopped = false;
  private confirmedCount = 0;
  private readonly firstAttempt: Promise<void>;
  private settleFirst: () => void = () => {};
  private firstError: Error | undefined;
  private readonly connectWaiters: Array<() => void> = [];
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    private readonly options: AmqpConnectionOptions,
    /** The URL with its password masked, for messages. */
    private readonly masked: string,
    private readonly listener: ConnectionListener,
  ) {
    this.firstAttempt = new Promise((resolve) => (this.settleFirst = resolve));
    this.watchdog = setInterval(() => this.checkTimeouts(), Math.min(1000, options.publishTimeoutSeconds * 250));
    this.watchdog.unref();
  }

  /** The confirm channel, while there is one. */
  get channel(): AmqpConfirmChannel | undefined {
    return this.current;
  }

  /** Messages the broker confirmed so far. */
  get confirmed(): number {
    return this.confirmedCount;
  }

  /** Messages sent and not yet confirmed or refused. */
  get inFlight(): number {
    return this.inflight.size;
  }

  /** Open the connection; returns once amqplib's recovery has it in hand (not connected yet: see `firstConnection`). */
  async connect(): Promise<void> {
    const connect = this.options.connect ?? amqplibConnect;
    const url = withHeartbeat(this.options.url, this.options.heartbeatSeconds);
    this.model = await connect(url, {
      timeout: this.options.publishTimeoutSeconds * 1000,
      // Without it (amqplib's default) Nagle's algorithm holds a frame of the handshake until the
      // broker's delayed ACK: about 45 ms more per connection, i.e. per run and per Airflow task.
      noDelay: true,
      clientProperties: { connection_name: `wfkit ${hostname()} pid ${process.pid}` },
      recovery: {
        waitForConnect: false,
        initialDelay: RETRY_MIN_MS,
        maxDelay: RETRY_MAX_MS,
        factor: 2,
        jitter: 0.2,
        maxRetries: Infinity,
        setup: async (model) => {
          this.live = model;
          letLoopEnd(model);
          const channel = await model.createConfirmChannel();
          channel.on("error", () => {});
          channel.on("ack", (f) => this.onConfirms(channel, f.deliveryTag, f.multiple, true));
          channel.on("nack", (f) => this.onConfirms(channel, f.deliveryTag, f.multiple, false));
          await channel.assertExchange(this.options.exchange, "topic", { durable: true });
          channel.on("close", () => this.onChannelLost(channel, model));
          this.onConnected(channel);
        },
      },
    });
    this.model.on("error", () => {});
    this.model.on("connect-failed", (error: Error) => this.onConnectFailed(error));
    this.model.on("disconnect", (error: Error) => this.onDisconnected(error));
    this.model.on("blocked", (reason: string) => this.options.logger.warn(`the broker blocked publishing (${reason}); events wait until it unblocks or the publish timeout spools them`));
  }

  /**
   * Publish one message; false when the channel wants a `drain` before the next. Its confirm
   * comes as the channel's `ack`/`nack` for its delivery tag (see `onConfirms`): one listener
   * for all messages rather than a callback each.
   */
  send(channel: AmqpConfirmChannel, message: BusMessage, fromSpool: boolean, onConfirm?: (ok: boolean) => void): boolean {
    const now = Date.now();
    this.inflight.set(++this.tag, { message, fromSpool, sentAt: now, onConfirm });
    try {
      return channel.publish(message.exchange ?? this.options.exchange, message.key, Buffer.from(message.body), {
        persistent: true,
        messageId: message.id,
        type: message.type,
        contentType: message.contentType,
        appId: "wfkit",
        timestamp: Math.floor(now / 1000),
      });
    } catch (error) {
      // The channel closed under us: the close handler spools what is in flight.
      this.options.logger.debug("publish failed", { error: errorMessage(error) });
      return false;
    }
  }

  /**
   * Forget every message waiting for its confirm (their confirms, if they still come, are
   * ignored) and return the ones sent from memory, oldest first: spooled ones still sit in
   * their file.
   */
  takeUnconfirmed(): BusMessage[] {
    const unconfirmed: BusMessage[] = [];
    for (const entry of this.inflight.values()) if (!entry.fromSpool) unconfirmed.push(entry.message);
    this.inflight.clear();
    return unconfirmed;
  }

  /** Whether the broker refused this message so often that it is given up on (replays skip it). */
  refusedTooOften(id: string): boolean {
    return (this.nacks.get(id) ?? 0) >= MAX_NACKS;
  }

  hasSpooledInFlight(): boolean {
    for (const entry of this.inflight.values()) if (entry.fromSpool) return true;
    return false;
  }

  /** Wait for the first connection attempt to succeed or fail, at most `timeoutMs`. */
  async firstConnection(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.firstAttempt, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** Wait for the next channel, at most `timeoutMs`. */
  async reconnected(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => this.connectWaiters.push(resolve)), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** Why there is no connection, for strict mode: what the broker said on the first attempt, and what to change. */
  startError(): Error {
    if (this.firstError === undefined) {
      return new BusUnavailableError(
        `no connection to the event bus ${this.masked} within ${this.options.publishTimeoutSeconds} s and WF_BUS_STRICT is set: start the broker or fix WF_BUS_URL, or unset WF_BUS_STRICT to spool events until it is back`,
      );
    }
    return busErrorOf(this.firstError, {
      url: this.options.url,
      masked: this.masked,
      where: "WF_BUS_URL",
      exchange: this.options.exchange,
      unreachableFix: "start the broker or fix WF_BUS_URL; WF_BUS_STRICT is set (unset it to spool events until the broker is back)",
    });
  }

  /** Stop watching confirms and close the connection (recovery stops with it). */
  async shutdown(limitMs = SHUTDOWN_LIMIT_MS): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    const model = this.model;
    const live = this.live;
    this.model = undefined;
    this.live = undefined;
    this.current = undefined;
    if (model === undefined) return;
    // A frozen broker (or a link that drops bytes) never answers the close: without a limit the
    // process would live until TCP gives up, minutes later. After the limit the socket goes.
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      model.close().then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), limitMs))),
    ]);
    clearTimeout(timer);
    if (!closed) (live as { connection?: { stream?: { destroy?(): void } } } | undefined)?.connection?.stream?.destroy?.();
  }

  private onConnected(channel: AmqpConfirmChannel): void {
    this.current = channel;
    this.tag = 0;
    this.settleFirst();
    for (const resolve of this.connectWaiters.splice(0)) resolve();
    this.listener.connected();
  }

  private onConnectFailed(error: Error): void {
    this.firstError ??= error;
    this.settleFirst();
    this.listener.lost(errorMessage(error));
  }

  private onDisconnected(error: Error): void {
    this.current = undefined;
    this.listener.lost(`connection lost: ${errorMessage(error)}`);
  }

  private onChannelLost(channel: AmqpConfirmChannel, model: AmqpChannelModel): void {
    if (this.current !== channel) return;
    this.current = undefined;
    this.listener.lost("the channel closed: the connection dropped or the broker closed it");
    // A new connection brings a new channel: amqplib's recovery reconnects once this one closes.
    if (!this.stopped) model.close().catch(() => {});
  }

  /** The broker confirmed (`ok`) or refused delivery tag `tag`, or every tag up to it (`multiple`). */
  private onConfirms(channel: AmqpConfirmChannel, tag: number, multiple: boolean, ok: boolean): void {
    if (channel !== this.current) return;
    if (!multiple) {
      const entry = this.inflight.get(tag);
      if (entry !== undefined) this.settle(tag, entry, ok);
    } else {
      // Insertion order is tag order, and settled tags are gone: the ones to settle come first.
      for (const [t, entry] of this.inflight) {
        if (t > tag) break;
        this.settle(t, entry, ok);
      }
    }
    this.listener.settled();
  }

  private settle(tag: number, entry: InFlight, ok: boolean): void {
    if (!ok) {
      this.onNack(entry);
      entry.onConfirm?.(false);
      return;
    }
    this.inflight.delete(tag);
    this.confirmedCount++;
    if (this.nacks.size > 0) this.nacks.delete(entry.message.id);
    entry.onConfirm?.(true);
  }

  private onNack(entry: InFlight): void {
    const count = (this.nacks.get(entry.message.id) ?? 0) + 1;
    this.nacks.set(entry.message.id, count);
    if (count >= MAX_NACKS) {
      for (const [seq, e] of this.inflight) if (e === entry) this.inflight.delete(seq);
      this.listener.refusedForGood(entry.message, `the broker refused it ${count} times (basic.nack)`);
      return;
    }
    this.listener.stalled("the broker refused an event (basic.nack)");
  }

  /** Confirms that take longer than the publish timeout mean a stuck broker: spool, and retry later. */
  private checkTimeouts(): void {
    const first = this.inflight.values().next();
    if (first.done) return;
    if (Date.now() - first.value.sentAt < this.options.publishTimeoutSeconds * 1000) return;
    this.listener.stalled(`no confirm from the broker within ${this.options.publishTimeoutSeconds} s`);
  }
}

/**
 * amqplib, loaded when a bus is configured (a worker without one never pays for it). It is
 * CommonJS: bundled or not, its exports may arrive as the namespace or as its `default`.
 */
export async function loadAmqplib(): Promise<typeof import("amqplib")> {
  const mod = (await import("amqplib")) as typeof import("amqplib") & { default?: typeof import("amqplib") };
  return typeof mod.connect === "function" ? mod : mod.default!;
}

/**
 * The connection's socket and amqplib's two heartbeat timers stop keeping the process alive
 * (Node's `unref`). A run's process then ends when its work does, and a task awaiting a promise
 * that nothing can settle is found when the event loop runs dry, as without a bus (the run
 * lifecycle's stall check; with the socket ref'd the run hung until killed). Every wait wfkit
 * itself does on the broker (the first connection, confirms at a flush, the close) runs its
 * own ref'd timer, which keeps the loop alive for that wait. The heartbeat timers are amqplib's
 * internals (`connection.heartbeater`, 0.10 to 2.x); if a later amqplib moves them, the
 * optional chaining skips them and only the stall check with a bus is lost.
 */
function letLoopEnd(model: unknown): void {
  const connection = (model as { connection?: { stream?: { unref?(): void }; heartbeater?: { sendTimer?: { unref?(): void }; recvTimer?: { unref?(): void } } } }).connection;
  connection?.stream?.unref?.();
  connection?.heartbeater?.sendTimer?.unref?.();
  connection?.heartbeater?.recvTimer?.unref?.();
}

/** The URL with a `heartbeat` query parameter, unless it has one. */
export function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has("heartbeat")) parsed.searchParams.set("heartbeat", String(seconds));
  return parsed.toString();
}
