import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openNotebookRun } from "wfkit/notebook";
import ingest from "../../../../examples/ingest.js";
import { exampleNotebookSpec } from "../../../support/example-notebook.js";

describe("NotebookRun progress", () => {
  it("prints each task's progress as plain text in the cell output, at most every WF_PROGRESS_NOTEBOOK_INTERVAL, then its final lines and the task's outcome", async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), "wfkit-nb-progress-"));
    let output = "";
    const run = await openNotebookRun({
      ...exampleNotebookSpec(ingest, "ingest", cwd),
      params: { files: 3, rowsPerFile: 2000, paceMs: 20 },
      cwd,
      env: { WF_INSTALL_ROOT: path.join(cwd, "none"), WF_PROGRESS_NOTEBOOK_INTERVAL: "0.25" },
      write: (text) => void (output += text),
    });
    await run.task("Scan");
    const before = output.length;
    await run.task("Parse");
    const cell = output.slice(before);
    // Mid-task blocks: Parse, its files and the file being parsed, with # and . bars.
    expect(cell).toMatch(/^Parse\s+#*\.+\s+\d\/3\s+\d+%/m);
    expect(cell).toMatch(/^ {2}files\s+#*\.+\s+\d\/3 files/m);
    expect(cell).toMatch(/^ {4}part-000\d\.csv\s+#*\.*\s+[\d,]+\/2,000 rows/m);
    // The final lines of the task and its own sub-trackers (not of every file), then the outcome.
    expect(cell).toMatch(/^Parse\s+#{24}\s+3\/3\s+100%.*done\n {2}files\s+#{24}\s+3\/3 files\s+100%.*done {2}bytes=[\d,]+ records=[\d,]+ rejected=\d+\n✔ Parse succeeded/m);
    expect(cell).toMatch(/✔ Parse succeeded \(attempt 1, \d+ ms\); 2 of 4 tasks done\n$/);
    expect(cell.indexOf("3/3 files")).toBeLessThan(cell.indexOf("✔ Parse succeeded"));
    // The run's own bar is left out (each cell says how many tasks are done), and no control codes.
    expect(output).not.toMatch(/tasks\s+\d+%/);
    expect(output).not.toMatch(/\x1b|\r/);
    expect(run.result().tasks.find((t) => t.task === "Parse")!.metrics).toMatchObject({ records: expect.any(Number), bytes: expect.any(Number) });
  });
});
