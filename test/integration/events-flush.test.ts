// `wf events flush` against the real RabbitMQ: the spool files of ended processes on this host
// are published, in order, and removed; with the broker unreachable they stay and it exits 1;
// running processes' files are left to them; a run that spooled everything is published whole.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { WfEvent } from "wfkit";
import { createEvent } from "wfkit/engine";
import { encodeEvent } from "../../src/events/open-run-events.js";
import type { BusMessage } from "../../src/events/spool.js";
import { closedPort } from "../support/loopback.js";
import { RABBIT_URL, collectEvents, deleteExchanges, rabbitAvailability, rabbitTitle, uniqueExchange } from "../support/rabbitmq.js";
import { wf } from "../support/wf-cli.js";
import { findRunDir } from "../support/run-dir.js";

const rabbit = await rabbitAvailability();

const origin = { runId: "flush-run-1", dagId: "flush_test_1.0.0", workflowName: "flush_test", version: "1.0.0", engine: "local" as const };

/** A pid that was just used and has exited: its spool file is an orphan. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid!;
}

/** Write `<dir>/<ms>~<this host>~<pid>~0.jsonl` with `count` task.started events; their messages. */
function spoolFile(dir: string, pid: number, count: number, ms = Date.now()): BusMessage[] {
  const messages = Array.from({ length: count }, (_, i) => encodeEvent(createEvent(origin, "task.started", {}, { task: `T${i}`, attempt: 1 }), "cloudevents")!);
  writeFileSync(path.join(dir, `${String(ms).padStart(15, "0")}~${hostname()}~${pid}~0.jsonl`), messages.map((m) => `${JSON.stringify(m)}\n`).join(""));
  return messages;
}

function jsonlFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith(".jsonl"));
}

describe.skipIf(!rabbit.ok)(rabbitTitle("wf events flush", rabbit), () => {
  const exchanges: string[] = [];
  afterAll(() => (exchanges.length > 0 ? deleteExchanges(...exchanges) : undefined));

  function exchange(label: string): string {
    const name = uniqueExchange(label);
    exchanges.push(name);
    return name;
  }

  const tempDir = (label: string) => mkdtempSync(path.join(tmpdir(), `wfkit-flush-${label}-`));

  it("publishes the files of ended processes oldest first, removes them, exits 0", async () => {
    const x = exchange("orphans");
    const spool = tempDir("orphans");
    const newer = spoolFile(spool, deadPid(), 2, Date.now());
    const older = spoolFile(spool, deadPid(), 3, Date.now() - 60_000);
    const collector = await collectEvents<WfEvent>(x);
    try {
      const out = await wf(["events", "flush", "--spool", spool, "--bus", RABBIT_URL, "--exchange", x]);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toBe(`published 5 events to ${x} on amqp://guest:[masked]@127.0.0.1:5672; 0 left in ${spool}\n`);
      await collector.waitFor((m) => m.length >= 5);
      expect(collector.messages.map((e) => e.id)).toEqual([...older, ...newer].map((m) => m.id));
      expect(collector.raw.map((m) => m.routingKey)).toEqual([...older, ...newer].map((m) => m.key));
      expect(collector.raw[0]!.properties).toMatchObject({ messageId: older[0]!.id, type: "dev.wfkit.task.started", deliveryMode: 2 });
      expect(jsonlFiles(spool)).toEqual([]);
    } finally {
      await collector.close();
    }
  });

  it("the broker unreachable: exit 1, says how many are left, keeps the files", async () => {
    const spool = tempDir("down");
    spoolFile(spool, deadPid(), 3);
    const before = jsonlFiles(spool);
    const port = await closedPort("tcp");
    const out = await wf(["events", "flush", "--spool", spool], { WF_BUS_URL: `amqp://guest:pw-789@127.0.0.1:${port}` });
    expect(out.code).toBe(1);
    expect(out.stdout).toBe(`published 0 events; 3 left in ${spool}\n`);
    expect(out.stderr).toContain(`wf: cannot reach the event bus amqp://guest:[masked]@127.0.0.1:${port} (connect ECONNREFUSED`);
    expect(out.stderr).toContain("fix the URL in WF_BUS_URL");
    expect(out.stderr).not.toContain("pw-789");
    expect(jsonlFiles(spool)).toEqual(before);
  });

  it("a refused login is a configuration error: exit 2, password masked, files kept", async () => {
    const spool = tempDir("login");
    spoolFile(spool, deadPid(), 1);
    const out = await wf(["events", "flush", "--spool", spool, "--bus", "amqp://guest:Wr0ng-pw@127.0.0.1:5672", "--exchange", exchange("login")]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("refused the login");
    expect(out.stderr).toContain("fix the user or password in --bus");
    expect(out.stderr).not.toContain("Wr0ng-pw");
    expect(jsonlFiles(spool)).toHaveLength(1);
  });

  it("nothing to do: exit 0 without connecting; a running process's file is left to it", async () => {
    const spool = tempDir("live");
    const empty = await wf(["events", "flush", "--spool", spool, "--bus", RABBIT_URL]);
    expect([empty.code, empty.stdout]).toEqual([0, `nothing to publish: no events wait in ${spool}\n`]);
    // This test process is alive: its file is its own to publish.
    spoolFile(spool, process.pid, 2);
    const live = await wf(["events", "flush", "--spool", spool, "--bus", RABBIT_URL]);
    expect(live.code).toBe(0);
    expect(live.stdout).toBe(`nothing to publish: no events wait in ${spool} (2 more wait in the spool of a running wf process, which publishes them itself)\n`);
    expect(jsonlFiles(spool)).toHaveLength(1);
    const noBus = await wf(["events", "flush", "--spool", spool], { WF_BUS_URL: "" });
    expect(noBus.code).toBe(2);
    // Its own example is not masked as if it were a secret.
    expect(noBus.stderr).toContain("no event bus to publish to: pass --bus <url> (e.g. amqp://localhost:5672; put user:password@ before the host for a login) or set WF_BUS_URL");
    expect(noBus.stderr).not.toContain("[masked]");
  });

  it("a run that could not reach the broker is published whole by a later flush, as its events.jsonl has it", async () => {
    const x = exchange("run");
    const home = tempDir("home");
    const port = await closedPort("tcp");
    const run = await wf(["run", "examples/diamond.ts", "--run-id", "flush-diamond-1"], { WF_HOME: home, WF_BUS_URL: `amqp://guest:guest@127.0.0.1:${port}`, WF_BUS_EXCHANGE: x });
    expect(run.code, run.stderr).toBe(0);
    const events = readFileSync(path.join(findRunDir(home, "flush-diamond-1"), "events.jsonl"), "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as WfEvent);
    expect(jsonlFiles(path.join(home, "spool")).length).toBeGreaterThan(0);
    const collector = await collectEvents<WfEvent>(x);
    try {
      const out = await wf(["events", "flush"], { WF_HOME: home, WF_BUS_URL: RABBIT_URL, WF_BUS_EXCHANGE: x });
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toBe(`published ${events.length} events to ${x} on amqp://guest:[masked]@127.0.0.1:5672; 0 left in ${path.join(home, "spool")}\n`);
      await collector.waitFor((m) => m.length >= events.length);
      expect(collector.messages).toEqual(events);
      expect(jsonlFiles(path.join(home, "spool"))).toEqual([]);
    } finally {
      await collector.close();
    }
  });
});
