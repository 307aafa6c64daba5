import type { WfConfig } from "./env-schema.js";
import { splitList } from "./env-schema.js";
import type { ProgressLevel, ProgressOptions } from "../progress/progress-options.js";

/** Progress options from the WF_PROGRESS* configuration. */
export function progressOptionsFromConfig(config: WfConfig): ProgressOptions {
  return {
    mode: config.WF_PROGRESS,
    levels: splitList(config.WF_PROGRESS_LEVELS) as ProgressLevel[],
    logIntervalSeconds: config.WF_PROGRESS_LOG_INTERVAL,
    notebookIntervalSeconds: config.WF_PROGRESS_NOTEBOOK_INTERVAL,
  };
}
