import {
  context as otelContext,
  createContextKey,
  createTraceState,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Counter,
  type Histogram,
  type Span,
  type SpanOptions,
  type Tracer,
  type UpDownCounter,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  RandomIdGenerator,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type IdGenerator,
  type ReadableSpan,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace";
import { ConsoleMetricExporter, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { OTLPTraceExporter as ProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPMetricExporter as ProtoMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPMetricExporter as JsonMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import type { Masker } from "../logging/mask.js";
import { errorMessage, errorName } from "../errors/wfkit-error.js";
import type { ExportTarget, TelemetryOptions } from "./telemetry-options.js";
import type { TraceParent } from "./trace-parent.js";
import type { AttemptEnd, AttemptTelemetry, HookName, HookSpan, RunIdentity, RunTelemetry, Telemetry, TraceIds } from "./run-telemetry.js";

/** The instrumentation scope of wfkit's spans and metrics. */
const SCOPE = "wfkit";
/** The run's masking rule, carried in the context of its spans: spans task code starts under them inherit it. */
const MASK_KEY = createContextKey("wfkit.mask");

/**
 * OpenTelemetry through the official SDK: a tracer provider (batched export) and a meter
 * provider for one configuration. Loaded only when telemetry is on (`open-telemetry.ts`).
 */
export function createTelemetry(options: TelemetryOptions): Telemetry & { startProcessMetrics(): Promise<void>; warmUp(): Promise<void> } {
  return new SdkTelemetry(options);
}

/** Export trouble (an unreachable collector): counted, and said once per run when it closes. */
class Trouble {
  private failures = 0;
  private last = "";

  report(what: string, error: unknown): void {
    this.failures++;
    this.last = `${what}: ${error === undefined ? "export failed" : errorMessage(error)}`;
  }

  /** What went wrong after the first `since` failures (an earlier `count`), or undefined. */
  since(since: number): string | undefined {
    return this.failures > since ? `${this.failures - since} OpenTelemetry export${this.failures - since === 1 ? "" : "s"} failed (last: ${this.last}); spans and metrics of this run may be missing` : undefined;
  }

  get count(): number {
    return this.failures;
  }
}

class SdkTelemetry implements Telemetry {
  readonly tracer: Tracer;
  readonly ids = new RunTraceIds();
  readonly trouble = new Trouble();
  readonly instruments: Instruments | undefined;
  /** Read once: os.hostname() is a system call, and every attempt's span names the host. */
  readonly host = hostname();
  private readonly tracerProvider: TracerProvider;
  private readonly meterProvider: MeterProvider | undefined;

  constructor(readonly options: TelemetryOptions) {
    // Task code's own spans find their parent through the active context; a context manager the
    // process already has (the user's own SDK) is kept.
    otelContext.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const resource = resourceFromAttributes({ "host.name": this.host, "process.pid": process.pid, ...options.resource });
    const spanProcessors: SpanProcessor[] = [new MaskingProcessor()];
    if (options.traces !== undefined) {
      spanProcessors.push(
        // Sized for a run of many short tasks (five spans each: the attempt and four hooks) between two exports.
        new BatchSpanProcessor({
          exporter: new ReportingSpanExporter(spanExporterOf(options.traces, options.timeoutMs), this.trouble, options.traces.url),
          maxQueueSize: 65536,
          maxExportBatchSize: 2048,
          exportTimeoutMillis: options.timeoutMs,
        }),
      );
    }
    this.tracerProvider = new TracerProvider({ resource, sampler: samplerOf(options.sampler), idGenerator: this.ids, spanProcessors });
    this.tracer = this.tracerProvider.getTracer(SCOPE);
    if (options.metrics !== undefined) {
      const exporter = new ReportingMetricExporter(metricExporterOf(options.metrics, options.timeoutMs), this.trouble, options.metrics.url);
      const reader = new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: options.metricIntervalMs,
        exportTimeoutMillis: Math.min(options.timeoutMs, options.metricIntervalMs),
        // A series per task and status: the SDK's default of 2,000 series per instrument would fold
        // the tasks of one large workflow (a 10,000-task DAG) into an overflow series.
        cardinalityLimits: { default: 65536 },
      });
      this.meterProvider = new MeterProvider({ resource, readers: [reader] });
      this.instruments = instrumentsOf(this.meterProvider);
    }
  }

  /**
   * Load what the first export needs (node:http or https, which the exporters import on their
   * first send) now, while the run goes on, rather than when the process's last spans wait for it.
   */
  async warmUp(): Promise<void> {
    const urls = [this.options.traces, this.options.metrics].filter((t) => t?.kind === "otlp").map((t) => t!.url);
    await Promise.all(urls.map((url) => (url.startsWith("https:") ? import("node:https") : import("node:http"))));
  }

  /** Start the process metrics (WF_OTEL=process) once; loaded only then. */
  async startProcessMetrics(): Promise<void> {
    if (!this.options.processMetrics || this.meterProvider === undefined) return;
    const { HostMetrics } = await import("@opentelemetry/host-metrics");
    new HostMetrics({ meterProvider: this.meterProvider, name: SCOPE, metricGroups: ["process.cpu", "process.memory"] }).start();
  }

  openRun(identity: RunIdentity, parent: TraceParent | undefined, mask: Masker, warn: (message: string) => void): RunTelemetry {
    return new SdkRunTelemetry(this, identity, parent, mask, warn);
  }

  /** Send what is pending, waiting at most the export timeout. */
  async flush(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.timeoutMs + 1000);
      timer.unref();
    });
    const before = this.trouble.count;
    // A failed export rejects the flush too: counted once, by the exporter that saw it.
    const flushed = Promise.all([this.tracerProvider.forceFlush(), this.meterProvider?.forceFlush()]).catch((error: unknown) => {
      if (this.trouble.count === before) this.trouble.report("flush", error);
    });
    try {
      await Promise.race([flushed, limit]);
    } finally {
      clearTimeout(timer);
    }
  }
}

class SdkRunTelemetry implements RunTelemetry {
  readonly ids: TraceIds | undefined;
  private readonly span: Span | undefined;
  private readonly context: Context;
  private readonly attributes: Attributes;
  /** Export trouble up to here was said already. */
  private troubleSaid: number;
  private ended = false;
  /** Scope `task` without a parent: the trace id of the DAG run's tasks. */
  private readonly rootTraceId: string | undefined;
  private closed = false;

  constructor(
    private readonly sdk: SdkTelemetry,
    private readonly identity: RunIdentity,
    parent: TraceParent | undefined,
    private readonly mask: Masker,
    private readonly warn: (message: string) => void,
  ) {
    this.troubleSaid = sdk.trouble.count;
    this.attributes = {
      "wfkit.run_id": identity.runId,
      "wfkit.dag_id": identity.dagId,
      "wfkit.dag_hash": identity.dagHash,
      "wfkit.workflow": identity.workflow,
      "wfkit.version": identity.version,
      "wfkit.engine": identity.engine,
    };
    const parentContext = (parent === undefined ? ROOT_CONTEXT : contextOfTraceParent(parent)).setValue(MASK_KEY, mask);
    if (identity.scope === "run") {
      this.span = sdk.tracer.startSpan(`run ${identity.dagId}`, { attributes: this.attributes, startTime: clock() }, parentContext);
      this.context = trace.setSpan(parentContext, this.span);
      this.ids = idsOf(this.span);
      this.rootTraceId = undefined;
    } else {
      this.span = undefined;
      this.context = parentContext;
      this.ids = undefined;
      // Without a parent, the tasks of one DAG run (one process each, on many workers) share a
      // trace id made from the run's identity: one trace per DAG run all the same.
      this.rootTraceId = parent === undefined ? runTraceId(identity.dagId, identity.runId) : undefined;
    }
  }

  attempt(task: string, attempt: number, queue: string | undefined): AttemptTelemetry {
    const attributes: Attributes = { ...this.attributes, "wfkit.task": task, "wfkit.attempt": attempt, "host.name": this.sdk.host };
    if (queue !== undefined) attributes["wfkit.queue"] = queue;
    return new SdkAttemptTelemetry(this.sdk, this.identity, this.context, this.rootTraceId, task, attributes, this.mask);
  }

  finish(status: string): void {
    if (this.span === undefined || this.ended) return;
    this.ended = true;
    this.span.setAttribute("wfkit.status", status);
    this.span.setStatus(status === "success" ? { code: SpanStatusCode.OK } : { code: SpanStatusCode.ERROR, message: `run ${status}` });
    this.span.end(clock());
  }

  async flush(): Promise<void> {
    await this.sdk.flush();
    const trouble = this.sdk.trouble.since(this.troubleSaid);
    this.troubleSaid = this.sdk.trouble.count;
    if (trouble !== undefined) this.warn(this.mask.text(trouble));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.ended) {
      this.ended = true;
      this.span?.end(clock());
    }
    await this.flush();
  }
}

class SdkAttemptTelemetry implements AttemptTelemetry {
  readonly ids: TraceIds;
  readonly tracer: Tracer;
  private readonly span: Span;
  private readonly context: Context;
  /** The hook running now: the parent of task code's spans when no context manager carries one. */
  private current: Context;

  constructor(
    private readonly sdk: SdkTelemetry,
    private readonly identity: RunIdentity,
    parent: Context,
    /** The trace id of a root attempt span (a DAG run's task without a parent), else undefined: a random one, or the parent's. */
    rootTraceId: string | undefined,
    private readonly task: string,
    attributes: Attributes,
    private readonly mask: Masker,
  ) {
    sdk.ids.nextTraceId = rootTraceId;
    try {
      this.span = sdk.tracer.startSpan(`task ${task}`, { attributes, startTime: clock() }, parent);
    } finally {
      sdk.ids.nextTraceId = undefined;
    }
    this.context = trace.setSpan(parent, this.span);
    this.current = this.context;
    this.ids = idsOf(this.span);
    this.tracer = userTracer(sdk.tracer, () => this.current);
  }

  hook(name: HookName): HookSpan {
    const span = this.sdk.tracer.startSpan(name, { attributes: { "wfkit.task": this.task, "wfkit.hook": name }, startTime: clock() }, this.context);
    const context = trace.setSpan(this.context, span);
    this.current = context;
    return {
      call: (fn) => otelContext.with(context, fn),
      end: (error) => {
        if (error !== undefined) failed(span, error, this.mask);
        span.end(clock());
        this.current = this.context;
      },
    };
  }

  end(outcome: AttemptEnd): void {
    const span = this.span;
    span.setAttribute("wfkit.status", outcome.status);
    if (outcome.status === "failed" || outcome.status === "terminated") {
      failed(span, outcome.error, this.mask);
      span.setAttribute("wfkit.will_retry", outcome.willRetry);
    } else if (outcome.status === "success") span.setStatus({ code: SpanStatusCode.OK });
    span.end(clock());
    const m = this.sdk.instruments;
    if (m === undefined) return;
    const attributes = { "wfkit.dag_id": this.identity.dagId, "wfkit.task": this.task, "wfkit.engine": this.identity.engine, "wfkit.status": outcome.status };
    m.executed.add(1, attributes);
    m.duration.record(outcome.durationMs / 1000, attributes);
    if (outcome.willRetry) m.retries.add(1, { "wfkit.dag_id": this.identity.dagId, "wfkit.task": this.task, "wfkit.engine": this.identity.engine });
    for (const name in outcome.metrics) {
      m.progress.add(outcome.metrics[name]!, { "wfkit.dag_id": this.identity.dagId, "wfkit.task": this.task, "wfkit.metric": name });
    }
  }
}

/** A span ended by `error`: ERROR status and an exception event, both masked. */
function failed(span: Span, error: unknown, mask: Masker): void {
  const message = mask.text(errorMessage(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  const stack = error instanceof Error && typeof error.stack === "string" ? mask.text(error.stack) : undefined;
  span.recordException({ name: errorName(error), message, ...(stack === undefined ? {} : { stack }) });
}

/** The tracer of `this.tracer`: spans with no parent in their context are children of the running hook's span. */
function userTracer(base: Tracer, current: () => Context): Tracer {
  const parentOf = (given: Context | undefined): Context => {
    const ctx = given ?? otelContext.active();
    return trace.getSpan(ctx) === undefined ? current() : ctx;
  };
  const timed = (options: SpanOptions | undefined): SpanOptions => (options?.startTime === undefined ? { ...options, startTime: clock() } : options);
  return {
    startSpan: (name, options, ctx) => base.startSpan(name, timed(options), parentOf(ctx)),
    startActiveSpan: ((name: string, ...args: unknown[]) => {
      const fn = args[args.length - 1] as (span: Span) => unknown;
      const options = timed(args.length >= 2 ? (args[0] as SpanOptions | undefined) : undefined);
      const ctx = args.length >= 3 ? (args[1] as Context | undefined) : undefined;
      return base.startActiveSpan(name, options, parentOf(ctx), fn);
    }) as Tracer["startActiveSpan"],
  };
}

interface Instruments {
  executed: Counter;
  duration: Histogram;
  retries: Counter;
  progress: UpDownCounter;
}

function instrumentsOf(provider: MeterProvider): Instruments {
  const meter = provider.getMeter(SCOPE);
  return {
    executed: meter.createCounter("wfkit.tasks.executed", { description: "Task attempts that ended, by status", unit: "{attempt}" }),
    // Buckets for seconds (the SDK's defaults suit milliseconds): from a short task to an hour.
    duration: meter.createHistogram("wfkit.task.duration", {
      description: "How long task attempts ran",
      unit: "s",
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] },
    }),
    retries: meter.createCounter("wfkit.task.retries", { description: "Failed task attempts that another attempt follows", unit: "{retry}" }),
    progress: meter.createUpDownCounter("wfkit.task.progress", { description: "What task code counted (`this.progress` metrics), by metric name" }),
  };
}

/**
 * Now, in epoch milliseconds with a fraction: the SDK's own start times are whole milliseconds
 * (Date.now()), which puts a run's many short spans out of order in a trace view.
 */
function clock(): number {
  return performance.timeOrigin + performance.now();
}

function idsOf(span: Span): TraceIds {
  const c = span.spanContext();
  return { traceId: c.traceId, spanId: c.spanId };
}

/** A run's trace id made from its dag id and run id: the same on every worker. */
export function runTraceId(dagId: string, runId: string): string {
  return createHash("sha256").update(`${dagId}\0${runId}`).digest("hex").slice(0, 32);
}

/** Random ids, but the trace id of the next root span when one is set (a DAG run's, `runTraceId`). */
class RunTraceIds implements IdGenerator {
  nextTraceId: string | undefined;
  private readonly random = new RandomIdGenerator();

  generateTraceId(): string {
    return this.nextTraceId ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.random.generateSpanId();
  }
}

function contextOfTraceParent(parent: TraceParent): Context {
  const [, traceId, spanId, flags] = parent.traceparent.split("-") as [string, string, string, string];
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & 1,
    isRemote: true,
    ...(parent.tracestate === undefined ? {} : { traceState: createTraceState(parent.tracestate) }),
  });
}

function samplerOf(sampler: TelemetryOptions["sampler"]): Sampler {
  const ratio = new TraceIdRatioBasedSampler(sampler.ratio);
  switch (sampler.name) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return ratio;
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

function spanExporterOf(target: ExportTarget, timeoutMillis: number): SpanExporter {
  if (target.kind === "console") return new ConsoleSpanExporter();
  const config = { url: target.url, headers: { ...target.headers }, timeoutMillis, compression: target.compression as never };
  return target.protocol === "http/json" ? new JsonTraceExporter(config) : new ProtoTraceExporter(config);
}

function metricExporterOf(target: ExportTarget, timeoutMillis: number): PushMetricExporter {
  if (target.kind === "console") return new ConsoleMetricExporter();
  const config = { url: target.url, headers: { ...target.headers }, timeoutMillis, compression: target.compression as never };
  return target.protocol === "http/json" ? new JsonMetricExporter(config) : new ProtoMetricExporter(config);
}

/**
 * Masks what a span carries (attributes, event attributes, the status message) by the masking
 * rule of the run it belongs to, as it ends: task code's own spans may carry a secret as
 * freely as its log lines, and every exit is masked by the same rule.
 */
class MaskingProcessor implements SpanProcessor {
  private readonly masks = new WeakMap<object, Masker>();

  onStart(span: ReadableSpan & Span, parentContext: Context): void {
    const mask = parentContext.getValue(MASK_KEY) as Masker | undefined;
    if (mask !== undefined) this.masks.set(span, mask);
  }

  onEnding(span: ReadableSpan & Span): void {
    const mask = this.masks.get(span);
    if (mask === undefined) return;
    const attributes = mask.value(span.attributes, 0, undefined) as Attributes;
    if (attributes !== span.attributes) span.setAttributes(attributes);
    if (span.status.message !== undefined) {
      const message = mask.text(span.status.message);
      if (message !== span.status.message) span.setStatus({ ...span.status, message });
    }
    const events = span.events;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (event.attributes === undefined) continue;
      const masked = mask.value(event.attributes, 0, undefined) as Attributes;
      if (masked !== event.attributes) events[i] = { ...event, attributes: masked };
    }
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Counts failed span exports as trouble (the SDK itself only tells its diag logger, silent by default). */
class ReportingSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly trouble: Trouble,
    private readonly url: string,
  ) {}

  export(spans: ReadableSpan[], done: Parameters<SpanExporter["export"]>[1]): void {
    this.inner.export(spans, (result) => {
      if (result.code !== 0) this.trouble.report(`spans to ${this.url}`, result.error);
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** The same, for metric exports. */
class ReportingMetricExporter implements PushMetricExporter {
  constructor(
    private readonly inner: PushMetricExporter,
    private readonly trouble: Trouble,
    private readonly url: string,
  ) {
    this.selectAggregationTemporality = inner.selectAggregationTemporality?.bind(inner);
  }

  export(metrics: Parameters<PushMetricExporter["export"]>[0], done: Parameters<PushMetricExporter["export"]>[1]): void {
    this.inner.export(metrics, (result) => {
      if (result.code !== 0) this.trouble.report(`metrics to ${this.url}`, result.error);
      done(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  readonly selectAggregationTemporality: PushMetricExporter["selectAggregationTemporality"];
}
