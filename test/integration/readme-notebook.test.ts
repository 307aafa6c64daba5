// The README's "Step through a workflow in Jupyter" commands, run as written, in a temp folder that
// mirrors this checkout (symlinks to package.json, dist, node_modules, examples, test) so that
// nothing lands in the clone. The only changes: the pinned Jupyter venv that the test setup built
// replaces `.jupyter/bin/` (so the venv and pip lines are left out), and since that venv is not the
// temp `.jupyter`, JUPYTER_PATH points Jupyter at the kernel the block registers there.
// `npm install --prefix .jupyter tslab@1.0.22` runs for real, from the npm registry.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { jupyterAvailability } from "../support/jupyter.js";
import { readmeShellBlock } from "../support/readme-block.js";
import { repoRoot } from "../support/wf-cli.js";

const found = jupyterAvailability();
const title = found.ok ? "README: Step through a workflow in Jupyter, followed literally" : `README: Step through a workflow in Jupyter (skipped: ${found.reason.split("\n")[0]})`;

describe.skipIf(!found.ok)(title, () => {
  it("installs the kernel, exports the example and runs its notebook headless", async () => {
    if (!found.ok) return;
    const block = await readmeShellBlock("## Step through a workflow in Jupyter", "**Try it**");
    const lines = block.split("\n");
    expect(lines.filter((l) => l.startsWith(".jupyter/bin/")).length).toBeGreaterThan(1);
    const script = lines
      .filter((l) => !l.startsWith("python3 -m venv") && !l.includes("pip install"))
      .map((l) => l.replaceAll(".jupyter/bin/", `${found.install.venv}/bin/`))
      .join("\n");
    const tmp = await mkdtemp(path.join(tmpdir(), "wfkit-readme-nb-"));
    try {
      for (const entry of ["package.json", "dist", "node_modules", "examples", "test", "templates"]) {
        await symlink(path.join(repoRoot, entry), path.join(tmp, entry));
      }
      const output = await new Promise<string>((resolve, reject) => {
        execFile(
          "bash",
          ["-euo", "pipefail", "-c", script],
          {
            cwd: tmp,
            maxBuffer: 64 * 1024 * 1024,
            timeout: 300_000,
            env: { ...process.env, JUPYTER_PATH: path.join(tmp, ".jupyter", "share", "jupyter"), PYTHONWARNINGS: "ignore", npm_config_ignore_scripts: "true" },
          },
          (error, out, err) => (error ? reject(new Error(`${error.message}\n${out.slice(-4000)}\n${err.slice(-4000)}`)) : resolve(`${out}\n${err}`)),
        );
      });
      expect(output).toContain("nb/csv_to_report_etl_orders_1.0.0.ipynb");
      const ran = JSON.parse(await readFile(path.join(tmp, "nb", "ran.ipynb"), "utf8")) as {
        cells: { cell_type: string; outputs?: { text?: string | string[] }[] }[];
      };
      const text = ran.cells.flatMap((c) => c.outputs ?? []).map((o) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""))).join("");
      expect(text).toContain("INFO  Extract extracted 6 orders");
      expect(text).toMatch(/✔ csv_to_report_etl_orders_1\.0\.0 {2}success {2}3 tasks in/);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }, 320_000);
});
