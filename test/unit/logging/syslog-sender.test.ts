import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { formatRfc5424, type SyslogEntry } from "../../../src/logging/syslog-message.js";
import { createSyslogSender, type SyslogSender, type SyslogSenderOptions } from "../../../src/logging/syslog-sender.js";
import { SYSLOG_MAX_BUFFERED_BYTES, SYSLOG_MAX_BUFFERED_LINES, SYSLOG_UDP_MAX_BYTES } from "../../../src/logging/syslog-limits.js";
import { closedPort, tcpCollector, udpCollector, until, type TcpCollector, type UdpCollector } from "../../support/loopback.js";
import { parseRfc5424, splitOctetCounted } from "../../support/rfc5424.js";
import { repoRoot } from "../../support/wf-cli.js";

const execFileP = promisify(execFile);

function entry(i: number, message = `line ${i}`): SyslogEntry {
  return { time: new Date("2024-05-06T07:08:09.123Z"), levelId: 3, logger: "wfkit.test", message, fields: { workflow: "w", run_id: "r1", i } };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** A sender to 127.0.0.1 recording its trouble reports, closed (200 ms) after the test. */
function sender(over: Partial<SyslogSenderOptions> & Pick<SyslogSenderOptions, "protocol" | "port">) {
  const troubles: string[] = [];
  const s = createSyslogSender({
    facility: "local0",
    appName: "wfkit",
    sdId: "wfkit@32473",
    hostname: "testhost",
    procId: "1",
    host: "127.0.0.1",
    onTrouble: (m) => troubles.push(m),
    ...over,
  });
  cleanups.push(() => s.close(200));
  return { s, troubles };
}

async function udp(): Promise<UdpCollector> {
  const server = await udpCollector();
  cleanups.push(() => server.close());
  return server;
}

async function tcp(options: { stalled?: boolean } = {}): Promise<TcpCollector> {
  const server = await tcpCollector(options);
  cleanups.push(() => server.close());
  return server;
}

/** Send `count` lines, returning how long the send() calls took in all. */
function sendMany(s: SyslogSender, count: number, message?: (i: number) => string): number {
  const started = performance.now();
  for (let i = 0; i < count; i++) s.send(entry(i, message?.(i)));
  return performance.now() - started;
}

/** Run `close`, returning how long it took. */
async function timedClose(s: SyslogSender, timeoutMs: number): Promise<number> {
  const started = performance.now();
  await s.close(timeoutMs);
  return performance.now() - started;
}

describe("createSyslogSender over UDP", () => {
  it("sends one RFC 5424 datagram per line, in order", async () => {
    const server = await udp();
    const { s, troubles } = sender({ protocol: "udp", port: server.port });
    for (let i = 0; i < 50; i++) s.send(entry(i));
    await until(() => server.datagrams.length === 50, "50 datagrams");
    const parsed = server.datagrams.map((d) => parseRfc5424(d.toString("utf8")));
    expect(parsed.map((p) => p.msg)).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i}`));
    expect(parsed[7]).toMatchObject({ pri: 16 * 8 + 6, appName: "wfkit", hostname: "testhost", msgId: "wfkit.test" });
    expect(parsed[7]!.structuredData).toEqual([{ id: "wfkit@32473", params: [["workflow", "w"], ["run_id", "r1"], ["i", "7"]] }]);
    await s.close();
    expect(s.dropped).toBe(0);
    expect(troubles).toEqual([]);
  });

  it(`cuts a datagram over ${SYSLOG_UDP_MAX_BYTES} bytes at a UTF-8 character boundary`, async () => {
    const server = await udp();
    const { s } = sender({ protocol: "udp", port: server.port });
    s.send(entry(0, "€".repeat(4000))); // 12,000 bytes of 3-byte characters
    s.send(entry(1, "short"));
    await until(() => server.datagrams.length === 2, "2 datagrams");
    const [long, short] = server.datagrams;
    expect(long!.length).toBeLessThanOrEqual(SYSLOG_UDP_MAX_BYTES);
    expect(long!.length).toBeGreaterThan(SYSLOG_UDP_MAX_BYTES - 3);
    const text = new TextDecoder("utf-8", { fatal: true }).decode(long);
    expect(parseRfc5424(text).msg).toMatch(/^€+$/);
    expect(parseRfc5424(short!.toString()).msg).toBe("short");
  });

  it("drops the oldest lines beyond maxBufferedLines while the host is being looked up, then sends the rest", async () => {
    const server = await udp();
    let answer: ((a: { address: string; family: 4 }) => void) | undefined;
    const asked: string[] = [];
    const lookup = (host: string) => {
      asked.push(host);
      return new Promise<{ address: string; family: 4 }>((resolve) => (answer = resolve));
    };
    const { s, troubles } = sender({ protocol: "udp", port: server.port, host: "localhost", lookup, maxBufferedLines: 3 });
    for (let i = 1; i <= 5; i++) s.send(entry(i));
    expect(s.dropped).toBe(2);
    await until(() => answer !== undefined, "the lookup");
    expect(asked).toEqual(["localhost"]);
    answer!({ address: "127.0.0.1", family: 4 });
    await until(() => server.datagrams.length === 3, "3 datagrams");
    expect(server.datagrams.map((d) => parseRfc5424(d.toString()).msg)).toEqual(["line 3", "line 4", "line 5"]);
    await Promise.resolve();
    expect(troubles).toHaveLength(1);
    expect(troubles).toEqual([
      `syslog udp://localhost:${server.port}: 2 log lines were dropped before the connection was up: more came than the buffer (3 lines / 1048576 bytes) holds. Further syslog problems are not reported.`,
    ]);
  });

  it("bounds the buffer by bytes too", async () => {
    const line = (i: number) => `${"b".repeat(300)} ${i}`;
    const size = Buffer.byteLength(formatRfc5424(entry(0, line(0)), { facility: "local0", appName: "wfkit", sdId: "wfkit@32473", hostname: "testhost", procId: "1" }));
    const { s } = sender({ protocol: "udp", port: 9, lookup: () => new Promise(() => {}), maxBufferedBytes: 3 * size + 10 });
    sendMany(s, 10, line);
    expect(s.dropped).toBe(7);
    await s.close(50);
    expect(s.dropped).toBe(10);
  });

  it("looks the host up once for many lines", async () => {
    const server = await udp();
    let lookups = 0;
    const { s } = sender({
      protocol: "udp",
      port: server.port,
      host: "localhost",
      lookup: async () => (lookups++, { address: "127.0.0.1", family: 4 }),
    });
    sendMany(s, 100);
    await until(() => server.datagrams.length === 100, "100 datagrams");
    expect(lookups).toBe(1);
  });
});

describe("createSyslogSender over TCP", () => {
  it("sends octet-counted frames (RFC 6587) in order, multi-line messages in one frame", async () => {
    const server = await tcp();
    const { s, troubles } = sender({ protocol: "tcp", port: server.port });
    const message = (i: number) => (i % 10 === 0 ? `line ${i}\nsecond line ü "quoted" ]` : `line ${i}`);
    sendMany(s, 500, message);
    await s.close(2000);
    await until(() => server.connections[0]?.ended === true, "the connection to end");
    expect(server.connections).toHaveLength(1);
    const frames = splitOctetCounted(server.connections[0]!.data);
    expect(frames.map((f) => parseRfc5424(f).msg)).toEqual(Array.from({ length: 500 }, (_, i) => message(i)));
    expect(s.dropped).toBe(0);
    expect(troubles).toEqual([]);
  });

  it("reconnects after the server drops the connection, reporting it once", async () => {
    const server = await tcp();
    const { s, troubles } = sender({ protocol: "tcp", port: server.port });
    s.send(entry(1));
    await until(() => splitOctetCounted(server.connections[0]?.data ?? Buffer.alloc(0), true).length === 1, "the first line");
    server.connections[0]!.socket.destroy();
    // Once the sender has seen the close: a line written before that goes to a socket the OS
    // already took it for, and is lost as the sender's docs say.
    await until(() => troubles.length === 1, "the sender to notice the close");
    s.send(entry(2));
    s.send(entry(3));
    await until(() => server.connections.length === 2 && splitOctetCounted(server.connections[1]!.data, true).length === 2, "two lines on a second connection", 5000);
    expect(splitOctetCounted(server.connections[1]!.data).map((f) => parseRfc5424(f).msg)).toEqual(["line 2", "line 3"]);
    expect(troubles).toEqual([expect.stringMatching(/^syslog tcp:\/\/127\.0\.0\.1:\d+: the server closed the connection; reconnecting\./)]);
    expect(s.dropped).toBe(0);
  });
});

describe("createSyslogSender in trouble never slows down or fails the caller", () => {
  // Generous bounds: 10,000 send() calls take milliseconds; anything that waited for the
  // network would take seconds.
  const SENDS = 10_000;

  async function check(s: SyslogSender, troubles: string[], line?: (i: number) => string) {
    // In batches of 100, giving the event loop a turn in between as a running task does.
    let sending = 0;
    for (let batch = 0; batch < SENDS / 100; batch++) {
      const started = performance.now();
      for (let i = batch * 100; i < (batch + 1) * 100; i++) s.send(entry(i, line?.(i)));
      sending += performance.now() - started;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(sending).toBeLessThan(3000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closing = await timedClose(s, 200);
    expect(closing).toBeLessThan(3000);
    await Promise.resolve();
    expect(troubles).toHaveLength(1);
    s.send(entry(-1));
    return troubles[0]!;
  }

  it("TCP, connection refused", async () => {
    const port = await closedPort("tcp");
    const { s, troubles } = sender({ protocol: "tcp", port });
    const trouble = await check(s, troubles);
    expect(trouble).toBe(
      `syslog tcp://127.0.0.1:${port}: the TCP connection failed (ECONNREFUSED: connection refused); reconnecting with back-off. Meanwhile log lines wait in a buffer of 1000 lines / 1048576 bytes, dropping the oldest when it is full. Further syslog problems are not reported.`,
    );
    expect(s.dropped).toBe(SENDS);
  });

  it("UDP, port unreachable", async () => {
    const port = await closedPort("udp");
    const { s, troubles } = sender({ protocol: "udp", port });
    const trouble = await check(s, troubles);
    expect(trouble).toBe(
      `syslog udp://127.0.0.1:${port}: sending failed (ECONNREFUSED: connection refused). Log lines that cannot be sent are dropped. Further syslog problems are not reported.`,
    );
    expect(s.dropped).toBeGreaterThan(0);
  });

  it("a lookup that fails (ENOTFOUND)", async () => {
    const lookup = () => Promise.reject(Object.assign(new Error("getaddrinfo ENOTFOUND syslog.invalid"), { code: "ENOTFOUND" }));
    for (const protocol of ["udp", "tcp"] as const) {
      const { s, troubles } = sender({ protocol, port: 514, host: "syslog.invalid", lookup });
      const trouble = await check(s, troubles);
      expect(trouble).toMatch(new RegExp(`^syslog ${protocol}://syslog\\.invalid:514: cannot look up syslog\\.invalid \\(getaddrinfo ENOTFOUND syslog\\.invalid\\)\\. Meanwhile log lines wait in a buffer`));
      expect(s.dropped).toBe(SENDS);
    }
  });

  it("a lookup that never answers", async () => {
    const { s, troubles } = sender({ protocol: "tcp", port: 514, host: "hangs.invalid", lookup: () => new Promise(() => {}) });
    const trouble = await check(s, troubles);
    expect(trouble).toBe(
      `syslog tcp://hangs.invalid:514: close() gave up after 200 ms because hangs.invalid is not looked up yet; 1000 buffered log lines were not delivered (${SENDS} lost in all). Further syslog problems are not reported.`,
    );
    expect(s.dropped).toBe(SENDS);
  });

  it("a TCP server that accepts and never reads", async () => {
    const server = await tcp({ stalled: true });
    const { s, troubles } = sender({ protocol: "tcp", port: server.port });
    // 40 MB in all: more than the kernel buffers hold, so writes back up and the queue overflows.
    const trouble = await check(s, troubles, (i) => `${i} ${"x".repeat(4000)}`);
    expect(trouble).toBe(
      `syslog tcp://127.0.0.1:${server.port}: the buffer (1000 lines / 1048576 bytes) is full because the server is not reading, so the oldest log lines are being dropped. Further syslog problems are not reported.`,
    );
    expect(server.connections).toHaveLength(1);
    expect(s.dropped).toBeGreaterThan(SYSLOG_MAX_BUFFERED_LINES);
    expect(s.dropped).toBeLessThanOrEqual(SENDS);
  });

  it("a reporter that throws, and a field that throws, reach nobody", async () => {
    const port = await closedPort("tcp");
    const { s } = sender({ protocol: "tcp", port, onTrouble: () => { throw new Error("reporter broke"); } });
    const hostile = { ...entry(0), fields: { get bad(): string { throw new Error("getter broke"); } } };
    expect(() => s.send(hostile)).not.toThrow();
    expect(s.dropped).toBe(1);
    sendMany(s, 10);
    await s.close(100);
    expect(s.dropped).toBe(11);
  });

  it("close() resolves at once when nothing was sent, and send() is a no-op after it", async () => {
    const server = await udp();
    const { s, troubles } = sender({ protocol: "udp", port: server.port });
    expect(await timedClose(s, 5000)).toBeLessThan(1000);
    s.send(entry(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.datagrams).toEqual([]);
    expect([s.dropped, troubles]).toEqual([0, []]);
  });

  it(`defaults: ${SYSLOG_MAX_BUFFERED_LINES} lines, ${SYSLOG_MAX_BUFFERED_BYTES} bytes`, () => {
    expect([SYSLOG_MAX_BUFFERED_LINES, SYSLOG_MAX_BUFFERED_BYTES, SYSLOG_UDP_MAX_BYTES]).toEqual([1000, 1024 * 1024, 8192]);
  });

  it("senders left open in trouble do not keep the process alive", async () => {
    const stalled = await tcp({ stalled: true });
    const args = [path.join(repoRoot, "test/fixtures/syslog/left-open.ts"), String(stalled.port), String(await closedPort("tcp")), String(await closedPort("udp"))];
    const started = Date.now();
    const { stdout } = await execFileP(path.join(repoRoot, "node_modules/.bin/tsx"), args, { timeout: 20_000 });
    expect(stdout.trim()).toBe("sent");
    // tsx's start-up plus 0.3 s; a socket or timer keeping it alive would hit the 20 s timeout
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
