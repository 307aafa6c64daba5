import { parseSchedule, RESERVED_CONF_PREFIXES, TRACE_CONF_KEYS, wfkitPackage, workflowSourceProblems, type WorkflowNode } from "../../src/engine.js";
import { airflowParams, type AirflowParamSpec } from "./airflow-params.js";
import { compileAirflowExportOptions, type AirflowExportOptions, type CompiledAirflowExportOptions } from "./airflow-export-options.js";
import { dagDocMd, taskDocMd } from "./dag-doc.js";
import type { AirflowDagSource } from "./dag-source.js";
import { dagTemplate } from "./dag-template.js";
import { AirflowExportError } from "./errors.js";
import { PyCode, pyBool, pyCommentJson, pyDateTime, pyInt, pyLines, pyNumber, pyStr, pyTimedelta, pyValue } from "./py-literal.js";
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
 * The queue of a stub task whose own queue is Airflow's `default`: `[sdk] queue_to_coordinator`
 * must route it (and every other queue of a stub DAG's tasks) to wfkit's coordinator.
 */
export const SDK_QUEUE = "wfkit";

/**
 * The start of the one line of a stub DAG that wfkit's coordinator (python/wfkit_airflow) reads:
 * then one line of JSON with sorted keys `dagHash`, `dagId`, `installRoot`, `module`, `package`,
 * `version`, `workflow`. The coordinator reads the file's first {@link SDK_MARKER_MAX_LINE} lines.
 */
export const SDK_MARKER_PREFIX = "# wfkit-sdk-task: ";
/** The coordinator looks for the marker in this many lines from the top of the DAG file. */
export const SDK_MARKER_MAX_LINE = 60;

/**
 * Render one workflow version as an Airflow DAG file. With runtime `bash` (the default): per task
 * a `WfkitTaskOperator` (a BashOperator defined in the file) running `wf run-task` and logging
 * its lines at their levels. With runtime `sdk` (Airflow 3.3+): a stub DAG whose tasks are
 * `@task.stub`s that Airflow's SDK runtime hands to wfkit's coordinator, which reads the file's
 * `# wfkit-sdk-task: ` line. Both have the same dag id, params (typed Airflow Params), settings,
 * docs and edges, and per-task retries, retry delay, queue and the rest. Validates the workflow
 * first (a WorkflowValidationError lists every problem) and throws an AirflowExportError for what
 * Airflow itself would reject. The same input always renders the same bytes.
 */
export async function renderAirflowDag(source: AirflowDagSource, options?: AirflowExportOptions): Promise<RenderedDag> {
  const compiled = compileAirflowExportOptions(options);
  const dag = dagModel(source, compiled);
  const render = await dagTemplate(compiled.runtime === "sdk" ? "dag-sdk.py.hbs" : "dag.py.hbs");
  const model = compiled.runtime === "sdk" ? sdkModel(dag) : bashModel(dag);
  const wf = source.workflow;
  return {
    fileName: `${wf.dagId}.py`,
    content: render(model),
    dagId: wf.dagId,
    dagHash: dag.dagHash,
    tasks: dag.tasks.map((t) => t.node.name),
  };
}

/** What both DAG templates are made from: the workflow checked, and what they share as Python. */
interface DagModel {
  source: AirflowDagSource;
  options: CompiledAirflowExportOptions;
  dagHash: string;
  params: AirflowParamSpec[];
  /** The DAG's arguments, the same in both templates. */
  dag: Record<string, PyCode | boolean | readonly { name: PyCode; param: PyCode }[]>;
  /** Tasks in topological order, each with its settings as both templates pass them. */
  tasks: { node: WorkflowNode; queue: string; settings: Record<string, PyCode> }[];
  edges: { downstream: PyCode; upstream: PyCode }[];
}

/**
 * Check the workflow and the source and build what both templates share: the DAG's id, docs,
 * schedule, dates, limits, tags and params, each task's settings (on the SDK runtime its queue is {@link sdkQueue}'s)
 * and the edges.
 */
function dagModel(source: AirflowDagSource, options: CompiledAirflowExportOptions): DagModel {
  const { airflowVersion, runtime } = options;
  const wf = source.workflow;
  wf.assertValid();
  checkSource(source);
  const order = wf.topologicalOrder();
  const dagHash = wf.dagHash();
  const params = airflowParams(wf.params, wf.dagId);
  const wfDescription = wf.description ?? source.docs?.workflow;
  const tasks = order.map((node) => ({
    node,
    description: node.settings.description ?? source.docs?.tasks[node.name],
    queue: runtime === "sdk" ? sdkQueue(node.settings.queue) : node.settings.queue,
  }));

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
  return {
    source,
    options,
    dagHash,
    params,
    dag: {
      airflow3: airflowVersion === "3",
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
          runtime,
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
    },
    tasks: tasks.map(({ node, description, queue }) => ({
      node,
      queue,
      settings: {
        name: pyStr(node.name),
        retries: pyInt(node.settings.retries),
        retryDelaySeconds: pyNumber(node.settings.retryDelaySeconds),
        queue: pyStr(queue),
        // Airflow 3 takes a multiplier (True would mean 1: no backoff); Airflow 2 a flag (doubling).
        retryExponentialBackoff: airflowVersion === "3" ? pyNumber(node.settings.retryExponentialBackoff ? 2 : 0) : pyBool(node.settings.retryExponentialBackoff),
        maxRetryDelay: pyTimedelta(node.settings.maxRetryDelaySeconds),
        executionTimeout: pyTimedelta(node.settings.timeoutSeconds),
        pool: node.settings.pool === undefined ? pyValue(null) : pyStr(node.settings.pool),
        poolSlots: pyInt(node.settings.poolSlots),
        priorityWeight: pyInt(node.settings.priorityWeight),
        owner: pyStr(node.settings.owner ?? wf.options.owner),
        triggerRule: pyStr(node.settings.triggerRule),
        docMd: pyStr(taskDocMd(node, description, queue)),
      },
    })),
    edges: order.flatMap((node) =>
      node.upstreams
        .map((up) => up.name)
        .sort()
        .map((up) => ({ downstream: pyStr(node.name), upstream: pyStr(up) })),
    ),
  };
}

/** The model of `templates/airflow/dag.py.hbs`: the shared one, the worker command and its environment. */
function bashModel(dag: DagModel): object {
  const { source, params } = dag;
  return {
    ...dag.dag,
    command: pyLines(WORKER_COMMAND),
    badInputExitCode: pyInt(BAD_INPUT_EXIT_CODE),
    paramNames: pyValue(params.map((p) => p.name)),
    omitWhenNone: pyValue(params.filter((p) => p.omitWhenNone).map((p) => p.name)),
    packageName: pyStr(source.package.name),
    packageVersion: pyStr(source.package.version),
    modulePath: pyStr(source.modulePath),
    exportName: pyStr(source.exportName),
    dagHash: pyStr(dag.dagHash),
    installRoot: pyStr(dag.options.installRoot),
    runIdTemplate: pyStr(RUNTIME_ENV.WF_RUN_ID),
    paramsTemplate: pyStr(RUNTIME_ENV.WF_PARAMS),
    attemptTemplate: pyStr(RUNTIME_ENV.WF_ATTEMPT),
    logicalDateTemplate: pyStr(RUNTIME_ENV.WF_LOGICAL_DATE),
    intervalStartTemplate: pyStr(RUNTIME_ENV.WF_DATA_INTERVAL_START),
    intervalEndTemplate: pyStr(RUNTIME_ENV.WF_DATA_INTERVAL_END),
    traceContextTemplate: pyStr(RUNTIME_ENV.WF_TRACE_CONTEXT),
    reservedConfPrefixes: pyValue(RESERVED_CONF_PREFIXES),
    traceConfKeys: pyValue(TRACE_CONF_KEYS),
    tasks: dag.tasks.map((t) => ({ ...t.settings, skipExitCode: pyInt(SKIP_EXIT_CODE) })),
    edges: dag.edges,
  };
}

/**
 * The model of `templates/airflow/dag-sdk.py.hbs`: the shared one, the marker line the
 * coordinator reads (the values the bash DAG gives its worker command as WF_* variables) and the
 * queues `[sdk] queue_to_coordinator` must route to the coordinator.
 */
function sdkModel(dag: DagModel): object {
  const { source } = dag;
  const wf = source.workflow;
  const marker: Record<string, string> = {
    dagHash: dag.dagHash,
    dagId: wf.dagId,
    installRoot: dag.options.installRoot,
    module: source.modulePath,
    package: source.package.name,
    version: source.package.version,
    workflow: source.exportName,
  };
  const queues = [...new Set(dag.tasks.map((t) => t.queue))].sort();
  return {
    ...dag.dag,
    marker: pyCommentJson(sortedKeys(marker)),
    queueRoutes: pyCommentJson(Object.fromEntries(queues.map((q) => [q, SDK_QUEUE]))),
    tasks: dag.tasks.map((t) => t.settings),
    edges: dag.edges,
  };
}

/** A stub task's queue: its own, or {@link SDK_QUEUE} for Airflow's `default`. */
export function sdkQueue(queue: string): string {
  return queue === "default" ? SDK_QUEUE : queue;
}

function sortedKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]!]));
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
