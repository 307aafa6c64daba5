// Written by hand: the syslog clients on npm lack RFC 5424 structured data, octet-counted TCP
// framing or a bounded, never-blocking buffer, and logging must never slow down or fail a task.
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { promises as dns } from "node:dns";
import { createConnection, type Socket as TcpSocket } from "node:net";
import { formatRfc5424, type SyslogEntry, type SyslogMessageOptions } from "./syslog-message.js";
import {
  SYSLOG_CLOSE_TIMEOUT_MS,
  SYSLOG_CONNECT_TIMEOUT_MS,
  SYSLOG_MAX_BUFFERED_BYTES,
  SYSLOG_MAX_BUFFERED_LINES,
  SYSLOG_UDP_MAX_BYTES,
} from "./syslog-limits.js";

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;
// Datagrams handed to the OS and not yet confirmed: bounds memory outside the queue's own bound.
const UDP_MAX_IN_FLIGHT = 64;

/** Where and how a sender delivers, on top of what goes into every message. */
export type SyslogSenderOptions = SyslogMessageOptions & {
  host: string;
  port: number;
  protocol: "udp" | "tcp";
  /** Told about the first problem only (a full sentence); later ones are silent. */
  onTrouble: (message: string) => void;
  /** Default SYSLOG_MAX_BUFFERED_LINES. */
  maxBufferedLines?: number;
  /** Default SYSLOG_MAX_BUFFERED_BYTES. */
  maxBufferedBytes?: number;
  /** Resolves `host` (once); default `dns.promises.lookup`. */
  lookup?: (host: string) => Promise<{ address: string; family: 4 | 6 }>;
};

/** Sends log entries to a syslog server without ever blocking or failing the caller. */
export interface SyslogSender {
  /** Format and queue one entry; never throws, never waits. A no-op after `close()`. */
  send(entry: SyslogEntry): void;
  /**
   * Deliver what is buffered for at most `timeoutMs` (default SYSLOG_CLOSE_TIMEOUT_MS), then
   * drop the rest and release the sockets. Never rejects.
   */
  close(timeoutMs?: number): Promise<void>;
  /**
   * Lines lost so far: buffer overflow (oldest first), send errors, left over at close. Lines the
   * OS had already taken when a TCP connection broke cannot be known, so are not counted.
   */
  readonly dropped: number;
}

/**
 * A sender to `options.host:port` over UDP (one datagram per line) or TCP (RFC 6587 octet
 * counting, reconnecting with back-off from 0.5 s to 30 s). The host is looked up on the first
 * send, once (again after a delay only while that fails); reconnects reuse the address. Sockets
 * and timers are unref'd: an open sender never keeps the process alive.
 */
export function createSyslogSender(options: SyslogSenderOptions): SyslogSender {
  return new Sender(options);
}

class Sender implements SyslogSender {
  private lost = 0;
  private readonly maxLines: number;
  private readonly maxBytes: number;
  private readonly where: string;
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private started = false;
  private closed = false;
  private finished = false;
  private troubleReported = false;
  private address: { address: string; family: 4 | 6 } | undefined;
  /** Bumped to ignore a lookup that answers after it timed out or after close. */
  private lookupGeneration = 0;
  private retryDelayMs = RETRY_FIRST_MS;
  private retry: { timer: NodeJS.Timeout; run: () => void } | undefined;
  private udp: UdpSocket | undefined;
  private udpConnected = false;
  private tcp: TcpSocket | undefined;
  /** Connected and not waiting for 'drain'. */
  private tcpWritable = false;
  /** Handed to the socket, whose callback has not come yet. */
  private inFlight = 0;
  /** Set by close(); `end` finishes it, with the reason when lines are left undelivered. */
  private closing: { promise: Promise<void>; end: (reason?: string) => void } | undefined;

  constructor(private readonly options: SyslogSenderOptions) {
    this.maxLines = Math.max(1, options.maxBufferedLines ?? SYSLOG_MAX_BUFFERED_LINES);
    this.maxBytes = Math.max(1, options.maxBufferedBytes ?? SYSLOG_MAX_BUFFERED_BYTES);
    const host = options.host.includes(":") ? `[${options.host}]` : options.host;
    this.where = `${options.protocol}://${host}:${options.port}`;
  }

  get dropped(): number {
    return this.lost;
  }

  send(entry: SyslogEntry): void {
    if (this.closed) return;
    try {
      this.enqueue(this.encode(formatRfc5424(entry, this.options)));
      if (!this.started) this.start();
      else this.pump();
    } catch (e) {
      this.lost++;
      this.trouble(`a log line could not be formatted (${describe(e)}) and was dropped`, "");
    }
  }

  close(timeoutMs = SYSLOG_CLOSE_TIMEOUT_MS): Promise<void> {
    if (this.closing) return this.closing.promise;
    this.closed = true;
    let end: (reason?: string) => void = () => {};
    const promise = new Promise<void>((resolve) => {
      // Not unref'd: it is what keeps an `await close()` at the end of a process from being cut short.
      const timer = setTimeout(() => end(`close() gave up after ${timeoutMs} ms because ${this.holdUp()}`), timeoutMs);
      end = (reason) => {
        if (this.finished) return;
        clearTimeout(timer);
        const left = this.queue.length + this.inFlight;
        if (reason !== undefined && left > 0) {
          this.trouble(`${reason}; ${left} buffered log lines were not delivered (${this.lost + left} lost in all)`, "");
        }
        this.shutDown();
        resolve();
      };
    });
    this.closing = { promise, end: (reason) => end(reason) };
    // Waiting out a reconnect delay would only burn the time close() has.
    if (this.retry) {
      clearTimeout(this.retry.timer);
      const { run } = this.retry;
      this.retry = undefined;
      run();
    }
    this.checkIdle();
    return promise;
  }

  private encode(message: string): Buffer {
    const body = Buffer.from(message, "utf8");
    if (this.options.protocol === "tcp") return Buffer.concat([Buffer.from(`${body.length} `, "ascii"), body]);
    return truncateUtf8(body, SYSLOG_UDP_MAX_BYTES);
  }

  private enqueue(line: Buffer): void {
    this.queue.push(line);
    this.queuedBytes += line.length;
    while (this.queue.length > this.maxLines || this.queuedBytes > this.maxBytes) {
      this.queuedBytes -= this.queue.shift()!.length;
      this.lost++;
      // Before the connection is up, its outcome is the news (refused, unknown host); an
      // early overflow is reported once it is up (see connected()).
      if (this.isConnected()) {
        this.trouble(`the buffer (${this.maxLines} lines / ${this.maxBytes} bytes) is full because ${this.holdUp()}, so the oldest log lines are being dropped`, "");
      }
    }
  }

  private dequeue(): Buffer {
    const line = this.queue.shift()!;
    this.queuedBytes -= line.length;
    return line;
  }

  private start(): void {
    this.started = true;
    this.resolve();
  }

  /** Look the host up once; on failure or no answer, again after a delay (lines wait in the queue). */
  private resolve(): void {
    const generation = ++this.lookupGeneration;
    const fail = (what: string) => {
      if (generation !== this.lookupGeneration || this.finished) return;
      clearTimeout(timer);
      this.lookupGeneration++;
      this.trouble(what);
      if (this.closing) this.closing.end("close() could not deliver");
      else this.retryLater(() => this.resolve());
    };
    const timer = setTimeout(() => fail(`no answer when looking up ${this.options.host} within ${SYSLOG_CONNECT_TIMEOUT_MS / 1000} s`), SYSLOG_CONNECT_TIMEOUT_MS);
    timer.unref();
    const lookup = this.options.lookup ?? defaultLookup;
    Promise.resolve()
      .then(() => lookup(this.options.host))
      .then(
        (address) => {
          if (generation !== this.lookupGeneration || this.finished) return;
          clearTimeout(timer);
          this.address = address;
          if (this.options.protocol === "udp") this.openUdp();
          else this.connectTcp();
        },
        (e: unknown) => fail(`cannot look up ${this.options.host} (${describe(e)})`),
      );
  }

  private openUdp(): void {
    const { address, family } = this.address!;
    const socket = createSocket(family === 6 ? "udp6" : "udp4");
    this.udp = socket;
    socket.unref();
    socket.on("error", (e) => this.trouble(`the UDP socket failed (${describe(e)})`));
    // A connected socket gets ICMP "port unreachable" back as ECONNREFUSED on a later send, so a
    // dead port is noticed (and reported) instead of lines vanishing silently.
    socket.connect(this.options.port, address, () => {
      this.udpConnected = true;
      this.connected();
    });
  }

  private connectTcp(): void {
    const { address, family } = this.address!;
    const socket = createConnection({ host: address, port: this.options.port, family });
    this.tcp = socket;
    this.tcpWritable = false;
    socket.unref();
    socket.setNoDelay(true);
    const timer = setTimeout(
      () => socket.destroy(new Error(`no connection within ${SYSLOG_CONNECT_TIMEOUT_MS / 1000} s`)),
      SYSLOG_CONNECT_TIMEOUT_MS,
    );
    timer.unref();
    socket.once("connect", () => {
      clearTimeout(timer);
      this.retryDelayMs = RETRY_FIRST_MS;
      this.tcpWritable = true;
      this.connected();
    });
    // The peer closed its side: writing now would only fail; 'close' follows and reconnects.
    socket.on("end", () => (this.tcpWritable = false));
    socket.on("drain", () => {
      this.tcpWritable = true;
      this.pump();
    });
    socket.on("error", (e) => {
      this.tcpWritable = false;
      this.trouble(`the TCP connection failed (${describe(e)}); reconnecting with back-off`);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      if (this.tcp !== socket) return;
      this.tcp = undefined;
      this.tcpWritable = false;
      if (this.closing) {
        this.closing.end("close() lost the connection");
        return;
      }
      this.trouble("the server closed the connection; reconnecting");
      this.retryLater(() => this.connectTcp());
    });
  }

  private isConnected(): boolean {
    return this.udpConnected || (this.tcp !== undefined && !this.tcp.connecting && !this.tcp.destroyed);
  }

  private connected(): void {
    if (this.lost > 0) {
      this.trouble(`${this.lost} log lines were dropped before the connection was up: more came than the buffer (${this.maxLines} lines / ${this.maxBytes} bytes) holds`, "");
    }
    this.pump();
  }

  /** Hand queued lines to the socket while it takes them. */
  private pump(): void {
    if (this.finished) return;
    if (this.udp && this.udpConnected) {
      const socket = this.udp;
      while (this.queue.length > 0 && this.inFlight < UDP_MAX_IN_FLIGHT) {
        this.inFlight++;
        socket.send(this.dequeue(), (e) => {
          if (this.finished) return;
          this.inFlight--;
          if (e) {
            this.lost++;
            this.trouble(`sending failed (${describe(e)})`);
          }
          this.pump();
        });
      }
    } else if (this.tcp && this.tcpWritable) {
      const socket = this.tcp;
      while (this.queue.length > 0 && this.tcpWritable) {
        this.inFlight++;
        // The callback comes once the OS has the bytes, or with an error when the connection broke.
        this.tcpWritable = socket.write(this.dequeue(), (e) => {
          if (this.finished) return;
          this.inFlight--;
          if (e) this.lost++;
          this.checkIdle();
        });
      }
    }
    this.checkIdle();
  }

  private retryLater(run: () => void): void {
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(delay * 2, RETRY_MAX_MS);
    const timer = setTimeout(() => {
      this.retry = undefined;
      run();
    }, delay);
    timer.unref();
    this.retry = { timer, run };
  }

  /** While closing: finish as soon as nothing is left to deliver. */
  private checkIdle(): void {
    if (this.closing && !this.finished && this.queue.length === 0 && this.inFlight === 0) this.closing.end();
  }

  private shutDown(): void {
    if (this.finished) return;
    this.finished = true;
    this.lost += this.queue.length + this.inFlight;
    this.queue = [];
    this.queuedBytes = 0;
    this.inFlight = 0;
    if (this.retry) clearTimeout(this.retry.timer);
    this.retry = undefined;
    this.lookupGeneration++;
    // Closing the fd still lets the kernel send what it has already accepted, then FIN.
    this.tcp?.destroy();
    this.tcp = undefined;
    try {
      this.udp?.close();
    } catch {
      // already closed after an error
    }
    this.udp = undefined;
  }

  /** Why lines are piling up, for the trouble sentence. */
  private holdUp(): string {
    if (this.address === undefined) return `${this.options.host} is not looked up yet`;
    if (this.options.protocol === "udp") return this.udpConnected ? "datagrams are not going out" : "the UDP socket is not ready";
    if (this.tcp === undefined) return "the connection is down, waiting to reconnect";
    if (this.tcp.connecting) return "the connection is not up yet";
    return "the server is not reading";
  }

  /** Report the first problem only; `consequence` defaults to what happens to log lines meanwhile. */
  private trouble(what: string, consequence?: string): void {
    if (this.troubleReported) return;
    this.troubleReported = true;
    consequence ??= this.closed
      ? ""
      : this.udpConnected
        ? " Log lines that cannot be sent are dropped."
        : ` Meanwhile log lines wait in a buffer of ${this.maxLines} lines / ${this.maxBytes} bytes, dropping the oldest when it is full.`;
    const message = `syslog ${this.where}: ${what}.${consequence} Further syslog problems are not reported.`;
    // Later, not inside send(): an onTrouble that logs must not re-enter send() mid-update.
    queueMicrotask(() => {
      try {
        this.options.onTrouble(message);
      } catch {
        // The reporter's own failure must not reach the caller either.
      }
    });
  }
}

function defaultLookup(host: string): Promise<{ address: string; family: 4 | 6 }> {
  return dns.lookup(host).then(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
}

/** `buffer` cut to at most `max` bytes without splitting a UTF-8 character. */
function truncateUtf8(buffer: Buffer, max: number): Buffer {
  if (buffer.length <= max) return buffer;
  let end = max;
  // Back up over continuation bytes (10xxxxxx) to the start of the character that did not fit.
  while (end > 0 && (buffer[end]! & 0xc0) === 0x80) end--;
  return buffer.subarray(0, end);
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    const text = code === "ECONNREFUSED" ? "connection refused" : e.message;
    return code && !text.includes(code) ? `${code}: ${text}` : text;
  }
  return String(e);
}
