import { mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, startWf, wf } from "../support/wf-cli.js";
import { logLines } from "../support/log-lines.js";

const fixture = (name: string) => `${repoRoot}test/fixtures/workflows/${name}.ts`;

describe("wf run-task (the Airflow worker entry)", () => {
  it("runs one task with the run id, attempt and typed params the DAG passes in the environment", async () => {
    const out = await wf(["run-task", fixture("worker-cases")], {
      WF_TASK: "UsesParam",
      WF_RUN_ID: "manual__2026-11-22T05:00:00+00:00",
      WF_PARAMS: JSON.stringify({ day: "2026-11-20", limit: 3 }),
      WF_ATTEMPT: "2",
    });
    expect(out.code, out.stderr).toBe(0);
    const [line] = logLines(out.stderr);
    expect(line).toMatchObject({
      message: "param received",
      day: "2026-11-20",
      limit: 3,
      limit_type: "number",
      run_id: "manual__2026-11-22T05:00:00+00:00",
      attempt: 2,
      task: "UsesParam",
      dag_id: "worker_cases_1.0.0",
    });
  });

  it("finds task classes made in a loop through the workflow", async () => {
    const out = await wf(["run-task", fixture("worker-cases"), "--task", "Load_us"]);
    expect(out.code, out.stderr).toBe(0);
    expect(logLines(out.stderr).map((l) => l["message"])).toEqual(["branch us ran"]);
  });

  it("exits 99 (Airflow's skip code) when the task has nothing to do", async () => {
    const out = await wf(["run-task", fixture("worker-cases"), "--task", "NothingToDo"]);
    expect(out.code).toBe(99);
    expect(logLines(out.stderr).at(-1)).toMatchObject({ level: "info", logger: "NothingToDo", message: "task skipped: no new files", attempt: 1 });
  });

  it("exits 1 with the task's own error on stderr when it fails", async () => {
    const out = await wf(["run-task", `${repoRoot}examples/flaky.ts`, "--task", "AlwaysFails"]);
    expect(out.code).toBe(1);
    const lines = logLines(out.stderr);
    expect(lines.map((l) => l["message"])).toContain("rolling back the partial export");
    // Off a terminal the full error goes to stderr, once: the failure line carries the stack.
    const failure = lines.find((l) => l["level"] === "error")!;
    expect(failure).toMatchObject({
      logger: "AlwaysFails",
      dag_id: "flaky_demo_dev",
      attempt: 1,
      message: "task failed: ExportError: the export target rejected the file: quota exceeded",
      thrown_at: expect.stringMatching(/examples\/flaky\.ts:\d+$/),
      resolvable_by: "user",
    });
    expect(String(failure["stack"])).toMatch(/at AlwaysFails\.run \(.*examples\/flaky\.ts:\d+:\d+\)/);
    expect(out.stderr.split("at AlwaysFails.run (")).toHaveLength(2);
    expect(out.stderr.split("\n").filter((l) => l.trim() !== "").every((l) => l.startsWith("{"))).toBe(true);
  });

  it("exits 2 naming the param when a param is invalid or unknown", async () => {
    const out = await wf(["run-task", fixture("worker-cases"), "--task", "UsesParam", "--params", '{"day":"yesterday","limt":5}']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/day: .*date/i);
    expect(out.stderr).toContain('limt: unknown parameter (did you mean "limit"?)');
  });

  it("exits 2 with a suggestion for an unknown task", async () => {
    const out = await wf(["run-task", fixture("worker-cases"), "--task", "UseParam"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('has no task "UseParam" (did you mean "UsesParam"?)');
  });

  it("a run id with a path in it is refused before any file or folder is touched, exit 2", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "wfkit-runid-"));
    const home = path.join(root, "home");
    mkdirSync(home);
    for (const runId of ["../escape", "a/b", "..", "x/../../y"]) {
      const out = await wf(["run-task", fixture("worker-cases"), "--task", "UsesParam", "--run-id", runId], { WF_HOME: home });
      expect(out.code, out.stderr).toBe(2);
      expect(out.stderr).toContain(`run id ${JSON.stringify(runId)} cannot be used`);
    }
    expect(readdirSync(home)).toEqual([]);
    expect(readdirSync(root)).toEqual(["home"]);
  });

  it("bad configuration, options or JSON are reported once, before anything runs, exit 2", async () => {
    const cases: [string[], Record<string, string>, string][] = [
      [["--task", "UsesParam"], { WF_LOG_LEVEL: "bogus" }, 'WF_LOG_LEVEL="bogus"'],
      [["--task", "UsesParam", "--attempt", "zero"], {}, '--attempt "zero"'],
      [["--task", "UsesParam", "--params", "{not json"], {}, "--params / WF_PARAMS is not JSON"],
    ];
    for (const [args, env, message] of cases) {
      const out = await wf(["run-task", fixture("worker-cases"), ...args], env);
      expect(out.code, out.stderr).toBe(2);
      expect(out.stderr.split(message).length - 1, out.stderr).toBe(1);
    }
  });

  it("refuses to run code that differs from the exported DAG", async () => {
    const base = ["run-task", fixture("worker-cases"), "--task", "UsesParam"];
    const wrongId = await wf([...base, "--dag-id", "worker_cases_2.0.0"]);
    expect(wrongId.code).toBe(2);
    expect(wrongId.stderr).toContain("no workflow");
    const wrongHash = await wf([...base, "--dag-hash", "0".repeat(64)]);
    expect(wrongHash.code).toBe(2);
    expect(wrongHash.stderr).toContain("differs from the exported DAG's");
  });

  it("SIGTERM (Airflow's kill or timeout) terminates the task: rollback and teardown run, exit 143", async () => {
    const { child, done } = startWf(["run-task", fixture("slow"), "--task", "Wait"]);
    await new Promise<void>((resolve) => {
      let seen = "";
      child.stderr!.on("data", (d: Buffer) => {
        seen += d.toString();
        if (seen.includes('"message":"waiting"')) resolve();
      });
    });
    child.kill("SIGTERM");
    const out = await done;
    expect(out.code).toBe(143);
    const messages = logLines(out.stderr).map((l) => String(l["message"]));
    expect(messages.slice(0, 3)).toEqual(["waiting", "rolled back", "torn down"]);
    expect(messages[3]).toMatch(/^task terminated, rollback and teardown ran: .*SIGTERM/);
  });

  // Found by trying to break wfkit: these ended the worker with exit code 13 (an unsettled await)
  // or the child's own code (process.exit(0)), neither of them in the exit-code table.
  for (const [workflow, task, error] of [
    ["hangs", "Hangs", /^task failed: TaskCrashedError: task Hangs crashed: its run\(\) never settled; the event loop ran dry/],
    ["exits", "Exits", /^task failed: TaskCrashedError: a task called process\.exit\(0\), which would end the whole run unreported/],
  ] as const) {
    it(`a task that ${task === "Hangs" ? "awaits a promise nothing settles" : "calls process.exit(0)"} fails as crashed: exit 1, the reason on stderr`, async () => {
      const out = await wf(["run-task", fixture("quits"), "-w", workflow, "--task", task]);
      expect(out.code, out.stderr).toBe(1);
      expect(logLines(out.stderr).find((l) => l["level"] === "error")?.["message"]).toMatch(error);
    });
  }
});
