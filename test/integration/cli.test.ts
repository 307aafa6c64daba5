import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RunResultSchema } from "wfkit";
import { repoRoot, startWf, wf } from "../support/wf-cli.js";
import { logLines } from "../support/log-lines.js";

const fixture = (name: string) => `test/fixtures/workflows/${name}.ts`;

describe("wf run", () => {
  it("runs examples/etl.ts: exit 0, the user's log lines, a summary", async () => {
    const out = await wf(["run", "examples/etl.ts"], { WF_LOG_FORMAT: "pretty" });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^✔ csv_to_report_etl_orders_1\.0\.0 {2}success {2}3 tasks in /);
    for (const t of ["Extract", "Transform", "Load"]) expect(out.stdout).toMatch(new RegExp(`✔ ${t} +success`));
    expect(out.stderr.trimEnd().split("\n").map((l) => l.slice(13))).toEqual([
      "INFO  Extract extracted 6 orders file=orders.csv",
      "INFO  Transform kept 4 of 6 orders currency=EUR min_amount=0",
      "INFO  Load loaded 2 customers into report.csv",
    ]);
  });

  it("in JSON the summary is one more log line, and stdout stays empty", async () => {
    const out = await wf(["run", "examples/etl.ts"], { WF_LOG_FORMAT: "json" });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe("");
    const messages = logLines(out.stderr).map((l) => `${l["logger"]}: ${l["message"]}`);
    expect(messages).toEqual([
      "Extract: extracted 6 orders",
      "Transform: kept 4 of 6 orders",
      "Load: loaded 2 customers into report.csv",
      "wfkit.run: run success: 3 tasks of csv_to_report_etl_orders_1.0.0",
    ]);
  });

  it("--json prints a RunResult with every task success, and --param reaches the tasks", async () => {
    const out = await wf(["run", "examples/etl.ts", "--json", "--param", "currency=USD", "-p", "minAmount=100", "--run-id", "cli-json-1"]);
    expect(out.code).toBe(0);
    const result = RunResultSchema.parse(JSON.parse(out.stdout));
    expect(result.runId).toBe("cli-json-1");
    expect(result.params).toEqual({ currency: "USD", minAmount: 100 });
    expect(result.tasks.map((t) => [t.task, t.status])).toEqual([
      ["Extract", "success"],
      ["Transform", "success"],
      ["Load", "success"],
    ]);
    expect(readFileSync(`${result.runDir}/report.csv`, "utf8")).toBe("customer,total\numbrella,310.25\n");
  });

  it("runs examples/diamond.ts", async () => {
    const out = await wf(["run", "examples/diamond.ts", "--json"]);
    expect(out.code).toBe(0);
    const result = RunResultSchema.parse(JSON.parse(out.stdout));
    expect(result.tasks.map((t) => t.task)).toEqual(["Fetch", "Resize", "Classify", "Index", "Publish"]);
    expect(result.tasks.every((t) => t.status === "success")).toBe(true);
  });

  it("examples/flaky.ts exits 1: retried task succeeded on attempt 2, failing task and its downstream shown", async () => {
    const out = await wf(["run", "examples/flaky.ts"], { WF_RETRY_DELAY_SECONDS: "0", WF_LOG_FORMAT: "pretty" });
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^✖ flaky_demo_dev {2}failed/);
    expect(out.stdout).toMatch(/✔ Flaky +success +on attempt 2, .*\(attempt 1: Error: connection reset by peer \(transient\)\)/);
    expect(out.stdout).toMatch(/✖ AlwaysFails +failed +.*ExportError: the export target rejected the file: quota exceeded/);
    expect(out.stdout).toMatch(/∅ Publish +upstream_failed/);
    expect(out.stdout).toMatch(/∅ Notify +upstream_failed/);
    expect(out.stdout).toMatch(/✔ Summarize +success/);
  });

  it("prints nothing of wfkit's own at the default level, and its debug lines with --debug", async () => {
    const quiet = await wf(["run", "examples/etl.ts"]);
    expect(logLines(quiet.stderr).filter((l) => String(l["logger"]).startsWith("wfkit")).map((l) => l["logger"])).toEqual(["wfkit.run"]);
    const debug = await wf(["run", "examples/etl.ts", "--debug"]);
    expect(logLines(debug.stderr).some((l) => l["logger"] === "wfkit.engine.local" && l["message"] === "run started")).toBe(true);
  });

  it("picks a workflow by name or dag id with --workflow, and suggests one for a typo", async () => {
    const evening = await wf(["run", fixture("two-workflows"), "--workflow", "greet_evening", "--json"]);
    expect(evening.code).toBe(0);
    expect(JSON.parse(evening.stdout).dagId).toBe("greet_evening_1.0.0");
    const ambiguous = await wf(["run", fixture("two-workflows")]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(
      "exports 2 workflows; pick one with --workflow (export name, name or dag id): default (greet_morning_1.0.0), evening (greet_evening_1.0.0)",
    );
    const typo = await wf(["run", fixture("two-workflows"), "-w", "greet_evenin"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean "greet_evening"?');
    // What the user wrote (the export names) is among what it lists.
    const unknown = await wf(["run", fixture("two-workflows"), "-w", "nope"]);
    expect(unknown.stderr).toContain('no workflow "nope" in test/fixtures/workflows/two-workflows.ts; it exports default (greet_morning_1.0.0), evening (greet_evening_1.0.0)');
  });

  it("exits 2 for bad input: params, options, files, configuration", async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["run", "examples/etl.ts", "--param", "minAmount=-1"], {}, /minAmount: Too small/],
      [["run", "examples/etl.ts", "--param", "currency=GBP"], {}, /currency: Invalid option/],
      [["run", "examples/etl.ts", "--param", "minAmout=3"], {}, /minAmout: unknown parameter \(did you mean "minAmount"\?\)/],
      [["run", "examples/etl.ts", "--param", "novalue"], {}, /expected key=value/],
      [["run", "examples/etl.ts", "--concurrency", "0"], {}, /--concurrency "0": expected a whole number >= 1/],
      [["run", "examples/etl.ts", "--run-id", "a/b"], {}, /run id "a\/b"/],
      [["run", "examples/missing.ts"], {}, /workflow file not found: examples\/missing.ts/],
      [["run", fixture("throws-on-import")], {}, /could not load .*throws-on-import.ts: missing credentials/],
      [["run", fixture("required-param")], {}, /\n {2}day: required \(string\) and not given; pass it, e\.g\. wf run -p day=…\n/],
      [["run", fixture("required-param"), "-p", "day=x", "-p", "opts={}"], {}, /\n {2}opts\.n: required \(number\) and not given; add it to opts\n/],
      [["run", fixture("no-workflow")], {}, /exports no Workflow/],
      [["run", "examples/etl.ts"], { WF_CONCURRENCY: "many", WF_LOG_LEVEL: "loud" }, /WF_CONCURRENCY="many".*\n.*WF_LOG_LEVEL="loud"|WF_LOG_LEVEL="loud".*\n.*WF_CONCURRENCY="many"/],
      [["run"], {}, /missing required argument 'file'/],
      [["frobnicate"], {}, /unknown command 'frobnicate'/],
    ];
    for (const [args, env, pattern] of cases) {
      const out = await wf(args, env);
      expect({ args, code: out.code }).toEqual({ args, code: 2 });
      expect(out.stderr).toMatch(pattern);
    }
  });

  it("a module that throws while imported: the thrower's file and line; --debug (on every command) adds the stack", async () => {
    const plain = await wf(["run", fixture("throws-in-helper")]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain(
      "wf: could not load test/fixtures/workflows/throws-in-helper.ts: config missing DB_URL (thrown at test/fixtures/workflows/helpers/read-settings.ts:4 in readSettings); importing the module threw: fix the module or what it imports (--debug shows the stack)",
    );
    expect(plain.stderr).not.toContain("    at ");
    for (const command of ["run", "validate", "graph"]) {
      const out = await wf([command, fixture("throws-in-helper"), "--debug"]);
      expect({ command, code: out.code }).toEqual({ command, code: 2 });
      expect(out.stderr).toMatch(/Error: config missing DB_URL\n\s+at readSettings \(.*test\/fixtures\/workflows\/helpers\/read-settings\.ts:4:\d+\)/);
    }
    for (const args of [["export", "--engine", "airflow", "--out", "x"], ["package", "--engine", "airflow", "--out", "x.zip"], ["install"], ["events", "tail"], ["events", "flush"], ["run-task"]]) {
      const help = await wf([...args, "--help"]);
      expect({ args, debug: help.stdout.includes("--debug") }).toEqual({ args, debug: true });
    }
  });

  it("--json carries each failed attempt's error as the events do: class, message, who can fix it", async () => {
    const out = await wf(["run", "examples/flaky.ts", "--json"], { WF_RETRY_DELAY_SECONDS: "0" });
    expect(out.code).toBe(1);
    const result = RunResultSchema.parse(JSON.parse(out.stdout));
    const failed = result.tasks.find((t) => t.task === "AlwaysFails")!;
    expect(failed.attempts.at(-1)).toMatchObject({
      error: "ExportError: the export target rejected the file: quota exceeded",
      failure: { name: "ExportError", message: "the export target rejected the file: quota exceeded", resolvableBy: "user" },
    });
    const retried = result.tasks.find((t) => t.task === "Flaky")!;
    expect(retried.attempts[0]!.failure).toMatchObject({ name: "Error", resolvableBy: "user" });
    expect(retried.attempts[1]!.failure).toBeUndefined();
  });

  it("exits when the run is over even if a task left a handle open", async () => {
    const out = await wf(["run", fixture("leaks-handle")], { WF_LOG_FORMAT: "pretty" });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("✔ Leaky");
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal} stops the run: the task rolls back and tears down, status terminated, exit 128+n`, async () => {
      const { child, done } = startWf(["run", fixture("slow"), "--json"]);
      await new Promise<void>((resolve) => {
        let seen = ""; // a line may arrive split over several chunks
        child.stderr!.on("data", (d: Buffer) => {
          seen += d.toString();
          if (seen.includes('"message":"waiting"')) resolve();
        });
      });
      child.kill(signal);
      const out = await done;
      expect(out.code).toBe(signal === "SIGTERM" ? 143 : 130);
      const result = RunResultSchema.parse(JSON.parse(out.stdout));
      expect(result.status).toBe("terminated");
      expect(result.tasks.map((t) => t.status)).toEqual(["terminated", "not_run"]);
      const messages = logLines(out.stderr).map((l) => l["message"]);
      expect(messages).toEqual(["waiting", "rolled back", "torn down"]);
    });
  }
});

describe("no silent success", () => {
  // Found by trying to break wfkit: process.exit(0) in a task made `wf run` exit 0 with no
  // summary and no result.json; a task awaiting a promise nothing settles made it exit 13, silent.
  for (const [name, error] of [
    ["exits", /a task called process\.exit\(0\), which would end the whole run unreported/],
    ["hangs", /task Hangs crashed: its run\(\) never settled; the event loop ran dry/],
  ] as const) {
    it(`a task that ${name === "exits" ? "calls process.exit(0)" : "awaits a promise nothing settles"} fails as crashed: summary, result.json, downstream upstream_failed, exit 1`, async () => {
      const out = await wf(["run", fixture("quits"), "-w", name, "--json"]);
      expect(out.code, out.stderr).toBe(1);
      const result = RunResultSchema.parse(JSON.parse(out.stdout));
      expect(result.status).toBe("failed");
      expect(result.tasks.map((t) => t.status)).toEqual(["failed", "upstream_failed"]);
      expect(result.tasks[0]!.attempts[0]!.error).toMatch(new RegExp(`^TaskCrashedError: ${error.source}`));
      expect(JSON.parse(readFileSync(`${result.runDir}/result.json`, "utf8"))).toMatchObject({ status: "failed" });
      const events = readFileSync(`${result.runDir}/events.jsonl`, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { data: { action: string } }).data.action);
      expect(events).toEqual(["run.started", "task.started", "task.failed", "run.failed"]);
    });
  }
});

/** Resolves once the slow fixture's task logged "waiting" (a line may arrive split over chunks). */
function untilWaiting(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    let seen = "";
    child.stderr!.on("data", (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('"message":"waiting"')) resolve();
    });
  });
}

describe("no silent exit", () => {
  it("a teardown awaiting a promise nothing settles is reported as a failed teardown; the run goes on and ends as it was", async () => {
    const out = await wf(["run", fixture("quits"), "-w", "hangsInTeardown", "--json"]);
    expect(out.code, out.stderr).toBe(0);
    const result = RunResultSchema.parse(JSON.parse(out.stdout));
    expect(result.tasks.map((t) => t.status)).toEqual(["success", "success"]);
    const teardown = logLines(out.stderr).find((l) => l["message"] === "teardown failed");
    expect(teardown?.["teardown_error"]).toMatch(/^TaskCrashedError: task HangsInTeardown crashed: its teardown\(\) never settled/);
  });
});

describe("one run id, one run", () => {
  it("refuses a second run with a run id in use, at once and without touching the first run's folder; the id is free again afterwards", async () => {
    const runId = `same-id-${process.pid}`;
    const first = startWf(["run", fixture("slow"), "--json", "--run-id", runId]);
    await untilWaiting(first.child);
    const second = await wf(["run", fixture("slow"), "--json", "--run-id", runId]);
    expect(second.code).toBe(2);
    expect(second.stdout).toBe("");
    expect(second.stderr).toMatch(new RegExp(`^wf: run ${runId} is in use by process ${first.child.pid} \\(since [0-9T:.Z-]+\\); give this run another --run-id, or wait until that run ends\n$`));
    first.child.kill("SIGTERM");
    const out = await first.done;
    expect(out.code).toBe(143);
    const result = RunResultSchema.parse(JSON.parse(out.stdout));
    // One run in the folder: one run.started.
    const events = readFileSync(`${result.runDir}/events.jsonl`, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { type: string });
    expect(events.filter((e) => e.type === "dev.wfkit.run.started")).toHaveLength(1);
    // The lock went with the run: the same id runs again (to the task's wait, then stopped).
    const again = startWf(["run", fixture("slow"), "--json", "--run-id", runId]);
    await untilWaiting(again.child);
    again.child.kill("SIGTERM");
    expect((await again.done).code).toBe(143);
  });
});

describe("wf validate", () => {
  it("exits 1 for a cyclic workflow and prints the cycle path", async () => {
    const out = await wf(["validate", fixture("cyclic")]);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("✖ cyclic_dev");
    expect(out.stdout).toContain("[cycle] cycle: A -> B -> C -> A");
  });

  it("lists every problem of a workflow", async () => {
    const out = await wf(["validate", fixture("many-problems")]);
    expect(out.code).toBe(1);
    for (const code of ["invalid-name", "invalid-version", "duplicate-task", "not-a-task", "unknown-upstream"]) {
      expect(out.stdout).toContain(`[${code}]`);
    }
    expect(out.stdout).toContain('did you mean "Load"?');
  });

  it("exits 0 for valid files, and 2 when a file cannot be loaded (still checking the others)", async () => {
    const ok = await wf(["validate", "examples/etl.ts", "examples/diamond.ts", "examples/flaky.ts", fixture("two-workflows")]);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split("\n")).toHaveLength(5);
    const mixed = await wf(["validate", "examples/etl.ts", fixture("throws-on-import"), "--json"]);
    expect(mixed.code).toBe(2);
    const reports = JSON.parse(mixed.stdout) as { file: string; loadError?: string }[];
    expect(reports.map((r) => [r.file, r.loadError === undefined])).toEqual([
      ["examples/etl.ts", true],
      [fixture("throws-on-import"), false],
    ]);
  });

  it("wf run refuses an invalid workflow with exit 1 and every issue", async () => {
    const out = await wf(["run", fixture("cyclic")]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("cycle: A -> B -> C -> A");
  });
});

describe("wf graph, --help, --version", () => {
  it("prints Mermaid by default and DOT on request", async () => {
    const mermaid = await wf(["graph", "examples/diamond.ts"]);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toBe(
      [
        "flowchart TD",
        '  t0["Fetch"]',
        '  t1["Resize"]',
        '  t2["Classify"]',
        '  t3["Index"]',
        '  t4["Publish"]',
        "  t0 --> t1",
        "  t0 --> t2",
        "  t0 --> t3",
        "  t1 --> t4",
        "  t2 --> t4",
        "  t3 --> t4",
        "",
      ].join("\n"),
    );
    const dot = await wf(["graph", "examples/diamond.ts", "--format", "dot"]);
    expect(dot.stdout).toContain('"Fetch" -> "Resize";');
    const bad = await wf(["graph", "examples/diamond.ts", "--format", "svg"]);
    expect(bad.code).toBe(2);
  });

  it("--help and --version exit 0", async () => {
    const help = await wf(["--help"]);
    expect(help.code).toBe(0);
    for (const cmd of ["run", "validate", "graph"]) expect(help.stdout).toContain(cmd);
    expect(help.stdout).toContain("Exit codes: 0 success; 1 a task failed");
    expect(help.stdout).toContain("WF_HOME, WF_LOG_LEVEL");
    const version = await wf(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(`wfkit ${JSON.parse(readFileSync("package.json", "utf8")).version} (node ${process.version}, ${repoRoot.replace(/\/$/, "")})`);
    const usage = await wf(["run", "--bogus"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("error: unknown option '--bogus'\n(run wf run --help for usage)");
  });
});
