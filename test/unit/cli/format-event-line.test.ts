import { describe, expect, it } from "vitest";
import type { WfEvent } from "wfkit";
import { createEvent } from "wfkit/engine";
import type { EventAction } from "../../../src/events/wf-event.js";
import {
  FIRST_COLUMNS,
  formatBusMessage,
  formatEventLine,
  jsonLine,
  oneLine,
  readBusMessage,
  widenColumns,
  type BusDelivery,
} from "../../../cli/format-event-line.js";

const TIME = "2026-11-22T03:55:54.123Z";
const origin = { runId: "20261122T035554Z-3fa9c1", dagId: "images_to_site_gallery_1.0.0", workflowName: "images_to_site_gallery", version: "1.0.0", engine: "local" as const };
const task = { task: "Resize", attempt: 2 };
const error = { name: "TypeError", message: "x is undefined", resolvableBy: "user" as const };
const progress = { title: "Resize", state: "running" as const, completed: 1234, total: 5000, unit: "files", children: [] };
const audit = {
  records: { read: 1200, rejected: 3 },
  dataRange: { low: "2026-11-28T00:00:00.000Z", high: "2026-11-30T23:00:00.000Z" },
  errorCount: 2,
  errors: [
    { type: "Data Error", description: "row 7: no id", at: TIME, failRun: false },
    { type: "Data Error", description: "row 9: no id", at: TIME, failRun: false },
  ],
  statuses: [{ status: "validating", at: TIME }],
  sources: [{ name: "landing", type: "csv", objects: [{ name: "orders.csv", attributes: [] }], datasetTypes: [] }],
  targets: [],
  extracts: [{ location: "/in", filename: "orders.csv", from: "ready", to: "loading" }],
};

/** The local time the lines show for TIME, computed independently of the code under test. */
const local = (() => {
  const d = new Date(TIME);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
})();

function at<E extends WfEvent>(event: E): E {
  return { ...event, time: TIME };
}

function everyAction(): Record<EventAction, WfEvent> {
  return {
    "run.started": at(createEvent(origin, "run.started", { params: { limit: 2 } })),
    "run.succeeded": at(createEvent(origin, "run.succeeded", { durationMs: 1234 })),
    "run.failed": at(createEvent(origin, "run.failed", { durationMs: 61_000, failedTasks: ["Resize", "Index"] })),
    "run.terminated": at(createEvent(origin, "run.terminated", { durationMs: 3_725_000 })),
    "task.started": at(createEvent(origin, "task.started", {}, task)),
    "task.progress": at(createEvent(origin, "task.progress", { progress, metrics: { rows: 3000 } }, task)),
    "task.catalog": at(createEvent(origin, "task.catalog", { stage: "put", name: "orders", form: "file", location: "/wf/runs/d/r/catalog/orders/data", sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", size: 4 }, task)),
    "task.audit": at(createEvent(origin, "task.audit", audit, task)),
    "task.succeeded": at(createEvent(origin, "task.succeeded", { durationMs: 850, metrics: { rows: 5 } }, task)),
    "task.failed": at(createEvent(origin, "task.failed", { durationMs: 5, metrics: {}, error, willRetry: true, maxAttempts: 3 }, task)),
    "task.retrying": at(createEvent(origin, "task.retrying", { nextAttempt: 3, delaySeconds: 1.5, error }, task)),
    "task.skipped": at(createEvent(origin, "task.skipped", { durationMs: 1, reason: "no new files" }, task)),
    "task.reused": at(createEvent(origin, "task.reused", { originalRunId: "20261204T100000-a1b2", originalStatus: "success" }, task)),
    "task.terminated": at(createEvent(origin, "task.terminated", { durationMs: 2500, metrics: { rows: 7 }, reason: "received SIGTERM" }, task)),
    "task.crashed": at(createEvent(origin, "task.crashed", { exitCode: null, signal: "SIGKILL", lastAction: "task.started" }, { ...task, pid: 4242 })),
    custom: at(createEvent(origin, "custom", { name: "rows.loaded", payload: { rows: 10 } }, task)),
  };
}

const head = `${local}  images_to_site_gallery_1.0.0  20261122T035554Z-3fa9c1`;

function delivery(body: string, routingKey = "some.key"): BusDelivery {
  return { routingKey, body, receivedAt: new Date(TIME) };
}

describe("formatEventLine", () => {
  it("formats every action: time, dag id, run id, task#attempt or run, action, then the action's facts", () => {
    const lines = Object.fromEntries(Object.entries(everyAction()).map(([action, event]) => [action, formatEventLine(event, { color: false })]));
    expect(lines).toEqual({
      "run.started": `${head}  run             run.started      params {"limit":2}`,
      "run.succeeded": `${head}  run             run.succeeded    1.2 s`,
      "run.failed": `${head}  run             run.failed       1m01s  failed: Resize, Index`,
      "run.terminated": `${head}  run             run.terminated   1h02m`,
      "task.started": `${head}  Resize#2        task.started`,
      "task.progress": `${head}  Resize#2        task.progress    1,234/5,000 files  rows=3,000`,
      "task.catalog": `${head}  Resize#2        task.catalog     put orders  file, 4 bytes, sha256 9f86d081884c`,
      "task.audit": `${head}  Resize#2        task.audit       records read=1,200 rejected=3  data 2026-11-28..2026-11-30  2 run errors  1 extract change`,
      "task.succeeded": `${head}  Resize#2        task.succeeded   850 ms  rows=5`,
      "task.failed": `${head}  Resize#2        task.failed      5 ms  TypeError: x is undefined (user)  (will retry, attempt 2/3)`,
      "task.retrying": `${head}  Resize#2        task.retrying    TypeError: x is undefined (user)  next attempt 3 in 1.5s`,
      "task.skipped": `${head}  Resize#2        task.skipped     1 ms  no new files`,
      "task.reused": `${head}  Resize#2        task.reused      from run 20261204T100000-a1b2  success there on attempt 2`,
      "task.terminated": `${head}  Resize#2        task.terminated  2.5 s  received SIGTERM  rows=7`,
      "task.crashed": `${head}  Resize#2        task.crashed     signal SIGKILL  after task.started`,
      custom: `${head}  Resize#2        custom           rows.loaded  {"rows":10}`,
    });
  });

  it("a crash by exit code, a final failure and one that does not say, progress without a total or unit, a run without params", () => {
    const crashed = at(createEvent(origin, "task.crashed", { exitCode: 137, signal: null, lastAction: null }, task));
    expect(formatEventLine(crashed, { color: false })).toBe(`${head}  Resize#2        task.crashed     exit code 137  before it reported anything`);
    const open = at(createEvent(origin, "task.progress", { progress: { title: "x", state: "running", completed: 12, children: [] }, metrics: {} }, task));
    expect(formatEventLine(open, { color: false })).toBe(`${head}  Resize#2        task.progress    12`);
    const noParams = at(createEvent(origin, "run.started", { params: {} }));
    expect(formatEventLine(noParams, { color: false })).toBe(`${head}  run             run.started`);
    const final = at(createEvent(origin, "task.failed", { durationMs: 5, metrics: { rows: 2 }, error, willRetry: false, maxAttempts: 2 }, task));
    expect(formatEventLine(final, { color: false })).toBe(`${head}  Resize#2        task.failed      5 ms  TypeError: x is undefined (user)  (final, attempt 2/2)  rows=2`);
    // An event of wfkit 0.1.0 does not say: nothing is guessed.
    const unsaid = at(createEvent(origin, "task.failed", { durationMs: 5, metrics: {}, error }, task));
    expect(formatEventLine(unsaid, { color: false })).toBe(`${head}  Resize#2        task.failed      5 ms  TypeError: x is undefined (user)`);
    const longRetry = at(createEvent(origin, "task.retrying", { nextAttempt: 2, delaySeconds: 300, error }, task));
    expect(formatEventLine(longRetry, { color: false })).toContain("next attempt 2 in 5m00s");
  });

  it("an audit of sources only says nothing more; one error and several extract changes are counted in words", () => {
    const declaredOnly = at(createEvent(origin, "task.audit", { ...audit, records: {}, dataRange: null, errorCount: 0, errors: [], extracts: [] }, task));
    expect(formatEventLine(declaredOnly, { color: false })).toBe(`${head}  Resize#2        task.audit`);
    const oneError = at(createEvent(origin, "task.audit", { ...audit, records: {}, dataRange: null, errorCount: 1, extracts: [...audit.extracts, ...audit.extracts] }, task));
    expect(formatEventLine(oneError, { color: false })).toBe(`${head}  Resize#2        task.audit       1 run error  2 extract changes`);
  });

  it("colours the action by outcome and dims the time only when colour is on", () => {
    const events = everyAction();
    const paint = (action: EventAction) => formatEventLine(events[action], { color: true });
    expect(paint("task.succeeded")).toContain("\x1b[32mtask.succeeded\x1b[39m");
    expect(paint("run.succeeded")).toContain("\x1b[32mrun.succeeded\x1b[39m");
    expect(paint("task.failed")).toContain("\x1b[31mtask.failed\x1b[39m");
    expect(paint("run.failed")).toContain("\x1b[31mrun.failed\x1b[39m");
    expect(paint("task.crashed")).toContain("\x1b[31mtask.crashed\x1b[39m");
    expect(paint("task.retrying")).toContain("\x1b[33mtask.retrying\x1b[39m");
    expect(paint("task.terminated")).toContain("\x1b[33mtask.terminated\x1b[39m");
    expect(paint("run.terminated")).toContain("\x1b[33mrun.terminated\x1b[39m");
    expect(paint("task.progress")).toContain("\x1b[2mtask.progress\x1b[22m");
    expect(paint("task.started")).toContain(`\x1b[2m${local}\x1b[22m`);
    for (const event of Object.values(events)) expect(formatEventLine(event, { color: false })).not.toContain("\x1b");
  });

  it("hostile strings cannot break the line or reach the terminal: control characters are escaped, long text is cut", () => {
    const hostile = "line1\nline2\r\x1b[2J\x1b]0;pwned\x07\u2028\u202eend\x00\x7f\x9b";
    const huge = "A".repeat(100_000);
    const events = [
      at(createEvent({ ...origin, dagId: `dag${hostile}`, runId: `run${hostile}` }, "task.failed", { durationMs: 1, metrics: { [hostile]: 1 }, error: { ...error, name: hostile, message: `${hostile}${huge}` } }, { task: hostile, attempt: 1 })),
      at(createEvent(origin, "custom", { name: hostile, payload: { text: hostile, huge } }, task)),
      at(createEvent(origin, "task.skipped", { durationMs: 1, reason: huge + hostile }, task)),
      at(createEvent(origin, "task.crashed", { exitCode: null, signal: hostile, lastAction: hostile }, task)),
      at(createEvent(origin, "run.failed", { durationMs: 1, failedTasks: [hostile, huge] })),
      at(createEvent(origin, "task.progress", { progress: { ...progress, unit: hostile }, metrics: {} }, task)),
      at(createEvent(origin, "task.audit", { ...audit, records: { [hostile]: 1, [huge]: 2 } }, task)),
    ];
    for (const color of [false, true]) {
      for (const event of events) {
        const line = formatEventLine(event, { color });
        expect(line).not.toMatch(/[\n\r\u2028\u2029\u202e\x00\x07\x7f\x9b]/);
        // The only escape sequences are the colours wfkit adds.
        expect(line.replace(/\x1b\[(?:2|22|31|32|33|39)m/g, "")).not.toContain("\x1b");
        expect(line.length).toBeLessThan(1500);
      }
    }
    const failed = formatEventLine(events[0]!, { color: false });
    expect(failed).toContain("line1\\nline2\\r\\x1b[2J\\x1b]0;pwned\\x07\\u2028\\u202eend\\x00\\x7f\\x9b");
    expect(failed).toContain("…");
  });

  it("a __proto__ or unknown action is shown plainly, colour or not", () => {
    const body = JSON.stringify({ ...everyAction()["task.started"], type: "dev.wfkit.__proto__", data: { ...everyAction()["task.started"].data, action: "__proto__" } });
    const read = readBusMessage(body);
    expect(read.kind).toBe("event");
    expect(formatBusMessage(delivery(body), read, { color: true })).toContain("__proto__");
  });
});

describe("columns", () => {
  it("widen to the widest dag id, run id and task seen, so that later lines line up", () => {
    const events = everyAction();
    const long = at(createEvent({ ...origin, dagId: "a_much_longer_dag_id_1.0.0", runId: "r1" }, "task.started", {}, { task: "ClassifyEverything", attempt: 10 }));
    let columns = FIRST_COLUMNS;
    for (const event of [events["task.started"], long]) columns = widenColumns(columns, readBusMessage(JSON.stringify(event)));
    expect(columns).toEqual({ dag: 28, run: 23, task: 21 });
    const a = formatEventLine(events["task.succeeded"], { color: false, columns });
    const b = formatEventLine(long, { color: false, columns });
    expect(a.indexOf("task.succeeded")).toBe(b.indexOf("task.started"));
  });

  it("stop widening at 48, so one outlier cannot push every later line right", () => {
    const outlier = at(createEvent({ ...origin, dagId: "d".repeat(500) }, "task.started", {}, task));
    expect(widenColumns(FIRST_COLUMNS, readBusMessage(JSON.stringify(outlier))).dag).toBe(48);
    expect(widenColumns(FIRST_COLUMNS, readBusMessage("garbage"))).toEqual(FIRST_COLUMNS);
  });
});

describe("messages that are not wfkit events", () => {
  it("garbage: a short line with the routing key and a note, escaped", () => {
    const d = delivery("not json\n\x1b[2J", "evil.\x1b[2J.key");
    const line = formatBusMessage(d, readBusMessage(d.body), { color: false });
    expect(line).toBe(`${local}  evil.\\x1b[2J.key  not a wfkit event: not JSON (13 bytes); --json prints it`);
  });

  it("OpenLineage RunEvents are named as such, at their own time", () => {
    const body = JSON.stringify({ eventType: "COMPLETE", eventTime: TIME, run: { runId: "x" }, job: { namespace: "wfkit", name: "dag.Resize" } });
    const line = formatBusMessage(delivery(body, "dag.Resize.task.succeeded"), readBusMessage(body), { color: false });
    expect(line).toBe(`${local}  dag.Resize.task.succeeded  OpenLineage COMPLETE of job dag.Resize, not a wfkit event; --json prints it`);
  });

  it("other JSON, and a wfkit event of a newer schema: head shown, fields noted", () => {
    expect(formatBusMessage(delivery("[1,2]"), readBusMessage("[1,2]"), { color: false })).toBe(`${local}  some.key  not a wfkit event (JSON of another shape); --json prints it`);
    const newer = { ...everyAction()["task.started"], dataschema: "urn:wfkit:events:v2", data: { ...everyAction()["task.started"].data, action: "task.paused" } };
    const read = readBusMessage(JSON.stringify(newer));
    expect(read).toMatchObject({ kind: "event", head: { runId: origin.runId, action: "task.paused", task: "Resize", attempt: 2 } });
    expect(formatBusMessage(delivery(""), read, { color: false })).toMatch(
      new RegExp(`^${head}  Resize#2        task.paused      fields this wf version cannot read \\(urn:wfkit:events:v2; .*\\); --json prints it$`),
    );
  });

  it("no colour codes when colour is off, dimmed note when on", () => {
    const d = delivery("garbage");
    expect(formatBusMessage(d, readBusMessage(d.body), { color: false })).not.toContain("\x1b");
    expect(formatBusMessage(d, readBusMessage(d.body), { color: true })).toContain("\x1b[2m");
  });
});

describe("jsonLine", () => {
  it("keeps one-line JSON byte for byte, compacts JSON over several lines, quotes anything else", () => {
    const body = '{"b": 1,  "a":"x"}';
    expect(jsonLine(body)).toBe(body);
    expect(jsonLine('{\n  "a": "\\u001b"\n}')).toBe('{"a":"\\u001b"}');
    expect(jsonLine("not json\n\x1b[2J")).toBe('"not json\\n\\u001b[2J"');
    for (const line of [jsonLine('{\n"a":1}'), jsonLine("x\ny"), jsonLine("\u2028")]) expect(line).not.toMatch(/[\n\r]/);
  });
});

describe("oneLine", () => {
  it("escapes control characters and cuts at max", () => {
    expect(oneLine("a\tb\nc")).toBe("a\\tb\\nc");
    expect(oneLine("abcdef", 4)).toBe("abc…");
    expect(oneLine("plain ünïcode ✓")).toBe("plain ünïcode ✓");
  });
});
