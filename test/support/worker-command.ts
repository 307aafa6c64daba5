import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { WORKER_COMMAND } from "../../engines/airflow/index.js";
import { repoRoot, wfBin, type WfOutput } from "./wf-cli.js";

/**
 * Run the generated DAGs' worker command (bash) as a BashOperator does, against this repository
 * "installed" as the workflow package `wfkit@0.0.0-repo` under a temp install root (symlinks: its
 * `wf` is the built dist/cli/bin.js, the package is the repository, so `module` is a path in it).
 * `env` adds the WF_* variables a DAG sets (WF_TASK, WF_RUN_ID, WF_DAG_ID…).
 */
export function runWorkerCommand(module: string, env: Record<string, string>): { pid: () => number | undefined; done: Promise<WfOutput> } {
  const root = mkdtempSync(path.join(tmpdir(), "wfkit-worker-root-"));
  const dir = path.join(root, "wfkit", "0.0.0-repo", "node_modules");
  mkdirSync(path.join(dir, ".bin"), { recursive: true });
  symlinkSync(wfBin, path.join(dir, ".bin", "wf"));
  symlinkSync(repoRoot, path.join(dir, "wfkit"), "dir");
  const child = spawn("bash", ["-c", WORKER_COMMAND], {
    cwd: mkdtempSync(path.join(tmpdir(), "wfkit-worker-cwd-")),
    env: { ...process.env, NO_COLOR: "1", WF_LOG_FORMAT: "json", WF_INSTALL_ROOT: root, WF_PACKAGE: "wfkit", WF_PACKAGE_VERSION: "0.0.0-repo", WF_MODULE: module, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, as Airflow's SubprocessHook starts it (start_new_session): Airflow
    // signals the group.
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<WfOutput>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { pid: () => child.pid, done };
}
