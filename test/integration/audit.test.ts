// The process audit end to end, with the example that ships for it (examples/daily-load.ts) and
// the on-hold fixture: `wf run` seven times on the file store and on PostgreSQL, then everything
// `wf audit` / `wf extracts` / the run's events.jsonl (and its OpenLineage form) say about those
// runs; six runs started at once never claim the same extract, on both stores; the same example
// as Airflow 3 task instances (`airflow dags test`, one `wf run-task` per task) and in a real
// Jupyter kernel, their audits read back with their engine; and a workflow put on hold after
// failed runs, locally (refused before anything of the run is made, exit 2) and on Airflow (its
// first task fails at once with the reason in the task log), released with `wf audit release`.
//
// What each run must have counted is computed here from the CSV files themselves, never written
// down. Every run works on a copy of examples/data/daily in a temp folder (param `extracts`), so
// the repo's files are never touched. Under CI a missing Airflow, Jupyter or PostgreSQL fails the
// file (the availability helpers throw); elsewhere those tests are skipped with the reason.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditReportSchema, ExtractSchema, openAudit, WfEventSchema, type AuditReport, type AuditRun, type Extract, type WfEvent } from "wfkit";
import { toOpenLineage } from "wfkit/engine";
import { airflowAvailability, createAirflowHome, testDags, type AirflowHome, type DagRunReport } from "../support/airflow.js";
import { createNotebookProject, executeNotebook, jupyterAvailability, type NotebookProject } from "../support/jupyter.js";
import { postgresAvailability, TestDatabase } from "../support/postgres.js";
import { repoRoot, startWf, wf, type WfOutput } from "../support/wf-cli.js";
import { wfkitTarball } from "../support/wfkit-tarball.js";

const EXAMPLE = "examples/daily-load.ts";
const WORKFLOW = "csv_to_warehouse_load_daily";
const DAG = "csv_to_warehouse_load_daily_1.0.0";
const HOLD_FIXTURE = "test/fixtures/workflows/on-hold.ts";
const HOLD_DAG = "hold_1.0.0";
const DATA = path.join(repoRoot, "examples", "data", "daily");
const EXTRACT_NAME = /^sales_(\d{4}-\d{2}-\d{2})\.csv$/;
const SLOW = 600_000;

// ---------------------------------------------------------------------------------------------
// What the shipped extracts must give, read from the files.

/** What loading one extract must record, worked out from its rows. */
interface Expected {
  filename: string;
  /** The day in the filename. */
  day: string;
  read: number;
  rejected: number;
  written: number;
  /** The lowest and highest ordered_at of the rows kept (ISO, as the audit gives them). */
  low: string;
  high: string;
  /** The rejected rows: their line in the file (header = line 1) and the raw amount. */
  bad: { line: number; amount: string }[];
}

/** Every `sales_<day>.csv` in `folder`, oldest first, with what loading it must record. */
function expectedExtracts(folder: string): Expected[] {
  return readdirSync(folder)
    .filter((name) => EXTRACT_NAME.test(name))
    .sort()
    .map((filename) => {
      const [, ...lines] = readFileSync(path.join(folder, filename), "utf8").trim().split("\n");
      const kept: number[] = [];
      const bad: Expected["bad"] = [];
      lines.forEach((line, i) => {
        const [, orderedAt = "", , amount = ""] = line.trim().split(",");
        const time = Date.parse(orderedAt);
        if (amount === "" || !Number.isFinite(Number(amount)) || Number.isNaN(time)) bad.push({ line: i + 2, amount });
        else kept.push(time);
      });
      return {
        filename,
        day: EXTRACT_NAME.exec(filename)![1]!,
        read: lines.length,
        rejected: bad.length,
        written: kept.length,
        low: new Date(Math.min(...kept)).toISOString(),
        high: new Date(Math.max(...kept)).toISOString(),
        bad,
      };
    });
}

const EXPECTED = expectedExtracts(DATA);

/** The records a run that loaded `e` must show. */
function recordsOf(e: Expected): Record<string, number> {
  return { read: e.read, ...(e.rejected > 0 ? { rejected: e.rejected } : {}), written: e.written };
}

/** The run's extract changes by task: `Claim ready→loading sales_….csv`. */
function changes(run: AuditRun, to?: string): string[] {
  return run.extracts.filter((x) => to === undefined || x.to === to).map((x) => `${x.task} ${x.from ?? "∅"}→${x.to} ${x.filename}`);
}

/** The filenames a run claimed (ready → loading). */
function claimedBy(run: AuditRun): string[] {
  return run.extracts.filter((x) => x.to === "loading").map((x) => x.filename);
}

// ---------------------------------------------------------------------------------------------
// Sandboxes: a WF_HOME, a copy of the extracts, and (for PostgreSQL) a database of their own.

let work: string;
const databases: TestDatabase[] = [];
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "wfkit-audit-it-"));
});
afterAll(async () => {
  for (const db of databases) await db.drop().catch(() => {});
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

type Store = "file" | "postgres";

interface Sandbox {
  dir: string;
  home: string;
  /** The copy of examples/data/daily the runs load. */
  data: string;
  /** `file` or the database's URL: WF_RUN_LOG, and `store` for openAudit. */
  store: string;
  env: Record<string, string>;
}

async function sandbox(name: string, store: Store): Promise<Sandbox> {
  const dir = path.join(work, name);
  const home = path.join(dir, "wf-home");
  const data = path.join(dir, "landing");
  await mkdir(home, { recursive: true });
  await cp(DATA, data, { recursive: true });
  let url = "file";
  if (store === "postgres") {
    const db = new TestDatabase();
    await db.create();
    databases.push(db);
    url = db.url();
  }
  return { dir, home, data, store: url, env: { WF_HOME: home, WF_RUN_LOG: url, WF_PROGRESS: "off", WF_RETRY_DELAY_SECONDS: "0" } };
}

/** `wf audit WORKFLOW --json`, checked against the published schema. */
async function auditJson(s: Sandbox, workflow = WORKFLOW): Promise<AuditReport> {
  const out = await wf(["audit", workflow, "--json"], s.env);
  expect(out.code, out.stderr).toBe(0);
  return AuditReportSchema.parse(JSON.parse(out.stdout));
}

/** `wf extracts … --json`, each checked against the published schema. */
async function extractsJson(s: Sandbox, args: string[] = []): Promise<Extract[]> {
  const out = await wf(["extracts", ...args, "--json"], s.env);
  expect(out.code, out.stderr).toBe(0);
  return (JSON.parse(out.stdout) as unknown[]).map((e) => ExtractSchema.parse(e));
}

/** A `wf run … --json` result. */
interface RunJson {
  runId: string;
  status: string;
  runDir: string;
  tasks: { task: string; status: string; attempts: { error?: string }[] }[];
}

function runJson(out: WfOutput): RunJson {
  try {
    return JSON.parse(out.stdout) as RunJson;
  } catch {
    throw new Error(`wf run printed no JSON result (exit ${out.code}):\n${out.stderr}\n${out.stdout}`);
  }
}

const postgres = await postgresAvailability("the process audit on PostgreSQL");
const STORES: { store: Store; skip: string | undefined }[] = [
  { store: "file", skip: undefined },
  { store: "postgres", skip: postgres.ok ? undefined : `PostgreSQL: ${postgres.reason}` },
];

describe("the shipped extracts (what the tests below expect, read from the files)", () => {
  it("are one file a day from 2026-11-24 to 2026-11-30 without 2026-11-27, with exactly one row to reject, on 2026-11-26", () => {
    expect(EXPECTED.map((e) => e.day)).toEqual(["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-28", "2026-11-29", "2026-11-30"]);
    expect(EXPECTED.flatMap((e) => e.bad.map(() => e.day))).toEqual(["2026-11-26"]);
    for (const e of EXPECTED) {
      expect(e.read).toBeGreaterThan(0);
      expect(`${e.low.slice(0, 10)} ${e.high.slice(0, 10)}`).toBe(`${e.day} ${e.day}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 1. Seven local runs, one store at a time.

for (const { store, skip } of STORES) {
  describe.skipIf(skip !== undefined)(`seven local runs of the example, ${store} store${skip === undefined ? "" : ` (skipped: ${skip})`}`, () => {
    let s: Sandbox;
    const runs: RunJson[] = [];
    let report: AuditReport;

    beforeAll(async () => {
      if (skip !== undefined) return;
      s = await sandbox(`seven-${store}`, store);
      for (let i = 0; i < EXPECTED.length + 1; i++) {
        const out = await wf(["run", EXAMPLE, "--param", `extracts=${s.data}`, "--json"], s.env);
        expect(out.code, out.stderr).toBe(0);
        runs.push(runJson(out));
      }
      report = await auditJson(s);
    }, SLOW);

    it("six runs each load the oldest ready extract; the seventh finds none and skips Claim (and so the rest)", () => {
      expect(runs.map((r) => r.status)).toEqual(Array(7).fill("success"));
      for (const r of runs.slice(0, 6)) expect(r.tasks.map((t) => `${t.task} ${t.status}`)).toEqual(["Claim success", "Load success", "Reconcile success"]);
      expect(runs[6]!.tasks.map((t) => `${t.task} ${t.status}`)).toEqual(["Claim skipped", "Load skipped", "Reconcile skipped"]);
    });

    it("wf audit --json: 7 runs, each with the counts, data range and extract changes of the file it loaded", () => {
      expect(report.workflow).toBe(WORKFLOW);
      expect(report.runs.map((r) => r.runId)).toEqual(runs.map((r) => r.runId).reverse());
      const oldestFirst = [...report.runs].reverse();
      oldestFirst.forEach((run, i) => {
        expect(run).toMatchObject({ dagId: DAG, version: "1.0.0", engine: "local", status: "success" });
        const e = EXPECTED[i];
        if (e === undefined) {
          // The seventh: nothing was ready.
          expect(run).toMatchObject({ records: {}, total: 0, dataRange: null, errorCount: 0, extracts: [], statuses: [] });
          return;
        }
        expect(run.records, e.filename).toEqual(recordsOf(e));
        expect(run.total).toBe(e.read + e.rejected + e.written);
        expect(run.dataRange, e.filename).toEqual({ low: e.low, high: e.high });
        expect(run.errorCount).toBe(e.rejected);
        // The first run registered all six files (from nothing to ready); each run claims one and loads it.
        const registered = i === 0 ? EXPECTED.map((x) => `Claim ∅→ready ${x.filename}`) : [];
        expect(changes(run)).toEqual([...registered, `Claim ready→loading ${e.filename}`, `Load loading→loaded ${e.filename}`]);
        expect(run.extracts.every((x) => x.location === s.data)).toBe(true);
        expect(run.statuses.map((st) => `${st.task} ${st.status}`)).toEqual(["Reconcile reconciled"]);
      });
    });

    it("wf audit --json: totals, coverage 2026-11-24..26 and 28..30 with the gap 2026-11-27 (1 day), the one data error", () => {
      const sum = (k: "read" | "rejected" | "written") => EXPECTED.reduce((n, e) => n + e[k], 0);
      expect(report.totals).toEqual({ runs: 7, records: { read: sum("read"), rejected: sum("rejected"), written: sum("written") }, errorCount: sum("rejected") });
      expect(report.coverage).toEqual({
        ranges: [
          { from: "2026-11-24", to: "2026-11-26" },
          { from: "2026-11-28", to: "2026-11-30" },
        ],
        gaps: [{ from: "2026-11-27", to: "2026-11-27", days: 1 }],
      });
      const bad = EXPECTED.flatMap((e) => e.bad.map((b) => ({ ...b, filename: e.filename })));
      const errors = report.runs.flatMap((r) => r.errors.map((x) => ({ ...x, runId: r.runId })));
      expect(errors).toHaveLength(bad.length);
      const [error] = errors;
      const [row] = bad;
      expect(error).toMatchObject({ task: "Load", attempt: 1, type: "Data Error", failRun: false });
      // Names the file, the line and the value it rejected.
      expect(error!.description).toContain(row!.filename);
      expect(error!.description).toMatch(new RegExp(`\\bline ${row!.line}\\b`));
      expect(error!.description).toContain(JSON.stringify(row!.amount));
      const loader = report.runs.find((r) => r.dataRange?.low.startsWith(EXPECTED.find((e) => e.filename === row!.filename)!.day));
      expect(error!.runId).toBe(loader!.runId);
    });

    it("wf audit --json: the sources (landing, with each file loaded) and targets (warehouse: sales.orders) and no hold", () => {
      // In no particular order: the file store lists them oldest run first, PostgreSQL newest first.
      expect(report.sources.map((d) => ({ ...d, objects: [...d.objects].sort((a, b) => a.name.localeCompare(b.name)) }))).toEqual([
        { name: "landing", type: "csv", objects: EXPECTED.map((e) => ({ name: e.filename, attributes: [] })), datasetTypes: ["sales"] },
      ]);
      expect(report.targets).toHaveLength(1);
      expect(report.targets[0]).toMatchObject({ name: "warehouse", type: "catalog", datasetTypes: ["sales"] });
      expect(report.targets[0]!.objects.map((o) => o.name)).toEqual(["sales.orders"]);
      expect(report.targets[0]!.objects[0]!.attributes.map((a) => `${a.name}${a.flags.map((f) => `:${f}`).join("")}`)).toEqual(["order_id:key", "ordered_at:partition", "customer", "amount"]);
      expect(report.hold).toMatchObject({ maxConsecutiveFailures: 3, onHold: false, failures: [], refused: 0, lastRelease: null });
    });

    it("openAudit from code gives the same report as wf audit --json", async () => {
      const audit = await openAudit({ home: s.home, store: s.store, env: {} });
      try {
        expect(AuditReportSchema.parse(await audit.report(WORKFLOW))).toEqual(report);
      } finally {
        await audit.close();
      }
    });

    it("wf audit (text): the runs with their counts, the coverage and the gap line, the data error, sources and targets", async () => {
      const out = await wf(["audit", WORKFLOW], s.env);
      expect(out.code, out.stderr).toBe(0);
      const text = out.stdout;
      expect(text).toMatch(new RegExp(`^audit of ${WORKFLOW}: 7 runs \\(`));
      const lines = text.split("\n");
      runs.slice(0, 6).forEach((run, i) => {
        const e = EXPECTED[i]!;
        const row = lines.find((l) => l.includes(run.runId) && l.includes(" local ") && l.includes(" success "));
        expect(row, `the table row of ${run.runId}`).toBeDefined();
        const kinds = Object.entries(recordsOf(e)).map(([k, n]) => `${k}=${n}`).join(" ");
        expect(row).toMatch(new RegExp(`\\s${kinds}\\s+${e.day}\\s+${e.rejected}$`));
      });
      expect(text).toContain("data loaded (successful runs, UTC days): 2026-11-24 to 2026-11-26, 2026-11-28 to 2026-11-30\n  no data loaded for 2026-11-27 (1 day)\n");
      const bad = EXPECTED.find((e) => e.bad.length > 0)!;
      expect(text).toMatch(new RegExp(`Load#1  Data Error: .*${bad.filename.replace(/\./g, "\\.")}.* line ${bad.bad[0]!.line}\\b`));
      const landing = /\nsources:\n  landing \(csv\): (.*)  \[sales\]\n/.exec(text);
      expect(landing, "the sources").not.toBeNull();
      expect(landing![1]!.split(", ").sort()).toEqual(EXPECTED.map((e) => e.filename));
      expect(text).toContain("targets:\n  warehouse (catalog): sales.orders(order_id:key, ordered_at:partition, customer, amount)  [sales]\n");
      expect(text).toContain("hold: not on hold (held after 3 failed runs in a row)");
    });

    it("wf audit (text) charts the written records of each run by default, as docs/audit.md and `wf audit --help` (--kind) say", async () => {
      const out = await wf(["audit", WORKFLOW], s.env);
      expect(out.code, out.stderr).toBe(0);
      const lines = out.stdout.split("\n");
      const header = lines.findIndex((l) => l.endsWith("records per run, oldest first:"));
      expect(lines[header]).toBe("written records per run, oldest first:");
      runs.slice(0, 6).forEach((run, i) => {
        const bar = lines.slice(header + 1).find((l) => l.includes(run.runId));
        expect(bar, `the bar of ${run.runId}`).toMatch(new RegExp(`█ *\\s${EXPECTED[i]!.written}(  ▼.*)?$`));
      });
    });

    it("wf extracts --status any --json: all six loaded, each changed last by the Load of the run that loaded it; wf extracts (ready) lists none", async () => {
      const all = await extractsJson(s, ["--status", "any"]);
      expect(all.map((e) => `${e.location} ${e.filename} ${e.status}`)).toEqual(EXPECTED.map((e) => `${s.data} ${e.filename} loaded`));
      all.forEach((extract, i) => {
        expect(extract.changedBy).toEqual({ workflow: WORKFLOW, dagId: DAG, runId: runs[i]!.runId, task: "Load" });
        expect(extract.producer).toEqual({ workflow: WORKFLOW, dagId: DAG, runId: runs[0]!.runId, task: "Claim" });
      });
      expect(await extractsJson(s)).toEqual([]);
      const text = await wf(["extracts"], s.env);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toBe("no extracts match\n");
      const loaded = await wf(["extracts", "--status", "loaded", "--location", s.data], s.env);
      expect(loaded.stdout.split("\n").filter((l) => l.startsWith("loaded ")).length).toBe(6);
    });

    it("the run's events.jsonl holds a task.audit event per task, before its task.succeeded, without any bus; its OpenLineage form is RUNNING with the file as input and sales.orders as output", async () => {
      const first = runs[0]!;
      expect(first.runDir).toBe(path.join(s.home, "runs", DAG, first.runId));
      const events = (await readFile(path.join(first.runDir, "events.jsonl"), "utf8"))
        .split("\n")
        .filter(Boolean)
        .map((line) => WfEventSchema.parse(JSON.parse(line)) as WfEvent);
      const actions = events.map((e) => ("task" in e.data ? `${e.data.task} ${e.data.action}` : e.data.action));
      for (const task of ["Claim", "Load", "Reconcile"]) {
        expect(actions.filter((a) => a === `${task} task.audit`), task).toHaveLength(1);
        expect(actions.indexOf(`${task} task.audit`)).toBeLessThan(actions.indexOf(`${task} task.succeeded`));
      }
      const audit = events.find((e) => e.data.action === "task.audit" && "task" in e.data && e.data.task === "Load")!;
      const e = EXPECTED[0]!;
      expect(audit.type).toBe("dev.wfkit.task.audit");
      expect(audit.data).toMatchObject({ runId: first.runId, dagId: DAG, engine: "local", attempt: 1, records: recordsOf(e), dataRange: { low: e.low, high: e.high } });
      const lineage = toOpenLineage(audit);
      expect(lineage).toBeDefined();
      expect(lineage!.eventType).toBe("RUNNING");
      expect(lineage!.job.name).toBe(`${DAG}.Load`);
      expect(lineage!.inputs).toEqual([{ namespace: "landing", name: e.filename }]);
      expect(lineage!.outputs).toEqual([{ namespace: "warehouse", name: "sales.orders" }]);
      expect(lineage!.run.facets.parent?.job.name).toBe(DAG);
      // Claim only declares the landing source, with no object: one dataset named after it.
      const claim = events.find((ev) => ev.data.action === "task.audit" && "task" in ev.data && ev.data.task === "Claim")!;
      expect(toOpenLineage(claim)!.inputs).toEqual([{ namespace: "landing", name: "landing" }]);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// 2. Six runs at once.

for (const { store, skip } of STORES) {
  describe.skipIf(skip !== undefined)(`six runs of the example started at once, ${store} store${skip === undefined ? "" : ` (skipped: ${skip})`}`, () => {
    let s: Sandbox;
    let results: RunJson[];
    let report: AuditReport;

    beforeAll(async () => {
      if (skip !== undefined) return;
      s = await sandbox(`race-${store}`, store);
      const started = EXPECTED.map(() => startWf(["run", EXAMPLE, "--param", `extracts=${s.data}`, "--param", "perRun=1", "--json"], s.env));
      const outs = await Promise.all(started.map((r) => r.done));
      for (const out of outs) expect(out.code, out.stderr).toBe(0);
      results = outs.map(runJson);
      report = await auditJson(s);
    }, SLOW);

    it("every run succeeded", () => {
      expect(results.map((r) => r.status)).toEqual(Array(EXPECTED.length).fill("success"));
      expect(report.runs.map((r) => r.runId).sort()).toEqual(results.map((r) => r.runId).sort());
    });

    it("no two runs claimed the same extract; each extract was registered once, and loaded at most once, by the run that claimed it, with that file's counts", async () => {
      const claims = report.runs.flatMap((r) => claimedBy(r).map((f) => ({ file: f, run: r.runId })));
      expect(new Set(claims.map((c) => c.file)).size).toBe(claims.length);
      const registered = report.runs.flatMap((r) => r.extracts.filter((x) => x.from === null).map((x) => x.filename));
      expect(registered.sort()).toEqual(EXPECTED.map((e) => e.filename));
      const extracts = await extractsJson(s, ["--status", "any"]);
      for (const extract of extracts) {
        const claim = claims.find((c) => c.file === extract.filename);
        if (claim === undefined) continue;
        expect(extract.status, extract.filename).toBe("loaded");
        expect(extract.changedBy).toMatchObject({ runId: claim.run, task: "Load" });
      }
      for (const run of report.runs) {
        const files = claimedBy(run);
        expect(changes(run, "loaded")).toEqual(files.map((f) => `Load loading→loaded ${f}`));
        if (files.length === 1) {
          const e = EXPECTED.find((x) => x.filename === files[0])!;
          expect(run.records, run.runId).toEqual(recordsOf(e));
          expect(run.dataRange).toEqual({ low: e.low, high: e.high });
        }
      }
    });

    it("each run claimed exactly one extract, so every file is loaded exactly once", async () => {
      const skipped = (runId: string) => results.find((r) => r.runId === runId)?.tasks.find((t) => t.task === "Claim")?.attempts.at(-1)?.error ?? "?";
      const perRun = report.runs.map((r) => `${r.runId}: ${claimedBy(r).join(", ") || `none (${skipped(r.runId)})`}`);
      expect(report.runs.map((r) => claimedBy(r).length), perRun.join("\n")).toEqual(Array(EXPECTED.length).fill(1));
      expect((await extractsJson(s, ["--status", "any"])).map((e) => `${e.filename} ${e.status}`)).toEqual(EXPECTED.map((e) => `${e.filename} loaded`));
      expect(await extractsJson(s)).toEqual([]);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// 3. On hold, locally.

for (const { store, skip } of STORES) {
  describe.skipIf(skip !== undefined)(`a workflow on hold, locally, ${store} store${skip === undefined ? "" : ` (skipped: ${skip})`}`, () => {
    it("two failed runs put it on hold: the third is refused with exit 2 before anything of it is made; wf audit release lets the next run go", async () => {
      const s = await sandbox(`hold-${store}`, store);
      const failed: string[] = [];
      for (let i = 0; i < 2; i++) {
        const out = await wf(["run", HOLD_FIXTURE, "--param", "fail=true", "--json"], s.env);
        expect(out.code, out.stderr).toBe(1);
        failed.push(runJson(out).runId);
      }

      const refused = await wf(["run", HOLD_FIXTURE, "--run-id", "refused-run", "--json"], s.env);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toContain("workflow hold is on hold");
      for (const runId of failed) expect(refused.stderr).toContain(runId);
      expect(refused.stderr).toContain("wf audit release hold");
      // Nothing of the refused run: no folder, no record, no task.
      expect(existsSync(path.join(s.home, "runs", HOLD_DAG, "refused-run"))).toBe(false);
      expect(readdirSync(path.join(s.home, "runs", HOLD_DAG)).sort()).toEqual([...failed].sort());
      const list = await wf(["runs", "list", "--json"], s.env);
      expect(list.code, list.stderr).toBe(0);
      expect((JSON.parse(list.stdout) as { runId: string }[]).map((r) => r.runId).sort()).toEqual([...failed].sort());

      const held = await auditJson(s, "hold");
      expect(held.hold).toMatchObject({ maxConsecutiveFailures: 2, onHold: true, refused: 1, lastRelease: null });
      expect(held.hold.failures.map((f) => `${f.runId} ${f.status}`)).toEqual([...failed].reverse().map((id) => `${id} failed`));
      const text = await wf(["audit", "hold"], s.env);
      expect(text.stdout).toContain(`hold: ON HOLD after 2 failed runs in a row (${[...failed].reverse().join(", ")}); 1 run refused since. Let it run again: wf audit release hold`);

      const released = await wf(["audit", "release", "hold", "--reason", "fixed"], s.env);
      expect(released.code, released.stderr).toBe(0);
      expect(released.stdout).toMatch(/^released hold: new runs may start again \(recorded .* by .*: fixed\)\n$/);
      const after = await auditJson(s, "hold");
      expect(after.hold).toMatchObject({ onHold: false, failures: [], refused: 0, lastRelease: { workflow: "hold", action: "release", reason: "fixed" } });

      const next = await wf(["run", HOLD_FIXTURE, "--json"], s.env);
      expect(next.code, next.stderr).toBe(0);
      expect(runJson(next).tasks.map((t) => `${t.task} ${t.status}`)).toEqual(["Check success", "Publish success"]);
      // Not on hold any more: releasing again is refused.
      const again = await wf(["audit", "release", "hold"], s.env);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain("workflow hold is not on hold");
    }, SLOW);
  });
}

// ---------------------------------------------------------------------------------------------
// 4. Airflow 3: the example and the on-hold fixture as `wf run-task` task instances.

const airflow = airflowAvailability(3);
const airflowSkip = airflow.ok ? undefined : `Airflow: ${airflow.reason.split("\n")[0]}`;
describe.skipIf(airflowSkip !== undefined)(`the audit of Airflow 3 runs (airflow dags test)${airflowSkip === undefined ? "" : ` (skipped: ${airflowSkip})`}`, () => {
  let s: Sandbox;
  let airflowHome: AirflowHome;
  let tarball: string | undefined;
  /** The reports of the first `airflow dags test` process: three runs of the example, then the on-hold fixture's. */
  let reports: DagRunReport[];

  beforeAll(async () => {
    if (!airflow.ok) return;
    s = await sandbox("airflow", "file");
    // The example ships in wfkit's tarball; the on-hold fixture gets a package of its own.
    tarball = await wfkitTarball();
    const pkg = path.join(s.dir, "hold-pkg");
    await mkdir(path.join(pkg, "workflows"), { recursive: true });
    await mkdir(path.join(pkg, "node_modules"));
    const zod = (JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["zod"]!;
    await writeFile(path.join(pkg, "package.json"), JSON.stringify({ name: "wf-audit-hold", version: "1.0.0", type: "module", dependencies: { wfkit: `file:${tarball}`, zod } }));
    await copyFile(path.join(repoRoot, HOLD_FIXTURE), path.join(pkg, "workflows", "on-hold.ts"));
    await symlink(repoRoot, path.join(pkg, "node_modules", "wfkit"));
    await symlink(path.join(repoRoot, "node_modules", "zod"), path.join(pkg, "node_modules", "zod"));
    const root = path.join(s.dir, "install-root");
    for (const spec of [tarball, pkg]) {
      const installed = await wf(["install", spec, "--root", root]);
      expect(installed.code, installed.stderr).toBe(0);
    }
    airflowHome = await createAirflowHome(airflow.install, { ...s.env, WF_INSTALL_ROOT: root, PATH: `${path.dirname(process.execPath)}:${process.env["PATH"] ?? ""}` });
    const exported = await wf(["export", "--engine", "airflow", "--out", airflowHome.dagsFolder, EXAMPLE, pkg]);
    expect(exported.code, exported.stderr).toBe(0);

    const daily = { dagId: DAG, conf: { extracts: s.data } };
    reports = await testDags(airflowHome, [daily, daily, daily, { dagId: HOLD_DAG, conf: { fail: true } }, { dagId: HOLD_DAG, conf: { fail: true } }, { dagId: HOLD_DAG }]);
    for (const report of reports) expect(report.error, report.traceback).toBeUndefined();
  }, SLOW);

  afterAll(async () => {
    await airflowHome?.cleanup();
    // The folder wfkitTarball() packed into.
    if (tarball !== undefined) await rm(path.dirname(tarball), { recursive: true, force: true });
  });

  const states = (report: DagRunReport) => Object.fromEntries(report.tasks.map((t) => [t.taskId, t.state]));

  it("three runs of the example each load the oldest ready extract; wf audit lists them (engine airflow) with that file's counts", async () => {
    const daily = reports.slice(0, 3);
    for (const r of daily) expect(`${r.runId}: ${r.state} ${JSON.stringify(states(r))}`).toBe(`${r.runId}: success ${JSON.stringify({ Claim: "success", Load: "success", Reconcile: "success" })}`);
    const report = await auditJson(s);
    expect(report.runs.map((r) => r.runId)).toEqual(daily.map((r) => r.runId).reverse());
    [...report.runs].reverse().forEach((run, i) => {
      const e = EXPECTED[i]!;
      expect(run).toMatchObject({ dagId: DAG, engine: "airflow", status: "success", records: recordsOf(e), dataRange: { low: e.low, high: e.high }, errorCount: e.rejected });
      expect(changes(run).filter((c) => !c.includes("∅→ready"))).toEqual([`Claim ready→loading ${e.filename}`, `Load loading→loaded ${e.filename}`]);
    });
    expect(report.coverage).toEqual({ ranges: [{ from: EXPECTED[0]!.day, to: EXPECTED[2]!.day }], gaps: [] });
    const extracts = await extractsJson(s, ["--status", "any"]);
    expect(extracts.map((x) => `${x.filename} ${x.status} ${x.changedBy?.runId ?? "-"}`)).toEqual(
      EXPECTED.map((e, i) => (i < 3 ? `${e.filename} loaded ${daily[i]!.runId}` : `${e.filename} ready -`)),
    );
  });

  it("two failed runs put the on-hold fixture on hold: the third run's first task fails at once (wf run-task exit 2, `is on hold` in its log) and the next task does not run", async () => {
    const [first, second, third] = reports.slice(3);
    for (const r of [first!, second!]) {
      expect(r.state).toBe("failed");
      expect(states(r)).toEqual({ Check: "failed", Publish: "upstream_failed" });
    }
    expect(third!.state).toBe("failed");
    expect(states(third!)).toEqual({ Check: "failed", Publish: "upstream_failed" });
    const check = third!.tasks.find((t) => t.taskId === "Check")!;
    expect(check.log).toContain("workflow hold is on hold");
    expect(check.log).toContain(first!.runId);
    expect(check.log).toContain(second!.runId);
    expect(check.log).toContain("wf audit release hold");
    expect(check.log).toMatch(/(exit|return) code 2\b/);
    expect(check.log).not.toContain("the source is not there");
    expect(third!.tasks.find((t) => t.taskId === "Publish")!.attemptLogs).toEqual([]);

    // The refused run made nothing: no run folder, no run in the run log.
    expect(existsSync(path.join(s.home, "runs", HOLD_DAG, third!.runId))).toBe(false);
    const list = await wf(["runs", "list", "--workflow", "hold", "--json"], s.env);
    expect((JSON.parse(list.stdout) as { runId: string }[]).map((r) => r.runId).sort()).toEqual([first!.runId, second!.runId].sort());
    const held = await auditJson(s, "hold");
    expect(held.hold).toMatchObject({ onHold: true, refused: 1 });
    expect(held.hold.failures.map((f) => f.runId)).toEqual([second!.runId, first!.runId]);
    expect(held.runs.every((r) => r.engine === "airflow")).toBe(true);
  });

  it("after wf audit release hold, the next Airflow run succeeds", async () => {
    const released = await wf(["audit", "release", "hold", "--reason", "source is back"], s.env);
    expect(released.code, released.stderr).toBe(0);
    const [fourth] = await testDags(airflowHome, [{ dagId: HOLD_DAG }]);
    expect(fourth!.error, fourth!.traceback).toBeUndefined();
    expect(`${fourth!.state} ${JSON.stringify(states(fourth!))}`).toBe(`success ${JSON.stringify({ Check: "success", Publish: "success" })}`);
    const after = await auditJson(s, "hold");
    expect(after.hold).toMatchObject({ onHold: false, lastRelease: { reason: "source is back" } });
    expect(after.runs[0]).toMatchObject({ runId: fourth!.runId, engine: "airflow", status: "success", records: { read: 3, written: 3 } });
  }, SLOW);

  const pgSkip = postgres.ok ? undefined : `PostgreSQL: ${postgres.reason}`;
  it.skipIf(pgSkip !== undefined)(`with WF_RUN_LOG a PostgreSQL URL in the workers' env, two runs of the example are audited in PostgreSQL${pgSkip === undefined ? "" : ` (skipped: ${pgSkip})`}`, async () => {
    const p = await sandbox("airflow-postgres", "postgres");
    const daily = { dagId: DAG, conf: { extracts: p.data } };
    const runs = await testDags({ ...airflowHome, env: { ...airflowHome.env, WF_RUN_LOG: p.store } }, [daily, daily]);
    for (const r of runs) {
      expect(r.error, r.traceback).toBeUndefined();
      expect(`${r.state} ${JSON.stringify(states(r))}`).toBe(`success ${JSON.stringify({ Claim: "success", Load: "success", Reconcile: "success" })}`);
    }
    const report = await auditJson(p);
    expect(report.runs.map((r) => `${r.runId} ${r.engine}`)).toEqual(runs.map((r) => `${r.runId} airflow`).reverse());
    [...report.runs].reverse().forEach((run, i) => expect(run, EXPECTED[i]!.filename).toMatchObject({ records: recordsOf(EXPECTED[i]!), dataRange: { low: EXPECTED[i]!.low, high: EXPECTED[i]!.high } }));
    const extracts = await extractsJson(p, ["--status", "loaded"]);
    expect(extracts.map((x) => `${x.location} ${x.filename} ${x.changedBy?.runId}`)).toEqual(EXPECTED.slice(0, 2).map((e, i) => `${p.data} ${e.filename} ${runs[i]!.runId}`));
    // They went to PostgreSQL only: the workers' WF_HOME file store does not have them.
    const fileRuns = await wf(["runs", "list", "--workflow", WORKFLOW, "--json"], s.env);
    expect(fileRuns.code, fileRuns.stderr).toBe(0);
    const inFiles = (JSON.parse(fileRuns.stdout) as { runId: string }[]).map((r) => r.runId);
    for (const r of runs) expect(inFiles).not.toContain(r.runId);
  }, SLOW);
});

// ---------------------------------------------------------------------------------------------
// 5. A notebook run in a real kernel.

const jupyter = jupyterAvailability();
const jupyterSkip = jupyter.ok ? undefined : `Jupyter: ${jupyter.reason.split("\n")[0]}`;
describe.skipIf(jupyterSkip !== undefined)(`the audit of a notebook run (wf export --engine notebook, a tslab kernel)${jupyterSkip === undefined ? "" : ` (skipped: ${jupyterSkip})`}`, () => {
  let project: NotebookProject;
  afterAll(async () => {
    await project?.cleanup();
  });

  it("the exported notebook, its extracts param set in the parameters cell, loads the oldest extract; wf audit shows the run (engine notebook) with its counts", async () => {
    const s = await sandbox("notebook", "file");
    project = await createNotebookProject();
    const nb = path.join(project.dir, "nb");
    const exported = await wf(["export", "--engine", "notebook", "--out", nb, EXAMPLE]);
    expect(exported.code, exported.stderr).toBe(0);
    // What a user does: set the param in the parameters cell.
    const file = path.join(nb, `${DAG}.ipynb`);
    const notebook = JSON.parse(await readFile(file, "utf8")) as { cells: { id: string; source: string | string[] }[] };
    const cell = notebook.cells.find((c) => c.id === "parameters")!;
    const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    const edited = source.replace(/extracts: undefined,/, `extracts: ${JSON.stringify(s.data)},`);
    expect(edited).not.toBe(source);
    cell.source = edited;
    await writeFile(file, JSON.stringify(notebook));

    const run = await executeNotebook(file, { env: s.env });
    expect(run.ok, run.error).toBe(true);
    const report = await auditJson(s);
    expect(report.runs).toHaveLength(1);
    const e = EXPECTED[0]!;
    expect(report.runs[0]).toMatchObject({ dagId: DAG, engine: "notebook", status: "success", records: recordsOf(e), dataRange: { low: e.low, high: e.high }, errorCount: 0 });
    expect(changes(report.runs[0]!).filter((c) => !c.includes("∅→ready"))).toEqual([`Claim ready→loading ${e.filename}`, `Load loading→loaded ${e.filename}`]);
    expect(report.runs[0]!.statuses.map((st) => st.status)).toEqual(["reconciled"]);
    const [loaded, ...none] = await extractsJson(s, ["--status", "loaded"]);
    expect(none).toEqual([]);
    expect(loaded).toMatchObject({ filename: e.filename, changedBy: { runId: report.runs[0]!.runId, task: "Load" } });
  }, SLOW);
});
