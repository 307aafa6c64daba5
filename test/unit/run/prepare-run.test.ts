import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TaskBase, Workflow } from "wfkit";
import { InProcessEventBus, prepareRun, RunDirError } from "wfkit/engine";
import { createSilentLogger } from "../../../src/logging/logger.js";

class Only extends TaskBase {
  run() {}
}

const input = (workflow: Workflow, home: string, params: Record<string, unknown> = {}) => ({
  workflow,
  engine: "local" as const,
  params,
  logger: createSilentLogger(),
  bus: new InProcessEventBus(),
  signal: new AbortController().signal,
  home,
});

describe("prepareRun", () => {
  it("validates params and hands them to tasks deeply frozen, as each Airflow task gets its own copy", async () => {
    const params = z.object({ opts: z.object({ tags: z.array(z.string()) }).default({ tags: ["a"] }), when: z.date().optional() });
    const wf = new Workflow({ category: "freeze", version: "dev", params }).addNode(Only);
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-prep-"));
    const when = new Date(0);
    const run = await prepareRun<{ opts: { tags: string[] }; when?: Date }>(input(wf, home, { when }));
    expect(run.params).toEqual({ opts: { tags: ["a"] }, when });
    expect(Object.isFrozen(run.params)).toBe(true);
    expect(Object.isFrozen(run.params.opts.tags)).toBe(true);
    expect(() => run.params.opts.tags.push("b")).toThrow(TypeError);
    expect(run.params.when).toBe(when); // class instances are passed through, not frozen
    expect(run.runDir.startsWith(path.join(home, "runs"))).toBe(true);
    expect(run.dagHash).toBe(wf.dagHash());
  });

  it("reports an unusable WF_HOME as a RunDirError naming the folder", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "wfkit-file-")), "not-a-dir");
    writeFileSync(file, "x");
    const wf = new Workflow({ category: "ro", version: "dev" }).addNode(Only);
    const attempt = prepareRun(input(wf, file));
    await expect(attempt).rejects.toThrow(RunDirError);
    await expect(attempt).rejects.toThrow(/cannot create the run directory .*not-a-dir\/runs\/.*set WF_HOME to a writable folder/);
  });
});
