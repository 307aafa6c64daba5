import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { wf } from "../support/wf-cli.js";
import { TmuxWf, tmuxAvailability } from "../support/tmux.js";

const tmux = tmuxAvailability();
if (!tmux.ok && process.env["CI"] === "true") throw new Error(`CI needs tmux for the progress bar tests: ${tmux.reason}`);
const title = tmux.ok ? `wf run's progress bars in a real terminal (${tmux.version})` : `wf run's progress bars in a real terminal (skipped: ${tmux.reason})`;

const home = () => mkdtempSync(path.join(tmpdir(), "wfkit-progress-"));
const BAR = /[█░]/;
// A log line in the default pretty layout: `12:34:56.789 INFO  Parse parsed …`.
const LOG = /^\d\d:\d\d:\d\d\.\d{3} (INFO|WARN|ERROR|DEBUG) /;
// A bar line: indented title, bar, counts, percent.
const ROW = /^( *)(\S.*?)\s+[█░]+\s+[\d,]+\/[\d,]+( [a-zA-Z]+)?\s+\d+%/;

/** Every line is a log line, a bar line or something else, never a mix: no bar inside a log line, no log inside a bar. */
function expectNotInterleaved(lines: string[]): void {
  for (const line of lines) {
    if (LOG.test(line)) expect(line, "a log line with bar characters in it").not.toMatch(BAR);
    if (BAR.test(line)) {
      expect(line, "a bar line that is not a whole row").toMatch(ROW);
      expect(line, "a bar line with a log line in it").not.toMatch(/\d\d:\d\d:\d\d\.\d{3}/);
    }
  }
}

describe.skipIf(!tmux.ok)(title, () => {
  let pane: TmuxWf | undefined;
  afterEach(() => {
    pane?.kill();
    pane = undefined;
  });

  it("shows nested live bars for the run, each running task and its sub-trackers, with the log lines above them, and erases them at the end", async () => {
    // Wide enough for the metrics at the end of the lines; narrower panes cut them with "…".
    pane = new TmuxWf(["run", "examples/ingest.ts", "--param", "paceMs=40"], { WF_HOME: home() }, 150);
    // Mid-run: both parallel branches, Parse's files and the file being parsed, under the run.
    const mid = await pane.waitFor(
      (lines) => lines.some((l) => /^ {6}part-\d{4}\.csv\s+[█░]+\s+[\d,]+\/4,000 rows\s+\d+%/.test(l)) && lines.some((l) => /parsed part-0000\.csv/.test(l)),
      "a file's bar under Parse while Parse's log lines print",
    );
    const bars = mid.filter((l) => BAR.test(l));
    const titles = bars.map((l) => ROW.exec(l)).map((m) => (m ? `${m[1]!.length}:${m[2]}` : "?"));
    expect(titles.slice(0, 3)).toEqual(["0:files_to_records_ingest", "2:Parse", "4:files"]);
    expect(titles[3]).toMatch(/^6:part-000\d\.csv$/);
    expect(titles.slice(4)).toEqual(["2:Checksum", "4:bytes"]);
    expect(bars[0]).toMatch(/^files_to_records_ingest\s+[█░]+\s+1\/4 tasks\s+25%/);
    expect(bars.some((l) => /records=[\d,]+ rejected=[\d,]+/.test(l))).toBe(true);
    // The bars are the last lines on the screen; the log lines are all above them, readable.
    const firstBar = mid.findIndex((l) => BAR.test(l));
    expect(mid.slice(firstBar).every((l) => BAR.test(l))).toBe(true);
    expect(mid.slice(0, firstBar).filter((l) => LOG.test(l)).map((l) => l.replace(LOG, "").trim())).toContain("Scan found 6 files");
    expectNotInterleaved(mid);

    const { code, lines } = await pane.exit();
    expect(code).toBe(0);
    // The end: every log line, then the summary with each task's metrics; no bar is left.
    expect(lines.filter((l) => BAR.test(l))).toEqual([]);
    expect(lines.filter((l) => /INFO {2}Parse parsed part-\d{4}\.csv rows=4000$/.test(l))).toHaveLength(6);
    const summary = lines.findIndex((l) => /^✔ files_to_records_ingest_1\.0\.0 {2}success {2}4 tasks/.test(l));
    expect(summary).toBeGreaterThan(0);
    expect(lines[summary + 2]).toMatch(/^ {2}✔ Parse +success +\d.*bytes=[\d,]+ records=23,75\d rejected=2\d\d$/);
    expectNotInterleaved(lines);
  });

  it("finishes cleanly when a task fails while another is still drawing", async () => {
    pane = new TmuxWf(["run", "test/fixtures/workflows/progress-failing.ts"], { WF_HOME: home() });
    const mid = await pane.waitFor((lines) => lines.some((l) => /^ {2}Breaks\s+[█░]+/.test(l)) && lines.some((l) => /^ {2}Steady\s+[█░]+/.test(l)), "both tasks' bars");
    expectNotInterleaved(mid);
    const { code, lines } = await pane.exit();
    expect(code).toBe(1);
    expect(lines.filter((l) => BAR.test(l))).toEqual([]);
    const text = lines.join("\n");
    expect(text).toContain("row 600 is malformed");
    expect(text).toMatch(/✖ Breaks +failed/);
    expect(text).toMatch(/✔ Steady +success/);
    expectNotInterleaved(lines);
  });

  it("finishes cleanly on Ctrl-C: the running tasks end terminated and no bar is left", async () => {
    pane = new TmuxWf(["run", "examples/ingest.ts", "--param", "paceMs=60"], { WF_HOME: home() });
    await pane.waitFor((lines) => lines.some((l) => /^ {2}Parse\s+[█░]+/.test(l)), "Parse's bar");
    pane.sendKeys("C-c");
    const { code, lines } = await pane.exit();
    expect(code).toBe(130);
    expect(lines.filter((l) => BAR.test(l))).toEqual([]);
    const text = lines.join("\n");
    expect(text).toMatch(/■ Parse +terminated/);
    expect(text).toMatch(/· Publish +not_run/);
    expectNotInterleaved(lines);
  });
});

describe("progress off a terminal", () => {
  it("wf run piped to a file logs each running tracker at WF_PROGRESS_LOG_INTERVAL and each one when it ends, as JSON lines", async () => {
    // At debug, the closing lines of trackers that came and went between two intervals show too.
    const { code, stderr } = await wf(["run", "examples/ingest.ts", "--param", "paceMs=25"], { WF_HOME: home(), WF_PROGRESS_LOG_INTERVAL: "0.3", WF_LOG_LEVEL: "debug" });
    expect(code).toBe(0);
    const lines = stderr.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const progress = lines.filter((l) => typeof l["progress"] === "string");
    const running = progress.filter((l) => l["progress"] === "Parse/files" && l["state"] === "running");
    expect(running.length).toBeGreaterThanOrEqual(2);
    expect(running[0]).toMatchObject({ logger: "Parse.progress", task: "Parse", dag_id: expect.any(String), run_id: expect.any(String), attempt: 1, unit: "files", total: 6 });
    expect(running[0]!["message"]).toMatch(/^progress Parse\/files: \d\/6 files \(\d+%\)/);
    // Completed counts never go back between lines.
    const counts = running.map((l) => l["completed"] as number);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    // Each file's tracker, each task's and the run's report once when they close.
    const closed = progress.filter((l) => l["state"] === "done").map((l) => l["progress"]);
    for (let f = 0; f < 6; f++) expect(closed.filter((p) => p === `Parse/files/part-000${f}.csv`)).toHaveLength(1);
    expect(closed.filter((p) => p === "Parse")).toHaveLength(1);
    expect(closed.filter((p) => p === "files_to_records_ingest")).toHaveLength(1);
    // A tracker that had running lines closes at info; the run's closing line is at debug.
    expect(progress.find((l) => l["progress"] === "Parse/files" && l["state"] === "done")!["level"]).toBe("info");
    expect(progress.find((l) => l["progress"] === "files_to_records_ingest" && l["state"] === "done")!["level"]).toBe("debug");
    const parseDone = progress.find((l) => l["progress"] === "Parse" && l["state"] === "done")!;
    expect(parseDone["metrics"]).toEqual({ bytes: expect.any(Number), records: expect.any(Number), rejected: expect.any(Number) });
    expect(parseDone["completed"]).toBe(6);
    // Nothing but JSON lines: no bar, no cursor code.
    expect(stderr).not.toMatch(/\x1b|█/);
  });

  it("the Airflow worker path (wf run-task) logs its task's progress, never the run's", async () => {
    const { code, stderr } = await wf(
      ["run-task", "examples/ingest.ts", "--task", "Checksum", "--run-id", "progress-run-task", "--params", '{"paceMs":20}'],
      { WF_HOME: home(), WF_PROGRESS_LOG_INTERVAL: "0.2", WF_PROGRESS: "bars" },
    );
    expect(code).toBe(0);
    const progress = stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => typeof l["progress"] === "string");
    expect(progress.some((l) => l["progress"] === "Checksum/bytes" && l["state"] === "running")).toBe(true);
    expect(progress.find((l) => l["progress"] === "Checksum/bytes" && l["state"] === "done")).toMatchObject({ task: "Checksum", run_id: "progress-run-task", unit: "B", metrics: { checksummed: 6 } });
    expect(progress.filter((l) => l["progress"] === "files_to_records_ingest")).toEqual([]);
  });
});
