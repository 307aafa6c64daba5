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
  runtime: z
    .enum(["bash", "sdk"])
    .default("bash")
    .describe(
      "How tasks run on workers: bash, a BashOperator per task running `wf run-task`; sdk, a stub DAG whose tasks Airflow 3.3's SDK runtime hands to wfkit's coordinator (the wfkit-airflow Python package), Airflow 3 only",
    ),
})
  .superRefine((options, ctx) => {
    if (options.runtime === "sdk" && options.airflowVersion === "2") {
      ctx.addIssue({
        code: "custom",
        path: ["runtime"],
        message: `"sdk" needs Airflow 3.3 or later (its language-SDK coordinators), but airflowVersion is "2": export for Airflow 2 with runtime "bash" (--runtime bash), or for Airflow 3 (--airflow-version 3)`,
      });
    }
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
