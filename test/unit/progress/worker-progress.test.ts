import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { ProgressTracker, shareProgress } from "wfkit";

const workerFile = fileURLToPath(new URL("../../fixtures/progress/count-in-worker.mjs", import.meta.url));
// The worker imports the built package ("wfkit" resolves to dist/ from a plain .mjs file), as a
// user's worker would; `npm test` builds first.
const built = existsSync(fileURLToPath(new URL("../../../dist/src/index.js", import.meta.url)));

async function countInWorker(close: "done" | "fail" | "none", files: number, rowsPerFile: number) {
  const run = new ProgressTracker("run");
  const tracker = run.child("Parse").child("files");
  const port = shareProgress(tracker);
  const worker = new Worker(workerFile, { workerData: { port, files, rowsPerFile, close }, transferList: [port] });
  const exitCode = await new Promise<number>((resolve, reject) => worker.on("exit", resolve).on("error", reject));
  const state = await tracker.whenClosed();
  return { run, tracker, exitCode, state };
}

// Under CI a missing build fails these tests; elsewhere they are skipped, saying why.
const skip = !built && process.env["CI"] !== "true";
const title = `shareProgress and progressFromPort (a real worker thread)${skip ? " — skipped: dist/ is not built; run `npm run build`, as `npm test` does" : ""}`;

describe.skipIf(skip)(title, () => {
  it("aggregates a worker's counts, children and metrics in the parent, exactly", async () => {
    const { run, tracker, exitCode, state } = await countInWorker("done", 4, 30_000);
    expect(exitCode).toBe(0);
    expect(state).toBe("done");
    expect([tracker.completed, tracker.total]).toEqual([120_000, 120_000]);
    expect(tracker.children.map((c) => [c.title, c.unit, c.completed, c.status])).toEqual([
      ["file 0", "rows", 30_000, "done"],
      ["file 1", "rows", 30_000, "done"],
      ["file 2", "rows", 30_000, "done"],
      ["file 3", "rows", 30_000, "done"],
    ]);
    expect(run.metrics()).toEqual({ bytes: 360_000 });
    expect(run.completed).toBe(120_000);
  });

  it("closes the parent's tracker as the worker's closed, or as done when the worker just ends", async () => {
    const failed = await countInWorker("fail", 2, 1_000);
    expect([failed.state, failed.tracker.completed]).toEqual(["failed", 2_000]);
    const ended = await countInWorker("none", 3, 1_000);
    expect([ended.state, ended.tracker.completed, ended.tracker.metrics()["bytes"]]).toEqual(["done", 3_000, 9_000]);
  });
});
