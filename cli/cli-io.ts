import { wantsColor } from "../src/util/colors.js";

/** Where the CLI writes: stdout for results, stderr for diagnostics. Swappable in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Colour on stdout. */
  color: boolean;
  /** stderr is a terminal: a person reads the errors (boxed with WF_LOG_EXCEPTION_FORMATTER=pretty/auto). */
  errTTY?: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The real terminal; colour as {@link wantsColor} says for stdout. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    color: wantsColor(process.stdout),
    errTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  };
}
