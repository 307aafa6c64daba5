import { OutputPathError } from "./errors.js";

/** One file to write: a POSIX path relative to the output directory, and its content (text is written as UTF-8). */
export interface OutputFile {
  /** e.g. `"etl_1.0.0.py"` or `"dags/etl_1.0.0.py"`. */
  path: string;
  content: string | Uint8Array;
}

/**
 * Check every path before anything is written, and throw OutputPathError for the first bad
 * one: empty, absolute, with `\`, `.`/`..` or empty segments, duplicated (also when only the
 * case differs: those collide on macOS and Windows), or both a file and a directory.
 */
export function checkOutputFiles(files: readonly OutputFile[]): void {
  const byFolded = new Map<string, string>();
  for (const file of files) {
    const p: unknown = file.path;
    if (typeof p !== "string" || p === "") throw new OutputPathError(`an output file has no path; give each a relative path such as "etl_1.0.0.py"`);
    if (!(typeof file.content === "string" || file.content instanceof Uint8Array)) {
      throw new OutputPathError(`output file ${p}: content must be a string or a Uint8Array`);
    }
    if (p.includes("\\") || p.includes("\0")) throw new OutputPathError(`output path ${JSON.stringify(p)} holds "\\" or a NUL; use "/" between directories`);
    if (p.startsWith("/") || /^[A-Za-z]:/.test(p)) throw new OutputPathError(`output path ${p} is absolute; paths are relative to the output directory`);
    const segments = p.split("/");
    if (segments.includes("..")) throw new OutputPathError(`output path ${p} leaves the output directory ("..")`);
    if (segments.some((s) => s === "" || s === ".")) throw new OutputPathError(`output path ${p} has an empty or "." segment; write it as a/b/c`);
    const folded = p.toLowerCase();
    const twin = byFolded.get(folded);
    if (twin !== undefined) {
      throw new OutputPathError(
        twin === p ? `output path ${p} is given twice; each file must be written once` : `output paths ${twin} and ${p} differ only in case; they collide on case-insensitive file systems: rename one`,
      );
    }
    byFolded.set(folded, p);
  }
  for (const [folded, p] of byFolded) {
    const segments = folded.split("/");
    for (let i = 1; i < segments.length; i++) {
      const dir = byFolded.get(segments.slice(0, i).join("/"));
      if (dir !== undefined) throw new OutputPathError(`output path ${dir} is a file, but ${p} needs it to be a directory; rename one`);
    }
  }
}

/** The bytes to write for a file. */
export function outputBytes(file: OutputFile): Uint8Array {
  return typeof file.content === "string" ? Buffer.from(file.content, "utf8") : file.content;
}
