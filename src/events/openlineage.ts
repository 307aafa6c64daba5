import { createHash } from "node:crypto";
import { wfkitPackage } from "../util/package-info.js";
import {
  CUSTOM_ACTION,
  type EngineName,
  type EventProgress,
  type LifecycleAction,
  type WfEvent,
  type WfEventData,
} from "./wf-event.js";
import type { ResolvableBy } from "../errors/resolvable-by.js";
import type { Dataset } from "./audit-fields.js";

/** The OpenLineage core spec version wfkit writes: `schemaURL` and `processing_engine.openlineageAdapterVersion`. */
const SPEC_VERSION = "2-0-7";
const RUN_EVENT_SCHEMA_URL = `https://openlineage.io/spec/${SPEC_VERSION}/OpenLineage.json#/$defs/RunEvent`;
// The facet versions of the schemas in test/fixtures/openlineage, which the tests validate against.
const PARENT_SCHEMA_URL = "https://openlineage.io/spec/1-0-1/ParentRunFacet.json#/$defs/ParentRunFacet";
const PROCESSING_ENGINE_SCHEMA_URL = "https://openlineage.io/spec/facets/1-1-0/ProcessingEngineRunFacet.json#/$defs/ProcessingEngineRunFacet";
const ERROR_MESSAGE_SCHEMA_URL = "https://openlineage.io/spec/facets/1-0-0/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet";
const JOB_TYPE_SCHEMA_URL = "https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet";
const WFKIT_FACET_SCHEMA_URL = "https://www.npmjs.com/package/wfkit#status-events";

/**
 * The namespace of every wfkit job. Fixed rather than per host or engine, so that one workflow
 * is one job in a lineage backend wherever it ran (the engine is in the `wfkit` run facet).
 */
const JOB_NAMESPACE = "wfkit";

// uuid v5 of https://www.npmjs.com/package/wfkit in the RFC 9562 URL namespace; it must never
// change, or the run ids of events from older and newer wfkit versions stop matching.
const RUN_ID_NAMESPACE = Buffer.from("be1e69ccfec155b08404a3769fec905e", "hex");

/** OpenLineage's run state transitions that wfkit emits. */
export type OpenLineageEventType = "START" | "RUNNING" | "COMPLETE" | "ABORT" | "FAIL";

/** The fields every facet has (the spec's `BaseFacet`). */
export interface OpenLineageBaseFacet {
  /** URI of what produced the facet (the event's `producer`). */
  _producer: string;
  /** URL of the JSON schema definition of the facet. */
  _schemaURL: string;
}

/** `parent` run facet: the DAG run a task attempt belongs to. */
export interface OpenLineageParentRunFacet extends OpenLineageBaseFacet {
  run: { runId: string };
  job: { namespace: string; name: string };
}

/** `processing_engine` run facet: wfkit and its version. */
export interface OpenLineageProcessingEngineRunFacet extends OpenLineageBaseFacet {
  name: string;
  version: string;
  /** The OpenLineage spec version wfkit writes, e.g. `2-0-7`. */
  openlineageAdapterVersion: string;
}

/** `errorMessage` run facet: why a run or task failed, crashed or was stopped. */
export interface OpenLineageErrorMessageRunFacet extends OpenLineageBaseFacet {
  message: string;
  programmingLanguage: string;
}

/** `jobType` job facet. */
export interface OpenLineageJobTypeJobFacet extends OpenLineageBaseFacet {
  processingType: "BATCH";
  integration: "WFKIT";
  /** `DAG` for a workflow run, `TASK` for one of its tasks. */
  jobType: "DAG" | "TASK";
}

/** `wfkit` run facet: what the wfkit status event said that OpenLineage has no field for. */
export interface WfkitRunFacet extends OpenLineageBaseFacet {
  /** The id of the wfkit status event this one was made from. */
  eventId: string;
  action: LifecycleAction;
  engine: EngineName;
  host: string;
  pid: number;
  attempt?: number;
  durationMs?: number;
  metrics?: Record<string, number>;
  progress?: EventProgress;
  /** True on `task.skipped` (a COMPLETE with nothing done); `reason` says why. */
  skipped?: boolean;
  /** Why the task was skipped or terminated. */
  reason?: string;
  /** On `task.failed`: who can fix the error. */
  resolvableBy?: ResolvableBy;
  /** On `run.failed`. */
  failedTasks?: string[];
  /** On `task.crashed`. */
  exitCode?: number | null;
  /** On `task.crashed`. */
  signal?: string | null;
  /** On `task.crashed`: the last action the task reported. */
  lastAction?: string | null;
}

/** The run facets wfkit writes. */
export interface OpenLineageRunFacets {
  /** On task events only. */
  parent?: OpenLineageParentRunFacet;
  processing_engine: OpenLineageProcessingEngineRunFacet;
  errorMessage?: OpenLineageErrorMessageRunFacet;
  wfkit: WfkitRunFacet;
}

/**
 * A dataset in `inputs` / `outputs`: a catalog name a task declares it reads or writes
 * (`static inputs` / `outputs`), namespace `wfkit`, name `<dag id>/catalog/<name>`; or an
 * object of one of its sources or targets (`static sources`, `this.audit.source`), namespace
 * the source's name. Tasks that declare nothing have none.
 */
export interface OpenLineageDataset {
  namespace: string;
  name: string;
}

/** An OpenLineage RunEvent (the spec version in `schemaURL`), as {@link toOpenLineage} makes it. */
export interface OpenLineageRunEvent {
  eventType: OpenLineageEventType;
  /** The wfkit event's `time`. */
  eventTime: string;
  producer: string;
  schemaURL: string;
  run: {
    /** A name-based UUID: the same for every event of one DAG run, or of one task attempt. */
    runId: string;
    facets: OpenLineageRunFacets;
  };
  job: {
    /** Always `wfkit`. */
    namespace: string;
    /** The dag id for the workflow run, `<dagId>.<task>` for a task. */
    name: string;
    facets: { jobType: OpenLineageJobTypeJobFacet };
  };
  inputs: OpenLineageDataset[];
  outputs: OpenLineageDataset[];
}

const EVENT_TYPES: Record<LifecycleAction, OpenLineageEventType | undefined> = {
  "run.started": "START",
  "run.succeeded": "COMPLETE",
  "run.failed": "FAIL",
  "run.terminated": "ABORT",
  "task.started": "START",
  "task.progress": "RUNNING",
  // Data a task put or got: datasets of its run events, not runs of their own.
  "task.catalog": undefined,
  // What the attempt processed, sent before it ends: its sources and targets as datasets.
  "task.audit": "RUNNING",
  "task.succeeded": "COMPLETE",
  "task.failed": "FAIL",
  // The failed attempt already sent FAIL; the next attempt is a new OpenLineage run with its own START.
  "task.retrying": undefined,
  "task.skipped": "COMPLETE",
  // A re-run took the task's outcome from its original run: that run's events already told
  // the task's lineage, and nothing ran now.
  "task.reused": undefined,
  "task.terminated": "ABORT",
  "task.crashed": "FAIL",
};

/**
 * The OpenLineage RunEvent of a wfkit status event, or undefined for events that have none
 * (`task.retrying` and custom events).
 *
 * The workflow run is job `<dagId>` and each task attempt is a run of job `<dagId>.<task>`
 * (namespace `wfkit`), with a `parent` facet pointing at the workflow run. Run ids are
 * name-based UUIDs (v5) of wfkit's run id, and of `<runId>/<task>/<attempt>` for a task attempt,
 * so every process that reports on the same run or attempt derives the same id.
 *
 * @param producer The events' and facets' `producer`: an absolute URI. Defaults to
 *   `https://www.npmjs.com/package/wfkit/v/<wfkit version>`.
 */
export function toOpenLineage(event: WfEvent, producer: string = defaultProducer(), datasets?: TaskDatasets): OpenLineageRunEvent | undefined {
  const data = event.data;
  if (data.action === CUSTOM_ACTION) return undefined;
  const eventType = EVENT_TYPES[data.action];
  if (eventType === undefined) return undefined;

  const version = wfkitPackage().version;
  const isTask = "task" in data;
  const errorMessage = errorMessageOf(data);
  const runFacets: OpenLineageRunFacets = {
    ...(isTask
      ? {
          parent: {
            _producer: producer,
            _schemaURL: PARENT_SCHEMA_URL,
            run: { runId: nameUuid(data.runId) },
            job: { namespace: JOB_NAMESPACE, name: data.dagId },
          },
        }
      : {}),
    processing_engine: {
      _producer: producer,
      _schemaURL: PROCESSING_ENGINE_SCHEMA_URL,
      name: "wfkit",
      version,
      openlineageAdapterVersion: SPEC_VERSION,
    },
    ...(errorMessage !== undefined
      ? { errorMessage: { _producer: producer, _schemaURL: ERROR_MESSAGE_SCHEMA_URL, message: errorMessage, programmingLanguage: "TypeScript" } }
      : {}),
    wfkit: wfkitFacet(event.id, data, producer),
  };

  return {
    eventType,
    eventTime: event.time,
    producer,
    schemaURL: RUN_EVENT_SCHEMA_URL,
    run: {
      runId: isTask ? nameUuid(`${data.runId}/${data.task}/${data.attempt}`) : nameUuid(data.runId),
      facets: runFacets,
    },
    job: {
      namespace: JOB_NAMESPACE,
      name: isTask ? `${data.dagId}.${data.task}` : data.dagId,
      facets: {
        jobType: { _producer: producer, _schemaURL: JOB_TYPE_SCHEMA_URL, processingType: "BATCH", integration: "WFKIT", jobType: isTask ? "TASK" : "DAG" },
      },
    },
    inputs: isTask ? [...datasetsOf(data.dagId, datasets?.(data.task)?.inputs), ...auditDatasetsOf(data.action === "task.audit" ? data.sources : datasets?.(data.task)?.sources)] : [],
    outputs: isTask ? [...datasetsOf(data.dagId, datasets?.(data.task)?.outputs), ...auditDatasetsOf(data.action === "task.audit" ? data.targets : datasets?.(data.task)?.targets)] : [],
  };
}

/**
 * A task's sources or targets as OpenLineage datasets: each object one dataset, the source's
 * name its namespace (name a source `postgres://db:5432` to line it up with other producers);
 * a source with no objects is one dataset named after itself.
 */
function auditDatasetsOf(list: readonly Dataset[] | undefined): OpenLineageDataset[] {
  if (list === undefined) return [];
  return list.flatMap((d) => (d.objects.length === 0 ? [{ namespace: d.name, name: d.name }] : d.objects.map((o) => ({ namespace: d.name, name: o.name }))));
}

/** The catalog names a task declares it reads and writes, and its declared sources and targets (its OpenLineage input and output datasets), or undefined. */
export type TaskDatasets = (task: string) =>
  | {
      readonly inputs?: { readonly names: readonly string[] } | undefined;
      readonly outputs?: { readonly names: readonly string[] } | undefined;
      readonly sources?: readonly Dataset[] | undefined;
      readonly targets?: readonly Dataset[] | undefined;
    }
  | undefined;

function datasetsOf(dagId: string, declared: { readonly names: readonly string[] } | undefined): OpenLineageDataset[] {
  return declared === undefined ? [] : declared.names.map((name) => ({ namespace: JOB_NAMESPACE, name: `${dagId}/catalog/${name}` }));
}

function defaultProducer(): string {
  return `https://www.npmjs.com/package/wfkit/v/${wfkitPackage().version}`;
}

function errorMessageOf(data: WfEventData): string | undefined {
  switch (data.action) {
    case "task.failed":
      return `${data.error.name}: ${data.error.message}`;
    case "task.crashed":
      if (data.signal !== null) return `task process died: ${data.signal}`;
      if (data.exitCode !== null) return `task process died: exit code ${data.exitCode}`;
      return "task process died";
    case "task.terminated":
      return data.reason === "" ? undefined : data.reason;
    case "run.failed":
      return data.failedTasks.length > 0 ? `failed tasks: ${data.failedTasks.join(", ")}` : undefined;
    default:
      return undefined;
  }
}

function wfkitFacet(eventId: string, data: Exclude<WfEventData, { action: typeof CUSTOM_ACTION }>, producer: string): WfkitRunFacet {
  return {
    _producer: producer,
    _schemaURL: WFKIT_FACET_SCHEMA_URL,
    eventId,
    action: data.action,
    engine: data.engine,
    host: data.host,
    pid: data.pid,
    ...("attempt" in data ? { attempt: data.attempt } : {}),
    ...("durationMs" in data ? { durationMs: data.durationMs } : {}),
    ...("metrics" in data ? { metrics: data.metrics } : {}),
    ...("progress" in data ? { progress: data.progress } : {}),
    ...(data.action === "task.skipped" ? { skipped: true } : {}),
    ...("reason" in data ? { reason: data.reason } : {}),
    ...(data.action === "task.failed" ? { resolvableBy: data.error.resolvableBy } : {}),
    ...("failedTasks" in data ? { failedTasks: data.failedTasks } : {}),
    ...(data.action === "task.crashed" ? { exitCode: data.exitCode, signal: data.signal, lastAction: data.lastAction } : {}),
  };
}

// Name-based (v5, RFC 9562) so that the crash report (another process) and the task process
// reporting its start give the attempt the same id without talking to each other.
function nameUuid(name: string): string {
  const hash = createHash("sha1").update(RUN_ID_NAMESPACE).update(name, "utf8").digest();
  hash.writeUInt8((hash.readUInt8(6) & 0x0f) | 0x50, 6);
  hash.writeUInt8((hash.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = hash.toString("hex", 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
