import { describe, expect, it } from "vitest";
import { parseRunTaskArgs, RUN_TASK_OPTIONS } from "../../../../../engines/airflow/worker/run-task-args.js";
import { compiledTwinPath } from "../../../../../engines/airflow/worker/compiled-twin.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

describe("parseRunTaskArgs", () => {
  it("reads each option from its flag, else from the WF_* variable the DAG sets", () => {
    const args = parseRunTaskArgs(["flows/etl.ts", "--task", "Extract", "--attempt", "2", "--debug"], {
      WF_TASK: "Ignored",
      WF_RUN_ID: "run-1",
      WF_PARAMS: '{"limit":1}',
      WF_DAG_ID: "etl_1.0.0",
    });
    expect(args).toEqual({
      module: "flows/etl.ts",
      options: { task: "Extract", attempt: "2", debug: true, runId: "run-1", params: '{"limit":1}', dagId: "etl_1.0.0" },
    });
  });

  it("takes the short -w and the worker command's --report-crash", () => {
    const args = parseRunTaskArgs(["-w", "etl", "--report-crash", "137", "m.ts"], { WF_TASK: "Load" });
    expect(args).toEqual({ module: "m.ts", options: { task: "Load", workflow: "etl", reportCrash: "137" } });
  });

  it("says what is wrong, as a usage error: no module, two modules, no task, an unknown option", () => {
    expect(parseRunTaskArgs(["--task", "A"], {}).problem).toMatch(/needs the module/);
    expect(parseRunTaskArgs(["a.ts", "b.ts", "--task", "A"], {}).problem).toMatch(/takes one module, got 2: a\.ts b\.ts/);
    expect(parseRunTaskArgs(["a.ts"], {}).problem).toMatch(/--task <name>.*WF_TASK/);
    expect(parseRunTaskArgs(["a.ts", "--task", "A", "--bogus"], {}).problem).toMatch(/--bogus/);
  });

  it("has one flag, key and variable per option", () => {
    for (const field of ["flag", "key"] as const) expect(new Set(RUN_TASK_OPTIONS.map((o) => o[field])).size).toBe(RUN_TASK_OPTIONS.length);
    const envs = RUN_TASK_OPTIONS.flatMap((o) => (o.env ? [o.env] : []));
    expect(new Set(envs).size).toBe(envs.length);
  });
});

describe("compiledTwinPath", () => {
  it("is the module's compiled form beside it when `wf install` wrote one, else undefined", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "wfkit-twin-"));
    writeFileSync(path.join(dir, "etl.ts"), "");
    expect(compiledTwinPath("etl.ts", dir)).toBeUndefined();
    writeFileSync(path.join(dir, "etl.wfkit.mjs"), "");
    expect(compiledTwinPath("etl.ts", dir)).toBe(path.join(dir, "etl.wfkit.mjs"));
    // the compiled form itself has none
    expect(compiledTwinPath("etl.wfkit.mjs", dir)).toBeUndefined();
  });
});
