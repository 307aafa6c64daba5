import { context, SpanKind, SpanStatusCode, trace, ValueType } from "@opentelemetry/api";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPTraceExporter as OTLPJsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { SimpleSpanProcessor, TracerProvider, type SpanExporter } from "@opentelemetry/sdk-trace";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../../support/otlp-receiver.js";
import { renderWaterfall } from "../../support/trace-waterfall.js";

type Compression = NonNullable<NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>["compression"]>;

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await receiver.close();
});

const resource = resourceFromAttributes({ "service.name": "otlp-receiver-test" });

describe.each([
  ["protobuf", (url: string): SpanExporter => new OTLPTraceExporter({ url })],
  ["gzipped protobuf", (url: string): SpanExporter => new OTLPTraceExporter({ url, compression: "gzip" as Compression })],
  ["JSON", (url: string): SpanExporter => new OTLPJsonTraceExporter({ url })],
])("startOtlpReceiver, spans as %s", (_transport, exporterFor) => {
  it("decodes a parent and an erroring child with ids, attributes, events, status, resource and scope", async () => {
    const provider = new TracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor({ exporter: exporterFor(`${receiver.url}/v1/traces`) })] });
    const tracer = provider.getTracer("wfkit-test", "1.0.0");
    const parent = tracer.startSpan("run");
    const child = tracer.startSpan(
      "task extract",
      { kind: SpanKind.CLIENT, attributes: { "wf.task": "extract", "wf.attempt": 2, "wf.ratio": 0.5, "wf.cached": false, "wf.tags": ["a", "b"] } },
      trace.setSpan(context.active(), parent),
    );
    child.addEvent("retry", { "wf.attempt": 1 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: "boom" });
    child.end();
    parent.end();
    await provider.forceFlush();
    await receiver.waitFor((r) => r.spans().length === 2);
    await provider.shutdown();

    // SimpleSpanProcessor exports each span in its own request; they may arrive in either order.
    const byName = Object.fromEntries(receiver.spans().map((s) => [s.name, s]));
    const [gotParent, gotChild] = [byName["run"]!, byName["task extract"]!];
    expect(gotParent).toMatchObject({ name: "run", traceId: parent.spanContext().traceId, spanId: parent.spanContext().spanId, parentSpanId: undefined, kind: 1, status: { code: 0 } });
    expect(gotChild).toMatchObject({
      name: "task extract",
      traceId: parent.spanContext().traceId,
      spanId: child.spanContext().spanId,
      parentSpanId: parent.spanContext().spanId,
      kind: 3, // OTLP numbers kinds from 1 (SPAN_KIND_INTERNAL); the API's CLIENT is 2.
      attributes: { "wf.task": "extract", "wf.attempt": 2, "wf.ratio": 0.5, "wf.cached": false, "wf.tags": ["a", "b"] },
      status: { code: 2, message: "boom" },
      events: [{ name: "retry", attributes: { "wf.attempt": 1 } }],
      scope: "wfkit-test",
    });
    expect(gotChild.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(gotChild.resource["service.name"]).toBe("otlp-receiver-test");
    expect(gotChild.startTimeUnixNano).toBeGreaterThan(1_600_000_000_000_000_000n);
    expect(gotChild.endTimeUnixNano).toBeGreaterThanOrEqual(gotChild.startTimeUnixNano);
    expect(receiver.requests).toBe(2);
  });
});

describe("startOtlpReceiver, metrics", () => {
  it("decodes a counter with attributes and a histogram", async () => {
    const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${receiver.url}/v1/metrics` }), exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({ resource, readers: [reader] });
    const meter = provider.getMeter("wfkit-test");
    const counter = meter.createCounter("wf.tasks", { unit: "{task}", description: "Tasks run", valueType: ValueType.INT });
    counter.add(3, { route: "a" });
    counter.add(2, { route: "a" });
    counter.add(1, { route: "b" });
    const histogram = meter.createHistogram("wf.duration", { unit: "ms", advice: { explicitBucketBoundaries: [10, 100] } });
    histogram.record(5);
    histogram.record(20.5);
    await provider.forceFlush();
    await receiver.waitFor((r) => r.metrics().length === 2);
    // Read before shutdown, which exports the (cumulative) metrics once more.
    const byName = Object.fromEntries(receiver.metrics().map((m) => [m.name, m]));
    await provider.shutdown();

    expect(byName["wf.tasks"]).toMatchObject({ kind: "sum", isMonotonic: true, unit: "{task}", description: "Tasks run", scope: "wfkit-test" });
    expect(byName["wf.tasks"]!.resource["service.name"]).toBe("otlp-receiver-test");
    const points = [...byName["wf.tasks"]!.points].sort((a, b) => String(a.attributes["route"]).localeCompare(String(b.attributes["route"])));
    expect(points).toEqual([
      { attributes: { route: "a" }, value: 5 },
      { attributes: { route: "b" }, value: 1 },
    ]);
    expect(byName["wf.duration"]).toMatchObject({ kind: "histogram", unit: "ms" });
    expect(byName["wf.duration"]!.points).toEqual([{ attributes: {}, count: 2, sum: 25.5, bucketCounts: [1, 1, 0], explicitBounds: [10, 100] }]);
  });
});

describe("startOtlpReceiver, HTTP", () => {
  it("answers 404 and 415 to what is not an OTLP export, and waitFor lists what came", async () => {
    expect((await fetch(`${receiver.url}/v1/logs`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } })).status).toBe(404);
    expect((await fetch(`${receiver.url}/v1/traces`, { method: "POST", body: "x", headers: { "content-type": "text/plain" } })).status).toBe(415);
    const empty = await fetch(`${receiver.url}/v1/traces`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect([empty.status, await empty.text()]).toEqual([200, "{}"]);
    expect((await fetch(`${receiver.url}/v1/traces`, { method: "POST", body: "{", headers: { "content-type": "application/json" } })).status).toBe(400);
    await expect(receiver.waitFor((r) => r.spans().length > 0, 50)).rejects.toThrow(/within 50 ms; received 1 requests; spans: \[\]; metrics: \[\]; rejected: \/v1\/traces: /);
    receiver.clear();
    expect(receiver.requests).toBe(0);
  });
});

describe("renderWaterfall", () => {
  const T0 = 1_700_000_000_000_000_000n;
  const msAt = (ms: number): bigint => T0 + BigInt(ms * 1_000_000);
  const span = (traceId: string, spanId: string, parentSpanId: string | undefined, name: string, from: number, to: number, extra: Partial<ReceivedSpan> = {}): ReceivedSpan => ({
    traceId: traceId.repeat(32),
    spanId: spanId.repeat(16),
    parentSpanId: parentSpanId?.repeat(16),
    name,
    kind: 1,
    startTimeUnixNano: msAt(from),
    endTimeUnixNano: msAt(to),
    attributes: {},
    status: { code: 0 },
    events: [],
    resource: {},
    scope: "test",
    ...extra,
  });

  it("draws each trace as an indented tree with bars, durations, errors and chosen attributes", () => {
    const spans = [
      span("b", "6", "f", "late", 200, 210),
      span("a", "4", "3", "write", 50, 90, { attributes: { rows: 12, "wf.task": "load" } }),
      span("a", "3", "1", "load", 40, 100, { status: { code: 2, message: "boom" }, attributes: { "wf.task": "load" } }),
      span("a", "2", "1", "extract", 0, 30, { attributes: { "wf.task": "extract" } }),
      span("a", "5", "1", "check", 0, 5),
      span("a", "1", undefined, "run", 0, 100),
    ];
    expect(renderWaterfall(spans, { width: 20, attributes: ["wf.task", "rows"] })).toBe(
      [
        `trace ${"a".repeat(32)} (100.00 ms)`,
        "run        ████████████████████  100.00 ms",
        "  check    █───────────────────    5.00 ms",
        "  extract  ██████──────────────   30.00 ms wf.task=extract",
        "  load     ────────████████████   60.00 ms ✗ boom wf.task=load",
        "    write  ──────────████████──   40.00 ms wf.task=load rows=12",
        "",
        `trace ${"b".repeat(32)} (10.00 ms)`,
        "late (parent ffffffff)  ████████████████████  10.00 ms",
      ].join("\n"),
    );
  });
});
