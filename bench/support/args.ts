/**
 * The whole number after `flag` on the command line (`--runs 9`), else `fallback`; never below
 * `min`, so that a median stays meaningful.
 */
export function countArg(argv: readonly string[], flag: string, fallback: number, min: number): number {
  const at = argv.indexOf(flag);
  const given = at >= 0 ? Number.parseInt(argv[at + 1] ?? "", 10) : Number.NaN;
  return Math.max(min, Number.isNaN(given) || given <= 0 ? fallback : given);
}

/** The word after `flag` on the command line (`--only wfkit`), else undefined. */
export function stringArg(argv: readonly string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : undefined;
}
