import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
/** The built `wf` entry point (npm test builds it first). */
export const wfBin = `${repoRoot}dist/cli/bin.js`;

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
export function startWf(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<WfOutput>; stdout(): string; stderr(): string } {
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
  return { child, done, stdout: () => stdout, stderr: () => stderr };
}

/** Run `wf` to completion. */
export function wf(args: string[], env?: Record<string, string>): Promise<WfOutput> {
  return startWf(args, env).done;
}

/** A `wf` child whose output can be read while it runs. */
export interface Live {
  child: ChildProcess;
  done: Promise<WfOutput>;
  stdout(): string;
  stderr(): string;
  lines(): string[];
  /** Wait until `test` holds; fails if the process ends first or after `timeoutMs`. */
  waitFor(test: () => boolean, what: string, timeoutMs?: number): Promise<void>;
}

/** Start `wf` like `startWf`, with its output readable while it runs. */
export function startLive(args: string[], env: Record<string, string> = {}): Live {
  const started = startWf(args, env);
  const { child, stdout, stderr } = started;
  return {
    ...started,
    lines: () => stdout().split("\n").filter((line) => line !== ""),
    async waitFor(test, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!test()) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`wf ${args.join(" ")} exited (${child.exitCode ?? child.signalCode}) before ${what}:\n${stderr()}\n${stdout()}`);
        if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; stderr:\n${stderr()}\nstdout:\n${stdout()}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}
