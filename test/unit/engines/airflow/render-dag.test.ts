import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TaskBase, Workflow } from "wfkit";
import { renderAirflowDag, type AirflowDagSource } from "../../../../engines/airflow/index.js";
import { etl } from "../../../../examples/etl.js";
import { hostile, HOSTILE } from "../../../fixtures/workflows/hostile.js";

const source = (workflow: Workflow, extra: Partial<AirflowDagSource> = {}): AirflowDagSource => ({
  workflow,
  package: { name: "my-pipelines", version: "1.0.0" },
  modulePath: "workflows/etl.ts",
  exportName: "etl",
  ...extra,
});

/** Parse a DAG file with Python's ast (no Airflow needed) and read back its literal arguments. */
function pythonStructure(content: string): Record<string, unknown> {
  const script = `
import ast, json, sys
tree = ast.parse(sys.stdin.read())
out = {"imports": [], "dag": {}, "tasks": {}, "edges": [], "calls": [], "classes": {}}
for node in ast.walk(tree):
    if isinstance(node, ast.ClassDef):
        out["classes"][node.name] = [ast.unparse(b) for b in node.bases]
    if isinstance(node, ast.ImportFrom):
        out["imports"].append(node.module + ":" + ",".join(a.name for a in node.names))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        out["calls"].append(node.func.id)
        if node.func.id == "DAG":
            for kw in node.keywords:
                try:
                    out["dag"][kw.arg] = ast.literal_eval(kw.value)
                except ValueError:
                    out["dag"][kw.arg] = ast.unparse(kw.value)
        if node.func.id == "WfkitTaskOperator":
            kws = {kw.arg: kw.value for kw in node.keywords}
            tid = ast.literal_eval(kws["task_id"])
            out["tasks"][tid] = {k: (ast.literal_eval(v) if k in ("retries", "queue", "doc_md", "skip_on_exit_code") else ast.unparse(v)) for k, v in kws.items()}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "set_upstream":
        out["edges"].append([ast.literal_eval(node.func.value.slice), ast.literal_eval(node.args[0].slice)])
sys.stdout.write(json.dumps(out))
`;
  return JSON.parse(execFileSync("python3", ["-c", script], { input: content }).toString()) as Record<string, unknown>;
}

describe("renderAirflowDag", () => {
  it("renders one WfkitTaskOperator (a BashOperator defined in the file) per task with the workflow's edges, settings and params", async () => {
    const dag = await renderAirflowDag(source(etl));
    expect(dag.fileName).toBe("csv_to_report_etl_orders_1.0.0.py");
    expect(dag.tasks).toEqual(["Extract", "Transform", "Load"]);
    const s = pythonStructure(dag.content) as any;
    expect(s.imports).toContain("airflow.providers.standard.operators.bash:BashOperator");
    expect(s.imports).toContain("airflow.sdk.exceptions:AirflowException,AirflowFailException,AirflowSkipException");
    expect(s.classes).toEqual({ WfkitTaskOperator: ["BashOperator"], _WfkitOutput: [] });
    expect(s.dag.dag_id).toBe("csv_to_report_etl_orders_1.0.0");
    expect(s.dag.catchup).toBe(false);
    expect(s.dag.schedule).toBeNull();
    expect(s.dag.tags).toEqual(["1.0.0", "csv", "etl", "example", "report"]);
    expect(s.dag.doc_md).toContain(`| DAG hash | ${etl.dagHash()} |`);
    expect(s.dag.doc_md).toContain("| Package | my-pipelines@1.0.0 |");
    // Declared catalog data, in the DAG's task list and each task's doc.
    expect(s.dag.doc_md).toContain("- **Transform**: Keep the orders of one currency above a minimum amount (after: Extract; reads orders; writes kept)");
    expect(s.tasks.Load.doc_md).toContain("Catalog: reads kept; writes report.");
    expect(Object.keys(s.tasks)).toEqual(["Extract", "Transform", "Load"]);
    expect(s.tasks.Extract.retries).toBe(0);
    expect(s.tasks.Extract.queue).toBe("default");
    expect(s.tasks.Extract.skip_on_exit_code).toBe(99);
    expect(s.tasks.Extract.bash_command).toBe("WF_COMMAND");
    expect(s.edges).toEqual([
      ["Transform", "Extract"],
      ["Load", "Transform"],
    ]);
    expect(dag.content).toContain(`"minAmount": Param(0, description="Drop orders below this amount", **{"minimum": 0, "type": "number"})`);
  });

  it("renders the schedule as a UTC CronDataIntervalTimetable, and the DAG's dates, limits and owner", async () => {
    class T extends TaskBase {
      run(): void {}
    }
    const wf = new Workflow({
      category: "sched",
      version: "1.0.0",
      schedule: "@daily",
      startDate: "2026-11-01",
      endDate: "2026-12-31T18:30:00Z",
      catchup: true,
      dagrunTimeoutSeconds: 3600,
      maxActiveRuns: 1,
      maxActiveTasks: 4,
      owner: "data-eng",
    }).addNode(T);
    const three = await renderAirflowDag(source(wf));
    const s = pythonStructure(three.content) as any;
    expect(s.imports).toContain("airflow.sdk:CronDataIntervalTimetable");
    expect(s.dag.schedule).toBe("CronDataIntervalTimetable('0 0 * * *', timezone='UTC')");
    expect(s.dag.start_date).toBe("datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)");
    expect(s.dag.end_date).toBe("datetime.datetime(2026, 12, 31, 18, 30, 0, 0, tzinfo=datetime.timezone.utc)");
    expect(s.dag.catchup).toBe(true);
    expect(s.dag.dagrun_timeout).toBe("datetime.timedelta(seconds=3600)");
    expect(s.dag.max_active_runs).toBe(1);
    expect(s.dag.max_active_tasks).toBe(4);
    expect(s.dag.default_args).toEqual({ owner: "data-eng" });
    expect(s.tasks.T.owner).toBe("'data-eng'");
    expect(s.dag.doc_md).toContain("| Schedule | @daily (UTC) from 2026-11-01 to 2026-12-31T18:30:00Z, catching up on missed intervals |");
    const two = pythonStructure((await renderAirflowDag(source(wf), { airflowVersion: "2" })).content) as any;
    expect(two.imports).toContain("airflow.timetables.interval:CronDataIntervalTimetable");
    // Without a schedule: None, no timetable import, Airflow's own limits.
    const plain = pythonStructure((await renderAirflowDag(source(etl))).content) as any;
    expect(plain.dag.schedule).toBeNull();
    expect(plain.imports.join()).not.toContain("CronDataIntervalTimetable");
    expect([plain.dag.max_active_runs, plain.dag.max_active_tasks, plain.dag.dagrun_timeout, plain.dag.end_date]).toEqual([16, 16, null, null]);
    expect(plain.dag.start_date).toBe("datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)");
    const once = new Workflow({ category: "once", version: "1.0.0", schedule: "@once" }).addNode(T);
    expect((pythonStructure((await renderAirflowDag(source(once))).content) as any).dag.schedule).toBe("@once");
  });

  it("renders every task setting: timeout, backoff, pool, priority, owner, trigger rule", async () => {
    class Slow extends TaskBase {
      static override timeoutSeconds = 90;
      static override retries = 3;
      static override retryExponentialBackoff = true;
      static override maxRetryDelaySeconds = 600;
      static override pool = "warehouse";
      static override poolSlots = 2;
      static override priorityWeight = 10;
      static override owner = "ana";
      run(): void {}
    }
    class Notify extends TaskBase {
      static override triggerRule = "all_done" as const;
      run(): void {}
    }
    const wf = new Workflow({ category: "settings", version: "1.0.0" }).addNode(Slow).addNode(Notify, { upstreams: Slow });
    const s = pythonStructure((await renderAirflowDag(source(wf))).content) as any;
    expect(s.tasks.Slow).toMatchObject({
      execution_timeout: "datetime.timedelta(seconds=90)",
      retry_exponential_backoff: "2",
      max_retry_delay: "datetime.timedelta(seconds=600)",
      pool: "'warehouse'",
      pool_slots: "2",
      priority_weight: "10",
      owner: "'ana'",
      trigger_rule: "'all_success'",
    });
    expect(s.tasks.Notify).toMatchObject({ execution_timeout: "None", retry_exponential_backoff: "0", max_retry_delay: "None", pool: "None", pool_slots: "1", priority_weight: "1", owner: "'airflow'", trigger_rule: "'all_done'" });
    // Airflow 2 takes a flag (and doubles); Airflow 3 a multiplier, where True would mean no backoff.
    const two = pythonStructure((await renderAirflowDag(source(wf), { airflowVersion: "2" })).content) as any;
    expect([two.tasks.Slow.retry_exponential_backoff, two.tasks.Notify.retry_exponential_backoff]).toEqual(["True", "False"]);
  });

  it("gives the worker the DAG run's logical date and data interval through templated variables", async () => {
    const dag = await renderAirflowDag(source(etl));
    expect(dag.content).toContain(`"WF_LOGICAL_DATE": "{{ wf_date(dag_run, 'logical_date') }}"`);
    expect(dag.content).toContain(`"WF_DATA_INTERVAL_START": "{{ wf_date(dag_run, 'data_interval_start') }}"`);
    expect(dag.content).toContain(`"WF_DATA_INTERVAL_END": "{{ wf_date(dag_run, 'data_interval_end') }}"`);
  });

  it("hands the DAG run conf's trace context to the worker, and keeps settings under wfkit/ and airflow/ out of the params", async () => {
    const dag = await renderAirflowDag(source(etl));
    expect(dag.content).toContain(`"WF_TRACE_CONTEXT": "{{ wf_trace_context(dag_run) }}"`);
    expect(dag.content).toContain(`_RESERVED_CONF_PREFIXES = tuple(["wfkit/", "airflow/"])`);
    expect(dag.content).toContain(`_TRACE_CONF_KEYS = frozenset(["wfkit/traceparent", "wfkit/tracestate", "airflow/dagrun_parent_trace_context"])`);
  });

  it("renders Airflow 2 imports with --airflow-version 2", async () => {
    const dag = await renderAirflowDag(source(etl), { airflowVersion: "2" });
    const s = pythonStructure(dag.content) as any;
    expect(s.imports).toContain("airflow.operators.bash:BashOperator");
    expect(s.imports).toContain("airflow.exceptions:AirflowException,AirflowFailException,AirflowSkipException");
    expect(s.imports).toContain("airflow.utils.template:literal");
    expect(Object.keys(s.tasks)).toEqual(["Extract", "Transform", "Load"]);
    expect(dag.content).not.toContain("airflow.sdk");
  });

  it("is deterministic: the same input renders the same bytes", async () => {
    const a = await renderAirflowDag(source(etl));
    const b = await renderAirflowDag(source(etl));
    expect(a.content).toBe(b.content);
  });

  it("keeps hostile text as string values only", async () => {
    const dag = await renderAirflowDag(source(hostile, { modulePath: "dir with 'quotes'/{{x}}.ts", exportName: "hostile" }));
    // Everything user-supplied is inside ASCII string literals: the file is pure ASCII.
    expect(dag.content).toMatch(/^[\x09\x0a\x20-\x7e]*$/);
    const s = pythonStructure(dag.content) as any;
    expect(s.dag.description).toBe(`Description: ${HOSTILE}`.split("\n")[0]);
    // doc_md is Markdown, which Airflow 2 renders with raw HTML: no tag can start in it.
    const shown = (text: string) => text.replaceAll("<", "&lt;");
    expect(s.dag.doc_md).toContain(`Description: ${shown(HOSTILE)}`);
    expect(s.dag.tags).toContain("tag {{ x }}");
    expect(s.tasks.Echo.doc_md).toContain(`Echo task: ${shown(HOSTILE)}`);
    for (const doc of [s.dag.doc_md as string, s.tasks.Echo.doc_md as string]) {
      expect(doc).not.toMatch(/<[a-z/!?]/i);
      expect(doc).toContain("&lt;/script>&lt;script>alert(1)&lt;/script> &lt;img src=x onerror=alert(1)>");
    }
    // The only functions the file calls are the template's own (its operator's included).
    const allowed = [
      ...["DAG", "Param", "literal", "WfkitTaskOperator", "_WfkitOutput", "_wf_error_lines", "_wf_record", "_wf_value", "processor"],
      ...["AirflowException", "AirflowFailException", "AirflowSkipException"],
      ...["dict", "frozenset", "getattr", "isinstance", "iter", "len", "str", "super", "tuple"],
    ];
    expect((s.calls as string[]).filter((c) => !allowed.includes(c))).toEqual([]);
  });

  it("takes descriptions from the sources' TSDoc when none is set", async () => {
    class Plain extends TaskBase {
      run(): void {}
    }
    const wf = new Workflow({ category: "doc", version: "1.0.0" }).addNode(Plain);
    const dag = await renderAirflowDag(source(wf, { docs: { workflow: "From TSDoc", tasks: { Plain: "Plain from TSDoc" } } }));
    const s = pythonStructure(dag.content) as any;
    expect(s.dag.description).toBe("From TSDoc");
    expect(s.tasks.Plain.doc_md).toContain("Plain from TSDoc");
  });

  it("maps params: optional without default becomes nullable and is dropped when None", async () => {
    class T extends TaskBase {
      run(): void {}
    }
    const wf = new Workflow({
      category: "p",
      version: "1.0.0",
      params: z.object({ day: z.iso.date().optional(), tags: z.array(z.string()).default(["a"]), mode: z.enum(["x", "y"]).optional() }),
    }).addNode(T);
    const dag = await renderAirflowDag(source(wf));
    expect(dag.content).toContain(`"day": Param(None, description=None, **{"format": "date", "pattern":`);
    expect(dag.content).toContain(`"tags": Param(["a"]`);
    expect(dag.content).toContain(`"mode": Param(None, description=None, **{"enum": ["x", "y", None], "type": ["string", "null"]})`);
    expect(dag.content).toContain(`_OMIT_WHEN_NONE = frozenset(["day", "mode"])`);
  });

  it("gives a required param no default, so Airflow demands it in every run's conf", async () => {
    class T extends TaskBase {
      run(): void {}
    }
    const wf = new Workflow({ category: "req", version: "1.0.0", params: z.object({ day: z.string().describe("Day") }) }).addNode(T);
    const dag = await renderAirflowDag(source(wf));
    expect(dag.content).toContain(`"day": Param(description="Day", **{"type": "string"})`);
    expect(dag.content).toContain(`_OMIT_WHEN_NONE = frozenset([])`);
    const scheduled = new Workflow({ category: "req", version: "1.0.0", schedule: "@daily", params: z.object({ day: z.string() }) }).addNode(T);
    // A validation problem now, so that `wf validate` reports it too.
    await expect(renderAirflowDag(source(scheduled))).rejects.toThrow(/\[schedule-needs-defaults\] the workflow runs on schedule "@daily", but param "day" has no default/);
  });

  it("gives a plain integer param no bounds but the ones the schema sets", async () => {
    class T extends TaskBase {
      run(): void {}
    }
    const wf = new Workflow({ category: "ints", version: "1.0.0", params: z.object({ n: z.number().int().default(1), m: z.number().int().min(0).max(9).default(1) }) }).addNode(T);
    const dag = await renderAirflowDag(source(wf));
    expect(dag.content).toContain(`"n": Param(1, description=None, **{"type": "integer"})`);
    expect(dag.content).toContain(`"m": Param(1, description=None, **{"maximum": 9, "minimum": 0, "type": "integer"})`);
    expect(dag.content).not.toContain("9007199254740991");
  });

  it("refuses what Airflow would reject, and invalid workflows", async () => {
    class T extends TaskBase {
      run(): void {}
    }
    // A tag longer than Airflow takes is a validation problem now (so `wf validate` reports it too).
    const long = new Workflow({ category: "t", version: "1.0.0", tags: ["x".repeat(101)] }).addNode(T);
    await expect(renderAirflowDag(source(long))).rejects.toThrow(/\[tag-too-long\] tag 0 \("x{40}…"\) is 101 characters; Airflow allows at most 100/);
    await expect(renderAirflowDag(source(etl, { modulePath: "../etl.ts" }))).rejects.toThrow(/inside the package/);
    const empty = new Workflow({ category: "e", version: "1.0.0" });
    await expect(renderAirflowDag(source(empty))).rejects.toThrow(/no tasks/);
    await expect(renderAirflowDag(source(etl), { airflowVersion: "4" as "3" })).rejects.toThrow(/airflowVersion/);
  });
});
