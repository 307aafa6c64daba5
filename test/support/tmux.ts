import { spawnSync } from "node:child_process";
import { repoRoot, wfBin } from "./wf-cli.js";

/** Whether tmux (Debian's package) is installed. */
export function tmuxAvailability(): { ok: true; version: string } | { ok: false; reason: string } {
  const probe = spawnSync("tmux", ["-V"], { encoding: "utf8" });
  if (probe.error) return { ok: false, reason: `tmux is not installed (apt-get install tmux): ${probe.error.message}` };
  return probe.status === 0 ? { ok: true, version: probe.stdout.trim() } : { ok: false, reason: `tmux -V exited ${probe.status}` };
}

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

let sessions = 0;

/** A `wf` command running in a detached tmux pane of a fixed size, on a tmux server of its own. */
export class TmuxWf {
  private readonly socket = `wfkit-test-${process.pid}-${++sessions}`;

  /**
   * Start `wf <args>` in a `width`×`height` pane. When it ends, the pane shows `[exit N]` and
   * stays, so its last screen can be captured. `env` adds to a copy of this process's
   * environment, without WF_*, NO_COLOR and FORCE_COLOR.
   */
  constructor(args: string[], env: Record<string, string>, width = 110, height = 45) {
    const vars = Object.entries({ TERM: "xterm-256color", ...env }).map(([k, v]) => `${k}=${v}`);
    const unset = Object.keys(process.env)
      .filter((k) => k.startsWith("WF_") || k === "NO_COLOR" || k === "FORCE_COLOR" || k === "CI")
      .flatMap((k) => ["-u", k]);
    const command = ["env", ...unset, ...vars, process.execPath, wfBin, ...args].map(quote).join(" ");
    const script = `cd ${quote(repoRoot)} && ${command}; echo "[exit $?]"; sleep 3600`;
    this.tmux(["new-session", "-d", "-s", "main", "-x", String(width), "-y", String(height), script]);
  }

  /** The pane's visible lines plus its scroll-back, trailing blanks removed. */
  capture(): string[] {
    const out = this.tmux(["capture-pane", "-p", "-t", "main", "-S", "-500"]);
    const lines = out.split("\n").map((l) => l.trimEnd());
    while (lines.length > 0 && lines.at(-1) === "") lines.pop();
    return lines;
  }

  /** Press keys in the pane, e.g. `C-c`. */
  sendKeys(keys: string): void {
    this.tmux(["send-keys", "-t", "main", keys]);
  }

  /** Capture the pane every 50 ms until `test` accepts a capture; throws after `timeoutMs`. */
  async waitFor(test: (lines: string[]) => boolean, what: string, timeoutMs = 20_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let lines: string[] = [];
    while (Date.now() < deadline) {
      lines = this.capture();
      if (test(lines)) return lines;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`tmux pane never showed ${what} within ${timeoutMs} ms; last capture:\n${lines.join("\n")}`);
  }

  /** Wait for the command to end; returns its exit code and the last screen. */
  async exit(timeoutMs = 60_000): Promise<{ code: number; lines: string[] }> {
    const lines = await this.waitFor((l) => l.some((line) => /^\[exit \d+\]$/.test(line)), "[exit N]", timeoutMs);
    const code = Number(/^\[exit (\d+)\]$/.exec(lines.find((line) => /^\[exit \d+\]$/.test(line))!)![1]);
    return { code, lines: lines.slice(0, lines.findIndex((line) => /^\[exit \d+\]$/.test(line))) };
  }

  kill(): void {
    spawnSync("tmux", ["-L", this.socket, "kill-server"], { stdio: "ignore" });
  }

  private tmux(args: string[]): string {
    const r = spawnSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed (exit ${r.status}): ${r.stderr}`);
    return r.stdout;
  }
}
