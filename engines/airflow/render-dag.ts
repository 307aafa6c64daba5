import { parseSchedule, wfkitPackage, workflowSourceProblems } from "../../src/engine.js";
import { airflowParams, type AirflowParamSpec } from "./airflow-params.js";
import { compileAirflowExportOptions, type AirflowExportOptions } from "./airflow-export-options.js";
import { dagDocMd, taskDocMd } from "./dag-doc.js";
import type { AirflowDagSource } from "./dag-source.js";
import { dagTemplate } from "./dag-template.js";
import { AirflowExportError } from "./errors.js";
import { PyCode, pyBool, pyDateTime, pyInt, pyLines, pyNumber, pyStr, pyTimedelta, pyValue } from "./py-literal.js";
import { RUNTIME_ENV, SKIP_EXIT_CODE, WORKER_COMMAND } from "./worker-command.js";

/** A rendered DAG file. */
export interface RenderedDag {
  /** `<dag_id>.py` */
  fileName: string;
  content: string;
  dagId: string;
  dagHash: string;
  /** Task ids in topological order. */
  tasks: string[];
}

/** Airflow's limit on the length of one DAG tag. */
const MAX_TAG_LENGTH = 100;

/**
 * `wf run-task`'s exit code for bad input (params, configuration, a missing or different install,
 * a workflow on hold): the DAG's operator fails the task at once, without Airflow's retries.
 */
const BAD_INPUT_EXIT_CODE = 2;

/**
 * Render one workflow version as an Airflow DAG file: per task a `WfkitTaskOperator` (a
 * BashOperator defined in the file) running `wf run-task` and logging its lines at their levels,
 * edges as in the workflow, per-task retries, retry delay and queue, the params as typed Airflow
 * Params. Validates the workflow first (a WorkflowValidationError lists every
 * problem) and throws an AirflowExportError for what Airflow itself would reject. The same
 * input always renders the same bytes.
 */
export async function renderAirflowDag(source: AirflowDagSource, options?: AirflowExportOptions): Promise<RenderedDag> {
  const { airflowVersion, installRoot } = compileAirflowExportOptions(options);
  const wf = source.workflow;
  wf.assertValid();
  checkSource(source);
  const order = wf.topologicalOrder();
  const dagHash = wf.dagHash();
  const params = airflowParams(wf.params, wf.dagId);
  const wfDescription = wf.description ?? source.docs?.workflow;
  const tasks = order.map((node) => ({ node, description: node.settings.description ?? source.docs?.tasks[node.name] }));

  const tags = [...new Set([...wf.options.tags, wf.version, wf.options.category, wf.options.inputData, wf.options.outputData])]
    .filter((t): t is string => t !== undefined && t !== "")
    .sort();
  const longTag = tags.find((t) => t.length > MAX_TAG_LENGTH);
  if (longTag !== undefined) {
    throw new AirflowExportError(
      `${wf.dagId}: tag "${longTag.slice(0, 40)}…" is ${longTag.length} characters; Airflow allows at most ${MAX_TAG_LENGTH}: shorten it (tags are the workflow's tags, version, category, inputData and outputData)`,
    );
  }

  const optional = (text: string | undefined): PyCode => (text === undefined || text === "" ? pyValue(null) : pyStr(text));
  const model = {
    airflow3: airflowVersion === "3",
    command: pyLines(WORKER_COMMAND),
    badInputExitCode: pyInt(BAD_INPUT_EXIT_CODE),
    paramNames: pyValue(params.map((p) => p.name)),
    omitWhenNone: pyValue(params.filter((p) => p.omitWhenNone).map((p) => p.name)),
    dagId: pyStr(wf.dagId),
    description: optional(wfDescription?.split("\n")[0]),
    docMd: pyStr(
      dagDocMd({
        source,
        description: wfDescription,
        dagHash,
        wfkitVersion: wfkitPackage().version,
        airflowVersion,
        tasks,
        params,
      }),
    ),
    ...scheduleModel(wf.options.schedule),
    startDate: pyDateTime(wf.options.startDate),
    endDate: wf.options.endDate === undefined ? pyValue(null) : pyDateTime(wf.options.endDate),
    catchup: pyBool(wf.options.catchup),
    dagrunTimeout: pyTimedelta(wf.options.dagrunTimeoutSeconds),
    maxActiveRuns: pyInt(wf.options.maxActiveRuns),
    maxActiveTasks: pyInt(wf.options.maxActiveTasks),
    defaultArgs: pyValue({ owner: wf.options.owner }),
    tags: pyValue(tags),
    params: params.map((p) => ({ name: pyStr(p.name), param: paramCall(p) })),
    packageName: pyStr(source.package.name),
    packageVersion: pyStr(source.package.version),
    modulePath: pyStr(source.modulePath),
    exportName: pyStr(source.exportName),
    dagHash: pyStr(dagHash),
    installRoot: pyStr(installRoot),
    runIdTemplate: pyStr(RUNTIME_ENV.WF_RUN_ID),
    paramsTemplate: pyStr(RUNTIME_ENV.WF_PARAMS),
    attemptTemplate: pyStr(RUNTIME_ENV.WF_ATTEMPT),
    logicalDateTemplate: pyStr(RUNTIME_ENV.WF_LOGICAL_DATE),
    intervalStartTemplate: pyStr(RUNTIME_ENV.WF_DATA_INTERVAL_START),
    intervalEndTemplate: pyStr(RUNTIME_ENV.WF_DATA_INTERVAL_END),
    tasks: tasks.map(({ node, description }) => ({
      name: pyStr(node.name),
      skipExitCode: pyInt(SKIP_EXIT_CODE),
      retries: pyInt(node.settings.retries),
      retryDelaySeconds: pyNumber(node.settings.retryDelaySeconds),
      queue: pyStr(node.settings.queue),
      // Airflow 3 takes a multiplier (True would mean 1: no backoff); Airflow 2 a flag (doubling).
      retryExponentialBackoff: airflowVersion === "3" ? pyNumber(node.settings.retryExponentialBackoff ? 2 : 0) : pyBool(node.settings.retryExponentialBackoff),
      maxRetryDelay: pyTimedelta(node.settings.maxRetryDelaySeconds),
      executionTimeout: pyTimedelta(node.settings.timeoutSeconds),
      pool: node.settings.pool === undefined ? pyValue(null) : pyStr(node.settings.pool),
      poolSlots: pyInt(node.settings.poolSlots),
      priorityWeight: pyInt(node.settings.priorityWeight),
      owner: pyStr(node.settings.owner ?? wf.options.owner),
      triggerRule: pyStr(node.settings.triggerRule),
      docMd: pyStr(taskDocMd(node, description)),
    })),
    edges: order.flatMap((node) =>
      node.upstreams
        .map((up) => up.name)
        .sort()
        .map((up) => ({ downstream: pyStr(node.name), upstream: pyStr(up) })),
    ),
  };
  const render = await dagTemplate();
  return {
    fileName: `${wf.dagId}.py`,
    content: render(model),
    dagId: wf.dagId,
    dagHash,
    tasks: order.map((n) => n.name),
  };
}

/** `Param(default, description=…, **schema)`; without a default for a required param. */
function paramCall(p: AirflowParamSpec): PyCode {
  const args = [
    ...(p.default === undefined ? [] : [pyValue(p.default).code]),
    `description=${(p.description === null ? pyValue(null) : pyStr(p.description)).code}`,
    `**${pyValue(p.schema).code}`,
  ];
  return new PyCode(`Param(${args.join(", ")})`);
}

function checkSource(source: AirflowDagSource): void {
  const problems = workflowSourceProblems(source);
  if (problems.length > 0) throw new AirflowExportError(`${source.workflow.dagId}: ${problems.join("; ")}`);
}

/**
 * The DAG's `schedule`: a cron schedule (presets expanded) as Airflow's CronDataIntervalTimetable
 * in UTC, on Airflow 2 and 3 alike, so that a run's data interval is the same on both (Airflow 3
 * would otherwise make a cron string a CronTriggerTimetable, whose interval is an instant) and
 * the same as wfkit computes locally; `@once` and null as they are. The workflow was validated.
 */
function scheduleModel(schedule: string | null): { schedule: PyCode; cron: boolean } {
  const parsed = parseSchedule(schedule);
  if ("problem" in parsed) throw new AirflowExportError(parsed.problem);
  if (parsed.kind === "none") return { schedule: pyValue(null), cron: false };
  if (parsed.kind === "once") return { schedule: pyStr("@once"), cron: false };
  return { schedule: new PyCode(`CronDataIntervalTimetable(${pyStr(parsed.expression).code}, timezone="UTC")`), cron: true };
}
