// The workflow runs in this process, as in production, with its tasks' real lifecycle.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runLocal } from "wfkit/local";
import { hello } from "../src/workflows/hello.js";

describe("hello", () => {
  it("greets whom the params name", async () => {
    const result = await runLocal(hello, {
      params: { who: "tests" },
      // Run folders go to a temp dir, not into the project.
      home: mkdtempSync(path.join(tmpdir(), "hello-")),
    });
    expect(result.status).toBe("success");
    expect(result.tasks.map((t) => t.status)).toEqual(["success"]);
  });
});
