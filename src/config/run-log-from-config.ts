import type { WfConfig } from "./env-schema.js";
import type { RunLogOptions } from "../run-log/run-log-options.js";

/** Run-log options from the WF_RUN_LOG* configuration. */
export function runLogOptionsFromConfig(config: WfConfig): RunLogOptions {
  return { store: config.WF_RUN_LOG, strict: config.WF_RUN_LOG_STRICT };
}
