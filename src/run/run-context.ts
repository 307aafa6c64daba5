import type { CatalogStore } from "../catalog/catalog-store.js";
import type { DeclaredData } from "../catalog/declared-data.js";
import type { Dataset } from "../events/audit-fields.js";
import type { LazyAuditStore } from "../audit/open-audit-store.js";
import type { Masker } from "../logging/mask.js";
import type { WfLogger } from "../logging/logger.js";
import type { ProgressTracker } from "../progress/progress-tracker.js";
import type { EventBus } from "../events/event-bus.js";
import type { EngineName } from "../events/wf-event.js";
import type { WriteFailures } from "./write-failures.js";
import type { DataInterval } from "../workflow/schedule.js";
import type { RunTelemetry, TraceIds } from "../telemetry/run-telemetry.js";
import type { AirflowBackend } from "../task/airflow-access.js";

/**
 * What every task of one run shares. The run lifecycle builds one per run (`RunLifecycle.open`)
 * and derives each task attempt's context from it.
 */
export interface RunContext<P = Record<string, unknown>> {
  readonly runId: string;
  readonly workflowName: string;
  readonly version: string;
  readonly dagId: string;
  readonly dagHash: string;
  readonly engine: EngineName;
  readonly params: Readonly<P>;
  /** The run's logical date and the data interval it covers. */
  readonly dataInterval: DataInterval;
  /** Root of the run's loggers (writing to the run log too); task loggers are its children. */
  readonly logger: WfLogger;
  /** The run's tracker: counts finished tasks; task trackers are its children. */
  readonly progress: ProgressTracker;
  readonly bus: EventBus;
  readonly signal: AbortSignal;
  readonly runDir: string;
  /** The run's data catalog (`this.catalog` of its tasks): `<runDir>/catalog/` in the file store. */
  readonly catalog: CatalogStore;
  /** What a task declares it reads and writes in the catalog (`static inputs` / `outputs`); undefined when it declares neither. */
  readonly declaredData: (task: string) => {
    readonly inputs?: DeclaredData | undefined;
    readonly outputs?: DeclaredData | undefined;
    readonly sources?: readonly Dataset[] | undefined;
    readonly targets?: readonly Dataset[] | undefined;
  } | undefined;
  /** The audit's store (extracts), opened on first use, and the workflow's dataset types. */
  readonly audit: { readonly store: LazyAuditStore; readonly datasetTypes: readonly string[] };
  /** `<runDir>/run.log`: every line of the run in plain text, with failed tasks' full stacks. */
  readonly runLogFile: string | undefined;
  /** `<runDir>/events.jsonl`: every event the run published. */
  readonly eventsFile: string;
  /** Least milliseconds between two `task.progress` events of a task; 0: none. */
  readonly progressEventIntervalMs: number;
  /**
   * The run's masking rule (WF_LOG_MASK_KEYS, URL credentials and the run's secret params),
   * applied at every exit. The run's own instance: it learns the secrets tasks read through
   * `this.airflow` while the run goes on.
   */
  readonly mask: Masker;
  /** What `this.airflow` of the run's tasks reads and writes (Airflow's SDK runtime, `runLocal`'s stand-in); undefined: none. */
  readonly airflow: AirflowBackend | undefined;
  /** The run's OpenTelemetry (WF_OTEL): its span, and its tasks' attempt spans; undefined when off. */
  readonly telemetry: RunTelemetry | undefined;
  /** The run span's ids, which the run's own events carry; undefined when telemetry is off or the process runs one task. */
  readonly trace: TraceIds | undefined;
  /** The run's own files that could not be written (result.json, events.jsonl, run.log): a run with any ends failed. */
  readonly writeFailures: WriteFailures;
}
