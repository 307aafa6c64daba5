import { wantsColor } from "../util/colors.js";

/** Where the CLI writes: stdout for results, stderr for diagnostics. Swappable in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Colour on stdout. */
  color: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The real terminal; colour as {@link wantsColor} says for stdout. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    color: wantsColor(process.stdout),
    env: process.env,
    cwd: process.cwd(),
  };
}
