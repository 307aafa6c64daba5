import * as z from "zod";
import { PARSE_ONCE } from "../../../src/engine.js";
import { AirflowSdkProtocolError } from "../errors.js";

// What the SDK runtime reads of the supervisor's first frame (airflow/sdk/execution_time/comms.py
// `StartupDetails`; its `ti` and `ti_context` are the Execution API's TaskInstance and
// TIRunContext). Only the fields wfkit uses are checked; Airflow may add others. msgspec sends a
// datetime as an ISO string or a msgpack timestamp (which @msgpack/msgpack decodes to a Date).
const DateValue = z.union([z.date(), z.iso.datetime({ offset: true })]).transform((v) => (v instanceof Date ? v : new Date(v)));

/** The first frame of a task process, as wfkit uses it. */
export const StartupDetailsSchema = z.object({
  type: z.literal("StartupDetails"),
  ti: z.object({
    id: z.string(),
    task_id: z.string().min(1),
    dag_id: z.string().min(1),
    run_id: z.string().min(1),
    try_number: z.number().int().min(0),
    map_index: z.number().int().nullish(),
    queue: z.string().nullish(),
  }),
  ti_context: z.object({
    dag_run: z.object({
      conf: z.record(z.string(), z.unknown()).nullish(),
      logical_date: DateValue.nullish(),
      data_interval_start: DateValue.nullish(),
      data_interval_end: DateValue.nullish(),
      run_after: DateValue.nullish(),
    }),
    max_tries: z.number().int().min(0),
    should_retry: z.boolean().nullish(),
  }),
});

/** StartupDetails as wfkit uses them. */
export type StartupDetails = z.output<typeof StartupDetailsSchema>;

/** Check the supervisor's first frame; throws AirflowSdkProtocolError naming what does not fit. */
export function parseStartupDetails(body: unknown): StartupDetails {
  const parsed = StartupDetailsSchema.safeParse(body, PARSE_ONCE);
  if (parsed.success) return parsed.data;
  const type = typeof body === "object" && body !== null ? (body as Record<string, unknown>)["type"] : undefined;
  if (type !== "StartupDetails") throw new AirflowSdkProtocolError(`Airflow's supervisor sent ${JSON.stringify(type ?? null)} first, not StartupDetails: this process runs tasks, it does not parse DAG files`);
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  throw new AirflowSdkProtocolError(`Airflow's StartupDetails do not have what wfkit needs (${problems.join("; ")}); is this Airflow >= 3.3?`);
}
