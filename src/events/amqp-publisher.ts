import type { WfEvent } from "./wf-event.js";
import type { WfLogger } from "../logging/logger.js";
import { Spool, type BusMessage } from "./spool.js";
import { BusUnavailableError } from "./errors.js";
import { AmqpConnection, type AmqpConnect } from "./amqp-connection.js";
import { SpoolReplay } from "./spool-replay.js";
import { errorMessage } from "../errors/wfkit-error.js";
import { maskUrlCredentials } from "../logging/mask.js";

// Where they always were: the CLI and the tests import them from here.
export { loadAmqplib, withHeartbeat } from "./amqp-connection.js";

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
  /**
   * How to open the broker connection: amqplib's `connect` with its recovery options. Default
   * amqplib's own, loaded on the first `start()` (a process without a bus never loads amqplib).
   * A seam for tests, which pass a fake broker; not meant for other uses.
   * @internal
   */
  connect?: AmqpConnect | undefined;
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

/** Events kept in memory while the first connection is being made or confirms lag, before they go to disk. */
const MAX_PENDING = 10_000;
/** At the end of a process in an outage, how long to wait for the broker to come back: a blip should not leave a spool behind. */
const CLOSE_GRACE_MS = 2000;

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
 *
 * This class holds the events waiting in memory and decides where events go; the connection
 * and its confirms are `AmqpConnection`'s (amqp-connection.ts), the spool and its replay
 * `SpoolReplay`'s (spool-replay.ts).
 */
export class AmqpEventPublisher {
  private readonly spool: Spool;
  private readonly connection: AmqpConnection;
  private readonly replay: SpoolReplay;
  /**
   * Events waiting to be sent, oldest first, from `pendingHead` on; the ones before it are sent.
   * An index rather than `shift()`: on a long array each shift copies the rest of it.
   */
  private pending: BusMessage[] = [];
  private pendingHead = 0;
  private blocked = false;
  private closed = false;
  private rejected = 0;
  private outage: string | undefined;
  private fatal = false;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly masked: string;

  private constructor(private readonly options: AmqpPublisherOptions) {
    this.spool = new Spool(options.spoolDir);
    this.masked = maskUrlCredentials(options.url);
    this.connection = new AmqpConnection(options, this.masked, {
      connected: () => this.onConnected(),
      lost: (reason) => this.goSpool(reason),
      stalled: (reason) => {
        this.goSpool(reason);
        this.replay.scheduleRetry();
      },
      refusedForGood: (message, reason) => {
        this.reject(message, reason);
        // The spool still holds it: the next replay skips it and goes on with the rest.
        if (this.replay.spooling) this.replay.scheduleRetry();
      },
      settled: () => this.wakeIfIdle(),
    });
    this.replay = new SpoolReplay(this.spool, this.connection, options, {
      pump: () => this.pump(),
      settled: () => this.wakeIfIdle(),
    });
  }

  /**
   * Start publishing to the broker at `options.url`. Returns at once; the connection is made in
   * the background and events wait for it. In strict mode it waits for the first connection
   * (at most the publish timeout) and throws BusAccessRefusedError (bad credentials or
   * permissions) or BusUnavailableError.
   */
  static async start(options: AmqpPublisherOptions): Promise<AmqpEventPublisher> {
    const publisher = new AmqpEventPublisher(options);
    const connection = publisher.connection;
    await connection.connect();
    if (options.strict) {
      await connection.firstConnection(options.publishTimeoutSeconds * 1000);
      if (connection.channel === undefined) {
        await connection.shutdown();
        throw connection.startError();
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
    if (this.replay.spooling) {
      this.replay.append([message]);
      return;
    }
    this.pending.push(message);
    if (this.connection.channel === undefined && this.pending.length - this.pendingHead > MAX_PENDING) this.goSpool("too many events waiting for the first connection", false);
    else this.pump();
  }

  /** Counts so far. */
  stats(): PublisherStats {
    return {
      confirmed: this.connection.confirmed,
      spooled: this.replay.spooled,
      rejected: this.rejected + this.replay.setAside,
      left: this.replay.left(),
      spoolFile: this.spool.own,
    };
  }

  /**
   * Wait until every event published so far is confirmed, at most `timeoutMs`; what is still
   * unconfirmed then goes to the spool. Resolves at once while the broker is unreachable:
   * those events are on disk already.
   */
  async flush(timeoutMs = this.options.publishTimeoutSeconds * 1000): Promise<void> {
    if (this.connection.channel === undefined && this.outage === undefined) await this.connection.firstConnection(timeoutMs);
    if (this.connection.channel !== undefined && !this.idle()) {
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
      if (this.connection.channel === undefined && this.outage !== undefined && !/ACCESS.REFUSED|NOT.ALLOWED|Expected ConnectionOpenOk/.test(this.outage)) {
        await this.connection.reconnected(Math.min(CLOSE_GRACE_MS, this.options.publishTimeoutSeconds * 1000));
      }
      await this.flush();
      this.closed = true;
      this.replay.stop();
      await this.connection.shutdown();
      const left = this.replay.left();
      if (left > 0) {
        this.options.logger.warn(
          `${left} status event(s) could not be published yet; they wait in ${this.spool.own} and the next wf process on this host that reaches the broker publishes them (or run \`wf events flush\`)`,
          { spool: this.spool.own, events: left },
        );
      }
    }
    return this.stats();
  }

  private onConnected(): void {
    this.blocked = false;
    if (this.outage !== undefined) {
      this.options.logger.info(`the event bus ${this.masked} is reachable again; publishing the spooled events`);
      this.outage = undefined;
    }
    this.replay.resume();
  }

  /** Send what waits in memory, as long as the channel takes it. */
  private pump(): void {
    const channel = this.connection.channel;
    // While spooled events replay, newer ones wait: they go out after them, in order.
    if (channel === undefined || this.replay.spooling || this.blocked || this.replay.draining) return;
    while (this.pendingHead < this.pending.length) {
      const message = this.pending[this.pendingHead++]!;
      if (!this.connection.send(channel, message, false)) {
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

  private idle(): boolean {
    return !this.replay.spooling && this.pendingHead === this.pending.length && this.connection.inFlight === 0 && !this.replay.draining;
  }

  private wakeIfIdle(): void {
    if (this.idle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /**
   * From now on events go to the spool file, after every unconfirmed one from memory (spooled
   * ones still sit in their file). Reported once per outage; fatal in strict mode. `outage`
   * false: only memory is full, the broker is not known to be down.
   */
  private goSpool(reason: string, outage = true): void {
    const moving = this.connection.takeUnconfirmed();
    for (let i = this.pendingHead; i < this.pending.length; i++) moving.push(this.pending[i]!);
    this.pending = [];
    this.pendingHead = 0;
    this.replay.divert(moving);
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

  private reject(message: BusMessage, reason: string): void {
    this.rejected++;
    let where = "";
    try {
      where = `; it is kept in ${this.spool.reject(message, reason)} and the run's events.jsonl`;
    } catch (error) {
      where = `; it could not be kept (${errorMessage(error)}), but it is in the run's events.jsonl`;
    }
    this.options.logger.error(`status event ${message.id} (${message.type}, routing key ${message.key}) cannot be published: ${reason}${where}`, { event_id: message.id });
  }
}
