import { createRequire } from "node:module";
import type { Tracer } from "@opentelemetry/api";

let idle: Tracer | undefined;

/**
 * `this.tracer` when wfkit's telemetry is off: the OpenTelemetry API's global tracer, which is
 * a no-op unless the process registered an SDK of its own (then task code's spans go there).
 * Required on first use: a task that never touches `this.tracer` loads nothing.
 */
export function idleTracer(): Tracer {
  if (idle !== undefined) return idle;
  const api = createRequire(import.meta.url)("@opentelemetry/api") as typeof import("@opentelemetry/api");
  return (idle = api.trace.getTracer("wfkit"));
}
