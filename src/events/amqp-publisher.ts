import { renameSync } from "node:fs";
import { hostname } from "node:os";
import type { ChannelModel, ConfirmChannel, RecoveringChannelModel } from "amqplib";
import type { WfEvent } from "./wf-event.js";
import type { WfLogger } from "../logging/logger.js";
import { Spool, type BusMessage } from "./spool.js";
import { BusUnavailableError } from "./errors.js";
import { busErrorOf } from "./bus-error.js";
import { errorMessage } from "../errors/wfkit-error.js";
import { maskUrlCredentials } from "../logging/mask.js";

/** Everything the AMQP publisher needs; see `EventsOptionsSchema` for what each means. */
export interface AmqpPublisherOptions {
  url: string;
  exchange: string;
  spoolDir: string;
  publishTimeoutSeconds: number;
  heartbeatSeconds: number;
  maxEventBytes: number;
  strict: boolean;
  /** Turns an event into the message to publish; undefined: nothing to publish for it. */
  encode: (event: WfEvent) => BusMessage | undefined;
  /** `wfkit.events.bus`: outages (warn, once each), undeliverable events (error), spool replays. */
  logger: WfLogger;
  /** Strict mode: called once, when an event could not be published. */
  onFatal?: ((error: Error) => void) | undefined;
}

/** What the publisher did, from `stats()` and `close()`. */
export interface PublisherStats {
  /** Events the broker confirmed (spooled ones replayed included). */
  confirmed: number;
  /** Events written to the spool because the broker was unreachable or slow. */
  spooled: number;
  /** Events that can never be published (too large, refused again and again). */
  rejected: number;
  /** Events still waiting in this process's spool file when it closed. */
  left: number;
  spoolFile: string;
}

interface InFlight {
  message: BusMessage;
  /** Read from a spool file (which still holds it) rather than published from memory. */
  fromSpool: boolean;
  sentAt: number;
  /** Told how it went (spool replays wait for their confirms). */
  onConfirm: ((ok: boolean) => void) | undefined;
}

/** Events kept in memory while the first connection is being made or confirms lag, before they go to disk. */
const MAX_PENDING = 10_000;
/** A message the broker refused this many times is given up on (reported, kept in rejected.jsonl). */
const MAX_NACKS = 3;
const RETRY_MIN_MS = 200;
/** At the end of a process in an outage, how long to wait for the broker to come back: a blip should not leave a spool behind. */
const CLOSE_GRACE_MS = 2000;
const RETRY_MAX_MS = 30_000;

/**
 * Publishes events to a durable topic exchange with publisher confirms, and never loses one.
 *
 * `publish` is synchronous and never blocks or throws: the event is queued and sent as the
 * channel accepts it. An event leaves memory when the broker confirms it. When the broker is
 * unreachable, the connection drops, a confirm takes longer than the publish timeout, or the
 * broker refuses an event, the unconfirmed events and every later one go to this process's
 * spool file, in order. Once a channel is back (amqplib's recovery reconnects with backoff and
 * jitter), spool files of dead processes on this host are replayed first, then this one's,
 * then publishing goes direct again. Delivery is at least once: an event whose confirm was lost
 * is published again, with the same message id.
 */
export class AmqpEventPublisher {
  private readonly spool: Spool;
  private model: RecoveringChannelModel | undefined;
  private channel: ConfirmChannel | undefined;
  private mode: "direct" | "spool" = "direct";
  /**
   * Events waiting to be sent, oldest first, from `pendingHead` on; the ones before it are sent.
   * An index rather than `shift()`: on a long array each shift copies the rest of it.
   */
  private pending: BusMessage[] = [];
  private pendingHead = 0;
  private readonly inflight = new Map<number, InFlight>();
  /** The last delivery tag of the current channel: the broker numbers a channel's messages 1, 2, … */
  private tag = 0;
  private blocked = false;
  private draining = false;
  private drainAgain = false;
  private closed = false;
  private claimed: string[] = [];
  private ownOffset = 0;
  private readonly nacks = new Map<string, number>();
  private readonly counts = { confirmed: 0, spooled: 0, rejected: 0 };
  private outage: string | undefined;
  private fatal = false;
  private firstAttempt: Promise<void>;
  private settleFirst: () => void = () => {};
  private firstError: Error | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = RETRY_MIN_MS;
  private readonly watchdog: NodeJS.Timeout;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly connectWaiters: Array<() => void> = [];
  private readonly masked: string;

  private constructor(private readonly options: AmqpPublisherOptions) {
    this.spool = new Spool(options.spoolDir);
    this.masked = maskUrlCredentials(options.url);
    this.firstAttempt = new Promise((resolve) => (this.settleFirst = resolve));
    this.watchdog = setInterval(() => this.checkTimeouts(), Math.min(1000, options.publishTimeoutSeconds * 250));
    this.watchdog.unref();
  }

  /**
   * Start publishing to the broker at `options.url`. Returns at once; the connection is made in
   * the background and events wait for it. In strict mode it waits for the first connection
   * (at most the publish timeout) and throws BusAccessRefusedError (bad credentials or
   * permissions) or BusUnavailableError.
   */
  static async start(options: AmqpPublisherOptions): Promise<AmqpEventPublisher> {
    const publisher = new AmqpEventPublisher(options);
    await publisher.connect();
    if (options.strict) {
      await publisher.firstConnection(options.publishTimeoutSeconds * 1000);
      if (publisher.channel === undefined) {
        await publisher.shutdownConnection();
        clearInterval(publisher.watchdog);
        throw publisher.startError();
      }
    }
    return publisher;
  }

  /** Queue an event for the broker. Never throws, never waits. */
  publish(event: WfEvent): void {
    const message = this.options.encode(event);
    if (message === undefined) return;
    // A UTF-16 code unit is at most 3 bytes of UTF-8: only a long body needs counting.
    if (message.body.length * 3 > this.options.maxEventBytes) {
      const bytes = Buffer.byteLength(message.body);
      if (bytes > this.options.maxEventBytes) {
        this.reject(message, `it is ${bytes} bytes, above WF_BUS_MAX_EVENT_BYTES (${this.options.maxEventBytes})`);
        return;
      }
    }
    if (this.mode === "spool") {
      this.toSpool([message]);
      return;
    }
    this.pending.push(message);
    if (this.channel === undefined && this.pending.length - this.pendingHead > MAX_PENDING) this.goSpool("too many events waiting for the first connection", false);
    else this.pump();
  }

  /** Counts so far. */
  stats(): PublisherStats {
    return { ...this.counts, left: this.leftInSpool(), spoolFile: this.spool.own };
  }

  /**
   * Wait until every event published so far is confirmed, at most `timeoutMs`; what is still
   * unconfirmed then goes to the spool. Resolves at once while the broker is unreachable:
   * those events are on disk already.
   */
  async flush(timeoutMs = this.options.publishTimeoutSeconds * 1000): Promise<void> {
    if (this.channel === undefined && this.outage === undefined) await this.firstConnection(timeoutMs);
    if (this.channel !== undefined && !this.idle()) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
    }
    if (!this.idle()) this.goSpool(`the broker did not confirm within ${timeoutMs / 1000} s`);
  }

  /**
   * Flush (bounded by the publish timeout), close the connection and say what is left in the
   * spool. Idempotent.
   */
  async close(): Promise<PublisherStats> {
    if (!this.closed) {
      if (this.channel === undefined && this.outage !== undefined && !/ACCESS.REFUSED|NOT.ALLOWED|Expected ConnectionOpenOk/.test(this.outage)) {
        await this.reconnected(Math.min(CLOSE_GRACE_MS, this.options.publishTimeoutSeconds * 1000));
      }
      await this.flush();
      this.closed = true;
      clearInterval(this.watchdog);
      clearTimeout(this.retryTimer);
      await this.shutdownConnection();
      const left = this.leftInSpool();
      if (left > 0) {
        this.options.logger.warn(
          `${left} status event(s) could not be published yet; they wait in ${this.spool.own} and the next wf process on this host that reaches the broker publishes them (or run \`wf events flush\`)`,
          { spool: this.spool.own, events: left },
        );
      }
    }
    return this.stats();
  }

  private async connect(): Promise<void> {
    const amqp = await loadAmqplib();
    const url = withHeartbeat(this.options.url, this.options.heartbeatSeconds);
    this.model = await amqp.connect(url, {
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
        setup: async (model: ChannelModel) => {
          const channel = await model.createConfirmChannel();
          channel.on("error", () => {});
          channel.on("ack", (f: { deliveryTag: number; multiple: boolean }) => this.onConfirms(channel, f.deliveryTag, f.multiple, true));
          channel.on("nack", (f: { deliveryTag: number; multiple: boolean }) => this.onConfirms(channel, f.deliveryTag, f.multiple, false));
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

  private onConnected(channel: ConfirmChannel): void {
    this.channel = channel;
    this.tag = 0;
    this.blocked = false;
    this.retryDelay = RETRY_MIN_MS;
    if (this.outage !== undefined) {
      this.options.logger.info(`the event bus ${this.masked} is reachable again; publishing the spooled events`);
      this.outage = undefined;
    }
    this.settleFirst();
    for (const resolve of this.connectWaiters.splice(0)) resolve();
    this.claimed.push(...this.spool.claimOrphans());
    if (this.claimed.length > 0 || this.mode === "spool") void this.drain();
    else this.pump();
  }

  private onConnectFailed(error: Error): void {
    this.firstError ??= error;
    this.settleFirst();
    this.goSpool(errorMessage(error));
  }

  private onDisconnected(error: Error): void {
    this.channel = undefined;
    this.goSpool(`connection lost: ${errorMessage(error)}`);
  }

  private onChannelLost(channel: ConfirmChannel, model: ChannelModel): void {
    if (this.channel !== channel) return;
    this.channel = undefined;
    this.goSpool("the channel closed: the connection dropped or the broker closed it");
    // A new connection brings a new channel: amqplib's recovery reconnects once this one closes.
    if (!this.closed) model.close().catch(() => {});
  }

  /** Send what waits in memory, as long as the channel takes it. */
  private pump(): void {
    const channel = this.channel;
    // While spooled events replay, newer ones wait: they go out after them, in order.
    if (channel === undefined || this.mode !== "direct" || this.blocked || this.draining) return;
    while (this.pendingHead < this.pending.length) {
      const message = this.pending[this.pendingHead++]!;
      if (!this.send(channel, message, false)) {
        // Drop the sent ones once they are half the array: copies in all at most as many as were sent.
        if (this.pendingHead >= 1024 && this.pendingHead * 2 >= this.pending.length) {
          this.pending = this.pending.slice(this.pendingHead);
          this.pendingHead = 0;
        }
        this.blocked = true;
        channel.once("drain", () => {
          this.blocked = false;
          this.pump();
        });
        return;
      }
    }
    this.pending = [];
    this.pendingHead = 0;
  }

  /**
   * Publish one message; false when the channel wants a `drain` before the next. Its confirm
   * comes as the channel's `ack`/`nack` for its delivery tag (see `onConfirms`): one listener
   * for all messages rather than a callback each.
   */
  private send(channel: ConfirmChannel, message: BusMessage, fromSpool: boolean, onConfirm?: (ok: boolean) => void): boolean {
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

  /** The broker confirmed (`ok`) or refused delivery tag `tag`, or every tag up to it (`multiple`). */
  private onConfirms(channel: ConfirmChannel, tag: number, multiple: boolean, ok: boolean): void {
    if (channel !== this.channel) return;
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
    if (this.idle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private settle(tag: number, entry: InFlight, ok: boolean): void {
    if (!ok) {
      this.onNack(entry);
      entry.onConfirm?.(false);
      return;
    }
    this.inflight.delete(tag);
    this.counts.confirmed++;
    if (this.nacks.size > 0) this.nacks.delete(entry.message.id);
    entry.onConfirm?.(true);
  }

  private onNack(entry: InFlight): void {
    const count = (this.nacks.get(entry.message.id) ?? 0) + 1;
    this.nacks.set(entry.message.id, count);
    if (count >= MAX_NACKS) {
      for (const [seq, e] of this.inflight) if (e === entry) this.inflight.delete(seq);
      this.reject(entry.message, `the broker refused it ${count} times (basic.nack)`);
      // The spool still holds it: the next replay skips it and goes on with the rest.
      if (this.mode === "spool") this.scheduleRetry();
      return;
    }
    this.goSpool("the broker refused an event (basic.nack)");
    this.scheduleRetry();
  }

  private idle(): boolean {
    return this.mode === "direct" && this.pendingHead === this.pending.length && this.inflight.size === 0 && !this.draining;
  }

  /**
   * From now on events go to the spool file, after every unconfirmed one from memory (spooled
   * ones still sit in their file). Reported once per outage; fatal in strict mode. `outage`
   * false: only memory is full, the broker is not known to be down.
   */
  private goSpool(reason: string, outage = true): void {
    const moving: BusMessage[] = [];
    for (const entry of this.inflight.values()) if (!entry.fromSpool) moving.push(entry.message);
    this.inflight.clear();
    for (let i = this.pendingHead; i < this.pending.length; i++) moving.push(this.pending[i]!);
    this.pending = [];
    this.pendingHead = 0;
    this.mode = "spool";
    this.toSpool(moving);
    // Many events before the first connection is made are no outage: they wait on disk, unannounced.
    if (outage && this.outage === undefined) {
      this.outage = reason;
      this.options.logger.warn(
        `the event bus ${this.masked} is not usable (${maskUrlCredentials(reason)}); status events are kept in ${this.spool.own} and published in order once it is back`,
        { spool: this.spool.own },
      );
      if (this.options.strict && !this.fatal) {
        this.fatal = true;
        this.options.onFatal?.(new BusUnavailableError(`the event bus ${this.masked} failed (${maskUrlCredentials(reason)}) and WF_BUS_STRICT is set; events are kept in ${this.spool.own}`));
      }
    }
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private toSpool(messages: BusMessage[]): void {
    if (messages.length === 0) return;
    try {
      // The exchange goes with each spooled event: whoever replays it publishes it where it was meant to go.
      this.spool.append(messages.map((m) => (m.exchange === undefined ? { ...m, exchange: this.options.exchange } : m)));
      this.counts.spooled += messages.length;
    } catch (error) {
      for (const message of messages) this.options.logger.error(`status event ${message.id} (${message.type}) is lost: ${errorMessage(error)}`, { event: message.body });
    }
  }

  private reject(message: BusMessage, reason: string): void {
    this.counts.rejected++;
    let where = "";
    try {
      where = `; it is kept in ${this.spool.reject(message, reason)} and the run's events.jsonl`;
    } catch (error) {
      where = `; it could not be kept (${errorMessage(error)}), but it is in the run's events.jsonl`;
    }
    this.options.logger.error(`status event ${message.id} (${message.type}, routing key ${message.key}) cannot be published: ${reason}${where}`, { event_id: message.id });
  }

  /** Publish the claimed orphans' files, then this process's spool, then go direct again. */
  private async drain(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    try {
      while (this.channel !== undefined) {
        const orphan = this.claimed[0];
        if (orphan !== undefined) {
          if (!(await this.replay(orphan, 0))) return;
          this.spool.remove(orphan);
          this.claimed.shift();
          continue;
        }
        if (this.mode === "direct") return;
        const end = await this.replay(this.spool.own, this.ownOffset);
        if (end === false) return;
        this.ownOffset = end;
        // No await between this check and the switch: no event can be appended in between.
        if (this.spool.ownSize() === this.ownOffset) {
          this.spool.remove(this.spool.own);
          this.ownOffset = 0;
          this.mode = "direct";
          this.pump();
          return;
        }
      }
    } finally {
      this.draining = false;
      if (this.drainAgain && !this.closed) {
        this.drainAgain = false;
        void this.drain();
      } else {
        this.pump();
      }
      if (this.idle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** Publish a spool file's lines from `offset` and wait for their confirms; the end offset, or false if it broke off. */
  private async replay(file: string, offset: number): Promise<number | false> {
    const read = this.spool.read(file, offset);
    for (const line of read.bad) this.options.logger.error(`a line of the event spool ${file} is not an event and is skipped`, { line: line.slice(0, 200) });
    if (read.messages.length > 0) this.options.logger.debug("replaying spooled events", { file, events: read.messages.length });
    let outstanding = 0;
    let failed = false;
    let wake: () => void = () => {};
    const settled = new Promise<void>((resolve) => (wake = resolve));
    const declared = new Set([this.options.exchange]);
    for (const message of read.messages) {
      const channel = this.channel;
      if (channel === undefined) return false;
      if (message.exchange !== undefined && !declared.has(message.exchange)) {
        // Another process's spool, for another exchange: declare it as that process would have.
        try {
          await channel.assertExchange(message.exchange, "topic", { durable: true });
          declared.add(message.exchange);
        } catch (error) {
          if (file !== this.spool.own) this.setAside(file, `exchange ${message.exchange} cannot be declared: ${errorMessage(error)}`);
          return false;
        }
        if (this.channel !== channel) return false;
      }
      if ((this.nacks.get(message.id) ?? 0) >= MAX_NACKS) continue;
      outstanding++;
      const ready = this.send(channel, message, true, (ok) => {
        if (!ok) failed = true;
        if (--outstanding === 0) wake();
      });
      if (!ready) await new Promise<void>((resolve) => (this.channel === channel ? channel.once("drain", resolve) : resolve()));
    }
    if (outstanding > 0) {
      // A lost channel or a timeout moves everything off `inflight`: check it rather than wait for confirms that never come.
      const lost = new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (this.channel === undefined || !this.hasSpooledInFlight()) {
            clearInterval(poll);
            resolve();
          }
        }, 50);
        poll.unref();
      });
      await Promise.race([settled, lost]);
    }
    if (failed || outstanding > 0 || this.channel === undefined) return false;
    return read.end;
  }

  /** A claimed spool file that can never be replayed here: renamed out of the way (`.stuck`) and reported, never dropped. */
  private setAside(file: string, reason: string): void {
    this.claimed = this.claimed.filter((f) => f !== file);
    const stuck = `${file}.stuck`;
    try {
      renameSync(file, stuck);
    } catch {
      return;
    }
    this.counts.rejected++;
    this.options.logger.error(`spooled status events cannot be published (${reason}); they are kept in ${stuck}`, { spool: stuck });
  }

  private hasSpooledInFlight(): boolean {
    for (const entry of this.inflight.values()) if (entry.fromSpool) return true;
    return false;
  }

  /** Confirms that take longer than the publish timeout mean a stuck broker: spool, and retry later. */
  private checkTimeouts(): void {
    const first = this.inflight.values().next();
    if (first.done) return;
    if (Date.now() - first.value.sentAt < this.options.publishTimeoutSeconds * 1000) return;
    this.goSpool(`no confirm from the broker within ${this.options.publishTimeoutSeconds} s`);
    this.scheduleRetry();
  }

  /** Try the spool again on the same connection, with backoff and jitter. */
  private scheduleRetry(): void {
    if (this.retryTimer !== undefined || this.closed) return;
    const delay = this.retryDelay * (0.5 + Math.random());
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.channel !== undefined) void this.drain();
    }, delay);
    this.retryTimer.unref();
  }

  private leftInSpool(): number {
    let left = 0;
    for (const file of [...this.claimed, this.spool.own]) {
      left += this.spool.read(file, file === this.spool.own ? this.ownOffset : 0).messages.length;
    }
    return left;
  }

  private async firstConnection(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.firstAttempt, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  private async reconnected(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => this.connectWaiters.push(resolve)), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  private startError(): Error {
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


  private async shutdownConnection(): Promise<void> {
    const model = this.model;
    this.model = undefined;
    this.channel = undefined;
    if (model !== undefined) await model.close().catch(() => {});
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

/** The URL with a `heartbeat` query parameter, unless it has one. */
export function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has("heartbeat")) parsed.searchParams.set("heartbeat", String(seconds));
  return parsed.toString();
}
