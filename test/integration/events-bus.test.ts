import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WfEventSchema, type WfEvent } from "wfkit";
import { BusAccessRefusedError, BusUnavailableError, compileEventsOptions, createEvent, createLogger, startEventPublisher } from "wfkit/engine";
import { AmqpEventPublisher, loadAmqplib } from "../../src/events/amqp-publisher.js";
import { encodeEvent } from "../../src/events/open-run-events.js";
import { startLive, startWf, wf } from "../support/wf-cli.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { action, attemptOf, taskOf } from "../support/events.js";
import { findRunDir } from "../support/run-dir.js";
import { runWorkerCommand } from "../support/worker-command.js";

const BROKER = { host: "127.0.0.1", port: 5672 };
const BUS_URL = `amqp://guest:guest@${BROKER.host}:${BROKER.port}`;

/** Whether the broker answers on its port. */
async function brokerUp(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(BROKER.port, BROKER.host);
    socket.setTimeout(2000);
    socket.on("connect", () => (socket.destroy(), resolve(true)));
    socket.on("error", () => resolve(false));
    socket.on("timeout", () => (socket.destroy(), resolve(false)));
  });
}

const up = await brokerUp();
if (!up && process.env["CI"] === "true") throw new Error(`CI needs RabbitMQ on ${BROKER.host}:${BROKER.port} (guest/guest) for the status event tests`);
const title = up ? "status events on RabbitMQ" : `status events on RabbitMQ (skipped: nothing listens on ${BROKER.host}:${BROKER.port})`;

/** An exclusive queue bound to `exchange` with `#`, collecting every message. */
async function consume(exchange: string) {
  const amqp = await loadAmqplib();
  const connection = await amqp.connect(BUS_URL);
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, "topic", { durable: true });
  const { queue } = await channel.assertQueue("", { exclusive: true });
  await channel.bindQueue(queue, exchange, "#");
  const messages: { key: string; event: WfEvent; messageId: string; persistent: boolean }[] = [];
  await channel.consume(
    queue,
    (m) => {
      if (m === null) return;
      messages.push({ key: m.fields.routingKey, event: JSON.parse(m.content.toString()) as WfEvent, messageId: String(m.properties.messageId), persistent: m.properties.deliveryMode === 2 });
    },
    { noAck: true },
  );
  return {
    messages,
    /** Wait until `done` holds for what has arrived (or fail after `ms`). */
    async until(done: (events: WfEvent[]) => boolean, ms = 20_000): Promise<WfEvent[]> {
      const end = Date.now() + ms;
      while (!done(messages.map((m) => m.event))) {
        if (Date.now() > end) throw new Error(`timed out; got ${messages.map((m) => m.key).join(", ")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return messages.map((m) => m.event);
    },
    close: () => connection.close(),
  };
}

/** Every event once, by id, in arrival order: what a de-duplicating consumer keeps. */
function unique(events: WfEvent[]): WfEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
}

/** The actions of one task's events, in order, as `action#attempt`. */
function actionsOf(events: WfEvent[], task: string | undefined): string[] {
  return events.filter((e) => taskOf(e) === task).map((e) => (task === undefined ? action(e) : `${action(e)}#${attemptOf(e)}`));
}

function eventsFile(home: string, runId: string): WfEvent[] {
  return readFileSync(path.join(findRunDir(home, runId), "events.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as WfEvent);
}

describe.skipIf(!up)(title, () => {
  const exchange = `wfkit.test.${randomUUID()}`;
  let home: string;
  let env: Record<string, string>;

  beforeAll(() => {
    home = mkdtempSync(path.join(tmpdir(), "wfkit-bus-"));
    env = { WF_HOME: home, WF_BUS_URL: BUS_URL, WF_BUS_EXCHANGE: exchange, WF_RETRY_DELAY_SECONDS: "0", WF_PROGRESS: "off" };
  });

  it("a local run of examples/diamond.ts publishes every task's lifecycle, in order, schema-valid, with unique ids", async () => {
    const bus = await consume(exchange);
    const runId = `diamond-${randomUUID().slice(0, 8)}`;
    try {
      const out = await wf(["run", "examples/diamond.ts", "--run-id", runId], { ...env, WF_EVENTS_PROGRESS_INTERVAL: "0.02" });
      expect(out.code, out.stderr).toBe(0);
      const events = (await bus.until((es) => es.some((e) => e.data.runId === runId && action(e) === "run.succeeded"))).filter((e) => e.data.runId === runId);
      for (const e of events) expect(WfEventSchema.parse(e)).toEqual(e);
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
      const mine = bus.messages.filter((m) => m.event.data.runId === runId);
      for (const m of mine) {
        expect(m.messageId).toBe(m.event.id);
        expect(m.persistent).toBe(true);
        expect(m.key).toBe(`images_to_site_gallery_1_0_0.${taskOf(m.event) ?? "_run"}.${action(m.event)}`);
      }
      expect(actionsOf(events, undefined)).toEqual(["run.started", "run.succeeded"]);
      for (const task of ["Fetch", "Publish"]) expect(actionsOf(events, task)).toEqual(["task.started#1", "task.succeeded#1"]);
      for (const task of ["Resize", "Classify", "Index"]) {
        const actions = actionsOf(events, task).filter((a) => a !== "task.progress#1");
        expect(actions).toEqual(["task.started#1", "task.succeeded#1"]);
        const progress = events.filter((e) => taskOf(e) === task && action(e) === "task.progress");
        // 5 steps of 20 ms, events every 20 ms at most: some, and counts that never go back
        expect(progress.length).toBeGreaterThan(0);
        const counts = progress.map((e) => (e.data.action === "task.progress" ? e.data.progress.completed : -1));
        expect(counts).toEqual([...counts].sort((a, b) => a - b));
        expect(actionsOf(events, task)[0]).toBe("task.started#1");
        expect(actionsOf(events, task).at(-1)).toBe("task.succeeded#1");
      }
      expect(events[0]!.data.action).toBe("run.started");
      expect(events.at(-1)!.data.action).toBe("run.succeeded");
      // the run's events.jsonl holds the same events, in the same order per task
      expect(eventsFile(home, runId).map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
    } finally {
      await bus.close();
    }
  });

  it("a task awaiting a promise nothing settles is found with a bus too (its socket keeps no run alive), and every event still reaches the broker", async () => {
    const bus = await consume(exchange);
    const runId = `hangs-${randomUUID().slice(0, 8)}`;
    try {
      const out = await wf(["run", "test/fixtures/workflows/quits.ts", "-w", "hangs", "--run-id", runId, "--json"], env);
      expect(out.code, out.stderr).toBe(1);
      const result = JSON.parse(out.stdout) as { tasks: { status: string; attempts: { error?: string }[] }[] };
      expect(result.tasks.map((t) => t.status)).toEqual(["failed", "upstream_failed"]);
      expect(result.tasks[0]!.attempts[0]!.error).toMatch(/^TaskCrashedError: task Hangs crashed: its run\(\) never settled/);
      const events = (await bus.until((es) => es.some((e) => e.data.runId === runId && action(e) === "run.failed"))).filter((e) => e.data.runId === runId);
      expect(events.map(action)).toEqual(["run.started", "task.started", "task.failed", "run.failed"]);
      expect(out.stderr).not.toContain("spool");
    } finally {
      await bus.close();
    }
  });

  it("examples/flaky.ts: retries, failures, upstream failures and the run's failure are all on the bus", async () => {
    const bus = await consume(exchange);
    const runId = `flaky-${randomUUID().slice(0, 8)}`;
    try {
      const out = await wf(["run", "examples/flaky.ts", "--run-id", runId], env);
      expect(out.code).toBe(1);
      const events = (await bus.until((es) => es.some((e) => e.data.runId === runId && action(e) === "run.failed"))).filter((e) => e.data.runId === runId);
      for (const e of events) expect(WfEventSchema.parse(e)).toEqual(e);
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
      expect(actionsOf(events, undefined)).toEqual(["run.started", "run.failed"]);
      expect(actionsOf(events, "Start")).toEqual(["task.started#1", "task.succeeded#1"]);
      expect(actionsOf(events, "Flaky")).toEqual(["task.started#1", "task.failed#1", "task.retrying#1", "task.started#2", "task.succeeded#2"]);
      expect(actionsOf(events, "Summarize")).toEqual(["task.started#1", "task.succeeded#1"]);
      expect(actionsOf(events, "AlwaysFails")).toEqual(["task.started#1", "task.failed#1"]);
      // never started: their upstream failed
      expect(actionsOf(events, "Publish")).toEqual([]);
      expect(actionsOf(events, "Notify")).toEqual([]);
      const failed = events.find((e) => taskOf(e) === "AlwaysFails" && action(e) === "task.failed")!;
      expect(failed.data).toMatchObject({ error: { name: "ExportError", message: "the export target rejected the file: quota exceeded", resolvableBy: "user" } });
      const retrying = events.find((e) => action(e) === "task.retrying")!;
      expect(retrying.data).toMatchObject({ nextAttempt: 2, delaySeconds: 0, error: { name: "Error", resolvableBy: "user" } });
      expect(events.at(-1)!.data).toMatchObject({ action: "run.failed", failedTasks: ["AlwaysFails"] });
    } finally {
      await bus.close();
    }
  });

  describe("through a TCP proxy the test cuts", () => {
    let proxy: TcpProxy;
    let proxied: Record<string, string>;
    beforeAll(async () => {
      proxy = await new TcpProxy(BROKER).start();
      proxied = { ...env, WF_BUS_URL: `amqp://guest:guest@127.0.0.1:${proxy.port}`, WF_BUS_SPOOL_DIR: mkdtempSync(path.join(tmpdir(), "wfkit-spool-")) };
    });
    afterAll(async () => proxy.close());

    /** Check a run's events after de-duplication: exactly its events file's, per task in order, and tasks not held up. */
    function checkDelivered(delivered: WfEvent[], runId: string, paceMs: number): void {
      const events = unique(delivered.filter((e) => e.data.runId === runId));
      const file = eventsFile(home, runId);
      expect(events.map((e) => e.id).sort()).toEqual(file.map((e) => e.id).sort());
      for (const task of [undefined, "One", "Two", "Three", "Four", "Five"]) {
        expect(actionsOf(events, task)).toEqual(actionsOf(file, task));
      }
      for (const e of events) {
        if (e.data.action === "task.succeeded") expect(e.data.durationMs, `${e.data.task} was held up by the outage`).toBeLessThan(paceMs + 1500);
      }
    }

    it("broker cut before the run and restored during it: every event arrives, in order per task", async () => {
      const bus = await consume(exchange);
      const runId = `cut-before-${randomUUID().slice(0, 8)}`;
      try {
        proxy.cut();
        const run = startLive(["run", "test/fixtures/workflows/paced.ts", "--run-id", runId, "-p", "paceMs=400"], { ...proxied, WF_EVENTS_PROGRESS_INTERVAL: "0.1" });
        // Restore once the run has met the outage, not after a fixed delay: a slow start-up
        // (a loaded CI machine) would otherwise find the broker already back.
        await run.waitFor(() => run.stderr().includes("is not usable"), "the outage warning");
        proxy.restore();
        const out = await run.done;
        expect(out.code, out.stderr).toBe(0);
        expect(out.stderr).not.toContain("could not be published yet");
        const delivered = await bus.until((es) => es.some((e) => e.data.runId === runId && action(e) === "run.succeeded"));
        checkDelivered(delivered, runId, 400);
      } finally {
        proxy.restore();
        await bus.close();
      }
    });

    it("broker cut in the middle of the run and restored: every event arrives exactly once after de-duplication", async () => {
      const bus = await consume(exchange);
      const runId = `cut-mid-${randomUUID().slice(0, 8)}`;
      try {
        const run = startWf(["run", "test/fixtures/workflows/paced.ts", "--run-id", runId, "-p", "paceMs=600"], { ...proxied, WF_EVENTS_PROGRESS_INTERVAL: "0.1" });
        await bus.until((es) => es.some((e) => e.data.runId === runId && taskOf(e) === "Two" && action(e) === "task.started"));
        proxy.cut();
        setTimeout(() => proxy.restore(), 900);
        const out = await run.done;
        expect(out.code, out.stderr).toBe(0);
        expect(out.stderr).toContain("is not usable");
        expect(out.stderr).not.toContain("could not be published yet");
        const delivered = await bus.until((es) => es.some((e) => e.data.runId === runId && action(e) === "run.succeeded"));
        checkDelivered(delivered, runId, 600);
      } finally {
        proxy.restore();
        await bus.close();
      }
    });

    it("WF_BUS_STRICT=1: a broker lost mid-run stops the run (exit 1), and its events still wait in the spool", async () => {
      const bus = await consume(exchange);
      const runId = `strict-${randomUUID().slice(0, 8)}`;
      try {
        const run = startWf(["run", "test/fixtures/workflows/paced.ts", "--run-id", runId, "-p", "paceMs=600"], { ...proxied, WF_BUS_STRICT: "1", WF_BUS_SPOOL_DIR: mkdtempSync(path.join(tmpdir(), "wfkit-spool-")) });
        await bus.until((es) => es.some((e) => e.data.runId === runId && taskOf(e) === "Two" && action(e) === "task.started"));
        proxy.cut();
        const out = await run.done;
        proxy.restore();
        expect(out.code).toBe(1);
        expect(out.stderr).toContain("WF_BUS_STRICT is set");
        const file = eventsFile(home, runId);
        expect(actionsOf(file, "Two")).toEqual(["task.started#1", "task.terminated#1"]);
        expect(actionsOf(file, "Three")).toEqual([]);
        expect(actionsOf(file, undefined)).toEqual(["run.started", "run.terminated"]);
      } finally {
        proxy.restore();
        await bus.close();
      }
    });

    // Found by trying to break wfkit: with the broker frozen, `wf run` lived until it came back
    // (45 s later, exit 13); with a link that dropped bytes, over 11 minutes.
    for (const how of ["freeze", "drop"] as const) {
      it(`broker ${how === "freeze" ? "frozen" : "dropping every byte"} mid-run: wf run ends within the publish timeout + 4 s, its events in the spool`, async () => {
        const bus = await consume(exchange);
        const runId = `${how}-${randomUUID().slice(0, 8)}`;
        const spool = mkdtempSync(path.join(tmpdir(), "wfkit-spool-"));
        try {
          const run = startWf(["run", "test/fixtures/workflows/paced.ts", "--run-id", runId, "-p", "paceMs=300"], { ...proxied, WF_BUS_SPOOL_DIR: spool, WF_BUS_PUBLISH_TIMEOUT: "3" });
          await bus.until((es) => es.some((e) => e.data.runId === runId && taskOf(e) === "Two" && action(e) === "task.started"));
          proxy[how]();
          const since = Date.now();
          const out = await run.done;
          // The rest of the run (4 tasks of 300 ms), then the bound (3 s + 4 s), and room for a slow machine; a run
          // that waited for the broker would take minutes.
          expect(Date.now() - since).toBeLessThan(1_200 + 7_000 + 8_000);
          expect(out.code, out.stderr).toBe(0);
          expect(out.stderr).toMatch(/status event\(s\) could not be published yet; they wait in .*spool/);
          expect(readdirSync(spool).filter((f) => f.endsWith(".jsonl"))).toHaveLength(1);
          expect(actionsOf(eventsFile(home, runId), undefined)).toEqual(["run.started", "run.succeeded"]);
        } finally {
          proxy.thaw();
          await bus.close();
        }
      });
    }

    it("broker frozen while wf run-task runs a task: it ends within the publish timeout + 4 s too, its events in the spool", async () => {
      const bus = await consume(exchange);
      const runId = `freeze-task-${randomUUID().slice(0, 8)}`;
      const spool = mkdtempSync(path.join(tmpdir(), "wfkit-spool-"));
      try {
        const run = startWf(["run-task", "test/fixtures/workflows/paced.ts", "--task", "One", "--run-id", runId, "--params", '{"paceMs":1200}'], { ...proxied, WF_BUS_SPOOL_DIR: spool, WF_BUS_PUBLISH_TIMEOUT: "3" });
        await bus.until((es) => es.some((e) => e.data.runId === runId && action(e) === "task.started"));
        proxy.freeze();
        const since = Date.now();
        const out = await run.done;
        expect(Date.now() - since).toBeLessThan(1_200 + 7_000 + 8_000);
        expect(out.code, out.stderr).toBe(0);
        expect(out.stderr).toMatch(/status event\(s\) could not be published yet; they wait in .*spool/);
        expect(actionsOf(eventsFile(home, runId), "One")).toEqual(["task.started#1", "task.succeeded#1"]);
      } finally {
        proxy.thaw();
        await bus.close();
      }
    });

    it("broker down for the whole run: the run ends on time, and the next wf process publishes the spooled events", async () => {
      const bus = await consume(exchange);
      const runId = `down-${randomUUID().slice(0, 8)}`;
      try {
        proxy.cut();
        const started = Date.now();
        // A publish timeout far above the bound: a run that waited for the broker would blow it,
        // a slow machine would not.
        const out = await wf(["run", "test/fixtures/workflows/paced.ts", "--run-id", runId, "-p", "paceMs=100"], { ...proxied, WF_BUS_PUBLISH_TIMEOUT: "60" });
        expect(out.code, out.stderr).toBe(0);
        // 5 tasks of 100 ms: the outage adds no wait at the end (the events are on disk already)
        expect(Date.now() - started).toBeLessThan(15_000);
        expect(out.stderr).toMatch(/status event\(s\) could not be published yet; they wait in .*spool/);
        expect(readdirSync(proxied["WF_BUS_SPOOL_DIR"]!).filter((f) => f.endsWith(".jsonl"))).toHaveLength(1);
        expect(bus.messages.filter((m) => m.event.data.runId === runId)).toEqual([]);
        proxy.restore();
        const next = await wf(["run", "examples/etl.ts"], proxied);
        expect(next.code, next.stderr).toBe(0);
        const delivered = await bus.until((es) => es.some((e) => e.data.runId === runId && action(e) === "run.succeeded"));
        checkDelivered(delivered, runId, 100);
        // the replayed run's events come before the new run's
        const order = bus.messages.map((m) => m.event.data.runId);
        expect(order.lastIndexOf(runId)).toBeLessThan(order.findIndex((id) => id !== runId));
        expect(readdirSync(proxied["WF_BUS_SPOOL_DIR"]!).filter((f) => f.endsWith(".jsonl") && f !== "rejected.jsonl")).toEqual([]);
      } finally {
        proxy.restore();
        await bus.close();
      }
    }, 60_000);
  });

  describe("wf run-task, the Airflow worker path: one process, a crash reported by the worker command", () => {
    const runTask = (task: string, runId: string) =>
      startWf(["run-task", "test/fixtures/workflows/crashing.ts", "--task", task, "--run-id", runId, "--dag-id", "crashing_1.0.0"], env);

    it.each([
      ["Killed", "SIGKILL", 137],
      ["Aborts", "SIGABRT", 134],
    ])("%s: the task process dies by %s without reporting -> the worker command reports task.crashed", async (task, signal, code) => {
      const bus = await consume(exchange);
      const runId = `crash-${randomUUID().slice(0, 8)}`;
      try {
        const out = await runWorkerCommand("test/fixtures/workflows/crashing.ts", { ...env, WF_HOME: home, WF_TASK: task, WF_RUN_ID: runId, WF_DAG_ID: "crashing_1.0.0", WF_ATTEMPT: "1" }).done;
        expect(out.code, out.stderr).toBe(code);
        expect(out.stderr).toContain(`was killed by ${signal}`);
        const arrived = (await bus.until((es) => es.some((e) => e.data.runId === runId && action(e) === "task.crashed"))).filter((e) => e.data.runId === runId);
        // The dead process's events are published again with the crash (at least once, same ids).
        const events = unique(arrived);
        expect(events.map((e) => action(e))).toEqual(["task.started", "task.crashed"]);
        const crashed = events[1]!;
        expect(WfEventSchema.parse(crashed)).toEqual(crashed);
        expect(crashed.data).toMatchObject({ task, attempt: 1, dagId: "crashing_1.0.0", workflow: "crashing", version: "1.0.0", engine: "airflow", exitCode: null, signal, lastAction: "task.started" });
        // about the task process, whose pid task.started carries
        expect(crashed.data.pid).toBe(events[0]!.data.pid);
        expect(eventsFile(path.join(home), runId).map((e) => action(e))).toEqual(["task.started", "task.crashed"]);
      } finally {
        await bus.close();
      }
    });

    it("a task that ended (SIGTERM: task.terminated) is not reported again as crashed", async () => {
      const bus = await consume(exchange);
      const runId = `term-cmd-${randomUUID().slice(0, 8)}`;
      try {
        const run = runWorkerCommand("test/fixtures/workflows/crashing.ts", { ...env, WF_HOME: home, WF_TASK: "Waits", WF_RUN_ID: runId, WF_DAG_ID: "crashing_1.0.0", WF_ATTEMPT: "1" });
        await bus.until((es) => es.some((e) => e.data.runId === runId && action(e) === "task.started"));
        // Airflow signals the operator's whole process group.
        process.kill(-run.pid()!, "SIGTERM");
        const out = await run.done;
        expect(out.code, out.stderr).toBe(143);
        await bus.until((es) => es.some((e) => e.data.runId === runId && action(e) === "task.terminated"));
        expect(eventsFile(path.join(home), runId).map((e) => action(e))).toEqual(["task.started", "task.terminated"]);
        expect(out.stderr).not.toContain("task.crashed");
      } finally {
        await bus.close();
      }
    });

    it("task code that calls process.exit(0) mid-task fails the task (TaskCrashedError), not a success", async () => {
      const bus = await consume(exchange);
      const runId = `exit-${randomUUID().slice(0, 8)}`;
      try {
        const out = await runTask("Exits", runId).done;
        expect(out.code).toBe(1);
        const events = (await bus.until((es) => es.some((e) => e.data.runId === runId && action(e) === "task.failed"))).filter((e) => e.data.runId === runId);
        expect(events.map((e) => action(e))).toEqual(["task.started", "task.failed"]);
        expect(events[1]!.data).toMatchObject({ error: { name: "TaskCrashedError", resolvableBy: "user" } });
        expect(out.stderr).toContain("a task called process.exit(0)");
      } finally {
        await bus.close();
      }
    });

    it("SIGTERM to wf run-task: rollback runs and task.terminated arrives, no crash", async () => {
      const bus = await consume(exchange);
      const runId = `term-${randomUUID().slice(0, 8)}`;
      try {
        const run = runTask("Waits", runId);
        await bus.until((es) => es.some((e) => e.data.runId === runId && action(e) === "task.started"));
        run.child.kill("SIGTERM");
        const out = await run.done;
        expect(out.code).toBe(143);
        const events = (await bus.until((es) => es.some((e) => e.data.runId === runId && action(e) === "task.terminated"))).filter((e) => e.data.runId === runId);
        expect(events.map((e) => action(e))).toEqual(["task.started", "task.terminated"]);
        expect(events[1]!.data).toMatchObject({ reason: expect.stringContaining("received SIGTERM") });
        expect(existsSync(path.join(findRunDir(home, runId), "rolled-back-Waits"))).toBe(true);
      } finally {
        await bus.close();
      }
    });
  });

  describe("AmqpEventPublisher", () => {
    const origin = { runId: "pub-test", dagId: "pub_1.0.0", workflowName: "pub", version: "1.0.0", engine: "local" as const };
    const quiet = () => {
      const lines: string[] = [];
      return { lines, logger: createLogger({ level: "debug", format: "json", destination: (l) => lines.push(l) }) };
    };
    const options = (spoolDir: string, logger: ReturnType<typeof quiet>["logger"], url = BUS_URL) => ({
      url,
      exchange,
      spoolDir,
      publishTimeoutSeconds: 2,
      heartbeatSeconds: 5,
      maxEventBytes: 4096,
      strict: false,
      encode: (e: WfEvent) => encodeEvent(e, "cloudevents"),
      logger,
    });

    it("startEventPublisher (wfkit/engine) publishes to the configured exchange, with confirms", async () => {
      const bus = await consume(exchange);
      const home = mkdtempSync(path.join(tmpdir(), "wfkit-publisher-"));
      const log = quiet();
      try {
        const publisher = await startEventPublisher(compileEventsOptions({ busUrl: BUS_URL, exchange }, home), log.logger);
        const events = [1, 2, 3].map((n) => createEvent(origin, "custom", { name: `n${n}`, payload: { n } }, { task: "T", attempt: 1 }));
        for (const event of events) publisher.publish(event);
        await publisher.flush();
        expect(publisher.stats()).toMatchObject({ confirmed: 3, spooled: 0, rejected: 0, left: 0 });
        const stats = await publisher.close();
        expect(stats.confirmed).toBe(3);
        await bus.until((es) => events.every((e) => es.some((got) => got.id === e.id)));
        expect(bus.messages.filter((m) => events.some((e) => e.id === m.messageId)).map((m) => m.key)).toEqual([
          "pub_1_0_0.T.custom.n1",
          "pub_1_0_0.T.custom.n2",
          "pub_1_0_0.T.custom.n3",
        ]);
      } finally {
        await bus.close();
      }
    });

    it("an event too large to publish is reported and kept in rejected.jsonl; the others go through", async () => {
      const bus = await consume(exchange);
      const spoolDir = mkdtempSync(path.join(tmpdir(), "wfkit-spool-"));
      const log = quiet();
      try {
        const publisher = await AmqpEventPublisher.start(options(spoolDir, log.logger));
        const small = createEvent(origin, "custom", { name: "small", payload: {} }, { task: "T", attempt: 1 });
        const big = createEvent(origin, "custom", { name: "big", payload: { blob: "x".repeat(10_000) } }, { task: "T", attempt: 1 });
        publisher.publish(big);
        publisher.publish(small);
        const stats = await publisher.close();
        expect(stats).toMatchObject({ confirmed: 1, rejected: 1, spooled: 0, left: 0 });
        await bus.until((es) => es.some((e) => e.id === small.id));
        expect(bus.messages.some((m) => m.event.id === big.id)).toBe(false);
        const rejected = JSON.parse(readFileSync(path.join(spoolDir, "rejected.jsonl"), "utf8")) as { reason: string; message: { id: string } };
        expect(rejected.message.id).toBe(big.id);
        expect(rejected.reason).toContain("WF_BUS_MAX_EVENT_BYTES");
        expect(log.lines.join("\n")).toContain(`status event ${big.id} (dev.wfkit.custom, routing key pub_1_0_0.T.custom.big) cannot be published`);
      } finally {
        await bus.close();
      }
    });

    it("an event the broker refuses (basic.nack) is retried, then reported and kept; the next ones still go out", async () => {
      const refusing = `wfkit.test.nack.${randomUUID()}`;
      const amqp = await loadAmqplib();
      const admin = await amqp.connect(BUS_URL);
      const channel = await admin.createChannel();
      await channel.assertExchange(refusing, "topic", { durable: true });
      // A full queue that refuses publishes: the broker nacks every message routed to it.
      const { queue } = await channel.assertQueue("", { exclusive: true, arguments: { "x-max-length": 0, "x-overflow": "reject-publish" } });
      await channel.bindQueue(queue, refusing, "#.refused");
      const spoolDir = mkdtempSync(path.join(tmpdir(), "wfkit-spool-"));
      const log = quiet();
      try {
        const publisher = await AmqpEventPublisher.start({ ...options(spoolDir, log.logger), exchange: refusing });
        const refused = createEvent(origin, "custom", { name: "refused", payload: {} }, { task: "T", attempt: 1 });
        const fine = createEvent(origin, "custom", { name: "fine", payload: {} }, { task: "T", attempt: 1 });
        publisher.publish(refused);
        publisher.publish(fine);
        const end = Date.now() + 15_000;
        while (publisher.stats().rejected === 0 || publisher.stats().left > 0) {
          if (Date.now() > end) throw new Error(`not settled: ${JSON.stringify(publisher.stats())}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        const stats = await publisher.close();
        expect(stats).toMatchObject({ rejected: 1, left: 0 });
        expect(stats.confirmed).toBeGreaterThanOrEqual(1);
        const kept = JSON.parse(readFileSync(path.join(spoolDir, "rejected.jsonl"), "utf8")) as { reason: string; message: { id: string } };
        expect(kept).toMatchObject({ reason: "the broker refused it 3 times (basic.nack)", message: { id: refused.id } });
        expect(readdirSync(spoolDir).filter((f) => f.endsWith(".jsonl") && f !== "rejected.jsonl")).toEqual([]);
        expect(log.lines.join("\n")).toContain(`status event ${refused.id} (dev.wfkit.custom, routing key pub_1_0_0.T.custom.refused) cannot be published`);
      } finally {
        await channel.deleteExchange(refusing).catch(() => {});
        await admin.close();
      }
    });

    it("strict mode: an unreachable broker is an error at start, with the password masked", async () => {
      const log = quiet();
      const closed = await new Promise<number>((resolve) => {
        const server = net.createServer().listen(0, "127.0.0.1", () => {
          const port = (server.address() as net.AddressInfo).port;
          server.close(() => resolve(port));
        });
      });
      const started = AmqpEventPublisher.start({ ...options(mkdtempSync(path.join(tmpdir(), "wfkit-spool-")), log.logger, `amqp://guest:s3cret-pw@127.0.0.1:${closed}`), strict: true });
      const error = await started.then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(BusUnavailableError);
      expect((error as Error).message).toContain(`cannot reach the event bus amqp://guest:[masked]@127.0.0.1:${closed} (`);
      expect((error as Error).message).not.toContain("s3cret-pw");
    });
  });

  it("strict mode: a virtual host the broker will not open is a configuration error that names it", async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "debug", format: "json", destination: (l) => lines.push(l) });
    const error = await AmqpEventPublisher.start({
      url: `${BUS_URL}/no-such-vhost-${randomUUID().slice(0, 6)}`,
      exchange,
      spoolDir: mkdtempSync(path.join(tmpdir(), "wfkit-spool-")),
      publishTimeoutSeconds: 5,
      heartbeatSeconds: 5,
      maxEventBytes: 4096,
      strict: true,
      encode: (e: WfEvent) => encodeEvent(e, "cloudevents"),
      logger,
    }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BusAccessRefusedError);
    expect((error as Error).message).toMatch(/virtual host "no-such-vhost-\w+" .*fix the vhost in WF_BUS_URL/);
  });

  describe("a broker that refuses the credentials", () => {
    const badUrl = `amqp://guest:not-the-Pa55word@${BROKER.host}:${BROKER.port}`;

    it("warns with the password masked, spools, and the run still succeeds", async () => {
      const spool = mkdtempSync(path.join(tmpdir(), "wfkit-spool-"));
      const out = await wf(["run", "examples/etl.ts"], { ...env, WF_BUS_URL: badUrl, WF_BUS_SPOOL_DIR: spool });
      expect(out.code, out.stderr).toBe(0);
      expect(out.stderr).toMatch(/ACCESS.REFUSED|refused/i);
      expect(out.stderr).toContain("amqp://guest:[masked]@127.0.0.1:5672");
      expect(out.stderr).not.toContain("not-the-Pa55word");
      expect(readdirSync(spool).filter((f) => f.endsWith(".jsonl"))).toHaveLength(1);
    });

    it("with WF_BUS_STRICT=1: a clear error before anything runs, exit 2, password masked", async () => {
      const out = await wf(["run", "examples/etl.ts"], { ...env, WF_BUS_URL: badUrl, WF_BUS_STRICT: "1" });
      expect(out.code).toBe(2);
      expect(out.stderr).toContain("refused the login");
      expect(out.stderr).toContain("fix the user or password in WF_BUS_URL");
      expect(out.stderr).not.toContain("not-the-Pa55word");
      expect(out.stderr).not.toContain("extracted");
    });
  });
});
