// `wf validate` is the one gate: what `wf export` or Airflow's import would refuse, it refuses
// first, each with a named issue: a dag id exported by two files, a cron expression Airflow
// cannot parse, a schedule on a workflow with a param that has no default.
import { describe, expect, it } from "vitest";
import { validateFiles } from "../../../build-utils/validate/index.js";

describe("validateFiles as the one gate", () => {
  it("names each problem that export or Airflow would meet later", async () => {
    const reports = await validateFiles(["test/fixtures/validate/gate-a.ts", "test/fixtures/validate/gate-b.ts"]);
    const issues = reports.flatMap((r) => r.workflows.flatMap((w) => w.issues.map((i) => `${r.file} ${w.exportName} [${i.code}] ${i.message}`)));
    expect(issues).toEqual([
      "test/fixtures/validate/gate-a.ts gate [duplicate-dag-id] dag id gate_1.0.0 is also exported by test/fixtures/validate/gate-b.ts (gateAgain); dag ids must be unique across the files exported together (Airflow keeps one DAG per id): change a version, category or detail",
      "test/fixtures/validate/gate-b.ts gateAgain [duplicate-dag-id] dag id gate_1.0.0 is also exported by test/fixtures/validate/gate-a.ts (gate); dag ids must be unique across the files exported together (Airflow keeps one DAG per id): change a version, category or detail",
      'test/fixtures/validate/gate-b.ts tuesdays [invalid-schedule] schedule "every tuesday" is not a cron expression: it needs five fields (minute hour day-of-month month day-of-week), like "0 6 * * 1-5"; or use a preset such as "@daily"',
      'test/fixtures/validate/gate-b.ts needsDay [schedule-needs-defaults] the workflow runs on schedule "@daily", but param "day" has no default, and a scheduled run has no conf to set it: give it a default (or .optional()), or set schedule: null',
    ]);
  });

  it("does not count one workflow reached through two inputs twice", async () => {
    const reports = await validateFiles(["test/fixtures/validate/gate-a.ts", "test/fixtures/validate/gate-a.ts"]);
    expect(reports.flatMap((r) => r.workflows.flatMap((w) => w.issues))).toEqual([]);
  });
});
