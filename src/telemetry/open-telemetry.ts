import type { Telemetry } from "./run-telemetry.js";
import type { TelemetryOptions } from "./telemetry-options.js";

const opened = new Map<string, Promise<Telemetry>>();

/**
 * The process's OpenTelemetry for `options`: the SDK is loaded on the first call (a dynamic
 * import, so a process with telemetry off never loads it) and its providers are made once per
 * configuration; runs share them.
 */
export function openTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const key = JSON.stringify(options);
  let telemetry = opened.get(key);
  if (telemetry === undefined) {
    telemetry = (async () => {
      const { createTelemetry } = await import("./otel-sdk.js");
      const made = createTelemetry(options);
      // Not awaited: the first export awaits the same modules.
      made.warmUp().catch(() => {});
      await made.startProcessMetrics();
      return made;
    })();
    opened.set(key, telemetry);
    // A failed load is not kept: the next run tries again.
    telemetry.catch(() => opened.delete(key));
  }
  return telemetry;
}
