import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load-config.js";
import { ConfigError } from "../../../src/config/errors.js";
import { loggableConfig, telemetryOptionsFromConfig, traceParentFromConfig } from "../../../src/config/telemetry-from-config.js";

const on = (env: NodeJS.ProcessEnv) => telemetryOptionsFromConfig(loadConfig({ WF_OTEL: "on", ...env }));

describe("telemetryOptionsFromConfig", () => {
  it("is off unless WF_OTEL turns it on, and OTEL_SDK_DISABLED wins", () => {
    expect(telemetryOptionsFromConfig(loadConfig({}))).toBeUndefined();
    expect(telemetryOptionsFromConfig(loadConfig({ WF_OTEL: "on", OTEL_SDK_DISABLED: "true" }))).toBeUndefined();
  });

  it("has the spec's defaults: OTLP/HTTP protobuf to localhost:4318, parent-based sampling, service wfkit", () => {
    expect(on({})).toEqual({
      processMetrics: false,
      resource: { "service.name": "wfkit" },
      traces: { kind: "otlp", url: "http://localhost:4318/v1/traces", protocol: "http/protobuf", headers: {}, compression: "none" },
      metrics: { kind: "otlp", url: "http://localhost:4318/v1/metrics", protocol: "http/protobuf", headers: {}, compression: "none" },
      sampler: { name: "parentbased_always_on", ratio: 1 },
      timeoutMs: 10000,
      metricIntervalMs: 60000,
    });
  });

  it("takes per-signal endpoints, protocols and headers over the common ones", () => {
    const options = on({
      WF_OTEL: "process",
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector:4318/",
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "https://metrics:9000/ingest",
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20t,x-team=data",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-team=traces",
      OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
      OTEL_TRACES_SAMPLER: "traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
      OTEL_METRICS_EXPORTER: "console",
    })!;
    expect(options.processMetrics).toBe(true);
    expect(options.traces).toEqual({ kind: "otlp", url: "https://collector:4318/v1/traces", protocol: "http/json", headers: { authorization: "Bearer t", "x-team": "traces" }, compression: "gzip" });
    expect(options.metrics).toMatchObject({ kind: "console", url: "https://metrics:9000/ingest", protocol: "http/protobuf" });
    expect(options.sampler).toEqual({ name: "traceidratio", ratio: 0.25 });
    expect(on({ OTEL_TRACES_EXPORTER: "none" })!.traces).toBeUndefined();
  });

  it("names the service by OTEL_SERVICE_NAME, else service.name of OTEL_RESOURCE_ATTRIBUTES, else wfkit", () => {
    expect(on({ OTEL_RESOURCE_ATTRIBUTES: "service.name=etl,team=data" })!.resource).toEqual({ "service.name": "etl", team: "data" });
    expect(on({ OTEL_RESOURCE_ATTRIBUTES: "service.name=etl", OTEL_SERVICE_NAME: "pipelines" })!.resource).toEqual({ "service.name": "pipelines" });
  });

  it("refuses gRPC, naming the variable, and checks every variable at once without repeating header values", () => {
    expect(() => on({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc" })).toThrow(/OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="grpc": wfkit sends OTLP over HTTP only/);
    expect(() => on({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toThrow(/^invalid configuration \(1 problem\)[\s\S]*OTEL_EXPORTER_OTLP_PROTOCOL="grpc"/);
    expect(on({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc", OTEL_TRACES_EXPORTER: "console", OTEL_METRICS_EXPORTER: "none" })!.traces!.kind).toBe("console");
    let error: unknown;
    try {
      loadConfig({ WF_OTEL: "sometimes", OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318", OTEL_EXPORTER_OTLP_HEADERS: "token-abc123", TRACEPARENT: "00-abc" });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ["WF_OTEL", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "TRACEPARENT"]) expect(message).toContain(`${name}=`);
    expect(message).toContain('OTEL_EXPORTER_OTLP_HEADERS="(hidden)"');
    expect(message).not.toContain("token-abc123");
    expect((error as ConfigError).problems.find((p) => p.variable === "OTEL_EXPORTER_OTLP_HEADERS")?.received).toBe("(hidden)");
  });

  it("reads TRACEPARENT and TRACESTATE, and hides export headers from --debug's dump", () => {
    const config = loadConfig({ TRACEPARENT: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", TRACESTATE: "a=b", OTEL_EXPORTER_OTLP_HEADERS: "authorization=secret" });
    expect(traceParentFromConfig(config)).toEqual({ traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", tracestate: "a=b" });
    expect(traceParentFromConfig(loadConfig({}))).toBeUndefined();
    expect(loggableConfig(config)["OTEL_EXPORTER_OTLP_HEADERS"]).toBe("(hidden)");
  });
});
