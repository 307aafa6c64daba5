import { spawn, spawnSync } from "node:child_process";
import { repoRoot, wfBin } from "./wf-cli.js";

/** Whether `script` (util-linux, Debian's bsdutils) can give a command a pseudo-terminal here. */
export function terminalAvailability(): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync("script", ["-qfec", "test -t 1 && test -t 2", "/dev/null"], { stdio: "ignore" });
  if (probe.error) return { ok: false, reason: `script(1) from util-linux is not installed: ${probe.error.message}` };
  return probe.status === 0 ? { ok: true } : { ok: false, reason: `script(1) gave no terminal (exit ${probe.status})` };
}

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Run `wf` with stdout and stderr on a pseudo-terminal, as a person at a terminal would, and
 * return what the terminal showed (CR LF turned into LF) and the exit code. `env` adds to a copy
 * of this process's environment, without NO_COLOR and the test defaults of `wf()`.
 */
export function wfInTerminal(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, wfBin, ...args].map(quote).join(" ");
  const base = { ...process.env };
  for (const key of Object.keys(base)) if (key.startsWith("WF_") || key === "NO_COLOR" || key === "FORCE_COLOR") delete base[key];
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    cwd: repoRoot,
    env: { ...base, TERM: "xterm-256color", COLUMNS: "100", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, output: output.replace(/\r\n/g, "\n") })));
}

/** `text` without ANSI colour and cursor codes. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
}
