// The README's shell blocks that tests run as written.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { repoRoot } from "./wf-cli.js";

/** The first ```sh block after `marker` inside the README section headed `heading`. */
export async function readmeShellBlock(heading: string, marker: string): Promise<string> {
  const readme = await readFile(path.join(repoRoot, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf(heading));
  const start = section.indexOf("```sh\n", section.indexOf(marker));
  if (!section.startsWith(heading) || start < 0) throw new Error(`README.md has no sh block after "${marker}" under "${heading}"`);
  return section.slice(start + "```sh\n".length, section.indexOf("```", start + 5));
}

