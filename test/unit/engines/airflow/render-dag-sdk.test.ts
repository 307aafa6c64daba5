import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TaskBase, Workflow } from "wfkit";
import { AirflowExportOptionsError, renderAirflowDag, type AirflowDagSource } from "../../../../engines/airflow/index.js";
import { loadTemplate } from "../../../../engines/airflow/dag-template.js";
import { pyCommentJson, pyStr } from "../../../../engines/airflow/py-literal.js";
import { SDK_MARKER_MAX_LINE, SDK_MARKER_PREFIX, SDK_QUEUE } from "../../../../engines/airflow/render-dag.js";
import { etl } from "../../../../examples/etl.js";
import { hostile, HOSTILE } from "../../../fixtures/workflows/hostile.js";

const repo = path.resolve(import.meta.dirname, "../../../..");

const source = (workflow: Workflow, extra: Partial<AirflowDagSource> = {}): AirflowDagSource => ({
  workflow,
  package: { name: "my-pipelines", version: "1.0.0" },
  modulePath: "workflows/etl.ts",
  exportName: "etl",
  ...extra,
});

/**
 * A DAG file read back with Python (no Airflow needed): the DAG's literal arguments, each stub
 * task's decorator arguments, the edges, every call, the comment lines and the marker as Python
 * reads the file line by line.
 */
function pythonStructure(content: string): any {
  const script = `
import ast, io, json, sys, tokenize
source = sys.stdin.read()
tree = ast.parse(source)
compile(source, "dag.py", "exec")
out = {"imports": [], "dag": {}, "tasks": {}, "bash": {}, "edges": [], "calls": [], "comments": [], "marker": None, "markerLine": None}
def value(v):
    try:
        return ast.literal_eval(v)
    except ValueError:
        return ast.unparse(v)
for node in ast.walk(tree):
    if isinstance(node, ast.ImportFrom):
        out["imports"].append(node.module + ":" + ",".join(a.name for a in node.names))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        out["calls"].append(node.func.id)
        kws = {kw.arg: value(kw.value) for kw in node.keywords}
        if node.func.id == "DAG":
            out["dag"] = kws
        if node.func.id == "stub":
            out["tasks"][kws["task_id"]] = kws
        if node.func.id == "WfkitTaskOperator":
            out["bash"][kws["task_id"]] = kws
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "set_upstream":
        out["edges"].append([ast.literal_eval(node.func.value.slice), ast.literal_eval(node.args[0].slice)])
for tok in tokenize.generate_tokens(io.StringIO(source).readline):
    if tok.type == tokenize.COMMENT:
        out["comments"].append([tok.start[0], tok.string])
for number, line in enumerate(io.StringIO(source), start=1):
    if line.startswith(${JSON.stringify(SDK_MARKER_PREFIX)}):
        out["marker"] = json.loads(line[len(${JSON.stringify(SDK_MARKER_PREFIX)}):])
        out["markerLine"] = number
        break
sys.stdout.write(json.dumps(out))
`;
  return JSON.parse(execFileSync("python3", ["-c", script], { input: content }).toString());
}

class T extends TaskBase {
  run(): void {}
}

describe("renderAirflowDag with runtime sdk", () => {
  it("renders a stub DAG: one @task.stub per task on the wfkit queue, with the bash DAG's id, params, settings, docs and edges", async () => {
    const sdk = await renderAirflowDag(source(etl), { runtime: "sdk" });
    const bash = await renderAirflowDag(source(etl));
    expect(sdk.fileName).toBe(bash.fileName);
    expect([sdk.dagId, sdk.dagHash, sdk.tasks]).toEqual([bash.dagId, bash.dagHash, bash.tasks]);
    const s = pythonStructure(sdk.content);
    const b = pythonStructure(bash.content);
    expect(s.imports).toEqual(["airflow.providers.standard.decorators.stub:stub", "airflow.sdk:DAG,Param"]);
    expect([...new Set(s.calls)].sort()).toEqual(["DAG", "Param", "_wf_task", "stub"].sort());
    // Every DAG argument but the docs is the bash DAG's (which also has its worker's macros).
    const { doc_md: sdkDoc, ...sdkDag } = s.dag;
    const { doc_md: bashDoc, user_defined_macros: _, ...bashDag } = b.dag;
    expect(sdkDag).toEqual(bashDag);
    expect(sdkDoc).toBe(
      (bashDoc as string)
        .replace("| Exported for | Airflow 3.x |", "| Exported for | Airflow 3.x, SDK runtime |")
        .replace(
          "\n\n## Tasks",
          "\n\nRuns on Airflow's SDK runtime: the tasks are stubs that the worker hands to wfkit's coordinator (`wfkit_airflow.WfkitCoordinator`, routed to by `[sdk] queue_to_coordinator`), which runs each one with `wf run-task` from the package installed on the worker.\n\n## Tasks",
        ),
    );
    expect(sdk.content).toContain(`"minAmount": Param(0, description="Drop orders below this amount", **{"minimum": 0, "type": "number"})`);
    expect(Object.keys(s.tasks)).toEqual(["Extract", "Transform", "Load"]);
    expect(s.edges).toEqual(b.edges);
    for (const id of Object.keys(s.tasks)) {
      const { queue, doc_md, ...settings } = s.tasks[id];
      const { queue: bashQueue, doc_md: bashTaskDoc, bash_command: _c, env: _e, append_env: _a, skip_on_exit_code: _s, ...bashSettings } = b.bash[id];
      expect(settings).toEqual(bashSettings);
      expect([queue, bashQueue]).toEqual([SDK_QUEUE, "default"]);
      expect(doc_md).toBe((bashTaskDoc as string).replace("Queue: default.", "Queue: wfkit."));
    }
  });

  it("carries the marker line the coordinator reads: sorted keys, the bash DAG's WF_* values, near the top", async () => {
    const sdk = await renderAirflowDag(source(etl, { exportName: "etl" }), { runtime: "sdk", installRoot: "/srv/wf" });
    const s = pythonStructure(sdk.content);
    const expected = {
      dagHash: etl.dagHash(),
      dagId: "csv_to_report_etl_orders_1.0.0",
      installRoot: "/srv/wf",
      module: "workflows/etl.ts",
      package: "my-pipelines",
      version: "1.0.0",
      workflow: "etl",
    };
    expect(s.marker).toEqual(expected);
    const lines = sdk.content.split("\n");
    expect(lines.filter((l) => l.startsWith(SDK_MARKER_PREFIX))).toEqual([`${SDK_MARKER_PREFIX}${JSON.stringify(expected)}`]);
    // Below line 2, where Python would take a comment for the file's encoding declaration.
    expect(s.markerLine).toBeGreaterThan(2);
    expect(s.markerLine).toBeLessThanOrEqual(SDK_MARKER_MAX_LINE);
    // The bash DAG gives its worker command the same values.
    const bash = await renderAirflowDag(source(etl), { installRoot: "/srv/wf" });
    for (const [name, value] of Object.entries({ WF_DAG_HASH: expected.dagHash, WF_DAG_ID: expected.dagId, WF_DEFAULT_INSTALL_ROOT: "/srv/wf", WF_MODULE: "workflows/etl.ts", WF_PACKAGE: "my-pipelines", WF_PACKAGE_VERSION: "1.0.0", WF_WORKFLOW: "etl" })) {
      expect(bash.content).toContain(`"${name}": literal(${JSON.stringify(value)})`);
    }
    // The header says what the file is and how workers are configured.
    expect(sdk.content).toContain(`'{"wfkit": {"classpath": "wfkit_airflow.WfkitCoordinator", "kwargs": {"install_root": "/opt/wfkit"}}}'`);
    expect(sdk.content).toContain(`#   AIRFLOW__SDK__QUEUE_TO_COORDINATOR={"wfkit":"wfkit"}\n`);
  });

  it("puts a task on its own queue when it has one, else on wfkit, and lists the routes the workers need", async () => {
    class Gpu extends TaskBase {
      static override queue = "gpu";
      run(): void {}
    }
    const wf = new Workflow({ category: "queues", version: "1.0.0" }).addNode(T).addNode(Gpu, { upstreams: T });
    const dag = await renderAirflowDag(source(wf), { runtime: "sdk" });
    const s = pythonStructure(dag.content);
    expect([s.tasks.T.queue, s.tasks.Gpu.queue]).toEqual(["wfkit", "gpu"]);
    expect(dag.content).toContain(`#   AIRFLOW__SDK__QUEUE_TO_COORDINATOR={"gpu":"wfkit","wfkit":"wfkit"}\n`);
    expect(s.tasks.Gpu.doc_md).toContain("Queue: gpu.");
  });

  it("renders every task setting as the bash DAG does: timeout, backoff, pool, priority, owner, trigger rule, and the schedule", async () => {
    class Slow extends TaskBase {
      static override timeoutSeconds = 90;
      static override retries = 3;
      static override retryDelaySeconds = 5;
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
    const wf = new Workflow({ category: "settings", version: "1.0.0", schedule: "@daily", startDate: "2026-11-01", catchup: true, maxActiveRuns: 1, owner: "data-eng" })
      .addNode(Slow)
      .addNode(Notify, { upstreams: Slow });
    const s = pythonStructure((await renderAirflowDag(source(wf), { runtime: "sdk" })).content);
    expect(s.imports).toContain("airflow.sdk:CronDataIntervalTimetable");
    expect(s.dag.schedule).toBe("CronDataIntervalTimetable('0 0 * * *', timezone='UTC')");
    expect(s.tasks.Slow).toMatchObject({
      retries: 3,
      retry_delay: "datetime.timedelta(seconds=5)",
      retry_exponential_backoff: 2,
      max_retry_delay: "datetime.timedelta(seconds=600)",
      execution_timeout: "datetime.timedelta(seconds=90)",
      pool: "warehouse",
      pool_slots: 2,
      priority_weight: 10,
      owner: "ana",
      trigger_rule: "all_success",
    });
    expect(s.tasks.Notify).toMatchObject({ retry_exponential_backoff: 0, execution_timeout: null, pool: null, owner: "data-eng", trigger_rule: "all_done" });
  });

  it("is deterministic: the same input renders the same bytes", async () => {
    const [a, b] = await Promise.all([renderAirflowDag(source(etl), { runtime: "sdk" }), renderAirflowDag(source(etl), { runtime: "sdk" })]);
    expect(a.content).toBe(b.content);
  });

  it("refuses runtime sdk for Airflow 2, and an unknown runtime", async () => {
    const refused = renderAirflowDag(source(etl), { runtime: "sdk", airflowVersion: "2" });
    await expect(refused).rejects.toBeInstanceOf(AirflowExportOptionsError);
    await expect(refused).rejects.toThrow(/runtime: "sdk" needs Airflow 3\.3 or later .*airflowVersion is "2"/);
    await expect(renderAirflowDag(source(etl), { runtime: "java" as "sdk" })).rejects.toThrow(/runtime/);
    // The bash DAG is still written for Airflow 2.
    await expect(renderAirflowDag(source(etl), { runtime: "bash", airflowVersion: "2" })).resolves.toBeTruthy();
  });

  it("keeps hostile text inert: in the marker line, the queue routes, the docs and the params", async () => {
    const evil = `${HOSTILE} \u2028import os\u2029os.system("x")\u0085\x7f\x00\x1b[31m\r\n# -*- coding: latin-1 -*-\n"""`;
    class Queued extends TaskBase {
      static override queue = `q ${evil}`;
      static override description = `Queued: ${evil}`;
      run(): void {}
    }
    const wf = new Workflow({ category: "hostile", version: "1.0.0", description: `Description: ${HOSTILE}` }).addNode(Queued);
    const modulePath = `dir with 'quotes'/{{x}}\u2028import os\u2029 # -*- coding: utf-16 -*-\n.ts`;
    const exportName = `hostile\u2028${evil}`;
    const installRoot = `/opt/${evil}`;
    const pkg = { name: `pkg\u2029${evil}`, version: `1.0.0\n${evil}` };
    for (const [workflow, extra] of [
      [hostile, { modulePath, exportName, package: pkg }],
      [wf, { modulePath, exportName, package: pkg }],
    ] as const) {
      const dag = await renderAirflowDag(source(workflow, extra), { runtime: "sdk", installRoot });
      // Everything user-supplied is inside ASCII string literals or escaped JSON: the file is pure printable ASCII.
      expect(dag.content).toMatch(/^[\x0a\x20-\x7e]*$/);
      const s = pythonStructure(dag.content);
      expect(s.marker).toEqual({ dagHash: workflow.dagHash(), dagId: workflow.dagId, installRoot, module: modulePath, package: pkg.name, version: pkg.version, workflow: exportName });
      // The comments are the template's own lines, however many values they carry.
      const plain = pythonStructure((await renderAirflowDag(source(etl), { runtime: "sdk" })).content);
      expect(s.comments.map((c: [number, string]) => c[0])).toEqual(plain.comments.map((c: [number, string]) => c[0]));
      expect(s.markerLine).toBe(plain.markerLine);
      // The only functions the file calls are the template's own.
      expect([...new Set(s.calls)].filter((c) => !["DAG", "Param", "stub", "_wf_task"].includes(c as string))).toEqual([]);
      const task = Object.values(s.tasks)[0] as { doc_md: string };
      expect(task.doc_md).not.toMatch(/<[a-z/!?]/i);
      if (workflow === wf) {
        expect(s.tasks.Queued.queue).toBe(`q ${evil}`);
        expect(task.doc_md).toContain(`Queued: ${evil.replaceAll("<", "&lt;")}`);
        const routes = s.comments.find((c: [number, string]) => c[1].startsWith("#   AIRFLOW__SDK__QUEUE_TO_COORDINATOR="))[1] as string;
        expect(JSON.parse(routes.slice("#   AIRFLOW__SDK__QUEUE_TO_COORDINATOR=".length))).toEqual({ [`q ${evil}`]: "wfkit" });
      } else {
        // Param defaults and descriptions stay string values.
        expect(dag.content).toContain(`"note": Param(${pyStr(HOSTILE).code}, description=${pyStr(`Note: ${HOSTILE}`).code}, **{"type": "string"})`);
        expect(dag.content).toContain(`"count": Param(1, description="{{ params }} {% raw %}"`);
      }
    }
  });

  it("ships a stub DAG template that passes the template check", async () => {
    await expect(loadTemplate(path.join(repo, "templates/airflow/dag-sdk.py.hbs"))).resolves.toBeTypeOf("function");
  });
});

describe("pyCommentJson", () => {
  it("writes one line of printable ASCII JSON that decodes to the value", () => {
    const text = "a\nb\rc\u2028d\u2029e\u0085f\x7fg\x00h\ud800i😀j\"k\\l";
    const code = pyCommentJson({ k: text, [text]: [text] }).code;
    expect(code).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(code)).toEqual({ k: text, [text]: [text] });
    const python = execFileSync("python3", ["-c", "import json, sys; v = json.loads(sys.stdin.read()); sys.stdout.write(json.dumps(v, ensure_ascii=True))"], { input: code }).toString();
    expect(JSON.parse(python)).toEqual({ k: text, [text]: [text] });
  });
});

describe("the wfkit-airflow Python package", () => {
  it("has wfkit's version", () => {
    const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string; files: string[] };
    const pyproject = readFileSync(path.join(repo, "python", "pyproject.toml"), "utf8");
    const project = /^\[project\]\n([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(pyproject)?.[1] ?? "";
    expect(/^name = "(.*)"$/m.exec(project)?.[1]).toBe("wfkit-airflow");
    expect(/^version = "(.*)"$/m.exec(project)?.[1]).toBe(pkg.version);
    expect(pkg.files).toContain("python/");
  });

  it("reads the marker prefix and line limit the renderer writes", () => {
    const command = readFileSync(path.join(repo, "python", "wfkit_airflow", "command.py"), "utf8");
    expect(command).toContain(`MARKER_PREFIX = ${JSON.stringify(SDK_MARKER_PREFIX)}\n`);
    expect(command).toContain(`MARKER_MAX_LINES = ${SDK_MARKER_MAX_LINE}\n`);
  });
});
