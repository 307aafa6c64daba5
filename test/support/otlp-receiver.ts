// A local OTLP/HTTP collector for tests: real exporters send to it, and it decodes their requests
// with the official OpenTelemetry .proto files (test/fixtures/otlp-proto) or as OTLP/JSON.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import protobuf from "protobufjs";

const PROTO_DIR = fileURLToPath(new URL("../fixtures/otlp-proto", import.meta.url));

/** A decoded attribute value (OTLP `AnyValue`); int64 becomes a number, an empty value `null`. */
export type AttributeValue = string | number | boolean | Uint8Array | null | AttributeValue[] | { [key: string]: AttributeValue };

/** Decoded attributes, keyed by attribute name. */
export type Attributes = Record<string, AttributeValue>;

/** One span as received, with the resource and scope it was exported under. */
export interface ReceivedSpan {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  /** 16 lowercase hex digits, or undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  /** OTLP `SpanKind`: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  /** OTLP `StatusCode`: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  events: { name: string; attributes: Attributes }[];
  resource: Attributes;
  /** Instrumentation scope name. */
  scope: string;
}

/** One data point of a received metric; which fields are set depends on the metric's kind. */
export interface ReceivedPoint {
  attributes: Attributes;
  /** Gauge and sum points (`asInt` or `asDouble`). */
  value?: number;
  /** Histogram and summary points. */
  count?: number;
  sum?: number;
  /** Explicit-bucket histogram points. */
  bucketCounts?: number[];
  explicitBounds?: number[];
}

/** One metric as received, with the resource and scope it was exported under. */
export interface ReceivedMetric {
  name: string;
  unit: string;
  description: string;
  kind: "gauge" | "sum" | "histogram" | "exponentialHistogram" | "summary";
  /** Set for sums only. */
  isMonotonic?: boolean;
  points: ReceivedPoint[];
  resource: Attributes;
  /** Instrumentation scope name. */
  scope: string;
}

/** A running receiver; see {@link startOtlpReceiver}. */
export interface OtlpReceiver {
  /** Base URL, e.g. `http://127.0.0.1:4318`; exporters post to `${url}/v1/traces` and `${url}/v1/metrics`. */
  readonly url: string;
  /** Every span received since the start or the last {@link OtlpReceiver.clear}, in arrival order. */
  spans(): ReceivedSpan[];
  /** Every metric received since the start or the last {@link OtlpReceiver.clear}, in arrival order (one entry per metric per export). */
  metrics(): ReceivedMetric[];
  /** How many export requests were decoded and answered 200. */
  readonly requests: number;
  /** Resolve once `predicate(this)` holds; reject after `timeoutMs` listing what was received. */
  waitFor(predicate: (receiver: OtlpReceiver) => boolean, timeoutMs?: number): Promise<void>;
  /** Forget everything received (and any decoding errors). */
  clear(): void;
  /** Stop listening and drop open (keep-alive) connections. */
  close(): Promise<void>;
}

/** Start an OTLP/HTTP receiver on a free port of 127.0.0.1 (protobuf, optionally gzipped, and JSON). */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const types = loadTypes();
  const spans: ReceivedSpan[] = [];
  const metrics: ReceivedMetric[] = [];
  // Bad requests get a 4xx, which exporters only log: keep them so waitFor can say why nothing came.
  const errors: string[] = [];
  let requests = 0;

  const describe = (): string =>
    `received ${requests} requests; spans: [${spans.map((s) => s.name).join(", ")}]; metrics: [${metrics.map((m) => m.name).join(", ")}]` +
    (errors.length ? `; rejected: ${errors.join("; ")}` : "");

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const signal = req.method === "POST" ? SIGNALS[req.url ?? ""] : undefined;
    if (!signal) return reply(res, 404, "text/plain", `no OTLP endpoint at ${req.method} ${req.url}`);
    const json = isJson(req.headers["content-type"]);
    if (!json && !isProtobuf(req.headers["content-type"])) return reply(res, 415, "text/plain", `unsupported content-type ${req.headers["content-type"]}`);
    try {
      const bytes = await readBody(req);
      const body: unknown = json ? JSON.parse(bytes.toString("utf8")) : decodeProtobuf(types[signal].request, bytes);
      if (signal === "traces") spans.push(...flattenSpans(body as RawTracesRequest));
      else metrics.push(...flattenMetrics(body as RawMetricsRequest));
    } catch (err) {
      errors.push(`${req.url}: ${(err as Error).message}`);
      return reply(res, 400, "text/plain", (err as Error).message);
    }
    requests++;
    if (json) reply(res, 200, "application/json", "{}");
    else reply(res, 200, "application/x-protobuf", types[signal].response.encode(types[signal].response.create({})).finish());
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };

  const receiver: OtlpReceiver = {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...spans],
    metrics: () => [...metrics],
    get requests() {
      return requests;
    },
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(receiver)) {
        if (Date.now() > deadline) throw new Error(`OTLP receiver: condition not met within ${timeoutMs} ms; ${describe()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    clear() {
      spans.length = 0;
      metrics.length = 0;
      errors.length = 0;
      requests = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };

  return receiver;
}

const SIGNALS: Record<string, "traces" | "metrics"> = { "/v1/traces": "traces", "/v1/metrics": "metrics" };

interface ServiceTypes {
  request: protobuf.Type;
  response: protobuf.Type;
}

function loadTypes(): Record<"traces" | "metrics", ServiceTypes> {
  const root = new protobuf.Root();
  // The .proto imports are relative to the fixtures folder (e.g. "opentelemetry/proto/common/v1/common.proto").
  root.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
  root.loadSync(["opentelemetry/proto/collector/trace/v1/trace_service.proto", "opentelemetry/proto/collector/metrics/v1/metrics_service.proto"]);
  const service = (signal: string, name: string): ServiceTypes => ({
    request: root.lookupType(`opentelemetry.proto.collector.${signal}.v1.Export${name}ServiceRequest`),
    response: root.lookupType(`opentelemetry.proto.collector.${signal}.v1.Export${name}ServiceResponse`),
  });
  return { traces: service("trace", "Trace"), metrics: service("metrics", "Metrics") };
}

/** The message as a plain object shaped like OTLP/JSON, except that bytes stay bytes. */
function decodeProtobuf(type: protobuf.Type, bytes: Buffer): unknown {
  return type.toObject(type.decode(bytes), { longs: String, defaults: false });
}

function isProtobuf(contentType: string | undefined): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/x-protobuf";
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const encoding = req.headers["content-encoding"]?.toLowerCase();
  if (encoding === "gzip") return gunzipSync(body);
  if (encoding && encoding !== "identity") throw new Error(`unsupported content-encoding ${encoding}`);
  return body;
}

function reply(res: ServerResponse, status: number, contentType: string, body: string | Uint8Array): void {
  res.writeHead(status, { "content-type": contentType }).end(body);
}

// The decoded request, from protobuf (`toObject`) or JSON: ids are bytes or hex strings, 64-bit
// integers strings (or numbers in JSON), absent fields absent.
type Int64 = string | number;
type Bytes = Uint8Array | string;

interface RawAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64;
  doubleValue?: number | string;
  arrayValue?: { values?: RawAnyValue[] };
  kvlistValue?: { values?: RawKeyValue[] };
  bytesValue?: Bytes;
}
interface RawKeyValue {
  key: string;
  value?: RawAnyValue;
}
interface RawScoped {
  resource?: { attributes?: RawKeyValue[] };
  scope?: { name?: string };
}
interface RawTracesRequest {
  resourceSpans?: (RawScoped & { scopeSpans?: (RawScoped & { spans?: RawSpan[] })[] })[];
}
interface RawSpan {
  traceId?: Bytes;
  spanId?: Bytes;
  parentSpanId?: Bytes;
  name?: string;
  kind?: number;
  startTimeUnixNano?: Int64;
  endTimeUnixNano?: Int64;
  attributes?: RawKeyValue[];
  events?: { name?: string; attributes?: RawKeyValue[] }[];
  status?: { code?: number; message?: string };
}
interface RawMetricsRequest {
  resourceMetrics?: (RawScoped & { scopeMetrics?: (RawScoped & { metrics?: RawMetric[] })[] })[];
}
interface RawPoint {
  attributes?: RawKeyValue[];
  asInt?: Int64;
  asDouble?: number | string;
  count?: Int64;
  sum?: number | string;
  bucketCounts?: Int64[];
  explicitBounds?: (number | string)[];
}
interface RawMetric {
  name?: string;
  unit?: string;
  description?: string;
  gauge?: { dataPoints?: RawPoint[] };
  sum?: { dataPoints?: RawPoint[]; isMonotonic?: boolean };
  histogram?: { dataPoints?: RawPoint[] };
  exponentialHistogram?: { dataPoints?: RawPoint[] };
  summary?: { dataPoints?: RawPoint[] };
}

function flattenSpans(request: RawTracesRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((rs) =>
    (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((span) => ({
        traceId: hex(span.traceId),
        spanId: hex(span.spanId),
        parentSpanId: hex(span.parentSpanId) || undefined,
        name: span.name ?? "",
        kind: span.kind ?? 0,
        startTimeUnixNano: BigInt(span.startTimeUnixNano ?? 0),
        endTimeUnixNano: BigInt(span.endTimeUnixNano ?? 0),
        attributes: attributes(span.attributes),
        status: { code: span.status?.code ?? 0, ...(span.status?.message ? { message: span.status.message } : {}) },
        events: (span.events ?? []).map((e) => ({ name: e.name ?? "", attributes: attributes(e.attributes) })),
        resource: attributes(rs.resource?.attributes),
        scope: ss.scope?.name ?? "",
      })),
    ),
  );
}

const METRIC_KINDS = ["gauge", "sum", "histogram", "exponentialHistogram", "summary"] as const;

function flattenMetrics(request: RawMetricsRequest): ReceivedMetric[] {
  return (request.resourceMetrics ?? []).flatMap((rm) =>
    (rm.scopeMetrics ?? []).flatMap((sm) =>
      (sm.metrics ?? []).map((metric) => {
        const kind = METRIC_KINDS.find((k) => metric[k]);
        if (!kind) throw new Error(`metric ${metric.name} has no data`);
        return {
          name: metric.name ?? "",
          unit: metric.unit ?? "",
          description: metric.description ?? "",
          kind,
          ...(kind === "sum" ? { isMonotonic: metric.sum?.isMonotonic ?? false } : {}),
          points: (metric[kind]?.dataPoints ?? []).map(point),
          resource: attributes(rm.resource?.attributes),
          scope: sm.scope?.name ?? "",
        };
      }),
    ),
  );
}

function point(raw: RawPoint): ReceivedPoint {
  const p: ReceivedPoint = { attributes: attributes(raw.attributes) };
  const value = raw.asInt ?? raw.asDouble;
  if (value !== undefined) p.value = Number(value);
  if (raw.count !== undefined) p.count = Number(raw.count);
  if (raw.sum !== undefined) p.sum = Number(raw.sum);
  if (raw.bucketCounts) p.bucketCounts = raw.bucketCounts.map(Number);
  if (raw.explicitBounds) p.explicitBounds = raw.explicitBounds.map(Number);
  return p;
}

function attributes(list: RawKeyValue[] | undefined): Attributes {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
}

function anyValue(v: RawAnyValue | undefined): AttributeValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue) return attributes(v.kvlistValue.values);
  // OTLP/JSON carries bytes values as base64 (only trace and span ids are hex).
  if (v.bytesValue !== undefined) return typeof v.bytesValue === "string" ? Buffer.from(v.bytesValue, "base64") : v.bytesValue;
  return null;
}

/** A trace or span id as lowercase hex ("" when absent or empty); OTLP/JSON already sends hex. */
function hex(id: Bytes | undefined): string {
  if (id === undefined) return "";
  return typeof id === "string" ? id.toLowerCase() : Buffer.from(id).toString("hex");
}
