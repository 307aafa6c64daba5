import picocolors from "picocolors";

/**
 * ANSI painters that always paint. Whether to paint is decided by {@link wantsColor} for the
 * stream the text goes to; picocolors on its own looks only at stdout (and turns colour on
 * whenever `CI` is set), which is wrong for logs on stderr.
 */
export const colors = picocolors.createColors(true);

/**
 * Whether text for `stream` gets colour, by Node's own rule: FORCE_COLOR decides when set (`1`,
 * `2`, `3`, `true` or empty: colour, even off a terminal; anything else, `0` included: none,
 * NO_COLOR then ignored); otherwise colour only on a terminal, and never with NO_COLOR or
 * NODE_DISABLE_COLORS set or on a dumb terminal.
 */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env["FORCE_COLOR"];
  if (force !== undefined) return ["", "1", "2", "3", "true"].includes(force);
  return stream.isTTY === true && !("NO_COLOR" in env) && !("NODE_DISABLE_COLORS" in env) && env["TERM"] !== "dumb";
}
