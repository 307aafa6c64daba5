import pc from "picocolors";

/** Where the CLI writes: stdout for results, stderr for diagnostics. Swappable in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Colour on stdout. */
  color: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The real terminal. Colour only on a TTY, never with NO_COLOR. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    color: process.stdout.isTTY === true && !("NO_COLOR" in process.env) && pc.isColorSupported,
    env: process.env,
    cwd: process.cwd(),
  };
}
