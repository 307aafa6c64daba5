import { closest, distance } from "fastest-levenshtein";

/**
 * The candidate closest to `input`, when it is close enough to be a plausible typo
 * (case-insensitively at most 2 edits away, or a third of its length for long input; 1 edit
 * for input under 4 characters), or the only candidate
 * that starts with it (`retryDelay` → `retryDelaySeconds`); else undefined.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0 || input === "") return undefined;
  const lowered = candidates.map((c) => c.toLowerCase());
  const prefixed = input.length >= 3 ? candidates.filter((_, i) => lowered[i]!.startsWith(input.toLowerCase())) : [];
  const match = closest(input.toLowerCase(), lowered);
  // Levenshtein counts a swap of two letters ("Laod") as 2 edits, so names of 4+ letters get 2.
  const limit = input.length < 4 ? 1 : Math.max(2, Math.floor(input.length / 3));
  if (distance(input.toLowerCase(), match) > limit) return prefixed.length === 1 ? prefixed[0] : undefined;
  return candidates[lowered.indexOf(match)];
}

/** `' (did you mean "X"?)'` or an empty string. */
export function didYouMeanSuffix(input: string, candidates: readonly string[]): string {
  const match = didYouMean(input, candidates);
  return match === undefined ? "" : ` (did you mean "${match}"?)`;
}
