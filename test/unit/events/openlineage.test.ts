import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import type { AnySchemaObject, ValidateFunction } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { createEvent, type EventOrigin, type EventPayload } from "../../../src/events/create-event.js";
import { toOpenLineage, type OpenLineageRunEvent } from "../../../src/events/openlineage.js";
import { CUSTOM_ACTION, LIFECYCLE_ACTIONS, type EventAction, type WfEvent } from "../../../src/events/wf-event.js";
import type { Dataset } from "../../../src/events/audit-fields.js";

const fixture = (name: string): AnySchemaObject =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/openlineage/${name}`, import.meta.url)), "utf8")) as AnySchemaObject;
const core = fixture("OpenLineage.json");
const facetSchemas = ["ParentRunFacet.json", "ProcessingEngineRunFacet.json", "ErrorMessageRunFacet.json", "JobTypeJobFacet.json"].map(fixture);
const wfkitVersion = (JSON.parse(readFileSync(fileURLToPath(new URL("../../../package.json", import.meta.url)), "utf8")) as { version: string }).version;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Every `$ref` in a schema that points outside it. */
function externalRefs(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) externalRefs(item, into);
  else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && !value.startsWith("#")) into.add(value.split("#")[0]!);
      else externalRefs(value, into);
    }
  }
  return into;
}

// The facet files point at the core spec version that was current when each was written
// (1-0-1, 1-0-2, 1-0-3, 2-0-2); only the shipped core version is in the fixtures. They use only
// its RunFacet / JobFacet, which are BaseFacet (required `_producer` and `_schemaURL` URIs) in
// every version, so those URLs resolve to a copy of the shipped core under that `$id`.
const coreAliases = [...new Set(facetSchemas.flatMap((schema) => [...externalRefs(schema)]))].filter((url) => url !== core.$id);

function schemas() {
  // strictRequired objects to the spec's `not: { required: [...] }`, which is valid JSON Schema.
  const ajv = new Ajv2020.default({ strict: true, strictTypes: false, strictRequired: false, allErrors: true });
  ajv.addVocabulary(["example"]);
  ajv.addFormat("uuid", UUID);
  ajv.addFormat("uri", (value: string) => /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) && URL.canParse(value));
  ajv.addFormat("date-time", (value: string) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)));
  ajv.addSchema(core);
  for (const url of coreAliases) ajv.addSchema({ ...core, $id: url });
  for (const schema of facetSchemas) ajv.addSchema(schema);
  const get = (ref: string): ValidateFunction => {
    const validate = ajv.getSchema(ref);
    if (validate === undefined) throw new Error(`no schema at ${ref}`);
    return validate;
  };
  return { ajv, get };
}
const { ajv, get } = schemas();
const validateDocument = get(core.$id as string);

/** The facet name each shipped facet file defines (its root `properties` key) → the `$defs` URL of that facet. */
const facetDefinitions = new Map(
  facetSchemas.map((schema) => {
    const [name, property] = Object.entries(schema.properties as Record<string, { $ref: string }>)[0]!;
    return [name, `${schema.$id as string}${property.$ref}`];
  }),
);

function expectValid(validate: ValidateFunction, value: unknown, what: string): void {
  const valid = validate(value);
  expect(valid, `${what}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

/** Validate a converted event: the whole document, the RunEvent at its schemaURL, and each facet against its own schema. */
function expectValidOpenLineage(ol: OpenLineageRunEvent): void {
  expectValid(validateDocument, ol, "OpenLineage document");
  expectValid(get(ol.schemaURL), ol, `schemaURL ${ol.schemaURL}`);
  const facets: [string, { _schemaURL: string }][] = [...Object.entries(ol.run.facets), ...Object.entries(ol.job.facets)];
  for (const [name, facet] of facets) {
    if (name === "wfkit") {
      expectValid(get(`${core.$id as string}#/$defs/RunFacet`), facet, "wfkit facet as a RunFacet");
      continue;
    }
    expect(facetDefinitions.get(name), `facet ${name} has a shipped schema`).toBe(facet._schemaURL);
    expectValid(get(facet._schemaURL), facet, `facet ${name}`);
  }
}

const origin: EventOrigin = { runId: "run-1", dagId: "orders_1.0", workflowName: "orders", version: "1.0", engine: "local" };
const error = { name: "TypeError", message: "x is undefined", resolvableBy: "user" } as const;

/** An event of each action: run events, then task `extract` attempt 1. */
function sample(action: EventAction, at: EventOrigin = origin, task = { task: "extract", attempt: 1 }): WfEvent {
  const payloads: { [A in EventAction]: EventPayload<A> } = {
    "run.started": { params: { day: "2024-01-01" } },
    "run.succeeded": { durationMs: 1200 },
    "run.failed": { durationMs: 1300, failedTasks: ["extract", "load"] },
    "run.terminated": { durationMs: 1400 },
    "task.started": {},
    "task.progress": { progress: { title: "rows", unit: "rows", state: "running", completed: 5, total: 10, children: [] }, metrics: { rows: 5 } },
    "task.catalog": { stage: "put", name: "orders", form: "file", location: "/wf/runs/d/r/catalog/orders/data", sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", size: 4 },
    // Counts only: no sources or targets, so no datasets (those have a test of their own).
    "task.audit": { records: { read: 10 }, dataRange: null, errorCount: 0, errors: [], statuses: [], sources: [], targets: [], extracts: [] },
    "task.succeeded": { durationMs: 900, metrics: { rows: 10 } },
    "task.failed": { durationMs: 901, metrics: { rows: 3 }, error },
    "task.retrying": { nextAttempt: 2, delaySeconds: 5, error },
    "task.skipped": { durationMs: 2, reason: "no new orders" },
    "task.reused": { originalRunId: "r0", originalStatus: "success" },
    "task.terminated": { durationMs: 903, metrics: {}, reason: "received SIGTERM" },
    "task.crashed": { exitCode: null, signal: "SIGKILL", lastAction: "task.progress" },
    [CUSTOM_ACTION]: { name: "checkpoint", payload: { n: 1 } },
  };
  const payload = payloads[action] as EventPayload<typeof action>;
  if (action.startsWith("run.")) return createEvent(at, action, payload);
  return createEvent(at, action, payload, { ...task, ...(action === "task.crashed" ? { pid: 4242 } : {}) });
}

const ALL_ACTIONS: EventAction[] = [...LIFECYCLE_ACTIONS, CUSTOM_ACTION];
const EXPECTED_TYPES: Record<EventAction, string | undefined> = {
  "run.started": "START",
  "run.succeeded": "COMPLETE",
  "run.failed": "FAIL",
  "run.terminated": "ABORT",
  "task.started": "START",
  "task.progress": "RUNNING",
  "task.catalog": undefined,
  "task.audit": "RUNNING",
  "task.succeeded": "COMPLETE",
  "task.failed": "FAIL",
  "task.retrying": undefined,
  "task.skipped": "COMPLETE",
  "task.reused": undefined,
  "task.terminated": "ABORT",
  "task.crashed": "FAIL",
  [CUSTOM_ACTION]: undefined,
};
const convert = (event: WfEvent): OpenLineageRunEvent => {
  const ol = toOpenLineage(event);
  if (ol === undefined) throw new Error(`${event.data.action} has no OpenLineage event`);
  return ol;
};
const lifecycle = ALL_ACTIONS.filter((action) => EXPECTED_TYPES[action] !== undefined);

describe("toOpenLineage", () => {
  it.each(ALL_ACTIONS)("maps %s to its OpenLineage event type", (action) => {
    expect(toOpenLineage(sample(action))?.eventType).toBe(EXPECTED_TYPES[action]);
  });

  it("leaves out task.retrying (the failed attempt already sent FAIL) and custom events", () => {
    expect(toOpenLineage(sample("task.retrying"))).toBeUndefined();
    expect(toOpenLineage(sample(CUSTOM_ACTION))).toBeUndefined();
  });

  it.each(lifecycle)("%s validates against the shipped OpenLineage schema, and its facets against theirs", (action) => {
    expectValidOpenLineage(convert(sample(action)));
  });

  it("resolves the facets' core spec references to the shipped core's definitions only", () => {
    expect(coreAliases.sort()).toEqual([
      "https://openlineage.io/spec/1-0-1/OpenLineage.json",
      "https://openlineage.io/spec/1-0-2/OpenLineage.json",
      "https://openlineage.io/spec/1-0-3/OpenLineage.json",
      "https://openlineage.io/spec/2-0-2/OpenLineage.json",
    ]);
  });

  it("has validators that reject broken events (the checks above can fail)", () => {
    const ok = convert(sample("task.failed"));
    const broken = (change: (ol: OpenLineageRunEvent) => void): OpenLineageRunEvent => {
      const copy = structuredClone(ok);
      change(copy);
      return copy;
    };
    expect(validateDocument(ok)).toBe(true);
    expect(validateDocument(broken((ol) => (ol.run.runId = "run-1")))).toBe(false);
    expect(validateDocument(broken((ol) => ((ol as { eventType: string }).eventType = "PROGRESS")))).toBe(false);
    expect(validateDocument(broken((ol) => (ol.producer = "wfkit 0.1")))).toBe(false);
    expect(validateDocument(broken((ol) => (ol.eventTime = "yesterday")))).toBe(false);
    expect(validateDocument(broken((ol) => delete (ol.run.facets.wfkit as { _producer?: string })._producer))).toBe(false);
    expect(() => expectValidOpenLineage(broken((ol) => delete (ol.run.facets.errorMessage as { programmingLanguage?: string }).programmingLanguage))).toThrow();
    expect(() => expectValidOpenLineage(broken((ol) => ((ol.run.facets.parent!.run as { runId: string }).runId = "run-1")))).toThrow();
    expect(() => expectValidOpenLineage(broken((ol) => delete (ol.job.facets.jobType as { integration?: string }).integration))).toThrow();
    expect(() => expectValidOpenLineage(broken((ol) => (ol.run.facets.processing_engine._schemaURL = "https://openlineage.io/spec/facets/9-9-9/X.json")))).toThrow();
  });

  it("gives every event the wfkit event's time, the spec's schemaURL and empty inputs and outputs", () => {
    for (const action of lifecycle) {
      const event = sample(action);
      const ol = convert(event);
      expect(ol.eventTime).toBe(event.time);
      expect(ol.schemaURL).toBe(`${core.$id as string}#/$defs/RunEvent`);
      expect(ol.inputs).toEqual([]);
      expect(ol.outputs).toEqual([]);
    }
  });

  it("gives a task's events its declared catalog inputs and outputs as datasets, <dagId>/catalog/<name> in namespace wfkit", () => {
    const datasets = (task: string) => (task === "extract" ? { inputs: { names: ["raw"] }, outputs: { names: ["orders", "summary"] } } : undefined);
    const started = toOpenLineage(sample("task.started"), undefined, datasets)!;
    expect(started.inputs).toEqual([{ namespace: "wfkit", name: "orders_1.0/catalog/raw" }]);
    expect(started.outputs).toEqual([
      { namespace: "wfkit", name: "orders_1.0/catalog/orders" },
      { namespace: "wfkit", name: "orders_1.0/catalog/summary" },
    ]);
    expect(toOpenLineage(sample("run.started"), undefined, datasets)!.inputs).toEqual([]);
  });

  describe("sources and targets", () => {
    const landing: Dataset = {
      name: "s3://landing",
      type: "csv",
      objects: [
        { name: "orders.csv", attributes: [{ name: "id", flags: ["key"] }] },
        { name: "customers.csv", attributes: [] },
      ],
      datasetTypes: ["sales"],
    };
    const api: Dataset = { name: "https://api.example.com", type: null, objects: [], datasetTypes: [] };
    const warehouse: Dataset = { name: "postgres://db:5432", type: "postgres", objects: [{ name: "sales.orders", attributes: [] }], datasetTypes: [] };
    const audited = (sources: Dataset[], targets: Dataset[]) =>
      createEvent(origin, "task.audit", { records: { read: 2 }, dataRange: null, errorCount: 0, errors: [], statuses: [], sources, targets, extracts: [] }, { task: "extract", attempt: 1 });

    it("task.audit is a RUNNING event whose inputs are its sources' objects and outputs its targets' (namespace: the source's name), valid by the schema", () => {
      const ol = convert(audited([landing, api], [warehouse]));
      expect(ol.eventType).toBe("RUNNING");
      expect(ol.inputs).toEqual([
        { namespace: "s3://landing", name: "orders.csv" },
        { namespace: "s3://landing", name: "customers.csv" },
        // A source with no objects is one dataset named after itself.
        { namespace: "https://api.example.com", name: "https://api.example.com" },
      ]);
      expect(ol.outputs).toEqual([{ namespace: "postgres://db:5432", name: "sales.orders" }]);
      expect(ol.run.runId).toBe(convert(sample("task.started")).run.runId);
      expectValidOpenLineage(ol);
      // The schema check can fail: a dataset without its namespace is not valid.
      const broken = structuredClone(ol);
      delete (broken.inputs[0] as { namespace?: string }).namespace;
      expect(validateDocument(broken)).toBe(false);
    });

    it("task.audit takes its datasets from the event (declared and added at run time), after the task's catalog datasets", () => {
      const declared = (task: string) => (task === "extract" ? { inputs: { names: ["raw"] }, sources: [api], targets: [] } : undefined);
      const ol = toOpenLineage(audited([landing], []), undefined, declared)!;
      expect(ol.inputs).toEqual([
        { namespace: "wfkit", name: "orders_1.0/catalog/raw" },
        { namespace: "s3://landing", name: "orders.csv" },
        { namespace: "s3://landing", name: "customers.csv" },
      ]);
      expect(ol.outputs).toEqual([]);
      expectValidOpenLineage(ol);
    });

    it("the task's other events carry its declared static sources and targets; run events none", () => {
      const declared = (task: string) => (task === "extract" ? { sources: [api], targets: [warehouse] } : undefined);
      for (const action of lifecycle.filter((a) => a.startsWith("task.") && a !== "task.audit")) {
        const ol = toOpenLineage(sample(action), undefined, declared)!;
        expect(ol.inputs, action).toEqual([{ namespace: "https://api.example.com", name: "https://api.example.com" }]);
        expect(ol.outputs, action).toEqual([{ namespace: "postgres://db:5432", name: "sales.orders" }]);
        expectValidOpenLineage(ol);
      }
      expect(toOpenLineage(sample("task.started", origin, { task: "load", attempt: 1 }), undefined, declared)!.inputs).toEqual([]);
      const run = toOpenLineage(sample("run.started"), undefined, declared)!;
      expect([run.inputs, run.outputs]).toEqual([[], []]);
    });
  });

  it("names the workflow run job <dagId> and a task's job <dagId>.<task>, in namespace wfkit", () => {
    const run = convert(sample("run.started"));
    expect(run.job.namespace).toBe("wfkit");
    expect(run.job.name).toBe("orders_1.0");
    expect(run.job.facets.jobType).toMatchObject({ processingType: "BATCH", integration: "WFKIT", jobType: "DAG" });
    const task = convert(sample("task.started"));
    expect(task.job.namespace).toBe("wfkit");
    expect(task.job.name).toBe("orders_1.0.extract");
    expect(task.job.facets.jobType).toMatchObject({ processingType: "BATCH", integration: "WFKIT", jobType: "TASK" });
  });

  describe("run ids", () => {
    const taskActions = lifecycle.filter((action) => action.startsWith("task."));
    const runActions = lifecycle.filter((action) => action.startsWith("run."));

    it("are name-based (v5) UUIDs", () => {
      for (const action of lifecycle) expect(convert(sample(action)).run.runId).toMatch(UUID_V5);
    });

    it("are the same for every event of one task attempt, whichever process reported it", () => {
      const ids = new Set(taskActions.map((action) => convert(sample(action)).run.runId));
      expect(ids.size).toBe(1);
      const crashed = sample("task.crashed");
      expect(crashed.data.pid).toBe(4242);
      expect(convert(crashed).run.runId).toBe(convert(sample("task.started")).run.runId);
    });

    it("are the same for every event of the workflow run", () => {
      expect(new Set(runActions.map((action) => convert(sample(action)).run.runId)).size).toBe(1);
    });

    it("differ between attempts, tasks, runs, and from the workflow run", () => {
      const attempt1 = convert(sample("task.started")).run.runId;
      const attempt2 = convert(sample("task.started", origin, { task: "extract", attempt: 2 })).run.runId;
      const otherTask = convert(sample("task.started", origin, { task: "load", attempt: 1 })).run.runId;
      const otherRun = convert(sample("task.started", { ...origin, runId: "run-2" })).run.runId;
      const dagRun = convert(sample("run.started")).run.runId;
      expect(new Set([attempt1, attempt2, otherTask, otherRun, dagRun]).size).toBe(5);
    });

    it("never change between wfkit versions (values from Python's uuid.uuid5)", () => {
      // uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "https://www.npmjs.com/package/wfkit"), name)
      expect(convert(sample("run.started")).run.runId).toBe("44805b8c-6a19-574b-8169-3fa962c1c34a");
      expect(convert(sample("task.started")).run.runId).toBe("185dbf55-6d92-5187-94ba-fb7fb4a47e24");
      expect(convert(sample("task.started", origin, { task: "extract", attempt: 2 })).run.runId).toBe("28e56d5c-afec-544d-9923-0abc2417c593");
    });
  });

  it("gives task events a parent facet pointing at the workflow run, and run events none", () => {
    const run = convert(sample("run.started"));
    for (const action of lifecycle) {
      const ol = convert(sample(action));
      if (action.startsWith("run.")) {
        expect(ol.run.facets.parent).toBeUndefined();
        continue;
      }
      expect(ol.run.facets.parent?.run).toEqual({ runId: run.run.runId });
      expect(ol.run.facets.parent?.job).toEqual({ namespace: run.job.namespace, name: run.job.name });
      expect(ol.run.facets.parent?.run.runId).not.toBe(ol.run.runId);
    }
  });

  it("says what went wrong in errorMessage, and nothing when nothing did", () => {
    const message = (event: WfEvent) => convert(event).run.facets.errorMessage;
    expect(message(sample("task.failed"))).toMatchObject({ message: "TypeError: x is undefined", programmingLanguage: "TypeScript" });
    expect(message(sample("task.crashed"))?.message).toBe("task process died: SIGKILL");
    const exited = createEvent(origin, "task.crashed", { exitCode: 137, signal: null, lastAction: null }, { task: "extract", attempt: 1 });
    expect(message(exited)?.message).toBe("task process died: exit code 137");
    expect(message(sample("task.terminated"))?.message).toBe("received SIGTERM");
    expect(message(sample("run.failed"))?.message).toBe("failed tasks: extract, load");
    for (const action of ["run.started", "run.succeeded", "run.terminated", "task.started", "task.progress", "task.succeeded", "task.skipped"] as const) {
      expect(message(sample(action)), action).toBeUndefined();
    }
  });

  it("marks a skipped task's COMPLETE as skipped, with the reason", () => {
    const ol = convert(sample("task.skipped"));
    expect(ol.eventType).toBe("COMPLETE");
    expect(ol.run.facets.wfkit).toMatchObject({ action: "task.skipped", skipped: true, reason: "no new orders" });
    expect(convert(sample("task.succeeded")).run.facets.wfkit.skipped).toBeUndefined();
  });

  it("keeps the wfkit event's details in the wfkit facet", () => {
    const progress = sample("task.progress");
    expect(convert(progress).run.facets.wfkit).toEqual({
      _producer: `https://www.npmjs.com/package/wfkit/v/${wfkitVersion}`,
      _schemaURL: "https://www.npmjs.com/package/wfkit#status-events",
      eventId: progress.id,
      action: "task.progress",
      engine: "local",
      host: progress.data.host,
      pid: process.pid,
      attempt: 1,
      metrics: { rows: 5 },
      progress: { title: "rows", unit: "rows", state: "running", completed: 5, total: 10, children: [] },
    });
    expect(convert(sample("task.crashed")).run.facets.wfkit).toMatchObject({ pid: 4242, exitCode: null, signal: "SIGKILL", lastAction: "task.progress" });
    expect(convert(sample("task.failed")).run.facets.wfkit).toMatchObject({ resolvableBy: "user", durationMs: 901, metrics: { rows: 3 } });
    expect(convert(sample("run.failed")).run.facets.wfkit).toMatchObject({ failedTasks: ["extract", "load"], durationMs: 1300 });
    expect(convert(sample("run.started")).run.facets.wfkit.attempt).toBeUndefined();
  });

  it("names wfkit as producer and processing engine, or the given producer", () => {
    const ol = convert(sample("task.failed"));
    const producer = `https://www.npmjs.com/package/wfkit/v/${wfkitVersion}`;
    expect(ol.producer).toBe(producer);
    const specVersion = /\/spec\/([^/]+)\/OpenLineage\.json$/.exec(core.$id as string)![1];
    expect(ol.run.facets.processing_engine).toMatchObject({ name: "wfkit", version: wfkitVersion, openlineageAdapterVersion: specVersion });
    const mine = toOpenLineage(sample("task.failed"), "https://example.com/our-scheduler")!;
    expect(mine.producer).toBe("https://example.com/our-scheduler");
    const facets = [...Object.values(mine.run.facets), ...Object.values(mine.job.facets)];
    expect(facets.length).toBeGreaterThanOrEqual(5);
    for (const facet of facets) expect(facet._producer).toBe("https://example.com/our-scheduler");
    expectValidOpenLineage(mine);
  });

  it("is deterministic: the same event, also as read back from JSON, gives the same OpenLineage event", () => {
    for (const action of lifecycle) {
      const event = sample(action);
      const first = JSON.stringify(toOpenLineage(event));
      expect(JSON.stringify(toOpenLineage(event))).toBe(first);
      expect(JSON.stringify(toOpenLineage(JSON.parse(JSON.stringify(event)) as WfEvent))).toBe(first);
    }
  });

  it("keeps hostile strings intact through JSON and the schema", () => {
    const hostile = `"quoted" \\ back\nslash\ttab\r\u0000 </script> ünïcödé 漢字 🚀 \u202Eevil\u2028`;
    const at: EventOrigin = { ...origin, runId: `run ${hostile}`, dagId: `dag ${hostile}` };
    const task = { task: `task ${hostile}`, attempt: 3 };
    const events = [
      createEvent(at, "run.started", { params: { note: hostile } }),
      createEvent(at, "task.failed", { durationMs: 1, metrics: { [hostile]: 1 }, error: { name: hostile, message: hostile, resolvableBy: "external" } }, task),
      createEvent(at, "task.skipped", { durationMs: 1, reason: hostile }, task),
      createEvent(at, "task.terminated", { durationMs: 1, metrics: {}, reason: hostile }, task),
    ];
    for (const event of events) {
      const ol = convert(event);
      const text = JSON.stringify(ol);
      expect(JSON.parse(text)).toEqual(ol);
      expect(ol.run.runId).toMatch(UUID_V5);
      expectValidOpenLineage(JSON.parse(text) as OpenLineageRunEvent);
    }
    const [started, failed, skipped, terminated] = events.map(convert) as [OpenLineageRunEvent, OpenLineageRunEvent, OpenLineageRunEvent, OpenLineageRunEvent];
    expect(started.job.name).toBe(`dag ${hostile}`);
    expect(failed.job.name).toBe(`dag ${hostile}.task ${hostile}`);
    expect(failed.run.facets.errorMessage?.message).toBe(`${hostile}: ${hostile}`);
    expect(failed.run.facets.wfkit.metrics).toEqual({ [hostile]: 1 });
    expect(failed.run.facets.parent?.run.runId).toBe(started.run.runId);
    expect(skipped.run.facets.wfkit.reason).toBe(hostile);
    expect(terminated.run.facets.errorMessage?.message).toBe(hostile);
  });
});
