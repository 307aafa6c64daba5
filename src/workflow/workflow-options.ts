import * as z from "zod";
import type { ParamsSchema } from "./params.js";
import type { ValidationIssue } from "./validation-issue.js";
import { DatasetDeclarationSchema } from "../events/audit-fields.js";
import { DefaultTaskSettingsSchema } from "./node-settings.js";
import { DateInputSchema } from "./schedule.js";
import { PARSE_ONCE } from "../util/parse-once.js";
import { pure } from "../util/pure.js";

/** Airflow's start date for a workflow that names none; fixed, so that exports are the same bytes. */
const DEFAULT_START_DATE = new Date("2024-01-01T00:00:00Z");


/** Options of `new Workflow(...)`; the single source of the workflow's option types and defaults. */
export const WorkflowOptionsSchema = /* @__PURE__ */ pure(() => z.object({
  category: z.string().min(1).describe("What the workflow does, e.g. `etl`: part of its name"),
  detail: z.string().min(1).optional().describe("Extra name part, appended as `_${detail}`"),
  inputData: z.string().min(1).optional().describe("Input data kind: the name starts `${inputData}_to_…`"),
  outputData: z.string().min(1).optional().describe("Output data kind: `…_to_${outputData}_…`"),
  version: z.string().min(1).describe("A semver version (`1.2.0`) or `dev`"),
  description: z.string().optional().describe("Shown in exports"),
  tags: z.array(z.string()).default([]).describe("Extra tags for exports"),
  params: z.unknown().optional().describe("A zod object schema of the run parameters"),
  schedule: z
    .string()
    .min(1)
    .nullable()
    .default(null)
    .describe("When Airflow starts runs: a five-field cron expression (`0 6 * * 1-5`, UTC), a preset (`@hourly`, `@daily`, `@weekly`, `@monthly`, `@quarterly`, `@yearly`), `@once`, or null for runs started by hand; default null"),
  startDate: DateInputSchema.default(DEFAULT_START_DATE).describe("The first logical date Airflow schedules (`2026-01-01` or an ISO date-time with offset; UTC); default 2024-01-01"),
  endDate: DateInputSchema.optional().describe("The last logical date Airflow schedules; default none"),
  catchup: z.boolean().default(false).describe("Whether Airflow runs every interval since `startDate` that has not run (Airflow `catchup`); default false"),
  dagrunTimeoutSeconds: z.number().positive().optional().describe("A DAG run running longer fails (Airflow `dagrun_timeout`; only scheduled runs); default none"),
  maxActiveRuns: z.number().int().min(1).default(16).describe("Runs of the DAG at once (Airflow `max_active_runs`); default 16, Airflow's"),
  maxActiveTasks: z.number().int().min(1).default(16).describe("Tasks of one DAG run at once (Airflow `max_active_tasks`); default 16, Airflow's"),
  owner: z.string().min(1).default("airflow").describe("Owner of every task that names none (Airflow `owner`); default `airflow`"),
  defaultTaskSettings: DefaultTaskSettingsSchema.default({}).describe("Task settings (`retries`, `timeoutSeconds`, `queue`, `pool`, `triggerRule`…) for every task whose class does not set them; `addNode` options still override"),
  sources: z.array(DatasetDeclarationSchema).default([]).describe("What the workflow reads from (the audit's sources): names, or `{ name, type, objects, datasetTypes }`"),
  targets: z.array(DatasetDeclarationSchema).default([]).describe("What the workflow writes to (the audit's targets), the same way"),
  datasetTypes: z.array(z.string().min(1)).default([]).describe("Categories of the workflow's data (`sales`): given to its sources, targets and extracts"),
  maxConsecutiveFailures: z.number().int().min(1).optional().describe("Runs failed in a row that put the workflow on hold: new runs are refused until `wf audit release`; default never"),
}));

/** Options as a user writes them. */
export type WorkflowOptions<S extends ParamsSchema | undefined = ParamsSchema | undefined> = Omit<
  z.input<typeof WorkflowOptionsSchema>,
  "params"
> & { params?: S };

/** Options with every default applied. */
export type CompiledWorkflowOptions = Omit<z.output<typeof WorkflowOptionsSchema>, "params"> & {
  params: ParamsSchema | undefined;
};

/**
 * Apply defaults and check types. Never throws: problems come back as issues, so that
 * validation can report them together with every other problem of the workflow.
 */
export function compileWorkflowOptions(options: unknown): {
  options: CompiledWorkflowOptions;
  issues: ValidationIssue[];
} {
  const parsed = WorkflowOptionsSchema.safeParse(options, PARSE_ONCE);
  if (parsed.success) {
    return { options: { ...parsed.data, params: parsed.data.params as ParamsSchema | undefined }, issues: [] };
  }
  const issues: ValidationIssue[] = parsed.error.issues.map((issue) => ({
    code: "invalid-option",
    path: issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
    tasks: [],
    message: `workflow option ${issue.path.join(".") || "(options)"}: ${issue.message}`,
  }));
  const raw = (typeof options === "object" && options !== null ? options : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof raw[key] === "string" && raw[key] !== "" ? (raw[key] as string) : undefined);
  return {
    options: {
      category: text("category") ?? "invalid",
      detail: text("detail"),
      inputData: text("inputData"),
      outputData: text("outputData"),
      version: text("version") ?? "invalid",
      description: text("description"),
      tags: Array.isArray(raw["tags"]) ? raw["tags"].filter((t): t is string => typeof t === "string") : [],
      params: raw["params"] as ParamsSchema | undefined,
      schedule: text("schedule") ?? null,
      sources: [],
      targets: [],
      datasetTypes: [],
      maxConsecutiveFailures: undefined,
      startDate: DEFAULT_START_DATE,
      endDate: undefined,
      catchup: false,
      dagrunTimeoutSeconds: undefined,
      maxActiveRuns: 16,
      maxActiveTasks: 16,
      owner: "airflow",
      defaultTaskSettings: {},
    },
    issues,
  };
}
