// `this.audit` through a whole local run (runLocal, file run log in a temp WF_HOME): what a task
// audits reaches the run log as an `audit` record and the events as `task.audit` (before the
// attempt's end); failRun fails the run; secrets are masked; extracts go through the file store;
// bad static sources are validation issues.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AuditRunError,
  ExtractStatusError,
  openAudit,
  RunLogRecordSchema,
  TaskBase,
  WfEventSchema,
  Workflow,
  WorkflowValidationError,
  type AuditRecord,
  type RunLogRecord,
  type RunRecord,
  type WfEvent,
  type WorkflowOptions,
} from "wfkit";
import { createLogger, runLocal, type LocalRunOptions } from "wfkit/local";
import { FileRunLogStore } from "../../../src/run-log/file-store.js";

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), "wfkit-audit-run-"));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

/** Options for runLocal: this test's WF_HOME, file run log, no output; events collected in `events`. */
function run<P>(workflow: Workflow, extra: LocalRunOptions<P> = {}) {
  const events: WfEvent[] = [];
  const options: LocalRunOptions<P> = {
    home,
    env: {},
    logger: createLogger({ level: "error", destination: () => {} }),
    progress: "off",
    retryDelaySeconds: 0,
    onEvent: (event) => events.push(event),
    ...extra,
  };
  return { events, result: runLocal(workflow as Workflow<never>, options as never) };
}

/** Every record of the file run log. */
async function runLog(): Promise<RunLogRecord[]> {
  const store = new FileRunLogStore(home);
  const records: RunLogRecord[] = [];
  for await (const batch of store.scan({})) records.push(...batch);
  await store.close();
  return records;
}

const audits = (records: RunLogRecord[]) => records.filter((r): r is AuditRecord => r.kind === "audit");
const actionsOf = (events: WfEvent[], task: string) => events.filter((e) => "task" in e.data && e.data.task === task).map((e) => e.data.action);
const workflow = (options: Partial<WorkflowOptions> = {}) => new Workflow({ category: "audit", version: "1.0.0", ...options });

describe("a task's audit through a local run", () => {
  it("reaches the events as task.audit, before task.succeeded, and the run log as an audit record with the same fields", async () => {
    class Load extends TaskBase {
      static override sources = ["api"];
      run(): void {
        this.audit.status("validating");
        this.audit.records("read", 3);
        this.audit.records("written", 2);
        this.audit.records("read", 1);
        this.audit.dataRange("2026-11-28", "2026-11-29T12:00:00Z");
        this.audit.dataRange(new Date("2026-11-27T06:00:00Z"));
        this.audit.error("Data Error", "row 2: no id");
        this.audit.source({ name: "landing", type: "csv", objects: ["a.csv"] });
        this.audit.target("warehouse");
      }
    }
    const wf = workflow({ datasetTypes: ["sales"], sources: ["landing"], maxConsecutiveFailures: 3 }).addNode(Load);
    const { events, result } = run(wf);
    expect((await result).status).toBe("success");

    expect(actionsOf(events, "Load")).toEqual(["task.started", "task.audit", "task.succeeded"]);
    const event = events.find((e) => e.data.action === "task.audit")!;
    expect(WfEventSchema.parse(event)).toEqual(event);
    const expected = {
      records: { read: 4, written: 2 },
      dataRange: { low: "2026-11-27T06:00:00.000Z", high: "2026-11-29T12:00:00.000Z" },
      errorCount: 1,
      errors: [{ type: "Data Error", description: "row 2: no id", at: expect.any(String), failRun: false }],
      statuses: [{ status: "validating", at: expect.any(String) }],
      // The declared source first, then those added at run time, with the workflow's dataset types.
      sources: [
        { name: "api", type: null, objects: [], datasetTypes: ["sales"] },
        { name: "landing", type: "csv", objects: [{ name: "a.csv", attributes: [] }], datasetTypes: ["sales"] },
      ],
      targets: [{ name: "warehouse", type: null, objects: [], datasetTypes: ["sales"] }],
      extracts: [],
    };
    expect(event.data).toMatchObject({ task: "Load", attempt: 1, ...expected });

    const records = await runLog();
    const [record, ...more] = audits(records);
    expect(more).toEqual([]);
    expect(RunLogRecordSchema.parse(record)).toEqual(record);
    expect(record).toMatchObject({ kind: "audit", id: event.id, workflow: wf.name, dagId: wf.dagId, runId: (await result).runId, task: "Load", attempt: 1, ...expected });
    // The run record keeps the workflow's audit settings.
    const header = records.find((r): r is RunRecord => r.kind === "run")!;
    expect(header.audit).toEqual({ sources: [{ name: "landing", type: null, objects: [], datasetTypes: ["sales"] }], targets: [], datasetTypes: ["sales"], maxConsecutiveFailures: 3 });
  });

  it("a task that audits nothing and declares no sources or targets publishes no task.audit; one that only declares them publishes one", async () => {
    class Quiet extends TaskBase {
      run(): void {}
    }
    class Declares extends TaskBase {
      static override sources = [{ name: "landing", objects: ["a.csv"] }];
      static override targets = ["warehouse"];
      run(): void {}
    }
    const { events, result } = run(workflow({ datasetTypes: ["sales"] }).addNode(Quiet).addNode(Declares, { upstreams: Quiet }));
    expect((await result).status).toBe("success");
    expect(actionsOf(events, "Quiet")).toEqual(["task.started", "task.succeeded"]);
    expect(actionsOf(events, "Declares")).toEqual(["task.started", "task.audit", "task.succeeded"]);
    expect(events.find((e) => e.data.action === "task.audit")!.data).toMatchObject({
      task: "Declares",
      records: {},
      dataRange: null,
      errorCount: 0,
      sources: [{ name: "landing", type: null, objects: [{ name: "a.csv", attributes: [] }], datasetTypes: ["sales"] }],
      targets: [{ name: "warehouse", type: null, objects: [], datasetTypes: ["sales"] }],
    });
    expect(audits(await runLog()).map((r) => r.task)).toEqual(["Declares"]);
  });

  it("each attempt has an audit of its own: a retry starts from zero", async () => {
    let attempt = 0;
    class Flaky extends TaskBase {
      static override retries = 1;
      run(): void {
        attempt++;
        this.audit.records("read", 10 * attempt);
        if (attempt === 1) throw new Error("flaky");
      }
    }
    const { events, result } = run(workflow().addNode(Flaky));
    expect((await result).status).toBe("success");
    expect(actionsOf(events, "Flaky")).toEqual(["task.started", "task.audit", "task.failed", "task.retrying", "task.started", "task.audit", "task.succeeded"]);
    expect(audits(await runLog()).map((r) => [r.attempt, r.records])).toEqual([
      [1, { read: 10 }],
      [2, { read: 20 }],
    ]);
  });

  it("failRun: true fails the task and the run with AuditRunError; the error is in the audit, before task.failed", async () => {
    class Check extends TaskBase {
      run(): void {
        this.audit.records("read", 1);
        this.audit.error("Source Missing", "no file for 2026-11-29", { failRun: true });
        this.audit.records("read", 100);
      }
    }
    class After extends TaskBase {
      run(): void {}
    }
    const { events, result } = run(workflow().addNode(Check).addNode(After, { upstreams: Check }));
    const done = await result;
    expect(done.status).toBe("failed");
    const check = done.tasks.find((t) => t.task === "Check")!;
    expect(check.status).toBe("failed");
    expect(check.error).toBeInstanceOf(AuditRunError);
    expect(check.attempts[0]!.error).toBe("AuditRunError: task Check: run error Source Missing: no file for 2026-11-29");
    expect(done.tasks.find((t) => t.task === "After")!.status).toBe("upstream_failed");
    expect(actionsOf(events, "Check")).toEqual(["task.started", "task.audit", "task.failed"]);
    expect(events.find((e) => e.data.action === "task.failed")!.data).toMatchObject({ error: { name: "AuditRunError", resolvableBy: "user" } });
    const [record] = audits(await runLog());
    expect(record).toMatchObject({ task: "Check", records: { read: 1 }, errorCount: 1, errors: [{ type: "Source Missing", description: "no file for 2026-11-29", failRun: true }] });
  });

  it("masks a secret param's value in an audit error's description and status, in the event and the record", async () => {
    const params = z.object({ token: z.string().meta({ secret: true }), day: z.string() });
    class Fetch extends TaskBase<z.infer<typeof params>> {
      run(): void {
        this.audit.status(`calling with ${this.params.token}`);
        this.audit.error("Auth Error", `token ${this.params.token} was refused for ${this.params.day}`);
      }
    }
    const secret = "tok-9f3a1c77e2";
    const { events, result } = run(new Workflow({ category: "audit", version: "1.0.0", params }).addNode(Fetch), { params: { token: secret, day: "2026-11-29" } });
    expect((await result).status).toBe("success");
    const event = events.find((e) => e.data.action === "task.audit")!;
    const [record] = audits(await runLog());
    for (const [what, audit] of [["event", event.data], ["record", record]] as const) {
      expect(JSON.stringify(audit), what).not.toContain(secret);
      expect(audit, what).toMatchObject({ errors: [{ description: "token [masked] was refused for 2026-11-29" }], statuses: [{ status: "calling with [masked]" }] });
    }
  });

  it("masks the password of a source named by its URL: in the task.audit event, its record and the run record", async () => {
    const url = "postgres://etl:hunter2-s3cret@db:5432/sales";
    class Read extends TaskBase {
      static override sources = [url];
      run(): void {
        this.audit.target({ name: url, objects: ["sales.orders"] });
      }
    }
    const { events, result } = run(workflow({ sources: [url] }).addNode(Read));
    expect((await result).status).toBe("success");
    const event = events.find((e) => e.data.action === "task.audit")!;
    const records = await runLog();
    const header = records.find((r): r is RunRecord => r.kind === "run")!;
    for (const [what, value] of [["event", event.data], ["audit record", audits(records)[0]], ["run record", header]] as const) {
      expect(JSON.stringify(value), what).not.toContain("hunter2-s3cret");
    }
    expect(event.data).toMatchObject({ sources: [{ name: "postgres://etl:[masked]@db:5432/sales" }] });
  });
});

describe("extracts from a task", () => {
  it("registers a folder's files, claims them and sets their statuses through the file store; the record lists every change", async () => {
    const inbox = path.join(home, "inbox");
    mkdirSync(inbox);
    for (const name of ["b.csv", "a.csv", "notes.txt"]) writeFileSync(path.join(inbox, name), "x\n");
    const seen: Record<string, unknown> = {};
    class Load extends TaskBase {
      async run(): Promise<void> {
        const registered = await this.audit.extracts.registerLocation(inbox, { match: /\.csv$/ });
        seen["registered"] = registered.map((e) => [e.filename, e.status]);
        const ready = await this.audit.extracts.find({ location: inbox });
        const claimed = await this.audit.extracts.claim(ready);
        seen["claimed"] = claimed.map((e) => [e.filename, e.status]);
        // Claimed already: nobody gets it twice.
        seen["again"] = (await this.audit.extracts.claim(ready)).length;
        // a.csv loads, b.csv fails the first time and loads the next.
        for (const e of claimed) await this.audit.extracts.setStatus(e, e.filename === "b.csv" && seen["refused"] === undefined ? "failed" : "loaded");
        try {
          await this.audit.extracts.setStatus({ location: inbox, filename: "a.csv" }, "loading");
        } catch (error) {
          seen["refused"] ??= error;
        }
      }
    }
    const wf = workflow().addNode(Load);
    const first = run(wf);
    const done = await first.result;
    expect(done.status).toBe("success");
    expect(seen["registered"]).toEqual([
      ["a.csv", "ready"],
      ["b.csv", "ready"],
    ]);
    expect(seen["claimed"]).toEqual([
      ["a.csv", "loading"],
      ["b.csv", "loading"],
    ]);
    expect(seen["again"]).toBe(0);
    expect(seen["refused"]).toBeInstanceOf(ExtractStatusError);
    expect((seen["refused"] as Error).message).toBe(`task Load: extract a.csv in ${inbox} is loaded, which cannot become loading (from loaded: archived); last changed by run ${done.runId} of ${wf.dagId}`);

    const [record] = audits(await runLog());
    expect(record!.extracts).toEqual([
      { location: inbox, filename: "a.csv", from: null, to: "ready" },
      { location: inbox, filename: "b.csv", from: null, to: "ready" },
      { location: inbox, filename: "a.csv", from: "ready", to: "loading" },
      { location: inbox, filename: "b.csv", from: "ready", to: "loading" },
      { location: inbox, filename: "a.csv", from: "loading", to: "loaded" },
      { location: inbox, filename: "b.csv", from: "loading", to: "failed" },
    ]);
    expect(first.events.find((e) => e.data.action === "task.audit")!.data).toMatchObject({ extracts: record!.extracts });

    const audit = await openAudit({ home, env: {} });
    try {
      const all = await audit.extracts({ status: "any" });
      expect(all.map((e) => [e.filename, e.status, e.producer?.runId, e.changedBy?.runId, e.changedBy?.task])).toEqual([
        ["a.csv", "loaded", done.runId, done.runId, "Load"],
        ["b.csv", "failed", done.runId, done.runId, "Load"],
      ]);
      // From the command line: the failed one may be loaded again.
      await audit.setExtractStatus({ location: inbox, filename: "b.csv" }, "ready");
    } finally {
      await audit.close();
    }

    // The next run registers nothing new and claims only the extract made ready again.
    const second = await run(wf).result;
    expect(second.status).toBe("success");
    expect(seen["registered"]).toEqual([]);
    expect(seen["claimed"]).toEqual([["b.csv", "loading"]]);
    const secondAudit = audits(await runLog()).find((r) => r.runId === second.runId)!;
    expect(secondAudit.extracts).toEqual([
      { location: inbox, filename: "b.csv", from: "ready", to: "loading" },
      { location: inbox, filename: "b.csv", from: "loading", to: "loaded" },
    ]);
  });

  it("notes the status an extract had before a change to a status several may lead to (archived, ready)", async () => {
    class Tidy extends TaskBase {
      async run(): Promise<void> {
        await this.audit.extracts.register("/in", "old.csv", { status: "loaded" });
        await this.audit.extracts.register("/in", "bad.csv", { status: "failed" });
        await this.audit.extracts.setStatus({ location: "/in", filename: "old.csv" }, "archived");
        await this.audit.extracts.setStatus({ location: "/in", filename: "bad.csv" }, "ready");
      }
    }
    expect((await run(workflow().addNode(Tidy)).result).status).toBe("success");
    // `from: null` means "registered it" (AuditFields): a change must name the status it left.
    expect(audits(await runLog())[0]!.extracts).toEqual([
      { location: "/in", filename: "old.csv", from: null, to: "loaded" },
      { location: "/in", filename: "bad.csv", from: null, to: "failed" },
      { location: "/in", filename: "old.csv", from: "loaded", to: "archived" },
      { location: "/in", filename: "bad.csv", from: "failed", to: "ready" },
    ]);
  });

  it("a bad extract key or status is an AuditUsageError that fails the task", async () => {
    class Bad extends TaskBase {
      async run(): Promise<void> {
        await this.audit.extracts.setStatus({ location: "/in", filename: "a.csv" }, "done" as "loaded");
      }
    }
    const done = await run(workflow().addNode(Bad)).result;
    expect(done.tasks[0]!.attempts[0]!.error).toBe('AuditUsageError: task Bad: this.audit.extracts.setStatus: "done" is not an extract status; use one of ready, loading, loaded, failed, archived');
  });
});

describe("declared sources and targets", () => {
  it("an invalid static sources is a validation issue invalid-dataset naming the task; nothing runs", async () => {
    let ran = false;
    class Reads extends TaskBase {
      static override sources = ["landing", { name: "" }];
      run(): void {
        ran = true;
      }
    }
    class Writes extends TaskBase {
      static override targets = [{ name: "warehouse", kind: "db" }] as never;
      run(): void {
        ran = true;
      }
    }
    const wf = workflow().addNode(Reads).addNode(Writes);
    const issues = wf.validate().filter((i) => i.code === "invalid-dataset");
    expect(issues.map((i) => [i.path, i.tasks])).toEqual([
      [["nodes", 0, "sources", 1, "name"], ["Reads"]],
      [["nodes", 1, "targets", 0], ["Writes"]],
    ]);
    expect(issues[0]!.message).toMatch(/^task Reads: static sources\b.*; give names, or \{ name, type\?, objects\?, datasetTypes\? \}$/);
    expect(issues[1]!.message).toMatch(/^task Writes: static targets\b/);
    const { events, result } = run(wf);
    const error = await result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowValidationError);
    expect((error as WorkflowValidationError).issues.filter((i) => i.code === "invalid-dataset")).toEqual(issues);
    expect(ran).toBe(false);
    expect(events).toEqual([]);
    expect(readdirSync(home)).toEqual([]);
  });
});
