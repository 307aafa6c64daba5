import { describe, expect, it } from "vitest";
import { TaskBase, Workflow } from "wfkit";
import { runLocal } from "wfkit/local";
import { quietRun } from "../../support/quiet-run.js";

describe("smoke", () => {
  it("runs one task", async () => {
    const calls: string[] = [];
    class One extends TaskBase {
      run() {
        calls.push("run");
      }
    }
    const wf = new Workflow({ category: "smoke", version: "dev" }).addNode(One);
    const result = await runLocal(wf, quietRun().options);
    expect(result.status).toBe("success");
    expect(calls).toEqual(["run"]);
  });
});
