// The generated DAG's task operator reads `wf run-task`'s output: what it logs for each line, at
// which level, and the reason it gives a failure. The rendered file's own code (its `_wf*`
// helpers and `_WfkitOutput`) runs here in plain python3, fed wfkit's lines; the real-Airflow
// tests (test/integration/airflow*.test.ts) run the operator itself.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { TaskBase, Workflow } from "wfkit";
import { renderAirflowDag } from "../../../../engines/airflow/index.js";

class Load extends TaskBase {
  run(): void {}
}
const workflow = new Workflow({ category: "op", version: "1.0.0" }).addNode(Load);

/** Run the rendered file's output reader on `lines`: what it logged, and the reason each exit code gives. */
async function read(lines: string[], airflowVersion: "2" | "3" = "3"): Promise<{ logged: [string, string][]; reasons: Record<string, string>; skipped: string | null }> {
  const dag = await renderAirflowDag({ workflow, package: { name: "p", version: "1.0.0" }, modulePath: "op.ts", exportName: "op" }, { airflowVersion });
  const script = `
import ast, json, sys
request = json.load(sys.stdin)
tree = ast.parse(request["dag"])
def ours(node):
    if isinstance(node, ast.Import):
        return True
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return node.name.startswith(("_wf", "_Wf"))
    return isinstance(node, ast.Assign) and all(getattr(t, "id", "").startswith("_WF") for t in node.targets)
ns = {}
exec(compile(ast.Module(body=[n for n in tree.body if ours(n)], type_ignores=[]), "dag", "exec"), ns)
logged = []
class Log:
    def __getattr__(self, method):
        return lambda fmt, *args: logged.append([method, fmt % args])
out = ns["_WfkitOutput"](Log(), "Load")
for line in request["lines"]:
    out.line(line)
json.dump({"logged": logged, "reasons": {str(c): out.reason(c) for c in (1, 2, 137)}, "skipped": out.skipped}, sys.stdout)
`;
  return JSON.parse(execFileSync("python3", ["-c", script], { input: JSON.stringify({ dag: dag.content, lines }) }).toString()) as never;
}

const ID = { workflow: "op", version: "1.0.0", dag_id: "op_1.0.0", task: "Load", run_id: "r1", attempt: 1 };
const rec = (level: string, message: string, fields: Record<string, unknown> = {}, logger = "Load") =>
  JSON.stringify({ timestamp: "2026-11-22T09:12:03.118Z", level, logger, message, ...fields });
const STACK = "WarehouseError: refused\n    at Load.run (/w/op.ts:5:11)\n    at runTaskAttempt (/w/wfkit.js:10:3935)";

describe("the DAG's task operator reading wf run-task's output", () => {
  it("logs each wfkit line at its level: the message, its own fields as key=value, then the run's identity once", async () => {
    const { logged } = await read([
      rec("info", "loading orders", { ...ID, table: "orders", rows: 3, note: "two words", ok: true, gone: null, tags: ["a", "b"], ü: "naïve 東京" }),
      rec("info", "loaded", { ...ID, rows: 3 }),
      rec("warn", "slow", { ...ID, attempt: 2, seconds: 2.5 }),
      rec("debug", "task started", { task: "Load", attempt: 2, run_id: "r1" }, "wfkit.task"),
      rec("silly", "very fine", {}),
      rec("trace", "fine", {}),
      rec("error", "the first batch was rejected", { batch: 1 }),
      rec("fatal", "out of memory", {}),
      rec("info", "child line", {}, "Load.db"),
    ]);
    expect(logged).toEqual([
      ["info", `loading orders table=orders rows=3 note="two words" ok=true gone=null tags=["a","b"] ü="naïve 東京" workflow=op version=1.0.0 dag_id=op_1.0.0 task=Load run_id=r1 attempt=1`],
      ["info", "loaded rows=3"],
      ["warning", "slow seconds=2.5 attempt=2"],
      ["debug", "task started logger=wfkit.task"],
      ["debug", "very fine"],
      ["debug", "fine"],
      ["error", "the first batch was rejected batch=1"],
      ["critical", "out of memory"],
      ["info", "child line logger=Load.db"],
    ]);
  });

  it("writes a stack below its line, one line per line, and an error field as its headline with its stack and causes below", async () => {
    const { logged } = await read([
      rec("error", "task failed: WarehouseError: refused", { ...ID, error: "WarehouseError: refused", thrown_at: "/w/op.ts:5", resolvable_by: "user", stack: STACK }),
      rec("warn", "retrying the connection", { error: { name: "Error", message: "reset", stack: "Error: reset\n    at connect (/w/db.ts:3:9)", cause: { name: "Error", message: "socket hang up", stack: "Error: socket hang up\n    at x (/w/net.ts:1:1)" } } }),
    ]);
    expect(logged[0]).toEqual([
      "error",
      `task failed: WarehouseError: refused thrown_at=/w/op.ts:5 resolvable_by=user workflow=op version=1.0.0 dag_id=op_1.0.0 task=Load run_id=r1 attempt=1\n${STACK}`,
    ]);
    expect(logged[1]).toEqual([
      "warning",
      'retrying the connection error="Error: reset"\nError: reset\n    at connect (/w/db.ts:3:9)\ncaused by: Error: socket hang up\n    at x (/w/net.ts:1:1)',
    ]);
  });

  it("logs other lines at INFO as they are, and wf's refusal (with its indented lines) at ERROR", async () => {
    const { logged } = await read([
      "plain output of the task",
      '{"not":"a wfkit record"}',
      '{"level":["info"],"message":"x"}',
      "{broken json",
      "wf: invalid run parameters for op_1.0.0; fix it and start the run again:",
      "  nope: this workflow takes no parameters",
      "after the refusal",
    ]);
    expect(logged).toEqual([
      ["info", "plain output of the task"],
      ["info", '{"not":"a wfkit record"}'],
      ["info", '{"level":["info"],"message":"x"}'],
      ["info", "{broken json"],
      ["error", "wf: invalid run parameters for op_1.0.0; fix it and start the run again:"],
      ["error", "  nope: this workflow takes no parameters"],
      ["info", "after the refusal"],
    ]);
  });

  it("gives a failure wfkit's report of it, not a task's own error line nor a later wfkit error", async () => {
    const { reasons } = await read([
      rec("error", "the first batch was rejected", { batch: 1 }),
      rec("error", "task failed: WarehouseError: refused", { ...ID, error: "WarehouseError: refused", stack: STACK }),
      rec("error", "events could not be published", {}, "wfkit.events.bus"),
    ]);
    expect(reasons["1"]).toBe("task failed: WarehouseError: refused");
    // A retried attempt's report is a warning.
    const retried = await read([rec("warn", "attempt 1 failed, retrying in 1 s: WarehouseError: refused", { thrown_at: "/w/op.ts:5" })]);
    expect(retried.reasons["1"]).toBe("attempt 1 failed, retrying in 1 s: WarehouseError: refused");
  });

  it("gives a refusal its whole text, a crash wfkit's report of it, and else the exit code", async () => {
    const refused = await read(["wf: invalid run parameters for op_1.0.0; fix it and start the run again:", "  nope: this workflow takes no parameters", "    at frame (x.js:1:1)"]);
    expect(refused.reasons["2"]).toBe("wf: invalid run parameters for op_1.0.0; fix it and start the run again:\n  nope: this workflow takes no parameters");
    const missing = await read(["wfkit: p@1.0.0 is not installed on this worker (/opt/wfkit/p/1.0.0/node_modules/.bin/wf is missing)."]);
    expect(missing.reasons["2"]).toContain("p@1.0.0 is not installed on this worker");
    // Whatever the worker command says on exit 2, its last line is the refusal.
    expect((await read(["some other refusal text"])).reasons["2"]).toBe("some other refusal text");
    const crashed = await read([rec("error", "the task process was killed by SIGKILL without reporting how the task ended: task.crashed", { exit_code: 137 }, "wfkit.worker")]);
    expect(crashed.reasons["137"]).toBe("the task process was killed by SIGKILL without reporting how the task ended: task.crashed");
    const silent = await read(["bash: line 9: node: command not found"]);
    expect(silent.reasons).toEqual({ "1": "wf run-task exited with code 1", "2": "bash: line 9: node: command not found", "137": "wf run-task exited with code 137" });
  });

  it("keeps wfkit's skip message for the skip, and reads the same on Airflow 2", async () => {
    expect((await read([rec("info", "task skipped: nothing new to load", ID)])).skipped).toBe("task skipped: nothing new to load");
    const two = await read([rec("warn", "slow", { seconds: 2 }), rec("error", "task failed: E: x", {})], "2");
    expect(two.logged).toEqual([
      ["warning", "slow seconds=2"],
      ["error", "task failed: E: x"],
    ]);
    expect(two.reasons["1"]).toBe("task failed: E: x");
  });
});
