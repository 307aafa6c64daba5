import { readFileSync } from "node:fs";

/** The 1-based line of the first line of `file` that contains `text`; throws when none does. */
export function lineOf(file: string, text: string): number {
  const index = readFileSync(file, "utf8").split("\n").findIndex((line) => line.includes(text));
  if (index === -1) throw new Error(`${file} has no line with ${JSON.stringify(text)}`);
  return index + 1;
}
