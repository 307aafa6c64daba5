import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
/** The built `wf` entry point (npm test builds it first). */
export const wfBin = `${repoRoot}dist/src/cli/bin.js`;

/** What a finished `wf` process printed and how it exited. */
export interface WfOutput {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** One temp WF_HOME for every `wf` this test process starts, so runs never land in the repo. */
const home = mkdtempSync(path.join(tmpdir(), "wfkit-cli-"));

/** Start `wf` with `args` in the repo root; `env` adds to a copy of this process's env. */
export function startWf(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<WfOutput> } {
  if (!existsSync(wfBin)) throw new Error(`${wfBin} is missing: run \`npm run build\` (npm test does it)`);
  const child = spawn(process.execPath, [wfBin, ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: "1", WF_LOG_FORMAT: "json", WF_HOME: home, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<WfOutput>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Run `wf` to completion. */
export function wf(args: string[], env?: Record<string, string>): Promise<WfOutput> {
  return startWf(args, env).done;
}
