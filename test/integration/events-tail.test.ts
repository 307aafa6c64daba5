// `wf events tail` against the real RabbitMQ: a `wf run` published through the bus shows up in
// tail, event for event as in the run's events.jsonl, as JSON and as lines; --run filters;
// Ctrl-C ends it with 0; a refused login is reported with the password masked; a dropped
// connection is noted and re-made.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import amqp from "amqplib";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { WfEvent } from "wfkit";
import { closedPort } from "../support/loopback.js";
import { RABBIT_URL, deleteExchanges, rabbitAvailability, rabbitTitle, uniqueExchange } from "../support/rabbitmq.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { startLive, wf, type Live, type WfOutput } from "../support/wf-cli.js";
import { findRunDir } from "../support/run-dir.js";

const rabbit = await rabbitAvailability();

describe.skipIf(!rabbit.ok)(rabbitTitle("wf events tail", rabbit), () => {
  const home = mkdtempSync(path.join(tmpdir(), "wfkit-events-tail-"));
  const exchanges: string[] = [];
  afterAll(() => (exchanges.length > 0 ? deleteExchanges(...exchanges) : undefined));
  // A test that fails half-way must not leave its tail running.
  const running = new Set<Live>();
  afterEach(() => {
    for (const live of running) live.child.kill("SIGKILL");
    running.clear();
  });

  function exchange(label: string): string {
    const name = uniqueExchange(label);
    exchanges.push(name);
    return name;
  }

  /** `wf events tail` on `exchange`, once it says it is tailing (its queue is bound then). */
  async function tail(exchangeName: string, args: string[] = [], env: Record<string, string> = {}): Promise<Live> {
    const live = startLive(["events", "tail", "--exchange", exchangeName, ...args], { WF_BUS_URL: RABBIT_URL, ...env });
    running.add(live);
    await live.waitFor(() => live.stderr().includes("wf: tailing"), "'tailing' on stderr");
    return live;
  }

  /** Run examples/diamond.ts publishing to `exchangeName`; its events as its events.jsonl has them. */
  async function runDiamond(exchangeName: string, runId: string): Promise<WfEvent[]> {
    const out = await wf(["run", "examples/diamond.ts", "--run-id", runId], { WF_HOME: home, WF_BUS_URL: RABBIT_URL, WF_BUS_EXCHANGE: exchangeName });
    expect(out.code, out.stderr).toBe(0);
    const text = readFileSync(path.join(findRunDir(home, runId), "events.jsonl"), "utf8");
    return text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as WfEvent);
  }

  async function interrupt(live: Live): Promise<WfOutput> {
    live.child.kill("SIGINT");
    const out = await live.done;
    running.delete(live);
    return out;
  }

  it("--json prints every event of a run, in order, exactly as the run's events.jsonl has it; SIGINT ends it with 0", async () => {
    const x = exchange("json");
    const live = await tail(x, ["--json"]);
    expect(live.stderr()).toBe(`wf: tailing ${x} on amqp://guest:[masked]@127.0.0.1:5672 (Ctrl-C to stop)\n`);
    const events = await runDiamond(x, "tail-json-1");
    expect(events.map((e) => e.data.action)).toContain("run.succeeded");
    await live.waitFor(() => live.lines().length >= events.length, `${events.length} lines`);
    expect(live.lines().map((line) => JSON.parse(line) as WfEvent)).toEqual(events);
    const out = await interrupt(live);
    expect([out.code, out.signal]).toEqual([0, null]);
    expect(out.stderr).not.toContain("lost the connection");
  });

  it("prints a readable line per event, and a note for messages that are not wfkit events", async () => {
    const x = exchange("lines");
    const live = await tail(x);
    const events = await runDiamond(x, "tail-lines-1");
    const connection = await amqp.connect(RABBIT_URL);
    const channel = await connection.createChannel();
    channel.publish(x, "some.other.app", Buffer.from("hello\n\x1b[2Jworld"));
    channel.publish(x, "images.Resize.task.succeeded", Buffer.from(JSON.stringify({ eventType: "COMPLETE", eventTime: new Date().toISOString(), run: { runId: "u" }, job: { namespace: "wfkit", name: "images.Resize" } })));
    await channel.close();
    await connection.close();
    await live.waitFor(() => live.lines().length >= events.length + 2, `${events.length + 2} lines`);
    const lines = live.lines();
    expect(lines).toHaveLength(events.length + 2);
    events.forEach((event, i) => {
      const d = event.data;
      const who = "task" in d ? `${d.task}#${d.attempt}` : "run";
      expect(lines[i]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  images_to_site_gallery_1\\.0\\.0  tail-lines-1  ${who} +${d.action.replace(".", "\\.")}( |$)`));
    });
    expect(lines.find((line) => line.includes("run.succeeded"))).toMatch(/run\.succeeded +\d+(\.\d)? m?s$/);
    expect(lines.find((line) => line.includes("Resize#1  ") && line.includes("task.succeeded"))).toMatch(/task\.succeeded +\d+(\.\d)? m?s$/);
    expect(lines.at(-2)).toMatch(/^\d\d:\d\d:\d\d\.\d{3}  some\.other\.app  not a wfkit event: not JSON \(15 bytes\); --json prints it$/);
    expect(lines.at(-1)).toMatch(/  images\.Resize\.task\.succeeded  OpenLineage COMPLETE of job images\.Resize, not a wfkit event; --json prints it$/);
    expect(live.stdout()).not.toContain("\x1b");
    const out = await interrupt(live);
    expect(out.code).toBe(0);
  });

  it("--run shows only that run's events", async () => {
    const x = exchange("run");
    const live = await tail(x, ["--json", "--run", "tail-run-a"]);
    expect(live.stderr()).toContain(", run tail-run-a only (Ctrl-C to stop)");
    // B first: the queue keeps the order, so once A's last event is shown B's would have been.
    await runDiamond(x, "tail-run-b");
    const a = await runDiamond(x, "tail-run-a");
    await live.waitFor(() => live.lines().length >= a.length, `${a.length} lines of run A`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(live.lines().map((line) => (JSON.parse(line) as WfEvent).id)).toEqual(a.map((e) => e.id));
    expect((await interrupt(live)).code).toBe(0);
  });

  it("a refused login: exit 2, says so and where to fix it, never prints the password", async () => {
    const password = "Sup3r-s3cret-pw";
    const url = `amqp://guest:${password}@127.0.0.1:5672`;
    const viaFlag = await wf(["events", "tail", "--bus", url, "--exchange", exchange("login")]);
    expect(viaFlag.code).toBe(2);
    expect(viaFlag.stderr).toContain("wf: the event bus amqp://guest:[masked]@127.0.0.1:5672 refused the login (");
    expect(viaFlag.stderr).toContain("fix the user or password in --bus");
    expect(viaFlag.stderr).not.toContain(password);
    const viaEnv = await wf(["events", "tail", "--exchange", exchange("login")], { WF_BUS_URL: url });
    expect(viaEnv.code).toBe(2);
    expect(viaEnv.stderr).toContain("fix the user or password in WF_BUS_URL");
    expect(viaEnv.stderr).not.toContain(password);
    expect(viaFlag.stdout + viaEnv.stdout).toBe("");
  });

  it("an unreachable broker or a bad --bus: exit 2 with the masked URL and what to do", async () => {
    const port = await closedPort("tcp");
    const down = await wf(["events", "tail", "--bus", `amqp://guest:pw-123@127.0.0.1:${port}`]);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain(`wf: cannot reach the event bus amqp://guest:[masked]@127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port}): start the broker or fix the URL in --bus`);
    expect(down.stderr).not.toContain("pw-123");
    const bad = await wf(["events", "tail", "--bus", "http://guest:pw-456@127.0.0.1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('wf: --bus "http://guest:[masked]@127.0.0.1": must be an amqp:// or amqps:// URL');
    expect(bad.stderr).not.toContain("pw-456");
  });

  it("a dropped connection is noted on stderr, retried while the broker is away, re-made, and tailing goes on", async () => {
    const x = exchange("drop");
    const proxy = await new TcpProxy({ host: "127.0.0.1", port: 5672 }).start();
    try {
      const live = await tail(x, ["--json", "--bus", `amqp://guest:guest@127.0.0.1:${proxy.port}`]);
      proxy.cut();
      await live.waitFor(() => live.stderr().includes("lost the connection"), "the note that the connection is lost");
      expect(live.stderr()).toContain(`wf: lost the connection to amqp://guest:[masked]@127.0.0.1:${proxy.port} (`);
      // Away for a while: reconnect attempts fail and back off, quietly.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(live.stderr()).not.toContain("reconnected");
      proxy.restore();
      await live.waitFor(() => live.stderr().includes("reconnected"), "the reconnect note", 20_000);
      expect(live.stderr()).toContain(`wf: reconnected to amqp://guest:[masked]@127.0.0.1:${proxy.port}; tailing ${x} again\n`);
      const events = await runDiamond(x, "tail-drop-1");
      await live.waitFor(() => live.lines().length >= events.length, `${events.length} lines after the reconnect`);
      expect(live.lines().map((line) => (JSON.parse(line) as WfEvent).id)).toEqual(events.map((e) => e.id));
      expect((await interrupt(live)).code).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});
