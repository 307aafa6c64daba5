import { describe, expect, it } from "vitest";
import type { RunView } from "wfkit";
import { renderRun } from "../../../cli/render-runs.js";

const run: RunView = {
  dagId: "etl_orders_1.0.0",
  runId: "local-1",
  workflow: "etl_orders",
  version: "1.0.0",
  dagHash: "9f1c0e6ad3b4aa",
  engine: "local",
  status: "success",
  startedAt: "2026-12-04T10:00:00.000Z",
  endedAt: "2026-12-04T10:00:01.000Z",
  durationMs: 1000,
  params: {},
  tags: [],
  originalRunId: null,
  hosts: ["vm"],
  code: { package: null, wfkit: "0.1.0", node: "v20.20.2", git: null },
  tasks: [
    {
      task: "Extract",
      upstreams: [],
      status: "success",
      attempts: [{ attempt: 1, status: "success", startedAt: "2026-12-04T10:00:00.000Z", endedAt: "2026-12-04T10:00:00.500Z", durationMs: 500, host: "vm", pid: 1, retried: false }],
      catalog: [{ stage: "put", name: "orders", form: "json", location: "/h/orders/data", sha256: "1a2b3c4d5e6f7a8b9c", size: 1234, at: "2026-12-04T10:00:00.400Z", attempt: 1 }],
    },
    {
      task: "Load",
      upstreams: ["Extract"],
      status: "success",
      attempts: [{ attempt: 1, status: "success", startedAt: "2026-12-04T10:00:00.500Z", endedAt: "2026-12-04T10:00:01.000Z", durationMs: 500, host: "vm", pid: 1, retried: false }],
      catalog: [
        { stage: "get", name: "orders", form: "json", location: "/h/orders/data", sha256: "1a2b3c4d5e6f7a8b9c", size: 1234, at: "2026-12-04T10:00:00.600Z", attempt: 1 },
        { stage: "put", name: "report", form: "file", location: "/h/report/data", sha256: "ffeeddccbbaa998877", size: 15, at: "2026-12-04T10:00:00.900Z", attempt: 1 },
      ],
    },
  ],
};

describe("renderRun", () => {
  it("lists what the tasks put in the run's catalog and got from it, under the timeline", () => {
    const text = renderRun(run, false);
    expect(text.split("\n").slice(-6)).toEqual([
      "",
      "  catalog:",
      "    Extract  put  orders  json  1.2 KB  sha256 1a2b3c4d5e6f",
      "    Load     get  orders  json  1.2 KB  sha256 1a2b3c4d5e6f",
      "    Load     put  report  file  15 B    sha256 ffeeddccbbaa",
      "",
    ]);
  });

  it("shows no catalog section for a run whose tasks used none", () => {
    expect(renderRun({ ...run, tasks: run.tasks.map((t) => ({ ...t, catalog: [] })) }, false)).not.toContain("catalog:");
  });
});
