import type * as z from "zod";
import { didYouMeanSuffix } from "./did-you-mean.js";

/**
 * One readable line per problem of an options object that failed its zod schema: an unknown
 * key gets "did you mean …" from the `known` option names; others name their path.
 */
export function optionProblems(error: z.ZodError, known: readonly string[]): string[] {
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => `${key}: unknown option${didYouMeanSuffix(key, known)}`)
      : [`${issue.path.join(".") || "(options)"}: ${issue.message}`],
  );
}
