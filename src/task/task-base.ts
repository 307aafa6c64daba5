import type { TaskCatalog } from "../catalog/task-catalog.js";
import type { DataDeclaration } from "../catalog/declared-data.js";
import type { DatasetDeclaration } from "../events/audit-fields.js";
import type { TaskAudit } from "../audit/task-audit.js";
import type { TaskContext, TaskEvents } from "./task-context.js";
import type { AirflowAccess } from "./airflow-access.js";
import type { Tracer } from "@opentelemetry/api";
import type { WfLogger } from "../logging/logger.js";
import type { ProgressTracker } from "../progress/progress-tracker.js";
import { TaskSkipped } from "./errors.js";
import type { TriggerRule } from "./trigger-rule.js";

const TASK_BRAND = Symbol.for("wfkit.task");
const BASE_BRAND = Symbol.for("wfkit.task.base");

/**
 * Base class of every task. Implement `run()`; optionally `preRun()`, `postRun()`,
 * `rollback()` and `teardown()`.
 *
 * Lifecycle: preRun → run → postRun. If any of them throws, `rollback()` runs and the original
 * error is reported (a failing rollback is logged, never reported instead). `teardown()` always
 * runs last. The task's name is its class name.
 *
 * @typeParam P - the run parameters' type, usually `z.infer<typeof paramsSchema>`.
 */
export abstract class TaskBase<P = Record<string, unknown>> {
  /** Retries after the first attempt fails. Default 0. */
  static retries = 0;
  /** Seconds between attempts. Default 60. */
  static retryDelaySeconds = 60;
  /** Double the delay after each failed attempt (Airflow `retry_exponential_backoff`). Default false. */
  static retryExponentialBackoff = false;
  /** The longest delay between attempts with backoff (Airflow `max_retry_delay`). Default none. */
  static maxRetryDelaySeconds: number | undefined = undefined;
  /**
   * An attempt running longer fails (Airflow `execution_timeout`): locally and in a notebook the
   * task's signal aborts and the attempt ends `terminated`. Default none.
   */
  static timeoutSeconds: number | undefined = undefined;
  /** Worker queue (Airflow `queue`). Default `"default"`. */
  static queue = "default";
  /** Airflow pool the task takes slots from (Airflow `pool`). Default Airflow's `default_pool`. */
  static pool: string | undefined = undefined;
  /** Slots of the pool one attempt takes (Airflow `pool_slots`). Default 1. */
  static poolSlots = 1;
  /** Higher runs first when slots are short (Airflow `priority_weight`; locally among ready tasks). Default 1. */
  static priorityWeight = 1;
  /** Airflow `owner`. Default the workflow's `owner`. */
  static owner: string | undefined = undefined;
  /**
   * When the task runs, given how its direct upstream tasks ended (Airflow `trigger_rule`), the
   * same on every engine: `all_success` (default), `all_done`, `all_failed`, `one_failed`,
   * `one_success`, `none_failed`, `none_failed_min_one_success`, `none_skipped`.
   */
  static triggerRule: TriggerRule = "all_success";
  /** Shown in exports (DAG docs, notebook cells). */
  static description: string | undefined = undefined;
  /**
   * Catalog names this task reads (`this.catalog.get`), each optionally with a zod schema for a
   * JSON value. When declared: `wf validate` checks that an upstream task outputs each, and a
   * `get` of a name not declared here fails. Default: not declared (anything may be got).
   */
  static inputs: DataDeclaration | undefined = undefined;
  /** Catalog names this task writes (`this.catalog.put`), the same way; one task owns each name. */
  static outputs: DataDeclaration | undefined = undefined;
  /**
   * What this task reads from, for the audit and OpenLineage: source names, or `{ name, type,
   * objects, datasetTypes }` (objects as names or `{ name, attributes }`). More can be added at
   * run time with `this.audit.source(…)`. Default none.
   */
  static sources: readonly DatasetDeclaration[] | undefined = undefined;
  /** What this task writes to, the same way (`this.audit.target(…)` at run time). */
  static targets: readonly DatasetDeclaration[] | undefined = undefined;

  // `declare`: defined by the constructor only, as the class field was (own, writable,
  // enumerable, configurable).
  /** Run id, params, logger, progress, events, signal… of this attempt. */
  declare readonly context: TaskContext<P>;

  constructor(context: TaskContext<P>) {
    // Defined rather than assigned: every task is a class of its own, so an assignment here
    // would miss V8's inline cache on nearly every instance, which costs more than this.
    Object.defineProperty(this, "context", { value: context, writable: true, enumerable: true, configurable: true });
  }

  /** The task's work. */
  abstract run(): void | Promise<void>;

  /** Runs before `run()`. */
  preRun(): void | Promise<void> {}
  /** Runs after a successful `run()`. */
  postRun(): void | Promise<void> {}
  /** Undo partial work after a failure (or termination) of preRun, run or postRun. */
  rollback(): void | Promise<void> {}
  /** Always runs last: release resources. */
  teardown(): void | Promise<void> {}

  /** Logger bound to workflow, task, run id and attempt. */
  get logger(): WfLogger {
    return this.context.logger;
  }
  /** This attempt's progress tracker: `this.progress.child("files", n)`. */
  get progress(): ProgressTracker {
    return this.context.progress;
  }
  /** Emit status events of your own. */
  get events(): TaskEvents {
    return this.context.events;
  }
  /** Data for downstream tasks, from upstream ones: `await this.catalog.put("orders", { path })`, `await this.catalog.get("orders")`. */
  get catalog(): TaskCatalog {
    return this.context.catalog;
  }
  /**
   * What this attempt processed, for the audit (`wf audit`): `this.audit.records("read", n)`,
   * `dataRange(low, high)`, `error(type, description)`, `status(name)`, sources, targets and
   * extracts. Counting is in memory; it is recorded when the attempt ends.
   */
  get audit(): TaskAudit {
    return this.context.audit;
  }
  /**
   * Airflow's Variables, Connections and XCom: `await this.airflow.variable("region", "eu")`,
   * `await this.airflow.connection("warehouse")`, `await this.airflow.xcom.push("rows", 42)`,
   * `await this.airflow.xcom.pull("Extract", "rows")`. On Airflow's SDK runtime, and locally with
   * `runLocal(workflow, { airflow: { variables, connections } })`; elsewhere its methods reject
   * with AirflowUnavailableError. Secrets it reads are masked in the run's outputs.
   */
  get airflow(): AirflowAccess {
    return this.context.airflow;
  }
  /**
   * An OpenTelemetry tracer for spans of your own: `this.tracer.startActiveSpan("load", (span) => { …; span.end(); })`.
   * With WF_OTEL on they are children of the running hook's span, in the run's trace; off, no-ops.
   */
  get tracer(): Tracer {
    return this.context.tracer;
  }
  /** Validated run parameters. */
  get params(): Readonly<P> {
    return this.context.params;
  }
  /** Aborted when the run is cancelled. */
  get signal(): AbortSignal {
    return this.context.signal;
  }
  /** The run's id. */
  get runId(): string {
    return this.context.runId;
  }
  /** 1 on the first try, 2 on the first retry… */
  get attempt(): number {
    return this.context.attempt;
  }
  /** This task's name (its class name). */
  get taskName(): string {
    return this.context.taskName;
  }

  /** Stop here and mark the task `skipped` (nothing to do). */
  skip(reason?: string): never {
    throw new TaskSkipped(reason);
  }
}

Object.defineProperty(TaskBase.prototype, TASK_BRAND, { value: true });
// An own property of the base class itself (subclasses only inherit it), so that TaskBase from
// any copy of wfkit is told apart from the classes that extend it.
Object.defineProperty(TaskBase, BASE_BRAND, { value: true });

/** A concrete subclass of TaskBase. */
export type TaskClass<P = any> = (new (context: TaskContext<P>) => TaskBase<P>) & {
  readonly name: string;
  retries: number;
  retryDelaySeconds: number;
  queue: string;
  description: string | undefined;
  inputs?: DataDeclaration | undefined;
  outputs?: DataDeclaration | undefined;
  sources?: readonly DatasetDeclaration[] | undefined;
  targets?: readonly DatasetDeclaration[] | undefined;
};

/**
 * Whether `value` is a class that extends TaskBase (not TaskBase itself), from this or any
 * other copy of wfkit (the brands are registered symbols, so they survive duplicate installs).
 */
export function isTaskClass(value: unknown): value is TaskClass {
  if (typeof value !== "function" || Object.hasOwn(value, BASE_BRAND)) return false;
  // Reflect.get, and `prototype` read once: each task is a class of its own, so plain property
  // reads here miss V8's inline caches on every class (see callHook in run-task-attempt.ts).
  const prototype: unknown = Reflect.get(value, "prototype");
  return typeof prototype === "object" && Reflect.get(prototype as object, TASK_BRAND) === true;
}
