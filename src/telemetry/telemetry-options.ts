/** Where one signal (spans or metrics) is sent. */
export interface ExportTarget {
  /** `otlp`: to `url` over OTLP/HTTP; `console`: to stderr. */
  readonly kind: "otlp" | "console";
  readonly url: string;
  readonly protocol: "http/protobuf" | "http/json";
  readonly headers: Readonly<Record<string, string>>;
  readonly compression: "gzip" | "none";
}

/** OpenTelemetry settings, compiled once from the `WF_OTEL` and `OTEL_*` configuration (`telemetryOptionsFromConfig`). */
export interface TelemetryOptions {
  /** Also send the process's memory and CPU metrics (`WF_OTEL=process`). */
  readonly processMetrics: boolean;
  /** The resource of every span and metric: `service.name` and the rest of OTEL_RESOURCE_ATTRIBUTES. */
  readonly resource: Readonly<Record<string, string>>;
  /** Undefined: spans go nowhere (OTEL_TRACES_EXPORTER=none). */
  readonly traces: ExportTarget | undefined;
  /** Undefined: no metrics (OTEL_METRICS_EXPORTER=none). */
  readonly metrics: ExportTarget | undefined;
  readonly sampler: { readonly name: string; readonly ratio: number };
  /** Milliseconds an export may take, and a process waits for its last one. */
  readonly timeoutMs: number;
  /** Milliseconds between metric exports of a long process. */
  readonly metricIntervalMs: number;
}
