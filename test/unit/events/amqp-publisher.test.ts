import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WfEvent } from "wfkit";
import { BusAccessRefusedError, BusUnavailableError, createEvent } from "wfkit/engine";
import { AmqpEventPublisher, type AmqpPublisherOptions } from "../../../src/events/amqp-publisher.js";
import { encodeEvent } from "../../../src/events/open-run-events.js";
import type { BusMessage } from "../../../src/events/spool.js";
import { FAKED_TIMERS, FakeBroker, recordingLogger, spin, turn, until } from "../../support/fake-amqp.js";

const origin = { runId: "run-1", dagId: "pub_1.0.0", workflowName: "pub", version: "1.0.0", engine: "local" as const };
/** A custom event; its name is also its message id (see `encode`), so the tests read in names. */
const event = (name: string, payload: Record<string, unknown> = {}): WfEvent => createEvent(origin, "custom", { name, payload }, { task: "T", attempt: 1 });
const encode = (e: WfEvent): BusMessage => ({ ...encodeEvent(e, "cloudevents")!, id: (e.data as { name: string }).name });
const names = (prefix: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}`);

/** The ids in a spool file (or rejected.jsonl), in order; none if it does not exist. */
function idsIn(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const parsed = JSON.parse(l) as BusMessage & { message?: BusMessage };
      return parsed.message?.id ?? parsed.id;
    });
}

const PASSWORD = "s3cret-pw";
const ACCESS_REFUSED = 'Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile."';

describe("AmqpEventPublisher, against a fake broker", () => {
  let broker: FakeBroker;
  let log: ReturnType<typeof recordingLogger>;
  let spoolDir: string;
  const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);
  const options = (overrides: Partial<AmqpPublisherOptions> = {}): AmqpPublisherOptions => ({
    url: `amqp://guest:${PASSWORD}@broker.test:5672`,
    exchange: "wfkit.test",
    spoolDir,
    publishTimeoutSeconds: 2,
    heartbeatSeconds: 5,
    maxEventBytes: 4096,
    strict: false,
    encode,
    logger: log,
    connect: broker.connect,
    ...overrides,
  });
  const start = (overrides: Partial<AmqpPublisherOptions> = {}) => AmqpEventPublisher.start(options(overrides));
  const outageWarnings = () => log.at("warn").filter((m) => m.includes("is not usable"));

  beforeEach(() => {
    vi.useFakeTimers({ toFake: [...FAKED_TIMERS] });
    vi.setSystemTime(new Date("2026-11-22T12:00:00Z"));
    broker = new FakeBroker();
    log = recordingLogger();
    spoolDir = mkdtempSync(path.join(tmpdir(), "wfkit-fake-bus-"));
  });

  afterEach(() => {
    vi.useRealTimers();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it("publishes every event once, in order, with its properties, and counts them confirmed", async () => {
    const publisher = await start();
    // Before the connection is made: they wait in memory.
    for (const name of names("e", 1, 3)) publisher.publish(event(name));
    expect(broker.published).toEqual([]);
    await publisher.flush();
    for (const name of names("e", 4, 6)) publisher.publish(event(name));
    await publisher.flush();

    expect(broker.ids()).toEqual(names("e", 1, 6));
    const first = broker.published[0]!;
    expect(first).toMatchObject({ exchange: "wfkit.test", key: "pub_1_0_0.T.custom.e1" });
    expect(first.properties).toEqual({
      persistent: true,
      messageId: "e1",
      type: "dev.wfkit.custom",
      contentType: "application/cloudevents+json; charset=utf-8",
      appId: "wfkit",
      timestamp: Date.parse("2026-11-22T12:00:00Z") / 1000,
    });
    expect(JSON.parse(first.body)).toMatchObject({ type: "dev.wfkit.custom", data: { name: "e1" } });
    expect(broker.declared).toEqual(["wfkit.test"]);
    expect(new URL(broker.models[0]!.url).searchParams.get("heartbeat")).toBe("5");
    expect(broker.models[0]!.options).toMatchObject({ noDelay: true, recovery: { waitForConnect: false, maxRetries: Infinity } });

    const stats = await publisher.close();
    expect(stats).toMatchObject({ confirmed: 6, spooled: 0, rejected: 0, left: 0 });
    expect(existsSync(stats.spoolFile)).toBe(false);
    expect(broker.models[0]!.closed).toBe(true);
    expect(log.at("warn")).toEqual([]);
  });

  it("settles confirms by delivery tag: one at a time, out of order, or every tag up to one (`multiple`)", async () => {
    broker.verdict = () => "hold";
    const publisher = await start();
    for (const name of names("e", 1, 5)) publisher.publish(event(name));
    await spin(() => broker.channel?.held.length === 5, "5 messages held");
    const channel = broker.channel!;
    let flushed = false;
    const flushing = publisher.flush().then(() => (flushed = true));

    channel.ack(2);
    expect(publisher.stats().confirmed).toBe(1);
    channel.ack(4, true); // 1, 3 and 4
    expect(publisher.stats().confirmed).toBe(4);
    for (let i = 0; i < 10; i++) await turn();
    expect(flushed).toBe(false);
    channel.ack(5);
    await flushing;
    expect(publisher.stats()).toMatchObject({ confirmed: 5, spooled: 0, left: 0 });
    await publisher.close();
  });

  it("a refused event (basic.nack) goes to the spool and is retried; after 3 nacks it is reported and kept in rejected.jsonl, and the others go through", async () => {
    broker.verdict = (m) => (m.id === "refused" ? "nack" : "ack");
    const publisher = await start();
    publisher.publish(event("refused"));
    publisher.publish(event("fine"));
    publisher.publish(event("after"));
    await until(advance, () => publisher.stats().rejected === 1 && publisher.stats().left === 0, "the refused event given up on and the spool empty");

    expect(broker.ids().filter((id) => id === "refused")).toHaveLength(3);
    // The ones behind it were spooled with it and published again, in order.
    const firstSeen = [...new Set(broker.ids())];
    expect(firstSeen).toEqual(["refused", "fine", "after"]);
    const rejected = JSON.parse(readFileSync(path.join(spoolDir, "rejected.jsonl"), "utf8")) as { reason: string; message: BusMessage };
    expect(rejected).toMatchObject({ reason: "the broker refused it 3 times (basic.nack)", message: { id: "refused", exchange: "wfkit.test" } });
    expect(log.at("error")).toEqual([
      `status event refused (dev.wfkit.custom, routing key pub_1_0_0.T.custom.refused) cannot be published: the broker refused it 3 times (basic.nack); it is kept in ${path.join(spoolDir, "rejected.jsonl")} and the run's events.jsonl`,
    ]);
    expect(outageWarnings()).toHaveLength(1);
    expect(outageWarnings()[0]).toContain("(the broker refused an event (basic.nack))");

    // Direct again: the next event is published from memory, and nothing waits in a spool file.
    const before = broker.published.length;
    publisher.publish(event("later"));
    await publisher.flush();
    expect(broker.ids().slice(before)).toEqual(["later"]);
    const stats = await publisher.close();
    expect(stats).toMatchObject({ rejected: 1, left: 0 });
    expect(existsSync(stats.spoolFile)).toBe(false);
  });

  it("a connection lost mid-stream: the unconfirmed events go to the spool in order, and are replayed in order on the next channel, newer events behind them", async () => {
    broker.verdict = () => "hold";
    const publisher = await start();
    for (const name of names("e", 1, 5)) publisher.publish(event(name));
    await spin(() => broker.channel?.held.length === 5, "5 messages held");
    const first = broker.channel!;
    first.ack(2, true);
    const spoolFile = publisher.stats().spoolFile;

    broker.failure = new Error("connect ECONNREFUSED 127.0.0.1:5672");
    broker.drop();
    expect(idsIn(spoolFile)).toEqual(["e3", "e4", "e5"]);
    publisher.publish(event("e6"));
    publisher.publish(event("e7"));
    expect(idsIn(spoolFile)).toEqual(names("e", 3, 7));
    await advance(3000); // recovery tries again, and fails again: no second warning
    expect(broker.attempts).toBeGreaterThan(2);
    expect(outageWarnings()).toHaveLength(1);
    expect(outageWarnings()[0]).toContain("amqp://guest:[masked]@broker.test:5672");
    expect(log.lines.map((l) => l.message).join("\n")).not.toContain(PASSWORD);

    broker.failure = undefined;
    await until(advance, () => broker.channel !== undefined && broker.channel.held.length === 5, "the spool replayed on a new channel");
    const second = broker.channel!;
    expect(second).not.toBe(first);
    expect(broker.ids(second)).toEqual(names("e", 3, 7));
    expect(log.at("info")).toEqual(["the event bus amqp://guest:[masked]@broker.test:5672 is reachable again; publishing the spooled events"]);

    // Published during the replay: it waits behind the replayed events, in the spool.
    publisher.publish(event("e8"));
    expect(broker.ids(second)).toEqual(names("e", 3, 7));
    second.ackHeld();
    await spin(() => second.held.length === 1, "e8 replayed");
    expect(broker.ids(second)).toEqual(names("e", 3, 8));
    second.ackHeld();
    await spin(() => !existsSync(spoolFile), "the spool file removed once all of it is confirmed");

    // Then direct again.
    publisher.publish(event("e9"));
    expect(broker.ids(second)).toEqual(names("e", 3, 9));
    expect(idsIn(spoolFile)).toEqual([]);
    second.ackHeld();
    const stats = await publisher.close();
    expect(stats).toMatchObject({ confirmed: 9, spooled: 6, rejected: 0, left: 0 });
  });

  it("no confirm within the publish timeout: the events go to the spool, and are published again on the same channel", async () => {
    broker.verdict = () => "hold";
    const publisher = await start();
    publisher.publish(event("e1"));
    publisher.publish(event("e2"));
    await spin(() => broker.channel?.held.length === 2, "2 messages held");
    const channel = broker.channel!;

    await advance(1999);
    expect(publisher.stats().spooled).toBe(0);
    await advance(1);
    expect(publisher.stats().spooled).toBe(2);
    expect(idsIn(publisher.stats().spoolFile)).toEqual(["e1", "e2"]);
    expect(outageWarnings()).toEqual([expect.stringContaining("(no confirm from the broker within 2 s)")]);
    // A confirm that comes too late counts for nothing: the events are in the spool now.
    channel.ack(2, true);
    expect(publisher.stats().confirmed).toBe(0);

    await until(advance, () => broker.ids(channel).length === 4, "the spool replayed");
    expect(broker.ids(channel)).toEqual(["e1", "e2", "e1", "e2"]);
    expect(broker.connections).toHaveLength(1);
    channel.ackHeld();
    await spin(() => publisher.stats().left === 0 && !existsSync(publisher.stats().spoolFile), "the spool published");
    expect(await publisher.close()).toMatchObject({ confirmed: 2, spooled: 2, left: 0 });
  });

  it("an event larger than maxEventBytes (in UTF-8 bytes) is reported and kept in rejected.jsonl, and the next one goes through", async () => {
    const publisher = await start();
    publisher.publish(event("big", { blob: "x".repeat(10_000) }));
    // Under the limit in UTF-16 code units, over it in UTF-8 bytes.
    publisher.publish(event("accents", { text: "é".repeat(2500) }));
    // Long enough to be measured, small enough to go.
    publisher.publish(event("ascii", { text: "x".repeat(2000) }));
    publisher.publish(event("small"));
    await publisher.flush();

    expect(broker.ids()).toEqual(["ascii", "small"]);
    const rejectedFile = path.join(spoolDir, "rejected.jsonl");
    expect(idsIn(rejectedFile)).toEqual(["big", "accents"]);
    for (const line of readFileSync(rejectedFile, "utf8").trim().split("\n")) {
      expect((JSON.parse(line) as { reason: string }).reason).toMatch(/^it is \d+ bytes, above WF_BUS_MAX_EVENT_BYTES \(4096\)$/);
    }
    expect(log.at("error")).toHaveLength(2);
    expect(log.at("error")[0]).toMatch(/^status event big \(dev\.wfkit\.custom, routing key pub_1_0_0\.T\.custom\.big\) cannot be published: it is \d+ bytes, above WF_BUS_MAX_EVENT_BYTES \(4096\); it is kept in /);
    expect(await publisher.close()).toMatchObject({ confirmed: 2, rejected: 2, spooled: 0, left: 0 });
  });

  it("close() waits for the last confirms at most the publish timeout, then leaves the rest in the spool", async () => {
    broker.verdict = () => "hold";
    const publisher = await start();
    for (const name of names("e", 1, 3)) publisher.publish(event(name));
    await spin(() => broker.channel?.held.length === 3, "3 messages held");
    const channel = broker.channel!;
    let closed = false;
    const closing = publisher.close().then((stats) => ((closed = true), stats));

    await advance(1000);
    channel.ack(1);
    await advance(999);
    expect(closed).toBe(false);
    await advance(1);
    await spin(() => closed, "close() returned");
    const stats = await closing;
    expect(stats).toMatchObject({ confirmed: 1, spooled: 2, left: 2 });
    expect(idsIn(stats.spoolFile)).toEqual(["e2", "e3"]);
    expect(log.at("warn")).toContain(
      `2 status event(s) could not be published yet; they wait in ${stats.spoolFile} and the next wf process on this host that reaches the broker publishes them (or run \`wf events flush\`)`,
    );
    expect(broker.models[0]!.closed).toBe(true);
    expect(await publisher.close()).toEqual(stats);
  });

  it("close() in an outage gives the broker a short grace to come back before leaving events in the spool", async () => {
    broker.failure = new Error("connect ECONNREFUSED 127.0.0.1:5672");
    const publisher = await start({ publishTimeoutSeconds: 10 });
    publisher.publish(event("e1"));
    await spin(() => broker.attempts === 1 && outageWarnings().length === 1, "the first attempt failed");
    let closed = false;
    const closing = publisher.close().then((stats) => ((closed = true), stats));
    broker.failure = undefined;
    await until(advance, () => closed, "close() returned", 2000);
    expect(await closing).toMatchObject({ confirmed: 1, spooled: 1, left: 0 });
    expect(broker.ids()).toEqual(["e1"]);
  });

  it("a refused login: one warning, then every event goes to the spool, in order; close() does not wait for a broker that will not let it in", async () => {
    broker.failure = new Error(ACCESS_REFUSED);
    const publisher = await start();
    publisher.publish(event("e1"));
    publisher.publish(event("e2"));
    await until(advance, () => broker.attempts >= 3, "three attempts");
    publisher.publish(event("e3"));

    expect(outageWarnings()).toHaveLength(1);
    expect(outageWarnings()[0]).toContain(`the event bus amqp://guest:[masked]@broker.test:5672 is not usable (${ACCESS_REFUSED})`);
    expect(log.lines.map((l) => l.message).join("\n")).not.toContain(PASSWORD);
    const spoolFile = publisher.stats().spoolFile;
    expect(idsIn(spoolFile)).toEqual(["e1", "e2", "e3"]);
    // No fake time passes here: close() neither waits for a reconnect nor for confirms.
    let closed = false;
    const closing = publisher.close().then((s) => ((closed = true), s));
    await spin(() => closed, "close() returned without the clock moving");
    const stats = await closing;
    expect(stats).toMatchObject({ confirmed: 0, spooled: 3, left: 3 });
    expect(broker.models[0]!.closed).toBe(true);
  });

  it("strict mode: a refused login makes start() throw BusAccessRefusedError, password masked, and stops reconnecting", async () => {
    broker.failure = new Error(ACCESS_REFUSED);
    const error = await start({ strict: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BusAccessRefusedError);
    expect((error as Error).message).toContain("the event bus amqp://guest:[masked]@broker.test:5672 refused the login");
    expect((error as Error).message).toContain("fix the user or password in WF_BUS_URL");
    expect((error as Error).message).not.toContain(PASSWORD);
    expect(broker.models[0]!.closed).toBe(true);
    const attempts = broker.attempts;
    await advance(60_000);
    expect(broker.attempts).toBe(attempts);
  });

  it("strict mode: an unreachable broker makes start() throw BusUnavailableError; a connection lost later calls onFatal once", async () => {
    broker.failure = new Error("connect ECONNREFUSED 127.0.0.1:5672");
    await expect(start({ strict: true })).rejects.toBeInstanceOf(BusUnavailableError);

    broker.failure = undefined;
    const fatal: Error[] = [];
    const publisher = await start({ strict: true, onFatal: (e) => fatal.push(e) });
    publisher.publish(event("e1"));
    broker.verdict = () => "hold";
    publisher.publish(event("e2"));
    await spin(() => broker.channel?.held.length === 1, "e2 held");
    broker.drop();
    expect(fatal).toHaveLength(1);
    // Back, and lost again: still once.
    await until(advance, () => broker.channel !== undefined, "reconnected");
    broker.drop();
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toBeInstanceOf(BusUnavailableError);
    expect(fatal[0]!.message).toContain("WF_BUS_STRICT is set; events are kept in");
    // close() gives the broker a grace period to come back: let the clock run meanwhile.
    let closed = false;
    const closing = publisher.close().then(() => (closed = true));
    await until(advance, () => closed, "close() returned");
    await closing;
  });

  it("spool files left by dead processes are published first, oldest first; this process's events wait in memory behind them", async () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    const host = hostname();
    const line = (id: string) => `${JSON.stringify({ ...encode(event(id)), exchange: "wfkit.test" })}\n`;
    writeFileSync(path.join(spoolDir, `000000000000002~${host}~${dead}~0.jsonl`), line("old2"));
    writeFileSync(path.join(spoolDir, `000000000000001~${host}~${dead}~0.jsonl`), line("old1a") + line("old1b"));
    broker.verdict = () => "hold";
    const publisher = await start();
    await spin(() => broker.channel?.held.length === 2, "the oldest file replayed");
    publisher.publish(event("new"));
    expect(broker.ids()).toEqual(["old1a", "old1b"]);
    broker.channel!.ackHeld();
    await spin(() => broker.channel?.held.length === 1, "the next file replayed");
    expect(broker.ids()).toEqual(["old1a", "old1b", "old2"]);
    broker.channel!.ackHeld();
    await spin(() => broker.ids().length === 4, "the waiting event sent");
    expect(broker.ids()).toEqual(["old1a", "old1b", "old2", "new"]);
    broker.channel!.ackHeld();
    const stats = await publisher.close();
    expect(stats).toMatchObject({ confirmed: 4, spooled: 0, left: 0 });
    expect(readdirSync(spoolDir).filter((f) => f.endsWith(".jsonl"))).toEqual([]);
  });

  it("more events than memory holds before the first connection go to the spool, unannounced, and are published from it in order", async () => {
    const publisher = await start();
    const all = names("e", 1, 10_002);
    for (const name of all) publisher.publish(event(name));
    expect(broker.published).toEqual([]);
    expect(publisher.stats().spooled).toBe(10_002);
    expect(log.at("warn")).toEqual([]);
    await until(advance, () => publisher.stats().confirmed === all.length && publisher.stats().left === 0, "all published");
    expect(broker.ids()).toEqual(all);
    expect(await publisher.close()).toMatchObject({ confirmed: all.length, left: 0 });
  });

  it("backpressure: when the channel asks for a drain, the rest waits for it, in order", async () => {
    broker.verdict = () => "hold";
    const publisher = await start();
    await publisher.flush();
    broker.channel!.highWater = 2;
    for (const name of names("e", 1, 5)) publisher.publish(event(name));
    expect(broker.ids()).toEqual(["e1", "e2"]);
    broker.channel!.drain();
    expect(broker.ids()).toEqual(["e1", "e2", "e3", "e4"]);
    broker.channel!.drain();
    expect(broker.ids()).toEqual(names("e", 1, 5));
    broker.channel!.ackHeld();
    expect(await publisher.close()).toMatchObject({ confirmed: 5, left: 0 });
  });

  it("a loss while events wait for a drain: the sent ones and the waiting ones go to the spool, in the order they were published", async () => {
    broker.verdict = () => "hold";
    const publisher = await start();
    await publisher.flush();
    broker.channel!.highWater = 2;
    for (const name of names("e", 1, 5)) publisher.publish(event(name));
    broker.channel!.ack(1);
    expect(broker.ids()).toEqual(["e1", "e2"]);
    broker.drop();
    expect(idsIn(publisher.stats().spoolFile)).toEqual(["e2", "e3", "e4", "e5"]);
    await until(advance, () => broker.ids().length === 6, "the spool replayed");
    expect(broker.ids()).toEqual(["e1", "e2", "e2", "e3", "e4", "e5"]);
    broker.channel!.ackHeld();
    let closed = false;
    const closing = publisher.close().then((s) => ((closed = true), s));
    await until(advance, () => closed, "close() returned");
    expect(await closing).toMatchObject({ confirmed: 5, spooled: 4, left: 0 });
  });
});

