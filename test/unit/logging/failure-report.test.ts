import { readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Workflow } from "wfkit";
import { createLogger, type LoggerOptions } from "wfkit/engine";
import { RUN_LOG_FILE } from "../../../src/run/open-run-context.js";
import { runLocal } from "wfkit/local";
import { failing, Load } from "../../fixtures/workflows/failing.js";

const fixture = fileURLToPath(new URL("../../fixtures/workflows/failing.ts", import.meta.url));
const fixtureLines = readFileSync(fixture, "utf8").split("\n");
const throwsLine = fixtureLines.findIndex((l) => l.includes("// THROWS")) + 1;
const relFixture = path.relative(process.cwd(), fixture);

async function runFailing(options: LoggerOptions, workflow: Workflow = failing) {
  const output: string[] = [];
  const logger = createLogger({ level: "info", ...options, destination: (l) => output.push(l) });
  const result = await runLocal(workflow, { logger, home: mkdtempSync(path.join(tmpdir(), "wfkit-fail-")), env: {}, retryDelaySeconds: 0 });
  const text = output.join("\n");
  return { result, text, runLog: readFileSync(path.join(result.runDir, RUN_LOG_FILE), "utf8") };
}

/** A path as reports show it: relative inside the current directory, else absolute. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

/** How often the error's stack shows up: its frame (file:line:column) is the tell. */
function stackCount(text: string): number {
  return text.split(`failing.ts:${throwsLine}:`).length - 1;
}

describe("a failed task is reported once, at the end of its lifecycle", () => {
  it("on a terminal: a few lines with task, workflow, error, root cause, file:line and the run log; the stack only in the run log", async () => {
    const { result, text, runLog } = await runFailing({ format: "pretty", interactive: true, exceptionFormatter: "plain" });
    expect(result.tasks[1]!.error).toBeInstanceOf(Error);
    expect((result.tasks[1]!.error as Error).message).toBe("could not load the report into the warehouse");
    const report = text.slice(text.indexOf("✖ Load failed"));
    expect(report.split("\n").slice(0, 6)).toEqual([
      `✖ Load failed · tests_failing_1.0.0 · attempt 1`,
      "  Error: could not load the report into the warehouse",
      "  root cause: DriverError: connect ECONNREFUSED 127.0.0.1:5999",
      `  at ${relFixture}:${throwsLine} in Load.run`,
      expect.stringMatching(/^ {2}external error: a service outside wfkit/),
      `  full log and stack: ${shown(path.join(result.runDir, RUN_LOG_FILE))}`,
    ]);
    expect(stackCount(text)).toBe(0);
    expect(stackCount(runLog)).toBe(1);
    expect(runLog).toContain("[cause]: DriverError: connect ECONNREFUSED 127.0.0.1:5999");
    expect(runLog).toMatch(/INFO {2}Extract extracted workflow=tests_failing version=1\.0\.0 .* rows=3/);
  });

  it("pretty exception formatter: the same lines in a box", async () => {
    const { text } = await runFailing({ format: "pretty", interactive: true, exceptionFormatter: "pretty" });
    expect(text).toMatch(/╭─+ {2}✖ Load failed · tests_failing_1\.0\.0 · attempt 1 {2}─+╮/);
    expect(text).toMatch(/│ ?root cause: DriverError: connect ECONNREFUSED 127\.0\.0\.1:5999 *│/);
    expect(text).toContain(`at ${relFixture}:${throwsLine} in Load.run`);
    expect(text).toMatch(/╰─+╯/);
  });

  it("off a terminal, JSON: one error line that holds the full stack, once", async () => {
    const { text } = await runFailing({ format: "json" });
    const lines = text.split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const failure = lines.find((l) => l["level"] === "error")!;
    expect(failure).toMatchObject({
      logger: "Load",
      task: "Load",
      message: "task failed: Error: could not load the report into the warehouse",
      error: "Error: could not load the report into the warehouse",
      root_cause: "DriverError: connect ECONNREFUSED 127.0.0.1:5999",
      thrown_at: `${relFixture}:${throwsLine}`,
      resolvable_by: "external",
    });
    expect(String(failure["stack"])).toContain("[cause]: DriverError");
    expect(stackCount(text)).toBe(1);
  });

  it("off a terminal, pretty: the error line, then the full stack under it, once", async () => {
    const { text } = await runFailing({ format: "pretty" });
    expect(text).toMatch(/ERROR Load task failed: Error: could not load the report into the warehouse .*thrown_at=/);
    expect(stackCount(text)).toBe(1);
  });

  it("a retry is one warning line; its stack goes to the run log", async () => {
    class RetriedLoad extends Load {
      static override retries = 1;
    }
    const retried = new Workflow({ category: "tests", detail: "retried", version: "1.0.0" });
    retried.addNode(RetriedLoad);
    const { text, runLog } = await runFailing({ format: "pretty", interactive: true }, retried);
    expect(text).toMatch(/WARN {2}RetriedLoad attempt 1 failed, retrying in 0 s: Error: could not load the report into the warehouse thrown_at=/);
    expect(text).toContain("✖ RetriedLoad failed · tests_retried_1.0.0 · attempt 2");
    expect(stackCount(text)).toBe(0);
    expect(stackCount(runLog)).toBe(2);
  });
});
