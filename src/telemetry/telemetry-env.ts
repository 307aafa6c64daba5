import * as z from "zod";
import { pure } from "../util/pure.js";
import { keyValueListProblem } from "./key-value-list.js";
import { traceParentProblem, traceStateProblem } from "./trace-parent.js";

/** What `WF_OTEL` turns on: nothing, traces and metrics, or those and the process's own metrics. */
export const TelemetryModeSchema = /* @__PURE__ */ pure(() => z.enum(["off", "on", "process"]));
/** `WF_OTEL`'s value. */
export type TelemetryMode = z.infer<typeof TelemetryModeSchema>;

/** OTLP over HTTP: protobuf or JSON bodies. `grpc` is read (it is the spec's default elsewhere) and refused with a clear error when telemetry is on. */
const Protocol = /* @__PURE__ */ pure(() => z.enum(["http/protobuf", "http/json", "grpc"]));
const Exporter = /* @__PURE__ */ pure(() => z.enum(["otlp", "console", "none"]));

function keyValueList(what: string) {
  return z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      const problem = keyValueListProblem(text ?? "");
      if (problem !== undefined) ctx.addIssue({ code: "custom", message: `${problem}; ${what} is key=value pairs, comma-separated (values percent-encoded)` });
    });
}

/** A string that `problem` finds nothing wrong with; its message is the problem. */
function checkedBy(problem: (text: string) => string | undefined) {
  return z.string().superRefine((text, ctx) => {
    const found = problem(text);
    if (found !== undefined) ctx.addIssue({ code: "custom", message: found });
  });
}

/** A W3C `traceparent`, its problem said when it is not one. */
export const TraceParentSchema = /* @__PURE__ */ pure(() => checkedBy(traceParentProblem));
/** A W3C `tracestate`, its problem said when it is not one. */
export const TraceStateSchema = /* @__PURE__ */ pure(() => checkedBy(traceStateProblem));

const Url = /* @__PURE__ */ pure(() => z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" }));

/**
 * The OpenTelemetry variables wfkit reads (the standard `OTEL_*` ones it supports, and
 * `WF_OTEL`), spread into the configuration schema: one table documents them all.
 */
export const TelemetryEnvShape = /* @__PURE__ */ pure(() => ({
  WF_OTEL: TelemetryModeSchema.default("off").describe(
    "OpenTelemetry: `on` sends a trace of every run (a span per run, task attempt and lifecycle hook) and wfkit's metrics over OTLP; `process` also the process's memory and CPU; `off` loads nothing. Configured by the `OTEL_*` variables below.",
  ),
  OTEL_SDK_DISABLED: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true")
    .describe("`true` turns OpenTelemetry off whatever WF_OTEL says (the standard switch)."),
  OTEL_SERVICE_NAME: z.string().optional().describe("The `service.name` of wfkit's spans and metrics. Unset: `service.name` of OTEL_RESOURCE_ATTRIBUTES, else `wfkit`."),
  OTEL_RESOURCE_ATTRIBUTES: keyValueList("OTEL_RESOURCE_ATTRIBUTES").describe(
    "More resource attributes, `key=value` pairs comma-separated (e.g. `deployment.environment=prod,team=data`).",
  ),
  OTEL_TRACES_EXPORTER: Exporter.default("otlp").describe("Where spans go: `otlp`, `console` (stdout, for a look) or `none`."),
  OTEL_METRICS_EXPORTER: Exporter.default("otlp").describe("Where metrics go: `otlp`, `console` or `none`."),
  OTEL_EXPORTER_OTLP_ENDPOINT: Url.optional().describe(
    "Base URL of the OTLP/HTTP receiver (a collector); `/v1/traces` and `/v1/metrics` are appended. Unset: `http://localhost:4318`.",
  ),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: Url.optional().describe("Full URL spans are sent to; wins over OTEL_EXPORTER_OTLP_ENDPOINT."),
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: Url.optional().describe("Full URL metrics are sent to; wins over OTEL_EXPORTER_OTLP_ENDPOINT."),
  OTEL_EXPORTER_OTLP_PROTOCOL: Protocol.default("http/protobuf").describe("`http/protobuf` or `http/json`. (`grpc` is not supported: use an OTLP/HTTP endpoint.)"),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: Protocol.optional().describe("The spans' protocol; wins over OTEL_EXPORTER_OTLP_PROTOCOL."),
  OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: Protocol.optional().describe("The metrics' protocol; wins over OTEL_EXPORTER_OTLP_PROTOCOL."),
  OTEL_EXPORTER_OTLP_HEADERS: keyValueList("OTEL_EXPORTER_OTLP_HEADERS").describe("Headers of every export, `key=value` comma-separated (e.g. `authorization=Bearer%20…`). Masked wherever wfkit prints configuration."),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: keyValueList("OTEL_EXPORTER_OTLP_TRACES_HEADERS").describe("Headers of span exports, added to OTEL_EXPORTER_OTLP_HEADERS."),
  OTEL_EXPORTER_OTLP_METRICS_HEADERS: keyValueList("OTEL_EXPORTER_OTLP_METRICS_HEADERS").describe("Headers of metric exports, added to OTEL_EXPORTER_OTLP_HEADERS."),
  OTEL_EXPORTER_OTLP_COMPRESSION: z.enum(["gzip", "none"]).default("none").describe("Compression of export bodies."),
  OTEL_EXPORTER_OTLP_TIMEOUT: z.coerce.number().int().positive().default(10000).describe("Milliseconds an export may take; a process waits at most this long for its last spans when it ends."),
  OTEL_TRACES_SAMPLER: z
    .enum(["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"])
    .default("parentbased_always_on")
    .describe("Which traces are kept: the standard samplers. `parentbased_*` follow a parent trace context's sampled flag."),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional().describe("The ratio of `traceidratio` samplers (0–1). Unset: 1."),
  OTEL_METRIC_EXPORT_INTERVAL: z.coerce.number().int().positive().default(60000).describe("Milliseconds between metric exports of a long process; every process also exports when it ends."),
  TRACEPARENT: TraceParentSchema.optional().describe("A W3C trace context (`00-<trace id>-<span id>-<flags>`) that parents `wf run`'s and a notebook's run span (the standard environment carrier); `wf run --traceparent` wins."),
  TRACESTATE: TraceStateSchema.optional().describe("The W3C `tracestate` that goes with TRACEPARENT."),
}));

/** Variables whose values are never printed (ConfigError, `--debug`): they carry credentials. */
export const HIDDEN_TELEMETRY_VARIABLES: ReadonlySet<string> = new Set(["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_METRICS_HEADERS"]);
