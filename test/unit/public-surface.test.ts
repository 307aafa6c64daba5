// The public surfaces, pinned: every name `wfkit` and `wfkit/engine` export is listed here, so
// adding one (or dropping one: a breaking change) is a deliberate act reviewed in this file.
// And every export of the five entry points has TSDoc on its declaration.
import path from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import * as wfkit from "wfkit";
import * as engine from "wfkit/engine";
import { repoRoot } from "../support/wf-cli.js";

/** `wfkit`: what task and workflow authors use. */
const AUTHORING = {
  values: [
    "AirflowConnectionError",
    "AirflowConnectionNotFoundError",
    "AirflowUnavailableError",
    "AirflowVariableNotFoundError",
    "AirflowXComError",
    "AuditReportSchema",
    "AuditRunError",
    "AuditRunSchema",
    "AuditStoreError",
    "AuditUsageError",
    "ExtractNotFoundError",
    "ExtractSchema",
    "ExtractStatusError",
    "ExtractStatusSchema",
    "HoldRecordSchema",
    "NEXT_STATUSES",
    "openAudit",
    "WorkflowOnHoldError",
    "CatalogEntryNotFoundError",
    "CatalogNameError",
    "CatalogSourceError",
    "CatalogStoreError",
    "CatalogUndeclaredError",
    "ParamsValidationError",
    "progressFromPort",
    "ProgressTracker",
    "openRunLog",
    "resolvableByOf",
    "RUN_LOG_SCHEMA_VERSION",
    "RunLogOptionsError",
    "RunLogRecordSchema",
    "RunLogStoreError",
    "RunNotFoundError",
    "RunResultSchema",
    "RunSummarySchema",
    "RunViewSchema",
    "shareProgress",
    "TaskBase",
    "TaskCrashedError",
    "TaskSkipped",
    "TaskTerminatedError",
    "TaskTimeoutError",
    "TRIGGER_RULES",
    "WfEventSchema",
    "WfkitError",
    "Workflow",
    "WorkflowValidationError",
  ],
  types: [
    "ActionFilter",
    "AirflowAccess",
    "AirflowConnection",
    "AirflowXCom",
    "ActionRecord",
    "Audit",
    "AuditDate",
    "AuditError",
    "AuditRecord",
    "AuditReport",
    "AuditRun",
    "DataInterval",
    "Dataset",
    "DatasetAttribute",
    "DatasetDeclaration",
    "DatasetObject",
    "Extract",
    "ExtractActor",
    "ExtractFilter",
    "ExtractKey",
    "ExtractStatus",
    "HoldAction",
    "HoldRecord",
    "TaskAudit",
    "TaskExtracts",
    "AttemptResult",
    "AttemptView",
    "CatalogEntry",
    "CatalogForm",
    "CatalogRecord",
    "CatalogSource",
    "CatalogView",
    "CodeIdentity",
    "DataDeclaration",
    "EndRecord",
    "LogFields",
    "NodeOptions",
    "ParamsSchema",
    "OpenRunLogOptions",
    "ResolvableBy",
    "RunFilter",
    "RunLog",
    "RunLogRecord",
    "RunRecord",
    "RunResult",
    "RunState",
    "RunStatus",
    "RunSummary",
    "RunView",
    "TaskClass",
    "TaskCatalog",
    "TaskContext",
    "TriggerRule",
    "TaskEvents",
    "TaskAction",
    "TaskResult",
    "TaskState",
    "TaskStatus",
    "TaskView",
    "ValidationCode",
    "ValidationIssue",
    "WfEvent",
    "WfLogger",
    "WorkflowOptions",
  ],
};

/** `wfkit/engine`: what engines and tools use. */
const ENGINE = {
  values: [
    "AirflowStandInSchema",
    "appendRunLogRecords",
    "appendWholeFile",
    "BusAccessRefusedError",
    "BusSetupError",
    "BusUnavailableError",
    "checkRunId",
    "compileEventsOptions",
    "compileProgressOptions",
    "compileRunLogOptions",
    "ConfigError",
    "createEvent",
    "createLogger",
    "createLoggerFromConfig",
    "createTaskContext",
    "datasetsText",
    "declaredDataText",
    "describeRunLogStore",
    "didYouMeanSuffix",
    "CRON_PRESETS",
    "dataIntervalAt",
    "DateInputSchema",
    "decideTriggerRule",
    "downstreamsOf",
    "manualDataInterval",
    "MemoryAirflowBackend",
    "parseSchedule",
    "requiredParams",
    "errorMessage",
    "errorName",
    "eventErrorOf",
    "EVENTS_FILE",
    "EventsOptionsError",
    "eventsOptionsFromConfig",
    "EventStoreError",
    "telemetryOptionsFromConfig",
    "traceParentFromConfig",
    "loggableConfig",
    "traceParentOfConf",
    "traceParentProblem",
    "traceStateProblem",
    "isReservedConfKey",
    "CONF_TRACEPARENT",
    "CONF_TRACESTATE",
    "CONF_AIRFLOW_PARENT",
    "RESERVED_CONF_PREFIXES",
    "TRACE_CONF_KEYS",
    "TraceParentSchema",
    "preloadTelemetry",
    "TraceStateSchema",
    "importModule",
    "maskUrlCredentials",
    "MissingToolError",
    "PARSE_ONCE",
    "InProcessEventBus",
    "InvalidRunIdError",
    "lineageText",
    "loadConfig",
    "loadSafeTemplate",
    "LoggerOptionsError",
    "loggerOptionsFromConfig",
    "newRunId",
    "newTaskResult",
    "openRunLogWriter",
    "optionProblems",
    "paramsJsonSchema",
    "processAlive",
    "recordOfEvent",
    "ProgressModeSchema",
    "ProgressOptionsError",
    "progressOptionsFromConfig",
    "renderRunSummary",
    "RerunNotPossibleError",
    "RerunOptionsError",
    "RerunParamsError",
    "RerunRefusedError",
    "RerunRequestSchema",
    "RunDirError",
    "RunIdSchema",
    "RunInUseError",
    "runDirPath",
    "RunLifecycle",
    "RunNotRecordedError",
    "runLogOptionsFromConfig",
    "runResultToJson",
    "signalExitCode",
    "startEventPublisher",
    "startProgress",
    "taskLogger",
    "taskTracker",
    "toOpenLineage",
    "UnsafeTemplateError",
    "watchStopSignals",
    "wfkitPackage",
    "whereThrown",
    "withRunLifecycle",
    "workflowSourceProblems",
  ],
  types: [
    "TelemetryOptions",
    "ExportTarget",
    "TraceParent",
    "TraceIds",
    "AirflowBackend",
    "AirflowConnectionData",
    "AirflowStandIn",
    "AttemptPlan",
    "AttemptStatus",
    "CompiledEventsOptions",
    "CompiledProgressOptions",
    "CompiledRunLogOptions",
    "DeclaredData",
    "EventBus",
    "EventOrigin",
    "EventPublisher",
    "EventsOptions",
    "GraphNode",
    "LoggerOptions",
      "LogLevel",
    "NodeSettings",
    "OpenLineageRunEvent",
    "ProgressOptions",
    "ProgressPresenter",
    "PublisherStats",
    "RenderTemplate",
    "RerunPlan",
    "RerunRequest",
    "ReusedTask",
    "RootLogger",
    "RunContext",
    "RunLifecycleInput",
    "RunLogOptions",
    "RunLogWriter",
    "RunLogWriterHooks",
    "RunScope",
    "Schedule",
    "StopSignals",
    "TaskDatasets",
    "TriggerDecision",
    "UpstreamCounts",
    "WfConfig",
    "WorkflowNode",
    "WorkflowSource",
  ],
};

const sorted = (names: readonly string[]): string[] => [...names].sort((a, b) => a.localeCompare(b, "en"));

/** The entry points whose every export must have TSDoc. */
const ENTRY_POINTS = ["src/index.ts", "src/engine.ts", "engines/local/index.ts", "engines/airflow/index.ts", "engines/notebook/index.ts"];

interface EntryExport {
  name: string;
  /** Exported as a value (not type-only). */
  value: boolean;
  /** Declarations without a TSDoc comment, as `file:line`. */
  undocumented: string[];
}

/** Every export of each entry point, through the compiler: names, kinds and whether each declaration is documented. */
function entryExports(): Map<string, EntryExport[]> {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(repoRoot, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (config === undefined) throw new Error("cannot read tsconfig.json");
  const files = ENTRY_POINTS.map((entry) => path.join(repoRoot, entry));
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const result = new Map<string, EntryExport[]>();
  for (const [i, file] of files.entries()) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`${ENTRY_POINTS[i]}: not a module`);
    result.set(
      ENTRY_POINTS[i]!,
      checker.getExportsOfModule(moduleSymbol).map((exported) => {
        let symbol = exported;
        while (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        const typeOnly = (exported.declarations ?? []).some((d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly));
        const undocumented = (symbol.declarations ?? []).filter((declaration) => !hasTsDoc(declaration)).map(where);
        return { name: exported.name, value: (symbol.flags & ts.SymbolFlags.Value) !== 0 && !typeOnly, undocumented };
      }),
    );
  }
  return result;
}

/** A `/** … *\/` comment with text on the declaration (on its statement, for a variable). */
function hasTsDoc(declaration: ts.Declaration): boolean {
  const node = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
  return ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .some((doc) => (ts.getTextOfJSDocComment(doc.comment) ?? "").trim() !== "");
}

function where(declaration: ts.Declaration): string {
  const source = declaration.getSourceFile();
  return `${path.relative(repoRoot, source.fileName)}:${source.getLineAndCharacterOfPosition(declaration.getStart()).line + 1}`;
}

describe("public surfaces", () => {
  let exportsOf: Map<string, EntryExport[]>;
  // One program for the five entry points: a few seconds.
  beforeAll(() => {
    exportsOf = entryExports();
  });

  it("`wfkit` exports exactly the authoring surface (at run time)", () => {
    expect(sorted(Object.keys(wfkit))).toEqual(sorted(AUTHORING.values));
  });

  it("`wfkit/engine` exports exactly the engine surface (at run time)", () => {
    expect(sorted(Object.keys(engine))).toEqual(sorted(ENGINE.values));
  });

  it.each([
    ["src/index.ts", AUTHORING],
    ["src/engine.ts", ENGINE],
  ])("%s exports exactly the pinned values and types", (entry, surface) => {
    const names = exportsOf.get(entry)!;
    expect(sorted(names.filter((n) => n.value).map((n) => n.name))).toEqual(sorted(surface.values));
    expect(sorted(names.filter((n) => !n.value).map((n) => n.name))).toEqual(sorted(surface.types));
  });

  it("no name is on both surfaces: each has one home", () => {
    const authoring = new Set([...AUTHORING.values, ...AUTHORING.types]);
    expect([...ENGINE.values, ...ENGINE.types].filter((name) => authoring.has(name))).toEqual([]);
  });

  it.each(ENTRY_POINTS)("every export of %s has TSDoc on its declaration", (entry) => {
    const missing = exportsOf.get(entry)!.flatMap((e) => e.undocumented.map((at) => `${e.name} (${at})`));
    expect(missing).toEqual([]);
  });
});
