import picocolors from "picocolors";

/**
 * ANSI painters that always paint. Whether to paint is decided by {@link wantsColor} for the
 * stream the text goes to; picocolors on its own looks only at stdout (and turns colour on
 * whenever `CI` is set), which is wrong for logs on stderr.
 */
export const colors = picocolors.createColors(true);

/** Colour only on a terminal, never with NO_COLOR set or on a dumb terminal. */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !("NO_COLOR" in env) && env["TERM"] !== "dumb";
}
