import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BusMessage } from "../../../src/events/spool.js";
import { AmqpConnection, withHeartbeat, type AmqpConnectionOptions, type ConnectionListener } from "../../../src/events/amqp-connection.js";
import { FAKED_TIMERS, FakeBroker, recordingLogger, spin, until } from "../../support/fake-amqp.js";

const message = (id: string, exchange?: string): BusMessage => ({ id, key: "d.T.custom.x", type: "dev.wfkit.custom", contentType: "application/json", body: `{"id":"${id}"}`, exchange });

/** What the connection told its owner, in order, e.g. `lost: …`, `confirmed`… */
function recordingListener(): ConnectionListener & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    connected: () => calls.push("connected"),
    lost: (reason) => calls.push(`lost: ${reason}`),
    stalled: (reason) => calls.push(`stalled: ${reason}`),
    refusedForGood: (m, reason) => calls.push(`refusedForGood ${m.id}: ${reason}`),
    settled: () => calls.push("settled"),
  };
}

describe("AmqpConnection, against a fake broker", () => {
  let broker: FakeBroker;
  let listener: ReturnType<typeof recordingListener>;
  let connection: AmqpConnection;
  const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);
  const open = async (overrides: Partial<AmqpConnectionOptions> = {}) => {
    connection = new AmqpConnection(
      { url: "amqp://guest:pw@broker.test:5672/vh", exchange: "wfkit.test", publishTimeoutSeconds: 2, heartbeatSeconds: 7, logger: recordingLogger(), connect: broker.connect, ...overrides },
      "amqp://guest:[masked]@broker.test:5672/vh",
      listener,
    );
    await connection.connect();
    await connection.firstConnection(2000);
    return connection;
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: [...FAKED_TIMERS] });
    broker = new FakeBroker();
    listener = recordingListener();
  });

  afterEach(async () => {
    await connection?.shutdown();
    vi.useRealTimers();
  });

  it("opens amqplib's recovering connection as the publisher needs it, and declares the exchange on a confirm channel", async () => {
    await open();
    expect(connection.channel).toBe(broker.channel);
    expect(listener.calls).toEqual(["connected"]);
    expect(broker.declared).toEqual(["wfkit.test"]);
    const model = broker.models[0]!;
    expect(model.url).toBe("amqp://guest:pw@broker.test:5672/vh?heartbeat=7");
    expect(model.options).toMatchObject({
      timeout: 2000,
      noDelay: true,
      clientProperties: { connection_name: expect.stringMatching(new RegExp(`^wfkit .+ pid ${process.pid}$`)) },
      recovery: { waitForConnect: false, initialDelay: 200, maxDelay: 30_000, factor: 2, jitter: 0.2, maxRetries: Infinity },
    });
    expect(withHeartbeat("amqp://h/?heartbeat=3", 15)).toBe("amqp://h/?heartbeat=3");
  });

  it("matches confirms to messages by delivery tag: one, several (`multiple`), and none it does not know", async () => {
    broker.verdict = () => "hold";
    await open();
    const channel = connection.channel!;
    const told: string[] = [];
    for (const id of ["a", "b", "c", "d"]) connection.send(channel, message(id), false, (ok) => told.push(`${id} ${ok}`));
    expect(broker.published.map((m) => [m.tag, m.id])).toEqual([
      [1, "a"],
      [2, "b"],
      [3, "c"],
      [4, "d"],
    ]);
    broker.channel!.ack(2);
    broker.channel!.ack(3, true);
    expect(told).toEqual(["b true", "a true", "c true"]);
    expect(connection.confirmed).toBe(3);
    expect(connection.inFlight).toBe(1);
    // A confirm for a tag never sent changes nothing.
    broker.channel!.emit("ack", { deliveryTag: 99, multiple: false });
    expect(connection.inFlight).toBe(1);
    expect(listener.calls.filter((c) => c === "settled")).toHaveLength(3);
  });

  it("a nack is a stall; the third nack of the same message gives it up; a confirm in between starts the count again", async () => {
    broker.verdict = () => "hold";
    await open();
    const channel = connection.channel!;
    const refuse = (id: string) => {
      connection.send(channel, message(id), true);
      broker.channel!.nack(broker.channel!.held.at(-1)!);
    };
    refuse("x");
    refuse("x");
    expect(listener.calls.filter((c) => c.startsWith("stalled"))).toEqual(["stalled: the broker refused an event (basic.nack)", "stalled: the broker refused an event (basic.nack)"]);
    expect(connection.refusedTooOften("x")).toBe(false);
    refuse("x");
    expect(listener.calls.at(-2)).toBe("refusedForGood x: the broker refused it 3 times (basic.nack)");
    expect(connection.refusedTooOften("x")).toBe(true);

    refuse("y");
    refuse("y");
    connection.send(channel, message("y"), true);
    broker.channel!.ack(broker.channel!.held.at(-1)!);
    refuse("y");
    expect(connection.refusedTooOften("y")).toBe(false);
    expect(listener.calls.filter((c) => c.startsWith("refusedForGood"))).toHaveLength(1);
  });

  it("no confirm within the publish timeout is a stall, noticed within the timeout's quarter", async () => {
    broker.verdict = () => "hold";
    await open();
    connection.send(connection.channel!, message("a"), false);
    await advance(1999);
    expect(listener.calls.filter((c) => c.startsWith("stalled"))).toEqual([]);
    await advance(500);
    expect(listener.calls.filter((c) => c.startsWith("stalled"))).toEqual(["stalled: no confirm from the broker within 2 s"]);
  });

  it("takeUnconfirmed hands back the messages sent from memory, oldest first, and forgets all of them: their late confirms are ignored", async () => {
    broker.verdict = () => "hold";
    await open();
    const channel = connection.channel!;
    connection.send(channel, message("m1"), false);
    connection.send(channel, message("s1"), true);
    connection.send(channel, message("m2"), false);
    expect(connection.hasSpooledInFlight()).toBe(true);
    expect(connection.takeUnconfirmed().map((m) => m.id)).toEqual(["m1", "m2"]);
    expect(connection.inFlight).toBe(0);
    expect(connection.hasSpooledInFlight()).toBe(false);
    broker.channel!.ack(3, true);
    expect(connection.confirmed).toBe(0);
  });

  it("a channel the broker closes is a loss: the connection is closed so that recovery makes a new one, and the old channel's confirms are ignored", async () => {
    broker.verdict = () => "hold";
    await open();
    const old = broker.channel!;
    connection.send(old, message("a"), false);
    old.end();
    expect(connection.channel).toBeUndefined();
    expect(listener.calls.slice(1)).toEqual(["lost: the channel closed: the connection dropped or the broker closed it"]);
    await spin(() => broker.connections[0]!.closed, "the connection closed by the publisher");
    expect(listener.calls.slice(1)).toEqual(["lost: the channel closed: the connection dropped or the broker closed it", "lost: connection lost: Connection closed"]);

    await until(advance, () => connection.channel !== undefined, "a new channel");
    expect(connection.channel).toBe(broker.channel);
    expect(connection.channel).not.toBe(old);
    expect(listener.calls.at(-1)).toBe("connected");
    // The new channel numbers its messages from 1 again.
    connection.send(connection.channel!, message("b"), false);
    expect(broker.published.at(-1)).toMatchObject({ id: "b", tag: 1 });
    const settledBefore = listener.calls.filter((c) => c === "settled").length;
    old.emit("ack", { deliveryTag: 1, multiple: false });
    expect(listener.calls.filter((c) => c === "settled")).toHaveLength(settledBefore);
    broker.channel!.ack(1);
    expect(connection.confirmed).toBe(1);
  });

  it("a failed first attempt settles `firstConnection` and keeps the broker's answer for `startError`", async () => {
    broker.failure = new Error("connect ECONNREFUSED 127.0.0.1:5672");
    await open();
    expect(connection.channel).toBeUndefined();
    expect(listener.calls).toEqual(["lost: connect ECONNREFUSED 127.0.0.1:5672"]);
    expect(connection.startError().message).toBe(
      "cannot reach the event bus amqp://guest:[masked]@broker.test:5672/vh (connect ECONNREFUSED 127.0.0.1:5672): start the broker or fix WF_BUS_URL; WF_BUS_STRICT is set (unset it to spool events until the broker is back)",
    );
    broker.failure = undefined;
    let back = false;
    void connection.reconnected(60_000).then(() => (back = true));
    await until(advance, () => back, "reconnected() resolved by the next channel");
    expect(connection.channel).toBeDefined();
    await connection.shutdown();
    expect(broker.models[0]!.closed).toBe(true);
    await spin(() => broker.connections.every((c) => c.closed), "the connection closed");
  });
});
