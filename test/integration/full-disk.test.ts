// A run whose own files cannot be written (a full disk) does not claim success: a real small
// tmpfs as WF_HOME (test/support/tmpfs.ts; mounting needs root, which CI has), `wf run` and
// `wf run-task` as users start them. What the files keep is whole lines, never a torn one.
import { existsSync, openSync, closeSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { wf } from "../support/wf-cli.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { logLines as parseJsonLines } from "../support/log-lines.js";
import { mountTmpfs, tmpfsAvailability, type SmallDisk } from "../support/tmpfs.js";
import { appendWhole } from "../../src/util/append-whole.js";
import { EventsFile } from "../../src/events/events-file.js";
import { createEvent } from "wfkit/engine";
import { findRunDir } from "../support/run-dir.js";

const available = tmpfsAvailability();
const fixture = (name: string) => `test/fixtures/workflows/${name}.ts`;

/** Every line of a JSON-lines file parses and the file ends with a newline (or is empty). */
function expectWholeLines(file: string): number {
  const text = readFileSync(file, "utf8");
  if (text === "") return 0;
  expect(text.endsWith("\n")).toBe(true);
  const lines = text.slice(0, -1).split("\n");
  for (const line of lines) expect(() => JSON.parse(line), `a torn line in ${file}: ${line.slice(0, 120)}`).not.toThrow();
  return lines.length;
}

describe.skipIf(!available.ok)(`a full disk (a small tmpfs)${available.ok ? "" : `: skipped, ${available.reason}`}`, () => {
  let disk: SmallDisk;
  beforeAll(() => {
    disk = mountTmpfs(2 * 1024 * 1024);
  });
  afterAll(() => disk?.unmount());
  beforeEach(() => disk.empty());

  it("wf run: exit 1, one error per file it could not write, the summary says the run failed and why, events.jsonl keeps whole lines", async () => {
    disk.fill(200 * 1024);
    const out = await wf(["run", fixture("many-tasks"), "--run-id", "full-run"], { WF_HOME: disk.dir });
    expect(out.code, out.stderr.slice(-2000)).toBe(1);
    const lines = parseJsonLines(out.stderr);
    // Not one warning per event (there were 1,635 before), and no stack traces.
    expect(out.stderr).not.toContain("an event listener threw");
    expect(out.stderr).not.toContain("    at ");
    const runDir = findRunDir(disk.dir, "full-run");
    const failures = lines.filter((l) => l["level"] === "error" && String(l["message"]).startsWith("could not write "));
    expect(failures.map((l) => l["file"])).toContain(path.join(runDir, "events.jsonl"));
    expect(new Set(failures.map((l) => l["file"])).size).toBe(failures.length);
    const summary = lines.at(-1)!;
    expect(summary["status"]).toBe("failed");
    expect(summary["tasks"]).toEqual({ success: 300 });
    expect(summary["error"]).toMatch(/^the run could not record itself: could not write .*events\.jsonl.* in .*full-run \(ENOSPC: no space left on device, write\)(; \S+\.jsonl in .*run-log\S* \(ENOSPC: no space left on device, write\))?; free space on that disk, or set WF_HOME to a folder on a disk with room, and run again$/);
    expect(expectWholeLines(path.join(runDir, "events.jsonl"))).toBeGreaterThan(0);
    expect(readdirSync(runDir).filter((f) => f.endsWith(".tmp") || f === ".run.lock")).toEqual([]);
  });

  it("wf run --json: the result on stdout says failed, with the error", async () => {
    disk.fill(200 * 1024);
    const out = await wf(["run", fixture("many-tasks"), "--json"], { WF_HOME: disk.dir });
    expect(out.code, out.stderr.slice(-2000)).toBe(1);
    const result = JSON.parse(out.stdout) as { status: string; error?: string; tasks: { status: string }[] };
    expect(result.status).toBe("failed");
    expect(result.error).toContain("the run could not record itself");
    expect(result.tasks.every((t) => t.status === "success")).toBe(true);
  });

  it("wf run with room for its events and log but not for result.json: exit 1, no result.json, the run's last event says failed", async () => {
    // How much the events and the log take, from the same run on a disk with room.
    const roomy = mkdtempSync(path.join(tmpdir(), "wfkit-roomy-"));
    const probe = await wf(["run", fixture("many-tasks"), "--run-id", "probe"], { WF_HOME: roomy });
    expect(probe.code, probe.stderr.slice(-2000)).toBe(0);
    const probeDir = findRunDir(roomy, "probe");
    const runLogDir = path.join(roomy, "run-log");
    const runLogFiles = readdirSync(runLogDir, { recursive: true, encoding: "utf8" }).map((f) => path.join(runLogDir, f)).filter((f) => statSync(f).isFile());
    const taken = [path.join(probeDir, "events.jsonl"), path.join(probeDir, "run.log"), ...runLogFiles].reduce((sum, f) => sum + statSync(f).size, 0);
    expect(statSync(path.join(probeDir, "result.json")).size).toBeGreaterThan(40 * 1024);
    // Their size and the run log's, and a few pages more (tmpfs counts whole 4 KiB pages per file, and the lock's).
    disk.fill(taken + 7 * 4096);
    const out = await wf(["run", fixture("many-tasks"), "--run-id", "no-result"], { WF_HOME: disk.dir });
    const runDir = findRunDir(disk.dir, "no-result");
    expect(out.code, out.stderr.slice(-2000)).toBe(1);
    const failures = parseJsonLines(out.stderr).filter((l) => l["level"] === "error" && String(l["message"]).startsWith("could not write "));
    expect(failures.map((l) => l["file"])).toEqual([path.join(runDir, "result.json")]);
    expect(existsSync(path.join(runDir, "result.json"))).toBe(false);
    expect(readdirSync(runDir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expectWholeLines(path.join(runDir, "events.jsonl"));
    const events = readFileSync(path.join(runDir, "events.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as { type: string });
    expect(events.at(-1)!.type).toBe("dev.wfkit.run.failed");
    expect(parseJsonLines(out.stderr).at(-1)!["error"]).toMatch(/^the run could not record itself: could not write result\.json in /);
  });

  it("wf run-task (an Airflow worker) on a full disk: the task fails (exit 1), saying why", async () => {
    disk.fill(0);
    const out = await wf(["run-task", fixture("worker-cases"), "--task", "UsesParam", "--params", '{"day":"2026-01-01"}', "--run-id", "full-task"], { WF_HOME: disk.dir });
    expect(out.code, out.stderr.slice(-2000)).toBe(1);
    const last = parseJsonLines(out.stderr).filter((l) => l["level"] === "error").at(-1)!;
    expect(last["message"]).toMatch(/^task UsesParam failed: the run could not record itself: could not write .*events\.jsonl.* \(ENOSPC/);
    expectWholeLines(path.join(findRunDir(disk.dir, "full-task"), "events.jsonl"));
  });

  it("a write the disk takes only part of is cut back: the file keeps its size, and the error is thrown", () => {
    disk.fill(8 * 1024);
    const file = path.join(disk.dir, "append.jsonl");
    const fd = openSync(file, "a");
    try {
      appendWhole(fd, Buffer.from('{"first":true}\n'));
      const before = statSync(file).size;
      expect(() => appendWhole(fd, Buffer.from(`${JSON.stringify({ text: "x".repeat(64 * 1024) })}\n`))).toThrow(/ENOSPC/);
      expect(statSync(file).size).toBe(before);
    } finally {
      closeSync(fd);
    }
    expect(expectWholeLines(file)).toBe(1);
  });

  it("the events file: lines written before the disk filled stay whole; the failure is heard once", () => {
    disk.fill(16 * 1024);
    const file = path.join(disk.dir, "events.jsonl");
    const errors: unknown[] = [];
    const out = new EventsFile(file, (error) => errors.push(error));
    const origin = { runId: "r", dagId: "a_to_b_c_1.0.0", workflowName: "a_to_b_c", version: "1.0.0", engine: "airflow" as const };
    for (let i = 0; i < 200; i++) out.write(createEvent(origin, "custom", { name: "row", payload: { i, text: "y".repeat(200) } }, { task: "T", attempt: 1 }));
    out.close();
    expect(errors).toHaveLength(1);
    const kept = expectWholeLines(file);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(200);
  });
});
