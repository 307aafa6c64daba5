import { closest, distance } from "fastest-levenshtein";

/**
 * The candidate closest to `input`, when it is close enough to be a plausible typo
 * (at most a third of the input's length away, case-insensitively), else undefined.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lowered = candidates.map((c) => c.toLowerCase());
  const match = closest(input.toLowerCase(), lowered);
  const limit = Math.max(1, Math.floor(input.length / 3));
  if (distance(input.toLowerCase(), match) > limit) return undefined;
  return candidates[lowered.indexOf(match)];
}

/** `' (did you mean "X"?)'` or an empty string. */
export function didYouMeanSuffix(input: string, candidates: readonly string[]): string {
  const match = didYouMean(input, candidates);
  return match === undefined ? "" : ` (did you mean "${match}"?)`;
}
