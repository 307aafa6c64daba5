import type { WfConfig } from "./env-schema.js";
import { ConfigError, type ConfigProblem } from "./errors.js";
import type { ExportTarget, TelemetryOptions } from "../telemetry/telemetry-options.js";
import { parseKeyValueList } from "../telemetry/key-value-list.js";
import type { TraceParent } from "../telemetry/trace-parent.js";
import { HIDDEN_TELEMETRY_VARIABLES } from "../telemetry/telemetry-env.js";

const DEFAULT_ENDPOINT = "http://localhost:4318";

/**
 * OpenTelemetry settings from `WF_OTEL` and the `OTEL_*` variables; undefined when telemetry is
 * off (`WF_OTEL=off`, or `OTEL_SDK_DISABLED=true`): nothing is loaded then. Throws a ConfigError
 * when a protocol is `grpc`, which wfkit does not send.
 */
export function telemetryOptionsFromConfig(config: WfConfig): TelemetryOptions | undefined {
  if (config.WF_OTEL === "off" || config.OTEL_SDK_DISABLED) return undefined;
  const problems: ConfigProblem[] = [];
  const headers = parseKeyValueList(config.OTEL_EXPORTER_OTLP_HEADERS ?? "");
  const target = (signal: "traces" | "metrics"): ExportTarget | undefined => {
    const upper = signal.toUpperCase() as "TRACES" | "METRICS";
    const kind = signal === "traces" ? config.OTEL_TRACES_EXPORTER : config.OTEL_METRICS_EXPORTER;
    if (kind === "none") return undefined;
    const protocolVariable = config[`OTEL_EXPORTER_OTLP_${upper}_PROTOCOL`] === undefined ? "OTEL_EXPORTER_OTLP_PROTOCOL" : `OTEL_EXPORTER_OTLP_${upper}_PROTOCOL`;
    const protocol = config[`OTEL_EXPORTER_OTLP_${upper}_PROTOCOL`] ?? config.OTEL_EXPORTER_OTLP_PROTOCOL;
    // Said once per variable: both signals read OTEL_EXPORTER_OTLP_PROTOCOL unless they have their own.
    if (protocol === "grpc" && kind === "otlp" && !problems.some((p) => p.variable === protocolVariable)) {
      problems.push({ variable: protocolVariable, received: protocol, message: "wfkit sends OTLP over HTTP only: set http/protobuf (or http/json) and the collector's OTLP/HTTP endpoint (port 4318)" });
    }
    const base = (config.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, "");
    return {
      kind,
      url: config[`OTEL_EXPORTER_OTLP_${upper}_ENDPOINT`] ?? `${base}/v1/${signal}`,
      protocol: protocol === "http/json" ? "http/json" : "http/protobuf",
      headers: { ...headers, ...parseKeyValueList(config[`OTEL_EXPORTER_OTLP_${upper}_HEADERS`] ?? "") },
      compression: config.OTEL_EXPORTER_OTLP_COMPRESSION,
    };
  };
  const traces = target("traces");
  const metrics = target("metrics");
  if (problems.length > 0) throw new ConfigError(problems);
  const attributes = parseKeyValueList(config.OTEL_RESOURCE_ATTRIBUTES ?? "");
  // The spec: OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES; with neither, wfkit.
  const serviceName = config.OTEL_SERVICE_NAME ?? attributes["service.name"] ?? "wfkit";
  const sampler = config.OTEL_TRACES_SAMPLER;
  return {
    processMetrics: config.WF_OTEL === "process",
    resource: { ...attributes, "service.name": serviceName },
    traces,
    metrics,
    sampler: { name: sampler, ratio: config.OTEL_TRACES_SAMPLER_ARG ?? 1 },
    timeoutMs: config.OTEL_EXPORTER_OTLP_TIMEOUT,
    metricIntervalMs: config.OTEL_METRIC_EXPORT_INTERVAL,
  };
}

/** The parent trace context of the environment (`TRACEPARENT`, `TRACESTATE`), validated by the configuration schema. */
export function traceParentFromConfig(config: WfConfig): TraceParent | undefined {
  return config.TRACEPARENT === undefined ? undefined : { traceparent: config.TRACEPARENT, tracestate: config.TRACESTATE };
}

/** The configuration as `--debug` logs it: export headers (tokens) hidden. */
export function loggableConfig(config: WfConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const name of HIDDEN_TELEMETRY_VARIABLES) if (out[name] !== undefined) out[name] = "(hidden)";
  return out;
}
