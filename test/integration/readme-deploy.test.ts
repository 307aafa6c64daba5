// The README's "Deploy to Airflow" commands, run as written: the only changes are the pinned
// Airflow venv, which the test setup has built already (instead of creating .airflow-venv), and
// a temp folder instead of the clone for the files the commands create.
import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { airflowAvailability } from "../support/airflow.js";
import { readmeShellBlock } from "../support/readme-block.js";
import { repoRoot } from "../support/wf-cli.js";

const found = airflowAvailability(3);
const title = found.ok ? "README: Deploy to Airflow, followed literally" : `README: Deploy to Airflow (skipped: ${found.reason.split("\n")[0]})`;

describe.skipIf(!found.ok)(title, () => {
  it("exports, installs and runs the example DAG with `airflow dags test`", async () => {
    if (!found.ok) return;
    const block = await readmeShellBlock("## Deploy to Airflow", "**Try it in a local Airflow**");
    const lines = block.split("\n");
    expect(lines.filter((l) => l.includes(".airflow-venv")).length).toBeGreaterThan(2);
    const script = lines
      .filter((l) => !l.startsWith("python3 -m venv") && !l.includes("pip install"))
      .map((l) => l.replaceAll(".airflow-venv/bin/", `${found.install.venv}/bin/`).replaceAll('"$PWD/', '"$WF_README_TMP/'))
      .join("\n");
    const tmp = await mkdtemp(path.join(tmpdir(), "wfkit-readme-"));
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        "bash",
        ["-euo", "pipefail", "-c", script],
        {
          cwd: repoRoot,
          maxBuffer: 256 * 1024 * 1024,
          timeout: 400_000,
          // npm test built dist/ already; `npm pack`'s prepare would rebuild it under the other test files.
          env: { ...process.env, WF_README_TMP: tmp, npm_config_ignore_scripts: "true", PYTHONWARNINGS: "ignore" },
        },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${out.slice(-4000)}\n${err.slice(-4000)}`)) : resolve({ stdout: out, stderr: err })),
      );
    });
    const output = `${stdout}\n${stderr}`;
    expect(output).toContain("installed wfkit@");
    expect(output.match(/extracted 6 orders/g)?.length).toBe(2);
    expect(output).toContain("kept 4 of 6 orders");
    expect(output).toContain("kept 1 of 6 orders");
  }, 420_000);
});
