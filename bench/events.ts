/**
 * Status events on RabbitMQ: how fast wfkit's publisher (`startEventPublisher`) gets events
 * confirmed by the broker, against amqplib used directly in the same rounds; and what
 * publishing to the bus adds to each task of a local run.
 *
 *   npm run bench:events                                          # builds dist/, then runs this file; prints the tables
 *   npm run build && npx tsx bench/events.ts --json               # machine-readable results on stdout
 *   npm run build && npx tsx bench/events.ts --runs 9             # timed rounds (default 5, at least 3)
 *   npm run build && npx tsx bench/events.ts --events 20000       # events per throughput round (default 100,000)
 *   npm run build && npx tsx bench/events.ts --tasks 1000         # tasks of the per-task runs (default 200)
 *   npm run build && npx tsx bench/events.ts --task-runs 21       # timed per-task runs of each kind (default 15, at least 3)
 *   npm run build && npx tsx bench/events.ts --url amqp://u:p@host:5672   # the broker (default amqp://guest:guest@127.0.0.1:5672)
 *   npm run build && node --cpu-prof --import tsx bench/events.ts --only wfkit   # wfkit's throughput rounds alone, to profile them (also raw, raw-encode, raw-burst)
 *   npm run build && npx tsx bench/events.ts --only tasks         # the per-task runs alone
 *   npx tsx --tsconfig test/tsconfig.json bench/events.ts         # the working tree's sources instead of dist/ (no build)
 *
 * Throughput with confirms. N task.progress events (default 100,000) are made once, up front,
 * with createEvent (a task's tracker with two sub-trackers and two metrics, 8 task names in
 * turn; some 880 bytes encoded), and encoded once for the peer with cloudEventMessage(event):
 * the message wfkit publishes in the default format, as the README's "On RabbitMQ" describes
 * it (the event's JSON, its routing key, type and content type). Each round publishes all of
 * them to the bench's own durable topic exchange, on which a fresh exclusive queue is bound
 * with `#`. Subjects:
 *
 *   wfkit       startEventPublisher(compileEventsOptions({ busUrl, exchange, spoolDir }), logger):
 *                 the default format, publish timeout, heartbeat and size limit; then flush()
 *                 to wait for the connection (outside the timer); timed: publish(event) for
 *                 every event in one synchronous loop, then `await flush()` until every
 *                 confirm is in. close() after the timer. publish() encodes each event itself (JSON.stringify): that is
 *                 part of what it costs.
 *   raw         amqplib directly: connect + createConfirmChannel + assertExchange (outside the
 *                 timer); timed: channel.publish(exchange, key, the pre-encoded buffer, the same
 *                 properties as wfkit's: persistent, messageId, type, contentType, appId,
 *                 timestamp), `await once(channel, "drain")` whenever publish returns false,
 *                 then `await channel.waitForConfirms()`.
 *   raw-encode  (extra) the same, encoding each event in the loop as wfkit does
 *                 (cloudEventMessage + Buffer.from): the work a program publishing these
 *                 events with amqplib would do.
 *   raw-burst   (extra) the same, with the events encoded the way a synchronous loop of
 *                 publish() calls has wfkit do it: all of them (cloudEventMessage) before the first
 *                 is sent, then Buffer.from as each goes out.
 *
 * Besides the time, each round records this process's CPU time over the timed section
 * (process.cpuUsage: user + system, every thread, so V8's background GC too): on a small
 * machine the client's CPU is taken from the broker's.
 *
 * After every round (warm-up included) the broker's side is checked: the queue holds exactly N
 * messages (checkQueue), and consuming them gives N distinct message ids, each one of the
 * round's, with the body, routing key and properties sent. wfkit's stats() must say N
 * confirmed, 0 spooled, 0 rejected, and its spool folder must be empty. A lost, duplicated or
 * altered event makes the results not valid (exit code 1).
 *
 * Per-task overhead. A chain of no-op tasks (default 200: T000 -> T001 -> …), run with runLocal
 * (progress off, a logger at warn writing nowhere, a temp home, retry delay 0, empty environment)
 *
 *   amqp     with events: { busUrl, exchange }: events.jsonl and RabbitMQ;
 *   no bus   without: the in-process bus and events.jsonl only, the default;
 *   floor    a plain `for (const fn of fns) await fn()` over as many async functions calling the
 *              same no-op, as in bench/local-engine.ts.
 *
 * µs per task = the whole runLocal call / tasks, so the end of the run (waiting for the last
 * confirms, closing the connection) is amortised over the tasks; it is also split at the moment
 * the run's last event (run.succeeded) is published: the run itself, and its close. A chain runs
 * one task at a time, so its time is the sum of the tasks' own paths (a fan-out would overlap
 * them 16 at a time). Every amqp run's events must all reach the bound queue: the same ids as
 * its events.jsonl, which must hold 2 events per task and 2 for the run.
 *
 * Rounds are interleaved (the order rotating) so that load from other processes hits all
 * subjects alike; medians are reported. It imports "wfkit" and "wfkit/local" as a user would,
 * i.e. the built dist/ (with `--tsconfig test/tsconfig.json`, tsx maps them to the sources).
 */
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";
import amqp, { type Channel, type ConsumeMessage } from "amqplib";
import { WfEventSchema, Workflow, type WfEvent } from "wfkit";
import {
  compileEventsOptions,
  createEvent,
  createLogger,
  newRunId,
  startEventPublisher,
  type EventOrigin,
  type PublisherStats,
} from "wfkit/engine";
import { runLocal } from "wfkit/local";
import { countArg, stringArg } from "./support/args.js";
import { forAwaitFloor, noopCalls, noopTaskClass } from "./support/noop-tasks.js";
import { machineInfo } from "./support/machine.js";
import { median } from "./support/stats.js";
import { printTable } from "./support/table.js";

// ---------------------------------------------------------------------------------------------
// Settings

const argv = process.argv.slice(2);
const json = argv.includes("--json");
const RUNS = countArg(argv, "--runs", 5, 3);
const EVENTS = countArg(argv, "--events", 100_000, 1_000);
const TASKS = countArg(argv, "--tasks", 200, 10);
const TASK_RUNS = countArg(argv, "--task-runs", 15, 3);
const ONLY = stringArg(argv, "--only");
/** The throughput subjects, by name (`--only <name>`); `--only tasks` runs the per-task part alone. */
const SUBJECT_NAMES = ["wfkit", "raw", "raw-encode", "raw-burst"];
if (ONLY !== undefined && ONLY !== "tasks" && !SUBJECT_NAMES.includes(ONLY)) throw new Error(`--only: tasks or one of ${SUBJECT_NAMES.join(", ")}, not ${ONLY}`);
const URL_ARG = stringArg(argv, "--url") ?? "amqp://guest:guest@127.0.0.1:5672";
const BUS_URL = new URL(URL_ARG);
/** wfkit's default heartbeat (WF_BUS_HEARTBEAT), on the peer's connection too. */
const HEARTBEAT_SECONDS = 15;
const EXCHANGE = `wfkit.bench.events.${process.pid}`;
/** How long the timed flush may wait for the last confirms; above the publish timeout, so a slow round is slow, not spooled. */
const FLUSH_TIMEOUT_MS = 300_000;
/** Target from the issue: wfkit's confirmed events/s at least this share of raw amqplib's. */
const TARGET_RATIO = 0.9;

// A forced GC before each timed section keeps one section's garbage out of the next one's time.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const warnings: string[] = [];
/** Lost, duplicated or altered events: the results are not valid. */
const losses: string[] = [];
const warnLines: string[] = [];
/** wfkit's own warnings and errors (outages, spooling) become the benchmark's warnings. */
const logger = createLogger({ level: "warn", format: "json", destination: (line: string) => void warnLines.push(line) });
const home = mkdtempSync(path.join(tmpdir(), "wfkit-bench-events-"));
const thousands = (x: number) => Math.round(x).toLocaleString("en-US");

// ---------------------------------------------------------------------------------------------
// The broker

async function brokerUp(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(BUS_URL.port || 5672), BUS_URL.hostname);
    socket.setTimeout(2000);
    socket.on("connect", () => (socket.destroy(), resolve(true)));
    socket.on("error", () => resolve(false));
    socket.on("timeout", () => (socket.destroy(), resolve(false)));
  });
}

if (!(await brokerUp())) {
  const reason = `nothing listens on ${BUS_URL.hostname}:${BUS_URL.port || 5672}: start RabbitMQ or give --url`;
  console.log(json ? JSON.stringify({ benchmark: "events", skipped: reason }, null, 2) : `events: skipped: ${reason}`);
  rmSync(home, { recursive: true, force: true });
  process.exit(0);
}

/** The peer's URL: the same broker with wfkit's heartbeat (wfkit adds it to its own URL). */
function peerUrl(): string {
  const url = new URL(URL_ARG);
  if (!url.searchParams.has("heartbeat")) url.searchParams.set("heartbeat", String(HEARTBEAT_SECONDS));
  return url.toString();
}

/** The bench's own connection: declares the exchange, binds a queue per round and reads it back. */
const observer = await amqp.connect(URL_ARG);
observer.on("error", (error: Error) => warnings.push(`the bench's own connection: ${error.message}`));
const observerChannel: Channel = await observer.createChannel();
await observerChannel.assertExchange(EXCHANGE, "topic", { durable: true });
const brokerVersion = `${observer.connection.serverProperties.product} ${observer.connection.serverProperties.version}`;

function amqplibVersion(): string {
  try {
    const file = new URL("../node_modules/amqplib/package.json", import.meta.url);
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** A fresh exclusive queue bound to the bench's exchange with `#`: it receives every event of the round. */
async function boundQueue(): Promise<string> {
  const { queue } = await observerChannel.assertQueue("", { exclusive: true });
  await observerChannel.bindQueue(queue, EXCHANGE, "#");
  return queue;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Messages in the queue, once the count stops moving (it is exact once every confirm is in; this only guards). */
async function queueCount(queue: string, expected: number): Promise<number> {
  let count = (await observerChannel.checkQueue(queue)).messageCount;
  for (let i = 0; i < 20 && count !== expected; i++) {
    await sleep(100);
    count = (await observerChannel.checkQueue(queue)).messageCount;
  }
  return count;
}

/**
 * Consume everything in `queue` (`count` messages), hand each to `check`, then delete the queue.
 * Waits until `count` have arrived, or 10 s without a new one.
 */
async function drainQueue(queue: string, count: number, check: (m: ConsumeMessage) => void): Promise<number> {
  let received = 0;
  let last = Date.now();
  const { consumerTag } = await observerChannel.consume(
    queue,
    (m) => {
      if (m === null) return;
      received++;
      last = Date.now();
      check(m);
    },
    { noAck: true },
  );
  while (received < count && Date.now() - last < 10_000) await sleep(20);
  await observerChannel.cancel(consumerTag);
  await observerChannel.deleteQueue(queue);
  return received;
}

// ---------------------------------------------------------------------------------------------
// The wire format, as the README's "On RabbitMQ" documents it

/** One message as it goes on the wire. */
interface BusMessage {
  id: string;
  key: string;
  type: string;
  contentType: string;
  body: string;
}

/** A routing-key word: a dot inside a name becomes `_`. */
const routingWord = (name: string): string => name.replaceAll(".", "_");

/**
 * What wfkit publishes for a task or run event in the default format (CloudEvents): the event's
 * JSON, routing key `<dag_id>.<task>.<action>` (`_run` for run events), the event's type and
 * CloudEvents' content type. A difference from what wfkit sends fails the round's check.
 */
function cloudEventMessage(event: WfEvent): BusMessage {
  const data = event.data;
  if (data.action === "custom") throw new Error("the bench makes no custom events");
  const task = "task" in data ? data.task : "_run";
  return {
    id: event.id,
    key: `${routingWord(data.dagId)}.${routingWord(task)}.${data.action}`,
    type: event.type,
    contentType: "application/cloudevents+json; charset=utf-8",
    body: JSON.stringify(event),
  };
}

/** The URL with its password masked, for the report. */
function maskedUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:/@]*:)[^@/]*@/, "$1[masked]@");
}

// ---------------------------------------------------------------------------------------------
// Throughput: the events, made and encoded once

const origin: EventOrigin = {
  runId: newRunId(),
  dagId: "csv_to_report_etl_orders_1.0.0",
  workflowName: "csv_to_report_etl_orders",
  version: "1.0.0",
  engine: "local",
};
const TASK_NAMES = ["Extract", "Validate", "Clean", "Enrich", "Aggregate", "Render", "Publish", "Archive"];

function progressEvent(i: number): WfEvent {
  const task = TASK_NAMES[i % TASK_NAMES.length]!;
  const orders = 37 * i;
  const customers = 11 * i;
  return createEvent(
    origin,
    "task.progress",
    {
      progress: {
        title: task,
        state: "running",
        completed: orders + customers,
        children: [
          { title: "orders.csv", unit: "rows", state: "running", completed: orders, total: 3_700_000, children: [] },
          { title: "customers.csv", unit: "rows", state: "running", completed: customers, total: 1_100_000, children: [] },
        ],
      },
      metrics: { bytes: 512 * (orders + customers), rows_dropped: i % 97 },
    },
    { task, attempt: 1 },
  );
}

const events = Array.from({ length: EVENTS }, (_, i) => progressEvent(i));
const schemaCheck = WfEventSchema.safeParse(events[0]);
if (!schemaCheck.success) warnings.push(`the bench's event does not match WfEventSchema: ${schemaCheck.error.message.slice(0, 300)}`);
const messages: BusMessage[] = events.map(cloudEventMessage);
const buffers: Buffer[] = messages.map((m) => Buffer.from(m.body));
const indexOf = new Map(messages.map((m, i) => [m.id, i]));
const sizes = buffers.map((b) => b.length);
const eventBytes = { median: median(sizes), min: sizes.reduce((a, b) => Math.min(a, b)), max: sizes.reduce((a, b) => Math.max(a, b)) };
const totalBytes = sizes.reduce((a, b) => a + b, 0);

interface Sample {
  ms: number;
  /** This process's CPU time (user + system, all threads) over the timed section. */
  cpuMs: number;
  /** wfkit: the synchronous publish() loop alone (the rest is waiting for the channel and the confirms). */
  loopMs?: number;
}

interface Subject {
  name: string;
  label: string;
  extra: boolean;
  /** Publish every event once and wait for every confirm; set-up and closing outside the timer. */
  run(where: string): Promise<Sample>;
}

const wfkitSubject: Subject = {
  name: "wfkit",
  label: "wfkit startEventPublisher",
  extra: false,
  async run(where) {
    const spoolDir = mkdtempSync(path.join(home, "spool-"));
    // The defaults of the event options (WF_BUS_PUBLISH_TIMEOUT, WF_BUS_HEARTBEAT, WF_BUS_MAX_EVENT_BYTES, WF_EVENTS_FORMAT).
    const options = compileEventsOptions({ busUrl: URL_ARG, exchange: EXCHANGE, spoolDir, heartbeatSeconds: HEARTBEAT_SECONDS }, home);
    const publisher = await startEventPublisher(options, logger);
    // Connected before the timer, as the peer is.
    await publisher.flush();
    gc();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const event of events) publisher.publish(event);
    const t1 = performance.now();
    await publisher.flush(FLUSH_TIMEOUT_MS);
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const stats: PublisherStats = await publisher.close();
    if (stats.confirmed !== EVENTS || stats.spooled !== 0 || stats.rejected !== 0 || stats.left !== 0) {
      losses.push(`${where}: stats() ${stats.confirmed} confirmed, ${stats.spooled} spooled, ${stats.rejected} rejected, ${stats.left} left; expected ${EVENTS} confirmed and nothing else`);
    }
    const spooled = readdirSync(spoolDir);
    if (spooled.length > 0) losses.push(`${where}: the spool folder holds ${spooled.join(", ")}`);
    rmSync(spoolDir, { recursive: true, force: true });
    return { ms: t2 - t0, cpuMs: (cpu.user + cpu.system) / 1000, loopMs: t1 - t0 };
  },
};

/** How the peer gets each message's bytes: made before the timer, in the loop, or all encoded first inside the timer. */
type PeerEncoding = "before" | "in-loop" | "burst";

async function peer(where: string, encoding: PeerEncoding): Promise<Sample> {
  const connection = await amqp.connect(peerUrl());
  connection.on("error", (error: Error) => warnings.push(`${where}: connection error: ${error.message}`));
  const channel = await connection.createConfirmChannel();
  await channel.assertExchange(EXCHANGE, "topic", { durable: true });
  gc();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const burst = encoding === "burst" ? events.map(cloudEventMessage) : [];
  for (let i = 0; i < EVENTS; i++) {
    let message: BusMessage;
    let content: Buffer;
    if (encoding === "before") {
      message = messages[i]!;
      content = buffers[i]!;
    } else {
      message = encoding === "burst" ? burst[i]! : cloudEventMessage(events[i]!);
      content = Buffer.from(message.body);
    }
    const ok = channel.publish(EXCHANGE, message.key, content, {
      persistent: true,
      messageId: message.id,
      type: message.type,
      contentType: message.contentType,
      appId: "wfkit",
      timestamp: Math.floor(Date.now() / 1000),
    });
    if (!ok) await once(channel, "drain");
  }
  await channel.waitForConfirms();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await connection.close();
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const rawSubject: Subject = {
  name: "raw",
  label: "amqplib ConfirmChannel, pre-encoded",
  extra: false,
  run: (where) => peer(where, "before"),
};
const rawEncodeSubject: Subject = {
  name: "raw-encode",
  label: "amqplib ConfirmChannel, encoding in the loop (extra)",
  extra: true,
  run: (where) => peer(where, "in-loop"),
};
const rawBurstSubject: Subject = {
  name: "raw-burst",
  label: "amqplib ConfirmChannel, whole burst encoded first (extra)",
  extra: true,
  run: (where) => peer(where, "burst"),
};

const allSubjects = [wfkitSubject, rawSubject, rawEncodeSubject, rawBurstSubject];
if (allSubjects.some((s, i) => s.name !== SUBJECT_NAMES[i])) throw new Error("SUBJECT_NAMES and the subjects differ");
/** `--only tasks`: the per-task runs alone; `--only <subject>`: that subject's throughput rounds alone. */
const subjects = ONLY === undefined ? allSubjects : allSubjects.filter((s) => s.name === ONLY);

/** What the broker's side of a round showed. */
interface Delivered {
  queued: number;
  received: number;
  distinct: number;
}

/** Check the round's queue: N messages, N distinct ids of the round, each as sent. */
async function verifyRound(where: string, queue: string): Promise<Delivered> {
  const queued = await queueCount(queue, EVENTS);
  const seen = new Uint8Array(EVENTS);
  let distinct = 0;
  let duplicates = 0;
  let foreign = 0;
  let altered = 0;
  let firstAltered = "";
  const received = await drainQueue(queue, queued, (m) => {
    const i = indexOf.get(String(m.properties.messageId));
    if (i === undefined) return void foreign++;
    if (seen[i] !== 0) duplicates++;
    else {
      seen[i] = 1;
      distinct++;
    }
    const sent = messages[i]!;
    const p = m.properties;
    const problem = !m.content.equals(buffers[i]!)
      ? "body"
      : m.fields.routingKey !== sent.key
        ? `routing key ${m.fields.routingKey}`
        : p.deliveryMode !== 2
          ? `deliveryMode ${String(p.deliveryMode)}`
          : p.type !== sent.type || p.contentType !== sent.contentType || p.appId !== "wfkit" || typeof p.timestamp !== "number"
            ? `properties ${JSON.stringify({ type: p.type, contentType: p.contentType, appId: p.appId, timestamp: p.timestamp })}`
            : "";
    if (problem !== "" && altered++ === 0) firstAltered = `${sent.id}: ${problem}`;
  });
  if (queued !== EVENTS) losses.push(`${where}: the queue held ${queued} messages, expected ${EVENTS}`);
  if (distinct !== EVENTS || duplicates > 0 || foreign > 0) {
    losses.push(`${where}: ${received} messages consumed, ${distinct} distinct ids of ${EVENTS}, ${duplicates} duplicates, ${foreign} not of this round`);
  }
  if (altered > 0) losses.push(`${where}: ${altered} messages differ from what was sent, the first ${firstAltered}`);
  return { queued, received, distinct };
}

interface Cell {
  s: Subject;
  samples: Sample[];
  delivered: Delivered[];
}

async function throughputRound(c: Cell, where: string, timed: boolean): Promise<void> {
  const queue = await boundQueue();
  const sample = await c.s.run(where);
  const delivered = await verifyRound(where, queue);
  c.delivered.push(delivered);
  if (timed) c.samples.push(sample);
}

interface ThroughputResult {
  name: string;
  label: string;
  extra: boolean;
  eventsPerRound: number;
  ms: number[];
  eventsPerSecondRounds: number[];
  medianMs: number;
  eventsPerSecond: number;
  eventsPerSecondMin: number;
  eventsPerSecondMax: number;
  /** MB/s of bodies (medians). */
  megabytesPerSecond: number;
  /** This process's CPU over the timed section: median ms per round, and µs per event. */
  medianCpuMs: number;
  cpuUsPerEvent: number;
  /** wfkit: the publish() loop alone, median ms. */
  medianLoopMs?: number;
  /** Rounds (warm-up included) in which the broker got every event exactly once. */
  roundsComplete: number;
}

async function measureThroughput(): Promise<ThroughputResult[]> {
  if (ONLY === "tasks") return [];
  const cells: Cell[] = subjects.map((s) => ({ s, samples: [], delivered: [] }));
  for (const c of cells) await throughputRound(c, `${c.s.name}, warm-up`, false);
  for (let r = 0; r < RUNS; r++) {
    for (let k = 0; k < cells.length; k++) {
      const c = cells[(r + k) % cells.length]!;
      await throughputRound(c, `${c.s.name}, round ${r + 1}`, true);
    }
  }
  return cells.map(({ s, samples, delivered }) => {
    const ms = samples.map((x) => x.ms);
    const rates = ms.map((x) => (EVENTS * 1000) / x);
    const loops = samples.flatMap((x) => (x.loopMs === undefined ? [] : [x.loopMs]));
    return {
      name: s.name,
      label: s.label,
      extra: s.extra,
      eventsPerRound: EVENTS,
      ms,
      eventsPerSecondRounds: rates,
      medianMs: median(ms),
      eventsPerSecond: (EVENTS * 1000) / median(ms),
      eventsPerSecondMin: Math.min(...rates),
      eventsPerSecondMax: Math.max(...rates),
      megabytesPerSecond: totalBytes / 1e6 / (median(ms) / 1000),
      medianCpuMs: median(samples.map((x) => x.cpuMs)),
      cpuUsPerEvent: (median(samples.map((x) => x.cpuMs)) * 1000) / EVENTS,
      ...(loops.length > 0 ? { medianLoopMs: median(loops) } : {}),
      roundsComplete: delivered.filter((d) => d.queued === EVENTS && d.distinct === EVENTS && d.received === EVENTS).length,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Per-task overhead: a chain of no-op tasks

const chainClasses = Array.from({ length: TASKS }, (_, i) => noopTaskClass(`T${String(i).padStart(3, "0")}`));

/** A fresh (never analysed) chain T000 -> T001 -> …; built outside the timer. */
function buildChain(): Workflow {
  const wf = new Workflow({ category: "bench", detail: "events", inputData: "nothing", outputData: "nothing", version: "1.0.0" });
  chainClasses.forEach((task, i) => wf.addNode(task, i === 0 ? {} : { upstreams: chainClasses[i - 1]! }));
  return wf;
}

type TaskKind = "amqp" | "no bus" | "floor";
const TASK_KINDS: readonly TaskKind[] = ["amqp", "no bus", "floor"];

interface TaskSample {
  ms: number;
  /** Up to the run's last event (run.succeeded); the rest is the run's close. */
  runMs: number;
  closeMs: number;
}

/** The events a run wrote to its events.jsonl: 2 per task and 2 for the run, or a problem. */
function eventsFileIds(where: string, runDir: string): string[] {
  const lines = readFileSync(path.join(runDir, "events.jsonl"), "utf8").trim().split("\n");
  const ids = lines.map((line) => (JSON.parse(line) as WfEvent).id);
  if (ids.length !== 2 * TASKS + 2) losses.push(`${where}: events.jsonl holds ${ids.length} events, expected ${2 * TASKS + 2}`);
  return ids;
}

async function engineRun(kind: "amqp" | "no bus", where: string): Promise<TaskSample> {
  const queue = kind === "amqp" ? await boundQueue() : undefined;
  const wf = buildChain();
  let endedAt = 0;
  gc();
  noopCalls.count = 0;
  const t0 = performance.now();
  const result = await runLocal(wf, {
    logger,
    home,
    progress: "off",
    retryDelaySeconds: 0,
    env: {},
    onEvent: (event) => {
      if (event.data.action === "run.succeeded") endedAt = performance.now();
    },
    ...(kind === "amqp" ? { events: { busUrl: URL_ARG, exchange: EXCHANGE } } : {}),
  });
  const t1 = performance.now();
  if (result.status !== "success" || noopCalls.count !== TASKS || endedAt === 0) warnings.push(`${where}: run ${result.status}, ${noopCalls.count} of ${TASKS} tasks ran`);
  const ids = eventsFileIds(where, result.runDir);
  if (queue !== undefined) {
    const queued = await queueCount(queue, ids.length);
    const want = new Set(ids);
    const got = new Set<string>();
    let foreign = 0;
    const received = await drainQueue(queue, queued, (m) => {
      const id = String(m.properties.messageId);
      if (want.has(id)) got.add(id);
      else foreign++;
    });
    if (queued !== ids.length || got.size !== ids.length || received !== ids.length || foreign > 0) {
      losses.push(`${where}: the broker got ${received} messages (${got.size} distinct of the ${ids.length} in events.jsonl, ${foreign} others)`);
    }
  }
  return { ms: t1 - t0, runMs: endedAt - t0, closeMs: t1 - endedAt };
}

/** The floor: a plain for-await loop over as many async functions calling the same no-op. */
async function floorRun(where: string): Promise<TaskSample> {
  const { ms, ran } = await forAwaitFloor(TASKS, gc);
  if (ran !== TASKS) warnings.push(`${where}: the floor ran ${ran} of ${TASKS} functions`);
  return { ms, runMs: ms, closeMs: 0 };
}

interface TaskResult {
  kind: TaskKind;
  label: string;
  tasks: number;
  ms: number[];
  medianMs: number;
  usPerTask: number;
  runUsPerTask: number;
  closeUsPerTask: number;
  medianCloseMs: number;
}

const TASK_LABELS: Record<TaskKind, string> = {
  amqp: "runLocal, events on RabbitMQ (+ events.jsonl)",
  "no bus": "runLocal, no bus: events.jsonl only (default)",
  floor: "floor: for-await loop of no-op async functions",
};

async function measurePerTask(): Promise<TaskResult[]> {
  const samples = new Map<TaskKind, TaskSample[]>(TASK_KINDS.map((k) => [k, []]));
  const runOnce = (kind: TaskKind, where: string) => (kind === "floor" ? floorRun(where) : engineRun(kind, where));
  for (const kind of TASK_KINDS) await runOnce(kind, `${kind}, warm-up`);
  for (let r = 0; r < TASK_RUNS; r++) {
    for (let k = 0; k < TASK_KINDS.length; k++) {
      const kind = TASK_KINDS[(r + k) % TASK_KINDS.length]!;
      samples.get(kind)!.push(await runOnce(kind, `${kind}, run ${r + 1}`));
    }
  }
  return TASK_KINDS.map((kind) => {
    const s = samples.get(kind)!;
    const ms = s.map((x) => x.ms);
    return {
      kind,
      label: TASK_LABELS[kind],
      tasks: TASKS,
      ms,
      medianMs: median(ms),
      usPerTask: (median(ms) * 1000) / TASKS,
      runUsPerTask: (median(s.map((x) => x.runMs)) * 1000) / TASKS,
      closeUsPerTask: (median(s.map((x) => x.closeMs)) * 1000) / TASKS,
      medianCloseMs: median(s.map((x) => x.closeMs)),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Run

const loadStart = loadavg()[0]!;
let throughput: ThroughputResult[];
let perTask: TaskResult[] = [];
try {
  throughput = await measureThroughput();
  if (ONLY === undefined || ONLY === "tasks") perTask = await measurePerTask();
  const spool = path.join(home, "spool");
  if (existsSync(spool) && readdirSync(spool).length > 0) losses.push(`the runs' spool folder holds ${readdirSync(spool).join(", ")}`);
} finally {
  await observerChannel.deleteExchange(EXCHANGE).catch(() => {});
  await observer.close().catch(() => {});
  rmSync(home, { recursive: true, force: true });
}
const machine = machineInfo(loadStart);
for (const line of warnLines) warnings.push(`wfkit logged: ${line.slice(0, 400)}`);

// ---------------------------------------------------------------------------------------------
// Report

const wf = throughput.find((t) => t.name === "wfkit");
const raw = throughput.find((t) => t.name === "raw");
const rawEncode = throughput.find((t) => t.name === "raw-encode");
const rawBurst = throughput.find((t) => t.name === "raw-burst");
const ratioOf = (peerResult: ThroughputResult | undefined) =>
  wf && peerResult ? { ratio: wf.eventsPerSecond / peerResult.eventsPerSecond, roundRatios: wf.ms.map((ms, r) => peerResult.ms[r]! / ms) } : undefined;
const vsRaw = ratioOf(raw);
const vsRawEncode = ratioOf(rawEncode);
const vsRawBurst = ratioOf(rawBurst);
const valid = losses.length === 0;
const perTaskOf = (kind: TaskKind) => perTask.find((t) => t.kind === kind);
const amqpRun = perTaskOf("amqp");
const noBus = perTaskOf("no bus");
const floor = perTaskOf("floor");
const busOverheadUs = amqpRun && noBus ? amqpRun.usPerTask - noBus.usPerTask : undefined;

if (json) {
  console.log(
    JSON.stringify(
      {
        benchmark: "events",
        machine,
        broker: { url: maskedUrl(URL_ARG), version: brokerVersion, amqplib: amqplibVersion() },
        settings: { runs: RUNS, events: EVENTS, tasks: TASKS, taskRuns: TASK_RUNS, only: ONLY ?? null, eventBytes },
        targets: { ratioVsRaw: TARGET_RATIO, lostEvents: 0 },
        throughput,
        comparisons: {
          wfkitOverRaw: vsRaw ?? null,
          wfkitOverRawEncode: vsRawEncode ?? null,
          wfkitOverRawBurst: vsRawBurst ?? null,
        },
        perTask,
        busOverheadUsPerTask: busOverheadUs ?? null,
        verdicts: { valid, ratio: vsRaw === undefined ? null : vsRaw.ratio >= TARGET_RATIO, lostEvents: losses.length },
        losses,
        warnings,
      },
      null,
      2,
    ),
  );
} else {
  const f = (x: number, digits = 1) => x.toFixed(digits);
  console.log(`wfkit status events — node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.platform}; ${brokerVersion} at ${maskedUrl(URL_ARG)}, amqplib ${amqplibVersion()}`);
  console.log(`1-min load average: ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end`);
  console.log(
    `\nThroughput with confirms: ${thousands(EVENTS)} task.progress events per round (${thousands(eventBytes.median)} bytes each, median; ${thousands(eventBytes.min)}–${thousands(eventBytes.max)}), durable topic exchange, one exclusive queue bound with #; ${RUNS} timed rounds after 1 warm-up, interleaved; time = first publish to last confirm`,
  );
  printTable([
    ["publisher", "median ms", "events/s (median)", "events/s min–max", "MB/s", "CPU ms", "CPU µs/event", "publish() loop ms", "complete rounds", "wfkit / this"],
    ...throughput.map((t) => [
      t.label,
      f(t.medianMs),
      thousands(t.eventsPerSecond),
      `${thousands(t.eventsPerSecondMin)}–${thousands(t.eventsPerSecondMax)}`,
      f(t.megabytesPerSecond),
      f(t.medianCpuMs, 0),
      f(t.cpuUsPerEvent),
      t.medianLoopMs === undefined ? "" : f(t.medianLoopMs),
      `${t.roundsComplete}/${RUNS + 1}`,
      wf && t !== wf ? `${f(wf.eventsPerSecond / t.eventsPerSecond, 2)}x` : "",
    ]),
  ]);
  console.log("CPU: this process's CPU time over the timed section (user + system, all threads), median per round");
  console.log("complete rounds: rounds (warm-up included) whose queue got every event exactly once, as sent");
  console.log(`\nEvery round, events/s`);
  printTable([
    ["publisher", ...Array.from({ length: RUNS }, (_, r) => `round ${r + 1}`)],
    ...throughput.map((t) => [t.name, ...t.eventsPerSecondRounds.map((x) => thousands(x))]),
  ]);
  if (perTask.length > 0) {
    console.log(
      `\nPer task: a chain of ${TASKS} no-op tasks, ${TASK_RUNS} timed runs of each after 1 warm-up, interleaved; µs per task = the whole runLocal call / ${TASKS} (the run's close amortised), split at the run's last event`,
    );
    printTable([
      ["run", "median ms", "µs/task", "of which run", "of which close", "close ms", "− no bus µs/task"],
      ...perTask.map((t) => [
        t.label,
        f(t.medianMs, 2),
        f(t.usPerTask),
        t.kind === "floor" ? "" : f(t.runUsPerTask),
        t.kind === "floor" ? "" : f(t.closeUsPerTask),
        t.kind === "floor" ? "" : f(t.medianCloseMs, 2),
        noBus && t !== noBus ? f(t.usPerTask - noBus.usPerTask) : "",
      ]),
    ]);
  }
  console.log("");
  if (!valid) console.log("NOT VALID: events were lost, duplicated or altered (see below)");
  if (vsRaw) {
    console.log(
      `throughput: wfkit / raw amqplib = ${f(vsRaw.ratio, 2)}x (per round ${f(Math.min(...vsRaw.roundRatios), 2)}–${f(Math.max(...vsRaw.roundRatios), 2)}x); target >= ${TARGET_RATIO}: ${vsRaw.ratio >= TARGET_RATIO ? "met" : "NOT met"}`,
    );
  }
  const extraRatio = (what: string, r: typeof vsRaw) =>
    r && console.log(`throughput (extra): wfkit / raw amqplib ${what} = ${f(r.ratio, 2)}x (per round ${f(Math.min(...r.roundRatios), 2)}–${f(Math.max(...r.roundRatios), 2)}x)`);
  extraRatio("encoding in the loop", vsRawEncode);
  extraRatio("with the whole burst encoded first", vsRawBurst);
  console.log(`lost, duplicated or altered events: ${losses.length === 0 ? "none" : losses.length}`);
  if (busOverheadUs !== undefined && amqpRun && noBus && floor) {
    console.log(
      `per task: the AMQP bus adds ${f(busOverheadUs)} µs per task (${f(amqpRun.usPerTask)} against ${f(noBus.usPerTask)} µs with events.jsonl only; floor ${f(floor.usPerTask, 2)} µs)`,
    );
  }
  for (const l of losses) console.log(`loss: ${l}`);
  for (const w of warnings) console.log(`warning: ${w}`);
}
if (!valid) process.exitCode = 1;
