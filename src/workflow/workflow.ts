import semverValid from "semver/functions/valid.js";
import type * as z from "zod";
import { isTaskClass, type TaskClass } from "../task/task-base.js";
import type { TaskContext } from "../task/task-context.js";
import { findCycles } from "../graph/find-cycles.js";
import { topologicalOrder } from "../graph/topological-order.js";
import { renderDot, renderMermaid } from "../graph/render-graph.js";
import { canonicalJson, sha256Hex } from "../graph/dag-hash.js";
import type { GraphNode } from "../graph/graph.js";
import { didYouMeanSuffix } from "../util/did-you-mean.js";
import { parseDataDeclaration, type DeclaredData } from "../catalog/declared-data.js";
import { WorkflowValidationError } from "./errors.js";
import { parseNodeSettings, type NodeSettings, type NodeSettingsInput, type TaskSettingKey } from "./node-settings.js";
import { parseSchedule } from "./schedule.js";
import type { TriggerRule } from "../task/trigger-rule.js";
import { checkParamsSchema, type ParamsSchema } from "./params.js";
import { paramsJsonSchema, requiredParams } from "./params-json-schema.js";
import { badNameCharacters, dagId, MAX_NAME_LENGTH, MAX_TAG_LENGTH, NAME_PATTERN, workflowName } from "./naming.js";
import type { ValidationIssue } from "./validation-issue.js";
import { DatasetDeclarationsSchema, datasetOf, type Dataset } from "../events/audit-fields.js";
import { compileWorkflowOptions, type CompiledWorkflowOptions, type WorkflowOptions } from "./workflow-options.js";

const WORKFLOW_BRAND = Symbol.for("wfkit.workflow");

/** The params a run of a workflow with params schema `S` hands its tasks. */
type RunParamsOf<S> = [S] extends [ParamsSchema] ? z.output<S> : Record<string, never>;

/** The params type `P` of a task class (`TaskBase<P>`). */
type TaskParamsOf<T> = T extends new (context: TaskContext<infer P>) => unknown ? P : never;

/**
 * `unknown` (no constraint) when task class `T` accepts the params of a workflow with schema
 * `S`; else a type no class has, whose key says why, so the compiler's error names the problem.
 * A workflow whose schema type is not known (`Workflow` without its type argument) accepts any task.
 */
type ParamsAccepted<T, S> = [ParamsSchema | undefined] extends [S]
  ? unknown
  : [RunParamsOf<S>] extends [TaskParamsOf<T>]
    ? unknown
    : { "the task's params type does not accept the workflow's params": { task: TaskParamsOf<T>; workflow: RunParamsOf<S> } };

/** Options of `addNode`. */
export interface NodeOptions {
  /** Tasks that must finish first: one class or several. */
  upstreams?: TaskClass | readonly TaskClass[];
  /** Overrides the task class's `queue`. */
  queue?: string;
  /** Overrides the task class's `retries`. */
  retries?: number;
  /** Overrides the task class's `retryDelaySeconds`. */
  retryDelaySeconds?: number;
  /** Overrides the task class's `retryExponentialBackoff`. */
  retryExponentialBackoff?: boolean;
  /** Overrides the task class's `maxRetryDelaySeconds`. */
  maxRetryDelaySeconds?: number;
  /** Overrides the task class's `timeoutSeconds`. */
  timeoutSeconds?: number;
  /** Overrides the task class's `pool`. */
  pool?: string;
  /** Overrides the task class's `poolSlots`. */
  poolSlots?: number;
  /** Overrides the task class's `priorityWeight`. */
  priorityWeight?: number;
  /** Overrides the task class's `owner`. */
  owner?: string;
  /** Overrides the task class's `triggerRule`. */
  triggerRule?: TriggerRule;
}

/** A task in a workflow, with its resolved settings. */
export interface WorkflowNode {
  readonly task: TaskClass;
  /** The task's name: its class name. */
  readonly name: string;
  readonly upstreams: readonly TaskClass[];
  readonly settings: NodeSettings;
  /** The catalog names it declares it reads (`static inputs`), when it declares them. */
  readonly inputs?: DeclaredData | undefined;
  /** The catalog names it declares it writes (`static outputs`), when it declares them. */
  readonly outputs?: DeclaredData | undefined;
  /** What it declares it reads from (`static sources`), with the workflow's dataset types; undefined when none. */
  readonly sources?: readonly Dataset[] | undefined;
  /** What it declares it writes to (`static targets`), the same way. */
  readonly targets?: readonly Dataset[] | undefined;
}

interface Entry {
  task: unknown;
  options: NodeOptions;
}

interface Analysis {
  issues: ValidationIssue[];
  nodes: WorkflowNode[];
  graph: GraphNode[];
  /** Topological order of the node indexes; partial when there is a cycle. */
  order: number[];
  hash?: string;
}

/**
 * A named, versioned graph of tasks.
 *
 * ```ts
 * const wf = new Workflow({ category: "etl", inputData: "csv", outputData: "db", version: "1.0.0" });
 * wf.addNode(Extract).addNode(Transform, { upstreams: Extract });
 * ```
 *
 * Nothing here throws on a bad definition: `validate()` returns every problem at once, and
 * engines call `assertValid()`.
 */
export class Workflow<S extends ParamsSchema | undefined = ParamsSchema | undefined> {
  /** Options with defaults applied. */
  readonly options: CompiledWorkflowOptions;
  /** `${inputData}_to_${outputData}_${category}[_${detail}]`. */
  readonly name: string;
  /** `${name}_${version}`: the id of this version of the workflow on every engine. */
  readonly dagId: string;
  private readonly optionIssues: ValidationIssue[];
  private readonly entries: Entry[] = [];
  private analysis: Analysis | undefined;

  constructor(options: WorkflowOptions<S>) {
    const compiled = compileWorkflowOptions(options);
    this.options = compiled.options;
    this.optionIssues = compiled.issues;
    this.name = workflowName(this.options);
    this.dagId = dagId(this.name, this.options.version);
  }

  /** Whether `value` is a Workflow from this or any other copy of wfkit. */
  static isWorkflow(value: unknown): value is Workflow {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[WORKFLOW_BRAND] === true;
  }

  get version(): string {
    return this.options.version;
  }
  get description(): string | undefined {
    return this.options.description;
  }
  get params(): S {
    return this.options.params as S;
  }
  /** What the workflow declares it reads from (`sources`), with its dataset types. */
  get sources(): Dataset[] {
    return this.options.sources.map((d) => datasetOf(d, this.options.datasetTypes));
  }
  /** What the workflow declares it writes to (`targets`), with its dataset types. */
  get targets(): Dataset[] {
    return this.options.targets.map((d) => datasetOf(d, this.options.datasetTypes));
  }

  /**
   * Add a task; its upstreams are task classes of this workflow. Returns the workflow. The task's
   * params type (`TaskBase<P>`) must accept the workflow's params (what its schema outputs): a
   * task that expects params the workflow does not give is refused at compile time.
   */
  addNode<T extends TaskClass>(task: T & ParamsAccepted<T, S>, options: NodeOptions = {}): this {
    this.entries.push({ task, options });
    this.analysis = undefined;
    return this;
  }

  /** The valid tasks, in the order they were added. */
  get nodes(): readonly WorkflowNode[] {
    return this.analyze().nodes;
  }

  /** Every problem of the workflow; empty when it is valid. */
  validate(): ValidationIssue[] {
    return [...this.analyze().issues];
  }

  /** Throw a WorkflowValidationError listing every problem, if there is any. */
  assertValid(): void {
    const issues = this.analyze().issues;
    if (issues.length > 0) throw new WorkflowValidationError(this.dagId, issues);
  }

  /** Tasks in a deterministic topological order (ties: the one added first). Validates first. */
  topologicalOrder(): WorkflowNode[] {
    const { nodes } = this.analyze();
    return this.orderIndexes().map((i) => nodes[i]!);
  }

  /** Stable SHA-256 of the workflow's structure: ids, tasks, edges, settings, params, schedule. */
  dagHash(): string {
    const order = this.topologicalOrder();
    const analysis = this.analyze();
    if (analysis.hash === undefined) {
      // Tasks are tuples (arrays have no keys to sort), so plain JSON is already canonical for
      // them and 10,000 tasks hash in a few milliseconds; only the params' JSON Schema, whose
      // keys come from the user, goes through canonical JSON.
      const tasks = order.map((n) => [
        n.name,
        n.upstreams.map((u) => u.name).sort(),
        n.settings.retries,
        n.settings.retryDelaySeconds,
        n.settings.queue,
      ]);
      const structure = JSON.stringify([this.dagId, this.options.schedule, tasks]);
      analysis.hash = sha256Hex(`${structure}\n${canonicalJson(describeParams(this.options.params))}`);
    }
    return analysis.hash;
  }

  /** The graph as a Mermaid flowchart. */
  toMermaid(): string {
    return renderMermaid(this.analyze().graph, this.orderIndexes());
  }

  /** The graph in Graphviz DOT. */
  toDot(): string {
    return renderDot(this.dagId, this.analyze().graph, this.orderIndexes());
  }

  /** Node indexes in topological order, for engines that schedule by index. Validates first. */
  orderIndexes(): number[] {
    this.assertValid();
    return this.analyze().order;
  }

  /** The task graph by index: one entry per node of `nodes`, upstreams as indexes into it. */
  graph(): readonly GraphNode[] {
    return this.analyze().graph;
  }

  private analyze(): Analysis {
    this.analysis ??= analyzeWorkflow(this.options, this.name, this.optionIssues, this.entries);
    return this.analysis;
  }
}

Object.defineProperty(Workflow.prototype, WORKFLOW_BRAND, { value: true });

function describeParams(schema: ParamsSchema | undefined): unknown {
  if (schema === undefined) return null;
  try {
    // Not every zod type has a JSON Schema form (transforms, dates): those become `{}`, so that
    // the other fields still count.
    return paramsJsonSchema(schema);
  } catch {
    return Object.keys(schema.shape).sort();
  }
}

function analyzeWorkflow(
  options: CompiledWorkflowOptions,
  name: string,
  optionIssues: ValidationIssue[],
  entries: Entry[],
): Analysis {
  const issues: ValidationIssue[] = [...optionIssues];
  const datasetTypes = options.datasetTypes;
  const add = (code: ValidationIssue["code"], path: ValidationIssue["path"], tasks: string[], message: string) =>
    issues.push({ code, path, tasks, message });

  for (const field of ["category", "detail", "inputData", "outputData"] as const) {
    const value = options[field];
    if (value === undefined) continue;
    const bad = badNameCharacters(value);
    if (bad.length > 0) {
      add("invalid-name", [field], [], `${field} "${value}" contains ${bad.join(", ")}; allowed: ASCII letters, digits, "-", ".", "_"`);
    }
  }
  if (name.length > MAX_NAME_LENGTH) {
    add("name-too-long", ["name"], [], `workflow name "${name}" is ${name.length} characters; at most ${MAX_NAME_LENGTH} are allowed (shorten category, detail, inputData or outputData)`);
  }
  // Checked here, not only at export: `wf validate` must not pass what `wf export` refuses.
  options.tags.forEach((tag, i) => {
    if (tag.length > MAX_TAG_LENGTH) {
      add("tag-too-long", ["tags", i], [], `tag ${i} ("${tag.slice(0, 40)}…") is ${tag.length} characters; Airflow allows at most ${MAX_TAG_LENGTH}: shorten it`);
    }
  });
  if (options.version.length > MAX_TAG_LENGTH) {
    add("tag-too-long", ["version"], [], `version "${options.version.slice(0, 40)}…" is ${options.version.length} characters and becomes a DAG tag; Airflow allows at most ${MAX_TAG_LENGTH}: shorten it`);
  }
  const version = options.version;
  // A version that is not even a string was reported as an invalid option already; `version`
  // then holds a placeholder that must not produce a second, misleading issue.
  const versionReported = optionIssues.some((i) => i.path.length === 0 || i.path[0] === "version");
  // semver.valid also accepts "v1.2.0" and " 1.2.0" (returning "1.2.0"): the text itself must
  // start with the normalised version (only build metadata may follow, reported below).
  const normalised = semverValid(version);
  if (!versionReported && version !== "dev" && (normalised === null || !version.startsWith(normalised))) {
    add("invalid-version", ["version"], [], `version "${version}" is neither a semver version (like 1.2.0) nor "dev"`);
  } else if (!versionReported && !NAME_PATTERN.test(version)) {
    add("invalid-version", ["version"], [], `version "${version}" contains ${badNameCharacters(version).join(", ")}, which a dag id cannot hold; drop the build metadata`);
  }
  if (entries.length === 0) add("empty-workflow", ["nodes"], [], `workflow ${name} has no tasks; add one with addNode(TaskClass)`);

  // First pass: which entries are real, uniquely named tasks. Plain loops, and each class's
  // name read once: this runs over every task of the workflow, 10,000 of them in the benchmark.
  const nodes: WorkflowNode[] = [];
  const indexOf = new Map<unknown, number>();
  const byName = new Map<string, TaskClass>();
  const accepted: { entry: Entry; at: number; name: string }[] = [];
  for (let at = 0; at < entries.length; at++) {
    const entry = entries[at]!;
    const task = entry.task;
    if (!isTaskClass(task)) {
      const what = typeof task === "function" ? `class or function ${task.name || "(anonymous)"}` : describeValue(task);
      add("not-a-task", ["nodes", at], [], `node ${at} (${what}) does not extend TaskBase`);
      continue;
    }
    const taskName = Reflect.get(task, "name") as string;
    if (!NAME_PATTERN.test(taskName)) {
      add("invalid-task-name", ["nodes", at], [taskName], `task class name "${taskName || "(anonymous)"}" is not a valid task id: use ASCII letters, digits, "-", ".", "_" (name the class)`);
      continue;
    }
    const twin = byName.get(taskName);
    if (twin !== undefined) {
      add(
        "duplicate-task",
        ["nodes", at],
        [taskName],
        twin === task
          ? `task ${taskName} is added twice; a task can appear once in a workflow`
          : `two different classes are named ${taskName}; task names (class names) must be unique in a workflow`,
      );
      continue;
    }
    byName.set(taskName, task);
    indexOf.set(task, accepted.length);
    accepted.push({ entry, at, name: taskName });
  }

  // Second pass: upstreams and settings, now that every task is known. The workflow's default
  // task settings apply to what a task class leaves out, which costs a walk up its classes: only
  // a workflow that has defaults pays it.
  const defaults = Object.keys(options.defaultTaskSettings).length > 0 ? options.defaultTaskSettings : undefined;
  const rootNodes = new Map<object, NodeSettings | null>();
  const graph: GraphNode[] = [];
  let taskNames: string[] | undefined;
  for (const { entry, at, name: taskName } of accepted) {
    const task = entry.task as TaskClass;
    const rawUp = entry.options.upstreams;
    const ups: readonly unknown[] = rawUp === undefined ? [] : Array.isArray(rawUp) ? rawUp : [rawUp];
    const upstreams: TaskClass[] = [];
    const upIdx: number[] = [];
    // Duplicates are looked for only where there can be some.
    const seenUp = ups.length > 1 ? new Set<number>() : undefined;
    for (let j = 0; j < ups.length; j++) {
      const up = ups[j];
      // A hole in a sparse array is skipped, as forEach did.
      if (up === undefined && !(j in ups)) continue;
      // A class found among the nodes is a task class: it passed isTaskClass in the first pass.
      const idx = indexOf.get(up);
      if (idx === undefined) {
        const path = ["nodes", at, "upstreams", j];
        if (!isTaskClass(up)) {
          add("not-a-task", path, [taskName], `upstream ${j} of ${taskName} (${describeValue(up)}) does not extend TaskBase`);
          continue;
        }
        const sameName = byName.get(up.name);
        add(
          "unknown-upstream",
          path,
          [taskName, up.name],
          sameName !== undefined
            ? `upstream ${up.name} of ${taskName} is a different class from the ${up.name} in the workflow (imported from two places?)`
            : `upstream ${up.name} of ${taskName} is not in the workflow${didYouMeanSuffix(up.name, (taskNames ??= [...byName.keys()]))}; add it with addNode(${up.name})`,
        );
        continue;
      }
      if (seenUp !== undefined) {
        if (seenUp.has(idx)) continue;
        seenUp.add(idx);
      }
      upstreams.push(up as TaskClass);
      upIdx.push(idx);
    }
    // Reflect.get: every task is a class of its own, which makes `task.retries` a lookup that
    // misses V8's inline caches every time; Reflect.get does the same lookup without them, and
    // faster (see callHook in run-task-attempt.ts).
    const options = entry.options;
    // The usual task: a class that sets no static of its own and no setting in addNode. It has
    // its root class's settings and declarations, read once per root instead of sixteen
    // lookups per task, each a miss up its class chain.
    const inherited = defaults === undefined && !hasSettingOption(options) ? inheritedNode(task, rootNodes) : undefined;
    if (inherited !== undefined) {
      nodes.push({ task, name: taskName, upstreams, settings: inherited });
      graph.push({ name: taskName, upstreams: upIdx });
      continue;
    }
    const setting = defaults === undefined ? (key: TaskSettingKey) => options[key] ?? Reflect.get(task, key) : (key: TaskSettingKey) => options[key] ?? (classSets(task, key) ? Reflect.get(task, key) : (defaults[key] ?? Reflect.get(task, key)));
    const settings = parseNodeSettings(settingsInput(setting, Reflect.get(task, "description") ?? undefined));
    if (!settings.success) {
      for (const issue of settings.error.issues) {
        const key = String(issue.path[0]);
        add("invalid-node-option", ["nodes", at, key], [taskName], `task ${taskName}: ${key} ${issue.message}`);
      }
    }
    const node: WorkflowNode = {
      task,
      name: taskName,
      upstreams,
      settings: settings.success ? settings.data : FALLBACK_SETTINGS,
    };
    // Declared data is rare: only a class that declares some pays for reading it.
    const inputs = declaredData(Reflect.get(task, "inputs"), "inputs", at, taskName, add);
    const outputs = declaredData(Reflect.get(task, "outputs"), "outputs", at, taskName, add);
    const sources = declaredDatasets(Reflect.get(task, "sources"), "sources", at, taskName, datasetTypes, add);
    const targets = declaredDatasets(Reflect.get(task, "targets"), "targets", at, taskName, datasetTypes, add);
    nodes.push(inputs === undefined && outputs === undefined && sources === undefined && targets === undefined ? node : { ...node, inputs, outputs, sources, targets });
    graph.push({ name: taskName, upstreams: upIdx });
  }

  const order = topologicalOrder(graph);
  if (order.length < graph.length) {
    for (const cycle of findCycles(graph)) {
      const names = cycle.map((i) => graph[i]!.name);
      add("cycle", ["nodes"], names, `cycle: ${[...names, names[0]].join(" -> ")}`);
    }
  }
  if (order.length === graph.length) checkDeclaredData(nodes, accepted.map((a) => a.at), graph, order, add);
  issues.push(...checkParamsSchema(options.params));
  checkSchedule(options, optionIssues, add);
  return { issues, nodes, graph, order };
}

/** Settings of a task whose own are invalid (reported): it is not run, but the analysis goes on. */
const FALLBACK_SETTINGS: NodeSettings = {
  retries: 0,
  retryDelaySeconds: 0,
  retryExponentialBackoff: false,
  queue: "default",
  poolSlots: 1,
  priorityWeight: 1,
  triggerRule: "all_success",
};

/** What NodeSettingsSchema is given for a task whose settings `setting` reads. */
function settingsInput(setting: (key: TaskSettingKey) => unknown, description: unknown): NodeSettingsInput {
  return {
    retries: setting("retries"),
    retryDelaySeconds: setting("retryDelaySeconds"),
    // A task class of an older copy of wfkit has no static for a newer setting: its default.
    retryExponentialBackoff: setting("retryExponentialBackoff") ?? false,
    maxRetryDelaySeconds: setting("maxRetryDelaySeconds"),
    timeoutSeconds: setting("timeoutSeconds"),
    queue: setting("queue"),
    pool: setting("pool"),
    poolSlots: setting("poolSlots") ?? 1,
    priorityWeight: setting("priorityWeight") ?? 1,
    owner: setting("owner"),
    triggerRule: setting("triggerRule") ?? "all_success",
    description,
  };
}

/** Whether `addNode` options set anything besides upstreams. */
function hasSettingOption(options: NodeOptions): boolean {
  for (const key in options) if (key !== "upstreams" && options[key as keyof NodeOptions] !== undefined) return true;
  return false;
}

/**
 * The settings of a task class that sets no static of its own, nor does any class between it and
 * its root (whatever TaskBase it extends, from any copy of wfkit): its root's, checked once per
 * root and shared (frozen). Undefined when the class sets statics, or when the root's own
 * settings are not plain defaults (no description, no declared data): the caller reads them.
 */
function inheritedNode(task: TaskClass, roots: Map<object, NodeSettings | null>): NodeSettings | undefined {
  let c: object = task;
  for (;;) {
    const parent = Object.getPrototypeOf(c) as object;
    if (parent === Function.prototype) break;
    // A class's own keys are `length`, `name` and `prototype` until it declares a static.
    if (Reflect.ownKeys(c).length !== 3) return undefined;
    c = parent;
  }
  let settings = roots.get(c);
  if (settings === undefined) {
    const read = (key: TaskSettingKey | "description" | "inputs" | "outputs" | "sources" | "targets"): unknown => Reflect.get(c, key);
    const declares = (["description", "inputs", "outputs", "sources", "targets"] as const).some((key) => read(key) !== undefined && read(key) !== null);
    const parsed = parseNodeSettings(settingsInput(read, undefined));
    settings = !declares && parsed.success ? Object.freeze(parsed.data) : null;
    roots.set(c, settings);
  }
  return settings ?? undefined;
}

/**
 * Whether a task class, or a class between it and TaskBase, sets static `key` itself. The root
 * class is whatever TaskBase this class extends, from any copy of wfkit: the one whose parent is
 * no class.
 */
function classSets(task: TaskClass, key: string): boolean {
  for (let c: object = task; Object.getPrototypeOf(c) !== Function.prototype; c = Object.getPrototypeOf(c) as object) {
    if (Object.hasOwn(c, key)) return true;
  }
  return false;
}

/**
 * The schedule Airflow would refuse, checked here so that `wf validate` fails where `wf export`
 * or Airflow's import would: a cron expression croniter cannot parse, a scheduled workflow with a
 * param that has no default (a scheduled run has no conf to give it), an end before the start.
 */
function checkSchedule(options: CompiledWorkflowOptions, optionIssues: readonly ValidationIssue[], add: AddIssue): void {
  const reported = (key: string) => optionIssues.some((i) => i.path[0] === key);
  if (!reported("schedule")) {
    const schedule = parseSchedule(options.schedule);
    if ("problem" in schedule) add("invalid-schedule", ["schedule"], [], schedule.problem);
  }
  if (options.schedule !== null && options.params !== undefined && !reported("params")) {
    const required = requiredParams(options.params);
    if (required.length > 0) {
      const one = required.length === 1;
      add(
        "schedule-needs-defaults",
        ["params", required[0]!],
        [],
        `the workflow runs on schedule "${options.schedule}", but param${one ? "" : "s"} ${required.map((n) => `"${n}"`).join(", ")} ${one ? "has" : "have"} no default, and a scheduled run has no conf to set ${one ? "it" : "them"}: give ${one ? "it a default" : "them defaults"} (or .optional()), or set schedule: null`,
      );
    }
  }
  if (options.endDate !== undefined && !reported("endDate") && !reported("startDate") && options.endDate.getTime() < options.startDate.getTime()) {
    add("invalid-option", ["endDate"], [], `workflow option endDate ${options.endDate.toISOString()} is before startDate ${options.startDate.toISOString()}: Airflow would schedule nothing; move one of them`);
  }
}

type AddIssue = (code: ValidationIssue["code"], path: ValidationIssue["path"], tasks: string[], message: string) => void;

/** A task class's `inputs` or `outputs`, checked; undefined when it declares none (or a bad one, reported). */
function declaredData(value: unknown, which: "inputs" | "outputs", at: number, taskName: string, add: AddIssue): DeclaredData | undefined {
  if (value === undefined) return undefined;
  const parsed = parseDataDeclaration(value);
  if ("problem" in parsed) {
    add("invalid-data-declaration", ["nodes", at, which], [taskName], `task ${taskName}: static ${which} ${parsed.problem}`);
    return undefined;
  }
  return parsed.data;
}

/** A task class's `sources` or `targets`, checked and in their recorded form; undefined when it declares none (or bad ones, reported). */
function declaredDatasets(value: unknown, which: "sources" | "targets", at: number, taskName: string, datasetTypes: readonly string[], add: AddIssue): Dataset[] | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = DatasetDeclarationsSchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      add("invalid-dataset", ["nodes", at, which, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))], [taskName], `task ${taskName}: static ${which}${issuePath(issue.path)}: ${issue.message}; give names, or { name, type?, objects?, datasetTypes? }`);
    }
    return undefined;
  }
  return parsed.data.length === 0 ? undefined : parsed.data.map((d) => datasetOf(d, datasetTypes));
}

/** `[0].objects[1].name`: where in a declaration a problem is. */
function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
}

/**
 * One task owns each catalog name (`duplicate-output`), and every declared input is output by a
 * task upstream of its reader, directly or not (`unknown-input`). Nodes are in the graph's order;
 * `order` is topological.
 */
function checkDeclaredData(nodes: readonly WorkflowNode[], at: readonly number[], graph: readonly GraphNode[], order: readonly number[], add: AddIssue): void {
  const producers = new Map<string, number[]>();
  let readers = false;
  nodes.forEach((node, i) => {
    if (node.inputs !== undefined) readers = true;
    for (const name of node.outputs?.names ?? []) {
      const list = producers.get(name);
      if (list === undefined) producers.set(name, [i]);
      else list.push(i);
    }
  });
  for (const [name, list] of producers) {
    if (list.length > 1) {
      const names = list.map((i) => nodes[i]!.name);
      add("duplicate-output", ["nodes", at[list[1]!]!, "outputs"], names, `catalog name "${name}" is output by ${names.join(" and ")}; one task must own each name: rename one of them`);
    }
  }
  if (!readers) return;
  // Every task's upstreams, transitively, as sets built in topological order: each from its
  // direct upstreams' sets, made only when some task declares inputs.
  const ancestors: Set<number>[] = new Array(graph.length);
  for (const i of order) {
    const set = new Set<number>();
    for (const up of graph[i]!.upstreams) {
      set.add(up);
      for (const a of ancestors[up]!) set.add(a);
    }
    ancestors[i] = set;
  }
  const outputNames = [...producers.keys()];
  nodes.forEach((node, i) => {
    node.inputs?.names.forEach((name, j) => {
      const from = producers.get(name);
      if (from === undefined) {
        add("unknown-input", ["nodes", at[i]!, "inputs", j], [node.name], `task ${node.name} reads "${name}", which no task outputs${didYouMeanSuffix(name, outputNames)}; declare it in an upstream task's static outputs`);
      } else if (!from.some((p) => ancestors[i]!.has(p))) {
        const names = from.map((p) => nodes[p]!.name);
        add("unknown-input", ["nodes", at[i]!, "inputs", j], [node.name, ...names], `task ${node.name} reads "${name}", output by ${names.join(" and ")}, which is not upstream of ${node.name}: add ${names[0]} to its upstreams`);
      }
    });
  });
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (typeof value === "object") return `an object`;
  if (value === undefined) return "undefined";
  // String(), not JSON.stringify: the latter throws on bigint and drops symbols.
  return `${typeof value} ${typeof value === "string" ? JSON.stringify(value) : String(value)}`;
}
