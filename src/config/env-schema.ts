import * as z from "zod";
import { LogLevelSchema } from "../logging/log-level.js";

/**
 * Every `WF_*` environment variable wfkit reads, declared once: its type, default and
 * description. The README's configuration table is generated from this schema.
 */
export const EnvSchema = z.object({
  WF_HOME: z
    .string()
    .default(".wf")
    .describe("Folder for wfkit's files (run directories under `runs/`), relative to the current directory."),
  WF_LOG_LEVEL: LogLevelSchema.default("info").describe(
    "Lowest level that is logged. `debug` shows wfkit's own messages.",
  ),
  WF_LOG_FORMAT: z
    .enum(["auto", "pretty", "json"])
    .default("auto")
    .describe("Log line format. `auto`: pretty on a terminal, json otherwise."),
  WF_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .default(16)
    .describe("Local engine: how many tasks may run at once."),
  WF_RETRY_DELAY_SECONDS: z.coerce
    .number()
    .min(0)
    .optional()
    .describe("Local and notebook engines: overrides every task's retry delay (e.g. `0` in tests). Unset: each task's own."),
  WF_INSTALL_ROOT: z
    .string()
    .default("/opt/wfkit")
    .describe(
      "Where workflow package versions are installed (`<root>/<package>/<version>/`): read by `wf install`, by the generated DAGs on Airflow workers, and by packaged notebooks.",
    ),
});

/** Resolved configuration, with defaults applied. */
export type WfConfig = z.infer<typeof EnvSchema>;
