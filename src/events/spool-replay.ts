import { renameSync } from "node:fs";
import type { WfLogger } from "../logging/logger.js";
import type { BusMessage, Spool } from "./spool.js";
import { RETRY_MAX_MS, RETRY_MIN_MS, type AmqpConnection } from "./amqp-connection.js";
import { errorMessage } from "../errors/wfkit-error.js";

/** What the replay needs of the publisher that owns it. */
export interface ReplayOwner {
  /** Send what waits in the publisher's memory, if the channel and the mode let it. */
  pump(): void;
  /** A replay ended: whoever waits for everything to be confirmed may be done. */
  settled(): void;
}

/**
 * The spool side of the publisher: where events go, in order, while they cannot go direct, and
 * how they get out of it. Once the publisher diverts to the spool, every later event is appended
 * after the unconfirmed ones. When a channel is ready, the spool files of dead processes of this
 * host are claimed and replayed first, oldest first, then this process's own file; each file's
 * events wait for their confirms before the next file, and newer events wait (in the spool, or
 * in the publisher's memory) until the replay has caught up: only then does publishing go direct
 * again, so the broker gets the events in the order they were published.
 */
export class SpoolReplay {
  private mode: "direct" | "spool" = "direct";
  private running = false;
  private runAgain = false;
  private stopped = false;
  private claimed: string[] = [];
  /** How far this process's spool file is published (replays resume there). */
  private ownOffset = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = RETRY_MIN_MS;
  private spooledCount = 0;
  private setAsideCount = 0;

  constructor(
    private readonly spool: Spool,
    private readonly connection: AmqpConnection,
    private readonly options: { exchange: string; logger: WfLogger },
    private readonly owner: ReplayOwner,
  ) {}

  /** Whether events go to the spool file rather than straight to the channel. */
  get spooling(): boolean {
    return this.mode === "spool";
  }

  /** Whether spooled events are being published: newer ones wait behind them. */
  get draining(): boolean {
    return this.running;
  }

  /** Events written to the spool. */
  get spooled(): number {
    return this.spooledCount;
  }

  /** Claimed spool files that could not be replayed here and were set aside (`.stuck`). */
  get setAside(): number {
    return this.setAsideCount;
  }

  /** From now on events go to the spool, these first (the unconfirmed ones, oldest first), until a replay catches up. */
  divert(messages: BusMessage[]): void {
    this.mode = "spool";
    this.append(messages);
  }

  /** Append events to this process's spool file; an event that cannot be written is reported lost. */
  append(messages: BusMessage[]): void {
    if (messages.length === 0) return;
    try {
      // The exchange goes with each spooled event: whoever replays it publishes it where it was meant to go.
      this.spool.append(messages.map((m) => (m.exchange === undefined ? { ...m, exchange: this.options.exchange } : m)));
      this.spooledCount += messages.length;
    } catch (error) {
      for (const message of messages) this.options.logger.error(`status event ${message.id} (${message.type}) is lost: ${errorMessage(error)}`, { event: message.body });
    }
  }

  /** A channel is ready: claim the files of dead processes, and replay what waits, or let the publisher send direct. */
  resume(): void {
    this.retryDelay = RETRY_MIN_MS;
    this.claimed.push(...this.spool.claimOrphans());
    if (this.claimed.length > 0 || this.mode === "spool") void this.drain();
    else this.owner.pump();
  }

  /** Try the spool again on the same connection, with backoff and jitter. */
  scheduleRetry(): void {
    if (this.retryTimer !== undefined || this.stopped) return;
    const delay = this.retryDelay * (0.5 + Math.random());
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.connection.channel !== undefined) void this.drain();
    }, delay);
    this.retryTimer.unref();
  }

  /** No more replays: the publisher is closing. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  /** Events still waiting in the claimed files and this process's own. */
  left(): number {
    let left = 0;
    for (const file of [...this.claimed, this.spool.own]) {
      left += this.spool.read(file, file === this.spool.own ? this.ownOffset : 0).messages.length;
    }
    return left;
  }

  /** Publish the claimed orphans' files, then this process's spool, then go direct again. */
  private async drain(): Promise<void> {
    if (this.running) {
      this.runAgain = true;
      return;
    }
    this.running = true;
    try {
      while (this.connection.channel !== undefined) {
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
          this.owner.pump();
          return;
        }
      }
    } finally {
      this.running = false;
      if (this.runAgain && !this.stopped) {
        this.runAgain = false;
        void this.drain();
      } else {
        this.owner.pump();
      }
      this.owner.settled();
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
      const channel = this.connection.channel;
      if (channel === undefined) return false;
      if (message.exchange !== undefined && !declared.has(message.exchange)) {
        // Another process's spool, for another exchange: declare it as that process would have.
        try {
          await channel.assertExchange(message.exchange, "topic", { durable: true });
          declared.add(message.exchange);
        } catch (error) {
          if (file !== this.spool.own) this.setAsideFile(file, `exchange ${message.exchange} cannot be declared: ${errorMessage(error)}`);
          return false;
        }
        if (this.connection.channel !== channel) return false;
      }
      if (this.connection.refusedTooOften(message.id)) continue;
      outstanding++;
      const ready = this.connection.send(channel, message, true, (ok) => {
        if (!ok) failed = true;
        if (--outstanding === 0) wake();
      });
      if (!ready) await new Promise<void>((resolve) => (this.connection.channel === channel ? channel.once("drain", resolve) : resolve()));
    }
    if (outstanding > 0) {
      // A lost channel or a timeout moves everything off `inflight`: check it rather than wait for confirms that never come.
      const lost = new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (this.connection.channel === undefined || !this.connection.hasSpooledInFlight()) {
            clearInterval(poll);
            resolve();
          }
        }, 50);
        poll.unref();
      });
      await Promise.race([settled, lost]);
    }
    if (failed || outstanding > 0 || this.connection.channel === undefined) return false;
    return read.end;
  }

  /** A claimed spool file that can never be replayed here: renamed out of the way (`.stuck`) and reported, never dropped. */
  private setAsideFile(file: string, reason: string): void {
    this.claimed = this.claimed.filter((f) => f !== file);
    const stuck = `${file}.stuck`;
    try {
      renameSync(file, stuck);
    } catch {
      return;
    }
    this.setAsideCount++;
    this.options.logger.error(`spooled status events cannot be published (${reason}); they are kept in ${stuck}`, { spool: stuck });
  }
}
