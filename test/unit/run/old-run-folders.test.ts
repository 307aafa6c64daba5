import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { moveOldRunFolders, RUNS_LAYOUT_FILE } from "../../../src/run/old-run-folders.js";

const homes: string[] = [];
afterAll(() => homes.forEach((home) => rmSync(home, { recursive: true, force: true })));

/** A WF_HOME with `runs/<name>/` folders holding the given files. */
function home(folders: Record<string, Record<string, string>>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "wfkit-old-runs-"));
  homes.push(dir);
  for (const [name, files] of Object.entries(folders)) {
    mkdirSync(path.join(dir, "runs", name), { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, "runs", name, file), text);
  }
  return dir;
}
const event = (dagId: string) => `${JSON.stringify({ id: "e1", data: { action: "task.started", dagId, runId: "r" } })}\n`;

describe("moveOldRunFolders", () => {
  it("moves runs/<runId>/ to runs/<dagId>/<runId>/, the DAG from result.json or else the first event", () => {
    const dir = home({
      "local-1": { "result.json": JSON.stringify({ dagId: "etl_1_0", runId: "local-1" }), "run.log": "x\n" },
      "manual__2026": { "events.jsonl": event("etl_1_1") },
    });
    expect(moveOldRunFolders(dir)).toEqual({ moved: 2, left: [] });
    expect(readFileSync(path.join(dir, "runs/etl_1_0/local-1/run.log"), "utf8")).toBe("x\n");
    expect(existsSync(path.join(dir, "runs/etl_1_1/manual__2026/events.jsonl"))).toBe(true);
    expect(existsSync(path.join(dir, "runs/local-1"))).toBe(false);
  });

  it("runs once per home: the layout file stops later calls from reading runs/ again", () => {
    const dir = home({ "local-1": { "result.json": JSON.stringify({ dagId: "etl_1_0" }) } });
    moveOldRunFolders(dir);
    expect(readFileSync(path.join(dir, "runs", RUNS_LAYOUT_FILE), "utf8")).toBe("2\n");
    mkdirSync(path.join(dir, "runs/late"));
    writeFileSync(path.join(dir, "runs/late/result.json"), JSON.stringify({ dagId: "etl_1_0" }));
    expect(moveOldRunFolders(dir)).toEqual({ moved: 0, left: [] });
    expect(existsSync(path.join(dir, "runs/late"))).toBe(true);
  });

  it("leaves DAG folders of the new layout alone", () => {
    const dir = home({ "etl_1_0/local-1": { "result.json": JSON.stringify({ dagId: "etl_1_0" }) } });
    expect(moveOldRunFolders(dir)).toEqual({ moved: 0, left: [] });
    expect(existsSync(path.join(dir, "runs/etl_1_0/local-1/result.json"))).toBe(true);
  });

  it("leaves, and names, a folder whose DAG cannot be told, one whose DAG id is not a safe name, and one whose new place is taken", () => {
    const dir = home({
      nodag: { "run.log": "x\n" },
      unsafe: { "result.json": JSON.stringify({ dagId: "../../etc" }) },
      "local-2": { "result.json": JSON.stringify({ dagId: "etl_1_0" }) },
      "etl_1_0/local-2": { "result.json": JSON.stringify({ dagId: "etl_1_0" }) },
    });
    const { moved, left } = moveOldRunFolders(dir);
    expect(moved).toBe(0);
    expect(left).toHaveLength(3);
    expect(left.find((why) => why.includes(`${path.sep}nodag `))).toMatch(/its DAG cannot be told .*move it to runs\/<dag id>\/nodag\/ or delete it/);
    expect(left.find((why) => why.includes(`${path.sep}unsafe `))).toMatch(/its DAG cannot be told/);
    expect(left.find((why) => why.includes(`${path.sep}local-2 `))).toMatch(/etl_1_0.local-2 exists: compare the two/);
    expect(existsSync(path.join(dir, "runs/nodag/run.log"))).toBe(true);
  });

  it("does nothing in a home without runs", () => {
    const dir = home({});
    expect(moveOldRunFolders(dir)).toEqual({ moved: 0, left: [] });
  });
});
