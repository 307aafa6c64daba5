import * as z from "zod";
import { optionProblems } from "../../src/engine.js";
import { AirflowExportOptionsError } from "./errors.js";

/** Options of the Airflow export; the single source of their types and defaults. */
export const AirflowExportOptionsSchema = z.strictObject({
  airflowVersion: z
    .enum(["2", "3"])
    .default("3")
    .describe("Major Airflow version the DAG files are written for: import paths and arguments differ"),
  installRoot: z
    .string()
    .min(1)
    .refine((p) => p.startsWith("/"), "must be an absolute path")
    .default("/opt/wfkit")
    .describe("Where workers find installed workflow packages when WF_INSTALL_ROOT is not set on them"),
});

/** Options as a caller writes them. */
export type AirflowExportOptions = z.input<typeof AirflowExportOptionsSchema>;
/** Options with every default applied. */
export type CompiledAirflowExportOptions = z.output<typeof AirflowExportOptionsSchema>;

/** Apply defaults and check every option; throws an AirflowExportOptionsError naming each bad one. */
export function compileAirflowExportOptions(options: AirflowExportOptions = {}): CompiledAirflowExportOptions {
  const parsed = AirflowExportOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = optionProblems(parsed.error, Object.keys(AirflowExportOptionsSchema.shape));
  throw new AirflowExportOptionsError(`invalid Airflow export options; fix ${problems.length === 1 ? "it" : "them"}: ${problems.join("; ")}`);
}
