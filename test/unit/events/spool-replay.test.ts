import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Spool, type BusMessage } from "../../../src/events/spool.js";
import { AmqpConnection } from "../../../src/events/amqp-connection.js";
import { SpoolReplay } from "../../../src/events/spool-replay.js";
import { FAKED_TIMERS, FakeBroker, recordingLogger, spin, turn, until } from "../../support/fake-amqp.js";

const message = (id: string, exchange?: string): BusMessage => ({ id, key: "d.T.custom.x", type: "dev.wfkit.custom", contentType: "application/json", body: `{"id":"${id}"}`, exchange });
const lines = (...messages: BusMessage[]) => messages.map((m) => `${JSON.stringify(m)}\n`).join("");
/** A pid that is certainly not running: a child that has exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

describe("SpoolReplay, against a fake broker", () => {
  let broker: FakeBroker;
  let log: ReturnType<typeof recordingLogger>;
  let dir: string;
  let connection: AmqpConnection | undefined;
  const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

  /**
   * A replay on a real AmqpConnection to the fake broker, with the publisher's wiring reduced to
   * what the replay needs: a channel resumes it, a lost channel diverts the unconfirmed to the
   * spool. `owner` records the replay's calls back.
   */
  const setUp = async (spoolDir = dir) => {
    const spool = new Spool(spoolDir);
    const owner: string[] = [];
    let replay!: SpoolReplay;
    connection = new AmqpConnection(
      { url: "amqp://broker.test", exchange: "wfkit.test", publishTimeoutSeconds: 2, heartbeatSeconds: 5, logger: log, connect: broker.connect },
      "amqp://broker.test",
      {
        connected: () => replay.resume(),
        lost: () => replay.divert(connection!.takeUnconfirmed()),
        stalled: () => {
          replay.divert(connection!.takeUnconfirmed());
          replay.scheduleRetry();
        },
        refusedForGood: () => {},
        settled: () => {},
      },
    );
    replay = new SpoolReplay(spool, connection, { exchange: "wfkit.test", logger: log }, { pump: () => owner.push("pump"), settled: () => owner.push("settled") });
    return { spool, replay, owner, connection };
  };
  const orphan = (startedMs: number, content: string) => {
    const file = path.join(dir, `${String(startedMs).padStart(15, "0")}~${hostname()}~${deadPid()}~0.jsonl`);
    writeFileSync(file, content);
    return file;
  };
  const jsonlFiles = () => readdirSync(dir).filter((f) => f.endsWith(".jsonl"));

  beforeEach(() => {
    vi.useFakeTimers({ toFake: [...FAKED_TIMERS] });
    broker = new FakeBroker();
    log = recordingLogger();
    dir = mkdtempSync(path.join(tmpdir(), "wfkit-replay-"));
  });

  afterEach(async () => {
    await connection?.shutdown();
    connection = undefined;
    vi.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  it("divert: the given events first, then every appended one, in order, each with the exchange it is for", async () => {
    const { spool, replay } = await setUp();
    expect(replay.spooling).toBe(false);
    replay.divert([message("a"), message("b", "elsewhere")]);
    replay.append([message("c")]);
    expect(replay.spooling).toBe(true);
    expect(spool.read(spool.own, 0).messages).toEqual([
      { ...message("a"), exchange: "wfkit.test" },
      message("b", "elsewhere"),
      { ...message("c"), exchange: "wfkit.test" },
    ]);
    expect(replay.spooled).toBe(3);
    expect(replay.left()).toBe(3);
  });

  it("an event that cannot be written to the spool is reported lost, not counted spooled", async () => {
    const notADir = path.join(dir, "file");
    writeFileSync(notADir, "");
    const { replay } = await setUp(notADir);
    replay.divert([message("a"), message("b")]);
    expect(replay.spooled).toBe(0);
    expect(log.at("error")).toEqual([expect.stringMatching(/^status event a \(dev\.wfkit\.custom\) is lost: /), expect.stringMatching(/^status event b \(dev\.wfkit\.custom\) is lost: /)]);
  });

  it("on a channel: claims the files of dead processes and publishes them oldest first, waiting for each file's confirms, then this process's spool, then goes direct", async () => {
    broker.verdict = () => "hold";
    const newer = orphan(2, lines(message("o2")));
    const older = orphan(1, lines(message("o1a"), message("o1b")));
    const { spool, replay, owner, connection } = await setUp();
    replay.divert([message("own1")]);
    await connection.connect();

    await spin(() => broker.channel?.held.length === 2, "the oldest file published");
    expect(broker.ids()).toEqual(["o1a", "o1b"]);
    expect(replay.draining).toBe(true);
    expect(replay.left()).toBe(4);
    expect(existsSync(older) || existsSync(newer)).toBe(false); // renamed: claimed
    broker.channel!.ack(1);
    for (let i = 0; i < 10; i++) await turn();
    // One of two confirms: the file is not done, nothing else goes out.
    expect(broker.ids()).toEqual(["o1a", "o1b"]);
    broker.channel!.ack(2);
    await spin(() => broker.channel?.held.length === 1, "the next file published");
    expect(broker.ids()).toEqual(["o1a", "o1b", "o2"]);
    broker.channel!.ackHeld();
    await spin(() => broker.channel?.held.length === 1, "this process's spool published");
    expect(broker.ids()).toEqual(["o1a", "o1b", "o2", "own1"]);
    expect(replay.spooling).toBe(true);
    expect(owner).toEqual([]);
    broker.channel!.ackHeld();
    await spin(() => !replay.draining, "the replay done");

    expect(replay.spooling).toBe(false);
    expect(owner).toContain("pump");
    expect(owner.at(-1)).toBe("settled");
    expect(jsonlFiles()).toEqual([]);
    expect(replay.left()).toBe(0);
    expect(existsSync(spool.own)).toBe(false);
  });

  it("with nothing spooled and no orphans, a channel lets the owner publish direct at once", async () => {
    const { replay, owner, connection } = await setUp();
    await connection.connect();
    await spin(() => owner.length > 0, "the owner told");
    expect(owner).toEqual(["pump"]);
    expect(replay.draining).toBe(false);
  });

  it("a file for another exchange has that exchange declared first; a file whose exchange cannot be declared is set aside as .stuck, reported, and the next one still goes", async () => {
    broker.refusedExchanges.set("forbidden.x", '403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - access to exchange \'forbidden.x\' in vhost \'/\' refused for user \'guest\'"');
    const stuck = orphan(1, lines(message("f1", "forbidden.x"), message("f2", "forbidden.x")));
    orphan(2, lines(message("x1", "other.x")));
    const { replay, connection } = await setUp();
    await connection.connect();

    await until(advance, () => broker.ids().includes("x1") && !replay.draining && replay.left() === 0, "the other file published");
    expect(broker.ids()).toEqual(["x1"]);
    expect(broker.published[0]!.exchange).toBe("other.x");
    expect(broker.declared).toContain("other.x");
    const stuckFile = readdirSync(dir).find((f) => f.endsWith(".jsonl.stuck"));
    expect(stuckFile).toBeDefined();
    expect(readFileSync(path.join(dir, stuckFile!), "utf8")).toBe(lines(message("f1", "forbidden.x"), message("f2", "forbidden.x")));
    expect(existsSync(stuck)).toBe(false);
    expect(replay.setAside).toBe(1);
    expect(log.at("error")).toEqual([
      expect.stringMatching(new RegExp(`^spooled status events cannot be published \\(exchange forbidden\\.x cannot be declared: Channel closed by server: 403 .*\\); they are kept in .*${stuckFile!.replaceAll(".", "\\.")}$`)),
    ]);
    expect(jsonlFiles()).toEqual([]);
  });

  it("a line that is not an event is reported and skipped; the rest is published", async () => {
    orphan(1, `${lines(message("a"))}not json\n${lines(message("b"))}`);
    const { replay, connection } = await setUp();
    await connection.connect();
    await until(advance, () => replay.left() === 0 && !replay.draining && broker.ids().length === 2, "the file published");
    expect(broker.ids()).toEqual(["a", "b"]);
    expect(log.at("error")).toEqual([expect.stringMatching(/^a line of the event spool .* is not an event and is skipped$/)]);
  });
});
